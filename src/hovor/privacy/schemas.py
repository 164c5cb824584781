"""API shapes of the privacy context: erase requests and their audit rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class EraseIn(BaseModel):
    mode: Literal["anonymise", "delete"]
    reason: str = Field(
        min_length=1,
        max_length=500,
        description="why (e.g. a ticket number); stored in the audit, so no personal data",
    )


class PrivacyRequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    contact_id: str
    actor: str
    mode: Literal["export", "anonymise", "delete"]
    reason: str
    counts: dict[str, Any] = Field(description="rows changed or deleted, per table")
    created_at: datetime


class PrivacyRequestPage(BaseModel):
    items: list[PrivacyRequestOut]
    total: int
