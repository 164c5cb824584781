"""API shapes of callbacks: an attempt's outcome in, the callback's state out."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Outcome = Literal["reached", "no_answer", "busy", "voicemail", "wrong_number", "cancelled"]
CallbackStatus = Literal["pending", "done", "failed", "cancelled"]


class OutcomeIn(BaseModel):
    outcome: Outcome
    note: str | None = Field(default=None, max_length=2000)


class CallbackOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    conversation_id: str
    phone: str = Field(description="the number to call, E.164")
    status: CallbackStatus = Field(
        description="pending until an outcome ends it: done (reached), failed (wrong number, "
        "or no answer three times), cancelled (by the agent, or closed without an outcome)"
    )
    attempts: int
    last_outcome: Outcome | None = Field(description="the last attempt's outcome, if any")
    preferred_at: datetime | None = Field(description="when the customer asked to be called")
    due_at: datetime = Field(
        description="call by then (the SLA); after a retried attempt, the next try's deadline"
    )


class CallbackList(BaseModel):
    items: list[CallbackOut]
