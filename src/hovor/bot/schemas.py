"""API shapes of the bot."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from hovor.bot.flows import FlowIn

DEFAULT_THRESHOLD = 0.75  # the knowledge bench's choice for <= 5 % confident wrong answers


class BotConfigIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    name: str = Field(default="Bot", min_length=1, max_length=60)
    threshold: float = Field(
        default=DEFAULT_THRESHOLD,
        ge=0,
        le=1,
        description="answer from the help center when its best hit scores at least this",
    )
    flows: list[FlowIn] = Field(default_factory=list)


class BotConfigOut(BaseModel):
    scope: str = Field(description="'webchat', or the id of an inbox")
    enabled: bool
    name: str
    threshold: float
    flows: list[FlowIn]


class BotSessionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    status: str = Field(description="active, awaiting_phone (offered a callback), handed_off")
    failures: int
    flow: str | None
    step: str | None
    collected: dict[str, str]
    handoff_reason: str | None = Field(description="why the bot handed off, for the agent")
    created_at: datetime


class SuggestionOut(BaseModel):
    article_id: str
    title: str
    language: str
    url: str = Field(description="the article on the public help center")
    snippet: str
    score: float = Field(description="0..1, as the help-center search scores it")
    text: str = Field(description="the article as plain text, at most a message's length")
