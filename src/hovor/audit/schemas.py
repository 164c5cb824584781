"""API shapes of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    created_at: datetime
    actor_id: str
    actor_name: str
    actor_email: str
    via: Literal["session", "token"]
    token_id: str | None
    token_name: str | None
    method: str
    route: str
    target: dict[str, str]
    summary: str
    status: int
    address: str
    request_id: str


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None
