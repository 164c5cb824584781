"""A contact's open tickets are shown to the team on every new conversation of theirs."""

from __future__ import annotations

from hovor.conversations import events as conversation_events
from hovor.conversations.service import access_conversation, do_add_system_note, list_messages
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database
from hovor.tickets.listing import open_tickets_for_contact
from hovor.tickets.models import Ticket

# Names the note among the conversation's messages, so a re-run of the listener adds nothing.
OPEN_TICKETS_NOTE = "open-tickets"
SHOWN = 20


def describe_open_tickets(tickets: list[Ticket]) -> str:
    """``Open tickets: #12 Refund for TV (pending, due 2026-03-01 12:00 UTC); #14 …``"""
    parts = []
    for t in tickets[:SHOWN]:
        due = f", due {t.due_at:%Y-%m-%d %H:%M} UTC" if t.due_at else ""
        parts.append(f"#{t.number} {t.subject} ({t.status}{due})")
    more = f"; and {len(tickets) - SHOWN} more" if len(tickets) > SHOWN else ""
    return "Open tickets: " + "; ".join(parts) + more


def register(dispatcher: Dispatcher, db: Database) -> None:
    @dispatcher.on(conversation_events.CONVERSATION_CREATED)
    async def show_open_tickets(event: DomainEvent) -> None:
        c = event.payload["conversation"]
        async with db.read() as session:
            tickets = await open_tickets_for_contact(
                session, event.workspace_id, c["contact"]["id"]
            )
        if not tickets:
            return
        async with db.transaction() as tx:
            conversation = await access_conversation(tx.session, event.workspace_id, c["id"])
            messages, _ = await list_messages(tx.session, [conversation.id], limit=20, before=None)
            if any(m.client_id == OPEN_TICKETS_NOTE and m.private for m in messages):
                return
            await do_add_system_note(
                tx, conversation, describe_open_tickets(tickets), client_id=OPEN_TICKETS_NOTE
            )
