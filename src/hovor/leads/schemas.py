"""API shapes of leads."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["new", "contacted", "qualified", "won", "lost"]
Source = Literal["callback", "offer_form", "chat_form", "bot", "form"]


class LeadOut(BaseModel):
    id: str
    visitor_id: str
    contact_id: str | None
    source: Source
    status: Status
    owner_id: str | None
    name: str | None
    email: str | None
    phone: str | None
    message: str | None
    referrer: str | None
    landing_url: str | None
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    pages: list[dict[str, Any]]
    cart: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class LeadPage(BaseModel):
    items: list[LeadOut]
    next_cursor: str | None


class LeadPatch(BaseModel):
    """Only the fields sent change; ``owner_id: null`` leaves the lead with nobody."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    owner_id: str | None = Field(default=None, max_length=26)


class VisitorLeadIn(BaseModel):
    """Details a visitor leaves on the website (the site's form, the widget's pre-chat form)."""

    model_config = ConfigDict(extra="forbid")

    source: Literal["offer_form", "chat_form", "bot", "form"] = "form"
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    message: str | None = Field(default=None, max_length=2000)


class VisitorLeadAck(BaseModel):
    received: bool


class LeadWebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2048)
    enabled: bool = True
    rotate_secret: bool = False
    rotate_grace_hours: int = Field(
        default=24,
        ge=0,
        le=168,
        description="with rotate_secret: hours during which calls carry the replaced secret's "
        "signature too; 0 (a leaked secret): none",
    )


class LeadWebhookOut(BaseModel):
    url: str
    enabled: bool
    secret: str  # the whsec_ secret the CRM verifies signatures with (admins only)
    previous_secret_until: datetime | None = Field(
        description="until when calls are signed with the previous secret too; null: they are not"
    )


class LeadDeliveryOut(BaseModel):
    id: str
    lead_id: str
    event: str
    status: Literal["pending", "sending", "sent", "failed"]
    attempts: int
    response_status: int | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
