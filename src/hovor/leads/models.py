"""Tables of the leads context: leads, a workspace's CRM webhook and its deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core import clock
from hovor.core.personal_data import (
    Blank,
    ByContact,
    ByParent,
    ByVisitor,
    Delete,
    Export,
    PersonalData,
    declared,
)
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

LEAD_STATUSES = ("new", "contacted", "qualified", "won", "lost")
OPEN_STATUSES = ("new", "contacted", "qualified")
LEAD_SOURCES = ("callback", "offer_form", "chat_form", "bot", "form")


class Lead(IdMixin, TimestampMixin, Base):
    """A visitor who left contact details, with the visit that brought them.

    One open lead per visitor: leaving details again (another form, a callback) adds to it
    rather than starting a second one; a won or lost lead is history, and new details start
    a new lead.
    """

    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_workspace_created", "workspace_id", "created_at"),
        Index("ix_leads_visitor", "workspace_id", "visitor_id"),
        Index("ix_leads_status", "workspace_id", "status"),
        declared(
            PersonalData(
                reach=(ByContact("contact_id"), ByVisitor("visitor_id")),
                export=Export("leads"),
                anonymise=Blank(
                    {
                        "name": None,
                        "email": None,
                        "phone": None,
                        "message": None,
                        "referrer": None,
                        "landing_url": None,
                        "pages": [],
                    }
                ),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    visitor_id: Mapped[str] = mapped_column(String(64))
    contact_id: Mapped[str | None] = mapped_column(String(26), nullable=True)
    source: Mapped[str] = mapped_column(String(16))  # LEAD_SOURCES
    status: Mapped[str] = mapped_column(String(16), default="new")  # LEAD_STATUSES
    owner_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)  # E.164
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    referrer: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    landing_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    utm_source: Mapped[str | None] = mapped_column(String(200), nullable=True)
    utm_medium: Mapped[str | None] = mapped_column(String(200), nullable=True)
    utm_campaign: Mapped[str | None] = mapped_column(String(200), nullable=True)
    pages: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    cart: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class LeadWebhook(IdMixin, TimestampMixin, Base):
    """Where a workspace's leads go (its CRM), and the secret their signature uses."""

    __tablename__ = "lead_webhooks"

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), unique=True)
    url: Mapped[str] = mapped_column(String(2048))
    secret: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # After a rotation calls are signed with both secrets until ``previous_until``, so the
    # CRM may switch to the new one at any time in between (Standard Webhooks allows several
    # signatures in one header for this).
    previous_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    previous_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class LeadDelivery(IdMixin, TimestampMixin, Base):
    """One signed call to the CRM webhook, written with the lead change it reports.

    Sent like the outbox's deliveries (same back-off and claim lease); ``id`` is the
    idempotency key the CRM sees on every attempt (``X-Hovor-Delivery``).
    """

    __tablename__ = "lead_deliveries"
    __table_args__ = (
        Index("ix_lead_deliveries_due", "status", "next_attempt_at"),
        declared(
            PersonalData(
                reach=(ByParent("lead_id", "leads"),),
                export=Export("lead_deliveries"),
                anonymise=Blank({"payload": {}, "last_error": None}),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
