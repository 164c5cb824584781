"""API shapes of canned responses."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from hovor.conversations.schemas import MAX_BODY


class CannedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=120, examples=["Return policy"])
    shortcut: str = Field(
        min_length=1,
        max_length=33,
        description="typed after '/' in the composer: a-z, digits, '-', '_'",
        examples=["vraceni"],
    )
    body: str = Field(
        min_length=1,
        max_length=MAX_BODY,
        description="the text; may hold variables such as {{contact.first_name}}",
    )


class CannedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    shortcut: str
    body: str
    created_at: datetime
    updated_at: datetime


class VariableOut(BaseModel):
    name: str = Field(examples=["contact.first_name"])
    description: str


class RenderedOut(BaseModel):
    text: str = Field(description="the body with every variable filled in")
    missing: list[str] = Field(
        description="variables with no value in this conversation, rendered as empty text"
    )
