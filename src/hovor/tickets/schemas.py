"""API shapes of tickets (also the payloads of their events)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hovor.conversations.schemas import ContactRef, UserRef

Status = Literal["new", "open", "pending", "solved", "closed"]
Priority = Literal["low", "normal", "high", "urgent"]
MAX_SUBJECT = 200
MAX_NOTE = 4000


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("a timestamp needs a time zone (e.g. a trailing Z)")
    return value


class TicketIn(BaseModel):
    """A new ticket made from a conversation; its contact is the conversation's."""

    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=MAX_SUBJECT)
    priority: Priority = "normal"
    assignee_id: str | None = None
    due_at: datetime | None = None

    _due = field_validator("due_at")(_aware)


class TicketPatch(BaseModel):
    """Only the fields sent change; ``null`` clears ``assignee_id`` or ``due_at``."""

    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(default=None, min_length=1, max_length=MAX_SUBJECT)
    status: Status | None = None
    priority: Priority | None = None
    assignee_id: str | None = None
    due_at: datetime | None = None

    _due = field_validator("due_at")(_aware)


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: str = Field(min_length=1, max_length=26)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=MAX_NOTE)


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    ticket_id: str
    author_id: str | None
    body: str
    created_at: datetime


class TicketOut(BaseModel):
    id: str
    number: int = Field(description="sequential per workspace, shown as #12")
    subject: str
    status: Status
    priority: Priority
    contact: ContactRef
    assignee: UserRef | None
    due_at: datetime | None
    created_by: UserRef | None
    conversation_ids: list[str] = Field(description="linked conversations, oldest link first")
    created_at: datetime
    updated_at: datetime
    solved_at: datetime | None
    closed_at: datetime | None


class TicketDetail(TicketOut):
    notes: list[NoteOut]


class TicketPage(BaseModel):
    items: list[TicketOut]
    next_cursor: str | None


class HistoryOut(BaseModel):
    """One audited change: ``field`` went from ``old_value`` to ``new_value``."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    field: str
    old_value: str | None
    new_value: str | None
    actor: str = Field(description='"user:<id>" or "system:<reason>"')
    created_at: datetime
