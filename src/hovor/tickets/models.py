"""Tickets, the conversations linked to them, internal notes and the audit of changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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
    Keep,
    PersonalData,
    declared,
)
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

STATUSES = ("new", "open", "pending", "solved", "closed")
UNSOLVED = ("new", "open", "pending")
PRIORITIES = ("low", "normal", "high", "urgent")


class TicketCounter(Base):
    """The last ticket number given out in a workspace (one row per workspace).

    Numbers come from an upsert that increments this row, so two transactions creating
    tickets at once queue on the row's lock and never draw the same number.
    """

    __tablename__ = "ticket_counters"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(IdMixin, TimestampMixin, Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        Index("ix_tickets_list", "workspace_id", "status", "updated_at"),
        Index("ix_tickets_contact", "workspace_id", "contact_id", "status"),
        declared(
            PersonalData(
                reach=(ByContact("contact_id"),),
                export=Export("tickets"),
                anonymise=Blank({"subject": ERASED_TEXT}),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    number: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="new")
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"))
    assignee_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class TicketConversation(TimestampMixin, Base):
    """A conversation linked to a ticket; a conversation belongs to at most one ticket."""

    __tablename__ = "ticket_conversations"
    __table_args__ = (
        declared(
            PersonalData(
                reach=(ByParent("ticket_id", "tickets"),),
                export=Export("ticket_conversations"),
                anonymise=Keep("ids and times only"),
                delete=Delete(),
            )
        ),
    )

    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    linked_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class TicketNote(IdMixin, TimestampMixin, Base):
    """An internal note: for the team only, never shown to the customer."""

    __tablename__ = "ticket_notes"
    __table_args__ = (
        Index("ix_ticket_notes_ticket", "ticket_id", "created_at"),
        declared(
            PersonalData(
                reach=(ByParent("ticket_id", "tickets"),),
                export=Export("ticket_notes"),
                anonymise=Blank({"body": ERASED_TEXT}),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    body: Mapped[str] = mapped_column(Text)


class TicketEvent(IdMixin, TimestampMixin, Base):
    """The audit of a ticket: who changed what, when, from which value to which."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        Index("ix_ticket_events_ticket", "ticket_id", "created_at"),
        # Only a subject change quotes the customer; the other fields are statuses and ids.
        declared(
            PersonalData(
                reach=(ByParent("ticket_id", "tickets"),),
                export=Export("ticket_history"),
                anonymise=Blank(
                    {"old_value": ERASED_TEXT, "new_value": ERASED_TEXT, "data": {}},
                    only=ColumnIs("field", "subject"),
                ),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    # created, status, priority, assignee, due_at, subject, conversation_linked,
    # conversation_unlinked, contact (a merge moved the ticket)
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(String(254), nullable=True)
    new_value: Mapped[str | None] = mapped_column(String(254), nullable=True)
    # "user:<id>" or "system:<reason>"
    actor: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
