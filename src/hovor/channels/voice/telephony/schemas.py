"""API shapes of calls, the agent's phone, and the live frame on the agents' socket."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hovor.core.frames import ServerFrame

CallStatus = Literal["requested", "ringing", "answered", "ended"]
CallOutcome = Literal[
    "reached", "no_answer", "busy", "voicemail", "wrong_number", "missed", "agent_unreachable"
]


class CallOut(BaseModel):
    """A phone call: a click to call (outbound) or a call to the company number (inbound)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    conversation_id: str
    contact_id: str
    agent_id: str | None = Field(description="the agent on the call, once known")
    direction: Literal["inbound", "outbound"]
    from_number: str = Field(description="E.164; masked for agents when the inbox says so")
    to_number: str = Field(description="E.164; masked for agents when the inbox says so")
    status: CallStatus
    outcome: CallOutcome | None = Field(description="set when the call ends")
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int | None
    recording_url: str | None = Field(description="when the provider recorded the call")


class CallList(BaseModel):
    items: list[CallOut]


class CallIn(BaseModel):
    phone: str | None = Field(
        default=None,
        max_length=32,
        description="one of the contact's numbers; default: the callback's number",
    )
    inbox_id: str | None = Field(
        default=None,
        max_length=26,
        description="the telephony inbox; default: the line the customer last called on, "
        "else the first",
    )


class AgentPhoneIn(BaseModel):
    phone: str = Field(min_length=3, max_length=32, description="your phone, +420…")


class AgentPhoneOut(BaseModel):
    phone: str | None = Field(description="E.164; the phone a click to call rings first")


class CallUpdatedFrame(ServerFrame):
    """A call started, rang, was answered or ended (with its outcome and duration)."""

    type: Literal["call.updated"] = "call.updated"
    call: CallOut
