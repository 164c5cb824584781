"""E-mail channel tables: the support address, Message-IDs of each thread, outbound deliveries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

DELIVERY_STATUSES = ("pending", "sent", "failed", "unsent")  # unsent: no SMTP configured
DIRECTIONS = ("in", "out")


class EmailSettings(TimestampMixin, Base):
    """One support address per workspace: where customers write, and our replies' From."""

    __tablename__ = "email_settings"

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), primary_key=True)
    support_address: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str | None] = mapped_column(String(120), nullable=True)


class EmailMessageId(IdMixin, TimestampMixin, Base):
    """A Message-ID we received or sent, and the conversation and message it belongs to."""

    __tablename__ = "email_message_ids"
    __table_args__ = (
        UniqueConstraint("workspace_id", "header_id"),
        Index("ix_email_message_ids_conversation", "conversation_id", "created_at"),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    header_id: Mapped[str] = mapped_column(String(500))  # the Message-ID, without <>
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(3))  # one of DIRECTIONS
    subject: Mapped[str] = mapped_column(String(300), default="")


class EmailDelivery(IdMixin, TimestampMixin, Base):
    """The SMTP delivery of one agent reply: the reply is stored; this says if it went out."""

    __tablename__ = "email_deliveries"
    __table_args__ = (Index("ix_email_deliveries_status", "workspace_id", "status"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    message_id: Mapped[str] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), unique=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    header_id: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
