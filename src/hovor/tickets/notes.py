"""Internal notes on a ticket: for the team only, never shown to the customer."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core import clock
from hovor.core.errors import InvalidInput
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx
from hovor.tickets import events
from hovor.tickets.models import Ticket, TicketNote
from hovor.tickets.schemas import MAX_NOTE, NoteOut


async def list_notes(session: AsyncSession, ticket: Ticket) -> list[TicketNote]:
    rows = await session.scalars(
        select(TicketNote)
        .where(TicketNote.ticket_id == ticket.id, TicketNote.workspace_id == ticket.workspace_id)
        .order_by(TicketNote.created_at, TicketNote.id)
    )
    return list(rows)


def check_note(body: str) -> str:
    body = body.strip()
    if not body or len(body) > MAX_NOTE:
        raise InvalidInput(
            f"a note is 1 to {MAX_NOTE} characters",
            errors=[{"loc": ["body", "body"], "msg": f"1 to {MAX_NOTE} characters"}],
        )
    return body


async def do_add_note(tx: Tx, ticket: Ticket, body: str, *, user_id: str | None) -> TicketNote:
    """An internal note for the team (allowed on closed tickets too)."""
    note = TicketNote(
        workspace_id=ticket.workspace_id,
        ticket_id=ticket.id,
        author_id=user_id,
        body=check_note(body),
        created_at=clock.now(),
    )
    tx.session.add(note)
    ticket.updated_at = note.created_at
    await tx.session.flush()
    tx.publish_on_commit(
        DomainEvent(
            events.TICKET_NOTE_ADDED,
            ticket.workspace_id,
            {
                "ticket_id": ticket.id,
                "number": ticket.number,
                "note": NoteOut.model_validate(note).model_dump(mode="json"),
            },
        )
    )
    return note
