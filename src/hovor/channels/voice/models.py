"""Callback requests: a visitor asked to be called back on a phone number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core.personal_data import (
    Blank,
    ByParent,
    Delete,
    Export,
    NoPersonalData,
    PersonalData,
    declared,
)
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

CALLBACK_STATUSES = ("pending", "done", "failed", "cancelled")


class CallbackRequest(IdMixin, TimestampMixin, Base):
    __tablename__ = "callback_requests"
    __table_args__ = (
        Index("ix_callback_requests_due", "workspace_id", "status", "due_at"),
        declared(
            PersonalData(
                reach=(ByParent("conversation_id", "conversations"),),
                export=Export("callback_requests"),
                anonymise=Blank({"phone": "", "context": {}}),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    phone: Mapped[str] = mapped_column(String(32))  # E.164
    preferred_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the SLA: call by then
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


CALL_STATUSES = ("requested", "ringing", "answered", "ended")
CALL_DIRECTIONS = ("inbound", "outbound")


class Call(IdMixin, TimestampMixin, Base):
    """One phone call through a telephony connector (docs/telephony.md): a click to call
    (outbound, from a callback) or a call to the company number (inbound)."""

    __tablename__ = "calls"
    __table_args__ = (
        # A provider's call id names one call of the workspace: repeated callbacks find it.
        Index("uq_calls_provider_call", "workspace_id", "provider_call_id", unique=True),
        declared(
            PersonalData(
                reach=(ByParent("conversation_id", "conversations"),),
                export=Export("calls"),
                anonymise=Blank({"from_number": "", "to_number": "", "recording_url": None}),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    inbox_id: Mapped[str | None] = mapped_column(
        ForeignKey("inboxes.id", ondelete="SET NULL"), nullable=True
    )
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[str] = mapped_column(String(26))
    agent_id: Mapped[str | None] = mapped_column(String(26), nullable=True)
    direction: Mapped[str] = mapped_column(String(8))  # inbound | outbound
    from_number: Mapped[str] = mapped_column(String(32))  # E.164
    to_number: Mapped[str] = mapped_column(String(32))  # E.164
    status: Mapped[str] = mapped_column(String(16), default="requested")
    # Set when it ends: reached, no_answer, busy, voicemail, wrong_number, missed,
    # agent_unreachable (the agent's own phone did not answer a click to call).
    outcome: Mapped[str | None] = mapped_column(String(24), nullable=True)
    provider_call_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    duration_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recording_url: Mapped[str | None] = mapped_column(String(500), nullable=True)


class AgentPhone(IdMixin, TimestampMixin, Base):
    """The number a click to call rings first: the agent's own phone (their profile)."""

    __tablename__ = "agent_phones"
    __table_args__ = (
        Index("uq_agent_phones_user", "workspace_id", "user_id", unique=True),
        declared(NoPersonalData("an agent's work number, not a customer's; goes with the user")),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(32))  # E.164
