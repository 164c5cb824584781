"""API shapes of the engagement context."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class RuleOut(BaseModel):
    key: str
    version: int
    enabled: bool
    updated_at: datetime
    data: dict[str, Any] = Field(description="the rule as data, as in force now")


class RuleVersionOut(BaseModel):
    version: int
    created_at: datetime
    author_id: str | None
    author_name: str | None
    note: str | None
    data: dict[str, Any]


class RuleChangeIn(BaseModel):
    data: dict[str, Any]
    note: str | None = Field(default=None, max_length=500)


class RuleEnabledIn(BaseModel):
    enabled: bool


class TemplateOut(BaseModel):
    key: str
    title: str
    description: str
    params_schema: dict[str, Any]


class TemplateBuildIn(BaseModel):
    params: dict[str, Any]


class BacktestIn(BaseModel):
    data: dict[str, Any]
    days: int = Field(default=7, ge=1, le=90)


class BacktestOut(BaseModel):
    days: int
    events_scanned: int
    visitors_scanned: int
    sessions_scanned: int
    fired: int
    visitors_fired: int
    blocked_by_guards: int
    firings: list[dict[str, Any]]


class LiveVisitorOut(BaseModel):
    visitor_id: str
    returning: bool
    device: str
    browser: str | None
    page_url: str | None
    page_title: str | None
    session_started_at: datetime | None
    page_views: int
    cart_value: float
    cart_items: int
    offers: list[dict[str, Any]] = Field(description="offers made in this visit")


class InviteIn(BaseModel):
    kind: Literal["chat", "callback", "cobrowse", "message"] = "chat"
    text: str = Field(min_length=1, max_length=500)
