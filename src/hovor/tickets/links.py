"""Conversations linked to a ticket: any channel, the same contact, at most one ticket each."""

from __future__ import annotations

from sqlalchemy import select

from hovor.conversations.models import Conversation
from hovor.core import clock
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.db.transaction import Tx
from hovor.tickets import events
from hovor.tickets.models import Ticket, TicketConversation
from hovor.tickets.service import (
    check_not_closed,
    publish_change,
    record_change,
    ticket_of_conversation,
    user_actor,
)


async def do_link_conversation(
    tx: Tx, ticket: Ticket, conversation: Conversation, *, user_id: str | None
) -> Ticket:
    """Link another conversation of the ticket's contact (any channel). Linking one that is
    already linked to this ticket changes nothing."""
    check_not_closed(ticket)
    if conversation.workspace_id != ticket.workspace_id:
        raise NotFound("no such conversation")
    linked = await ticket_of_conversation(tx.session, ticket.workspace_id, conversation.id)
    if linked is not None:
        if linked.id == ticket.id:
            return ticket
        raise Conflict(f"the conversation already belongs to ticket #{linked.number}")
    if conversation.contact_id != ticket.contact_id:
        raise InvalidInput(
            "the conversation is another contact's",
            errors=[{"loc": ["body", "conversation_id"], "msg": "another contact's conversation"}],
        )
    now = clock.now()
    tx.session.add(
        TicketConversation(
            conversation_id=conversation.id,
            ticket_id=ticket.id,
            workspace_id=ticket.workspace_id,
            linked_by=user_id,
            created_at=now,
        )
    )
    actor = user_actor(user_id)
    change = record_change(tx, ticket, "conversation_linked", None, conversation.id, actor)
    ticket.updated_at = now
    await publish_change(tx, events.TICKET_UPDATED, ticket, actor, {"changes": [change]})
    return ticket


async def do_unlink_conversation(
    tx: Tx, ticket: Ticket, conversation_id: str, *, user_id: str | None
) -> Ticket:
    check_not_closed(ticket)
    link = await tx.session.scalar(
        select(TicketConversation).where(
            TicketConversation.ticket_id == ticket.id,
            TicketConversation.conversation_id == conversation_id,
            TicketConversation.workspace_id == ticket.workspace_id,
        )
    )
    if link is None:
        raise NotFound("the conversation is not linked to this ticket")
    await tx.session.delete(link)
    actor = user_actor(user_id)
    change = record_change(tx, ticket, "conversation_unlinked", conversation_id, None, actor)
    ticket.updated_at = clock.now()
    await publish_change(tx, events.TICKET_UPDATED, ticket, actor, {"changes": [change]})
    return ticket
