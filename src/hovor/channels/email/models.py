"""E-mail channel tables: the support address and the Message-IDs of each thread.

Outbound deliveries are rows of the shared outbox (``conversations.models.Delivery``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core.personal_data import (
    ERASED_TEXT,
    Blank,
    ByParent,
    Delete,
    Export,
    NoPersonalData,
    PersonalData,
    declared,
)
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

DIRECTIONS = ("in", "out")


class EmailSettings(TimestampMixin, Base):
    """One support address per workspace: where customers write, and our replies' From."""

    __tablename__ = "email_settings"
    __table_args__ = (declared(NoPersonalData("the workspace's own support address")),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), primary_key=True)
    support_address: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str | None] = mapped_column(String(120), nullable=True)


class EmailMessageId(IdMixin, TimestampMixin, Base):
    """A Message-ID we received or sent, and the conversation and message it belongs to;
    for a received one, its sanitised HTML and the attachments that were not stored."""

    __tablename__ = "email_message_ids"
    __table_args__ = (
        UniqueConstraint("workspace_id", "header_id"),
        Index("ix_email_message_ids_conversation", "conversation_id", "created_at"),
        # The subject and the HTML are the customer's words. The Message-ID stays on anonymise: it is
        # unique per workspace and threads a reply into its (anonymised) conversation.
        declared(
            PersonalData(
                reach=(ByParent("conversation_id", "conversations"),),
                export=Export("email_message_ids"),
                anonymise=Blank({"subject": ERASED_TEXT, "html": None, "skipped": None}),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    header_id: Mapped[str] = mapped_column(String(500))  # the Message-ID, without <>
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(3))  # one of DIRECTIONS
    subject: Mapped[str] = mapped_column(String(300), default="")
    html: Mapped[str | None] = mapped_column(Text, nullable=True)  # sanitised (parse)
    # [{"filename", "content_type", "size", "reason"}] of attachments not stored (files)
    skipped: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)


class ImapState(Base):
    """Where an e-mail inbox's IMAP polling stands: the folder's UIDVALIDITY and the last UID
    handed to the inbound path, and which node holds the inbox (single-flight) until when."""

    __tablename__ = "email_imap_state"
    __table_args__ = (declared(NoPersonalData("mailbox positions and node leases")),)

    inbox_id: Mapped[str] = mapped_column(String(26), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    holder: Mapped[str | None] = mapped_column(String(64), nullable=True)
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True))
