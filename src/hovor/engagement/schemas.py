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


class FiringOut(BaseModel):
    visitor_id: str
    session_id: str | None
    at: datetime
    text: str


class BacktestOut(BaseModel):
    days: int
    events_scanned: int
    visitors_scanned: int
    sessions_scanned: int
    fired: int
    visitors_fired: int
    blocked_by_guards: int
    per_day: dict[str, int] = Field(description="firings per UTC day (YYYY-MM-DD), all of them")
    firings: list[FiringOut] = Field(description="the first 50 firings")


class OfferOut(BaseModel):
    id: str
    visitor_id: str
    session_id: str | None
    rule_key: str | None
    rule_version: int | None
    invited_by: str | None
    kind: Literal["chat", "callback", "cobrowse", "message"]
    text: str
    status: Literal["offered", "shown", "accepted", "declined", "expired", "held_out"]
    created_at: datetime
    conversation_id: str | None


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
    referrer: str | None = Field(default=None, description="the page that sent this visit")
    landing_url: str | None = Field(default=None, description="the visit's first page")
    utm: dict[str, str] = Field(
        default_factory=dict, description="the landing page's UTM tags: source, medium, campaign…"
    )
    offers: list[OfferOut] = Field(description="offers made in this visit")


class InviteIn(BaseModel):
    kind: Literal["chat", "callback", "cobrowse", "message"] = "chat"
    text: str = Field(min_length=1, max_length=500)


class CardPage(BaseModel):
    url: str
    title: str | None = Field(description="the page's title when it was tracked")


class CardItem(BaseModel):
    id: str
    name: str
    quantity: int
    price: float
    price_text: str = Field(description="the price in the shop's currency, e.g. '189 Kč'")


class CardFact(BaseModel):
    name: str = Field(description="the fact's name in the rule")
    label: str = Field(description="the name for people: 'Payment switches'")
    value: Any = Field(description="the value when the offer was made")
    text: str = Field(description="the value written for the agent (amounts with currency)")


class OfferCardOut(BaseModel):
    """Why the visitor was offered help and what they were doing: the desktop's card."""

    rule_key: str | None
    rule_name: str | None
    rule_version: int | None
    invited_by: str | None
    facts: list[CardFact] = Field(description="the rule's facts, the reason it fired")
    page: CardPage | None
    recent_pages: list[CardPage] = Field(description="oldest first")
    cart: list[CardItem]
    cart_value: float
    cart_value_text: str
    currency: str | None = Field(description="ISO 4217, from the visitor's tracked events")
    locale: str | None = Field(description="the visitor's language when tracked (BCP 47)")
    device: str | None
    returning: bool | None


class ConversationOfferOut(BaseModel):
    """An accepted offer that opened (or joined) a conversation, with its context card."""

    id: str
    kind: Literal["chat", "callback", "cobrowse", "message"]
    text: str
    decided_at: datetime | None
    note_id: str | None = Field(
        description="the system note carrying the same context as text, when known"
    )
    card: OfferCardOut
