"""API shapes of CSAT."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(description="1 (bad) to 5 (great)", examples=[5])
    comment: str | None = Field(default=None, description="at most 2000 characters")


class RatingStateOut(BaseModel):
    """What the widget's card needs: whether the link was used, and the rating if so."""

    rated: bool
    score: int | None


class SurveyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    conversation_id: str
    contact_id: str
    agent_id: str | None = Field(description="who handled the conversation when it closed")
    channel: str
    score: int | None = Field(description="null until the customer rates")
    comment: str | None
    rated_at: datetime | None
    created_at: datetime = Field(description="when the customer was asked")


class SummaryOut(BaseModel):
    asked: int
    rated: int
    average: float | None = Field(description="mean score of the rated ones; null when none")
