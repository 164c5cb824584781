"""One conversation model for every channel; messages belong to a conversation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core import clock
from hovor.core.personal_data import (
    ERASED_TEXT,
    Blank,
    ByContact,
    ByParent,
    ColumnIs,
    Delete,
    Export,
    NotAVisitorId,
    PersonalData,
    When,
    declared,
)
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

STATUSES = ("open", "closed")
AUTHOR_TYPES = ("visitor", "agent", "system")


class Conversation(IdMixin, TimestampMixin, Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_inbox", "workspace_id", "status", "last_activity_at"),
        Index("ix_conversations_source", "workspace_id", "channel", "source_id"),
        # A channel address that is not one of the visitor ids (an e-mail thread, a chat id).
        declared(
            PersonalData(
                reach=(ByContact("contact_id"),),
                export=Export("conversations"),
                anonymise=Blank({"source_id": ERASED_TEXT}, only=NotAVisitorId("source_id")),
                delete=Delete(),
            )
        ),
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
    # The channel account (inbox) the conversation came in through, for channels that have
    # several per workspace (a WhatsApp number, a Telegram bot); replies go out through it.
    inbox_id: Mapped[str | None] = mapped_column(
        ForeignKey("inboxes.id", ondelete="SET NULL"), nullable=True
    )


class Message(IdMixin, TimestampMixin, Base):
    __tablename__ = "messages"
    __table_args__ = (
        # Idempotency: an author's client id names one message, however often it is resent.
        UniqueConstraint("workspace_id", "author_id", "client_id"),
        Index("ix_messages_conversation", "conversation_id", "created_at"),
        # Agents' replies and system notes quote the customer (the callback note carries the
        # number, the offer note the pages and cart): every body of these conversations goes.
        declared(
            PersonalData(
                reach=(ByParent("conversation_id", "conversations"),),
                export=Export("messages", nested=True),
                anonymise=Blank(
                    {
                        "body": ERASED_TEXT,
                        "author_name": When(ColumnIs("author_type", "visitor"), None),
                    }
                ),
                delete=Delete(),
            )
        ),
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


DELIVERY_STATUSES = ("pending", "sending", "sent", "delivered", "read", "failed")


class Delivery(IdMixin, TimestampMixin, Base):
    """The outbox: one row per message that must go out on its channel.

    Written in the transaction that stores the message, so a stored reply is always a
    promised delivery; the outbox worker sends it, keeping attempts, back-off and the
    provider's answer here. ``id`` is the idempotency key the provider sees on every attempt.
    A row is due while ``pending`` or ``sending`` and ``next_attempt_at`` has passed:
    ``sending`` with a past ``next_attempt_at`` is a claim whose worker died.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_conversation", "conversation_id"),
        Index("ix_deliveries_provider", "workspace_id", "channel", "provider_message_id"),
        # One per message on its channel, plus one per device a push notification goes to.
        Index("ix_deliveries_message", "message_id"),
        # The recipient is the contact's address; a provider's error may quote it.
        declared(
            PersonalData(
                reach=(ByParent("conversation_id", "conversations"),),
                export=Export("deliveries"),
                anonymise=Blank({"recipient": ERASED_TEXT, "last_error": None}),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(32))
    inbox_id: Mapped[str | None] = mapped_column(String(26), nullable=True)
    recipient: Mapped[str] = mapped_column(String(254))  # the contact's address on the channel
    status: Mapped[str] = mapped_column(String(16), default="pending")  # DELIVERY_STATUSES
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    provider_message_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
