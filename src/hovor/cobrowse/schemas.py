"""API shapes of co-browsing."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SessionStatus = Literal["consented", "requested", "active", "declined", "ended"]
ControlState = Literal["none", "requested", "granted"]
EndedBy = Literal["visitor", "agent", "system"]


class CobrowseSessionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    conversation_id: str
    visitor_id: str
    agent_id: str | None
    agent_name: str
    status: SessionStatus
    control: ControlState
    recorded: bool = Field(description="the relayed page is stored (the workspace records)")
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    ended_by: EndedBy | None
    end_reason: str | None


class CobrowseSettingsOut(BaseModel):
    enabled: bool = Field(description="agents may ask visitors to co-browse")
    record: bool = Field(description="co-browse sessions are stored, for retention_days")
    retention_days: int


class CobrowseSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool
    record: bool
    retention_days: int = Field(ge=1, le=365)


class ControlIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: bool = Field(description="true asks the visitor to allow control; false gives it back")


class RecordingOut(BaseModel):
    session: CobrowseSessionOut
    events: list[dict[str, Any]] = Field(description="rrweb events in order, for a replayer")
