"""One conversation model for every channel; messages belong to a conversation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core import clock
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

STATUSES = ("open", "closed")
AUTHOR_TYPES = ("visitor", "agent", "system")


class Conversation(IdMixin, TimestampMixin, Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_inbox", "workspace_id", "status", "last_activity_at"),
        Index("ix_conversations_source", "workspace_id", "channel", "source_id"),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    # The contact's address on the channel (a visitor id for web chat, later an e-mail thread...)
    source_id: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16), default="open")
    assignee_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    agent_last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Message(IdMixin, TimestampMixin, Base):
    __tablename__ = "messages"
    __table_args__ = (
        # Idempotency: an author's client id names one message, however often it is resent.
        UniqueConstraint("workspace_id", "author_id", "client_id"),
        Index("ix_messages_conversation", "conversation_id", "created_at"),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    author_type: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    author_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # A private note: for the team only, never sent to or shown to the customer.
    private: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
