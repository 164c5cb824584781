"""Callback requests: a visitor asked to be called back on a phone number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

CALLBACK_STATUSES = ("pending", "done", "failed", "cancelled")


class CallbackRequest(IdMixin, TimestampMixin, Base):
    __tablename__ = "callback_requests"
    __table_args__ = (Index("ix_callback_requests_due", "workspace_id", "status", "due_at"),)

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
