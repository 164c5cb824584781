"""Ticket operations shared by the desktop API, listeners and tests.

``check_*`` validates and raises a clear error; ``do_*`` writes, audits and queues its domain
event, which leaves only when the transaction commits.

Status transitions (anything else is a 409)::

    new     -> open | pending | solved | closed
    open    -> pending | solved | closed
    pending -> open | solved | closed
    solved  -> open (reopened) | closed
    closed  -> (final: a closed ticket no longer changes; only notes may be added)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.models import User
from hovor.contacts import timeline
from hovor.conversations.models import Conversation
from hovor.core import clock
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx
from hovor.tickets import events
from hovor.tickets.listing import describe_ticket
from hovor.tickets.models import (
    PRIORITIES,
    STATUSES,
    Ticket,
    TicketConversation,
    TicketCounter,
    TicketEvent,
)
from hovor.tickets.schemas import MAX_SUBJECT

TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"open", "pending", "solved", "closed"}),
    "open": frozenset({"pending", "solved", "closed"}),
    "pending": frozenset({"open", "solved", "closed"}),
    "solved": frozenset({"open", "closed"}),
    "closed": frozenset(),
}

# Timeline kinds written by tickets (docs/tickets.md).
TICKET_OPENED = "ticket.opened"
TICKET_SOLVED = "ticket.solved"
TICKET_CLOSED = "ticket.closed"

_UNSET: Any = object()


def user_actor(user_id: str | None) -> str:
    return f"user:{user_id}" if user_id else "system:tickets"


# Reading ---------------------------------------------------------------------------------


async def access_ticket(session: AsyncSession, workspace_id: str, ticket_id: str) -> Ticket:
    """The ticket if it is in ``workspace_id``; 404 otherwise, whoever else owns it."""
    ticket = await session.scalar(
        select(Ticket).where(Ticket.id == ticket_id, Ticket.workspace_id == workspace_id)
    )
    if ticket is None:
        raise NotFound("no such ticket")
    return ticket


async def ticket_of_conversation(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> Ticket | None:
    return await session.scalar(
        select(Ticket)
        .join(TicketConversation, TicketConversation.ticket_id == Ticket.id)
        .where(
            TicketConversation.conversation_id == conversation_id,
            Ticket.workspace_id == workspace_id,
        )
    )


async def list_history(session: AsyncSession, ticket: Ticket) -> list[TicketEvent]:
    rows = await session.scalars(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.workspace_id == ticket.workspace_id)
        .order_by(TicketEvent.created_at, TicketEvent.id)
    )
    return list(rows)


# Writing ---------------------------------------------------------------------------------


@dataclass
class Changes:
    """What a PATCH asks for; fields left ``_UNSET`` stay as they are."""

    subject: Any = _UNSET
    status: Any = _UNSET
    priority: Any = _UNSET
    assignee_id: Any = _UNSET
    due_at: Any = _UNSET


def check_subject(subject: str) -> str:
    subject = " ".join(subject.split())
    if not subject or len(subject) > MAX_SUBJECT:
        raise InvalidInput(
            "a subject is 1 to 200 characters",
            errors=[{"loc": ["body", "subject"], "msg": f"1 to {MAX_SUBJECT} characters"}],
        )
    return subject


def check_transition(ticket: Ticket, status: str) -> None:
    if status not in STATUSES:
        raise InvalidInput(
            f"status must be one of {', '.join(STATUSES)}",
            errors=[{"loc": ["body", "status"], "msg": f"one of {', '.join(STATUSES)}"}],
        )
    if status != ticket.status and status not in TRANSITIONS[ticket.status]:
        allowed = ", ".join(sorted(TRANSITIONS[ticket.status])) or "none (it is final)"
        raise Conflict(
            f"ticket #{ticket.number} cannot go from {ticket.status} to {status}; "
            f"allowed: {allowed}"
        )


def check_not_closed(ticket: Ticket) -> None:
    if ticket.status == "closed":
        raise Conflict(f"ticket #{ticket.number} is closed and can no longer change")


async def check_assignee(session: AsyncSession, workspace_id: str, user_id: str | None) -> None:
    """An assignee is an active user of the ticket's workspace."""
    if user_id is None:
        return
    found = await session.scalar(
        select(User.id).where(User.id == user_id, User.workspace_id == workspace_id, User.is_active)
    )
    if found is None:
        raise InvalidInput(
            "no such user in this workspace",
            errors=[{"loc": ["body", "assignee_id"], "msg": "no such user"}],
        )


async def check_update(session: AsyncSession, ticket: Ticket, changes: Changes) -> None:
    check_not_closed(ticket)
    if changes.subject is not _UNSET:
        if changes.subject is None:
            raise InvalidInput(
                "the subject cannot be removed",
                errors=[{"loc": ["body", "subject"], "msg": "required"}],
            )
        changes.subject = check_subject(changes.subject)
    if changes.status is not _UNSET:
        if changes.status is None:
            raise InvalidInput(
                "the status cannot be removed",
                errors=[{"loc": ["body", "status"], "msg": "required"}],
            )
        check_transition(ticket, changes.status)
    if changes.priority is not _UNSET and changes.priority not in PRIORITIES:
        raise InvalidInput(
            f"priority must be one of {', '.join(PRIORITIES)}",
            errors=[{"loc": ["body", "priority"], "msg": f"one of {', '.join(PRIORITIES)}"}],
        )
    if changes.assignee_id is not _UNSET:
        await check_assignee(session, ticket.workspace_id, changes.assignee_id)


async def _next_number(tx: Tx, workspace_id: str) -> int:
    """The workspace's next ticket number, from one atomic upsert of its counter row.

    The upsert locks the row until the transaction ends, so concurrent creators queue on it
    (PostgreSQL) or on the single writer (SQLite); a rolled-back creation gives its number
    back.
    """
    dialect = tx.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(TicketCounter)
        .values(workspace_id=workspace_id, last_number=1)
        .on_conflict_do_update(
            index_elements=[TicketCounter.workspace_id],
            set_={"last_number": TicketCounter.last_number + 1},
        )
        .returning(TicketCounter.last_number)
    )
    return int((await tx.session.execute(statement)).scalar_one())


def record_change(
    tx: Tx,
    ticket: Ticket,
    field_name: str,
    old: str | None,
    new: str | None,
    actor: str,
    data: dict[str, Any] | None = None,
) -> dict[str, str | None]:
    tx.session.add(
        TicketEvent(
            workspace_id=ticket.workspace_id,
            ticket_id=ticket.id,
            field=field_name,
            old_value=old,
            new_value=new,
            actor=actor,
            data=data or {},
            created_at=clock.now(),
        )
    )
    return {"field": field_name, "from": old, "to": new}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def publish_change(
    tx: Tx, name: str, ticket: Ticket, actor: str, extra: dict[str, Any] | None = None
) -> None:
    await tx.session.flush()
    described = await describe_ticket(tx.session, ticket)
    tx.publish_on_commit(
        DomainEvent(
            name,
            ticket.workspace_id,
            {"ticket": described.model_dump(mode="json"), "actor": actor, **(extra or {})},
        )
    )


async def _record_on_timeline(tx: Tx, ticket: Ticket, kind: str, at: datetime) -> None:
    ref_type, ref_id, verb = {
        TICKET_OPENED: ("ticket", ticket.id, "opened"),
        TICKET_SOLVED: ("ticket.solved", f"{ticket.id}:{at.isoformat()}", "solved"),
        TICKET_CLOSED: ("ticket.closed", ticket.id, "closed"),
    }[kind]
    await timeline.do_record(
        tx,
        ticket.workspace_id,
        ticket.contact_id,
        kind,
        at,
        ref_type,
        ref_id,
        f"Ticket #{ticket.number} {verb}: {ticket.subject}",
        {"ticket_id": ticket.id, "number": ticket.number, "status": ticket.status},
    )


async def check_new_ticket(tx: Tx, conversation: Conversation) -> None:
    linked = await ticket_of_conversation(tx.session, conversation.workspace_id, conversation.id)
    if linked is not None:
        raise Conflict(f"the conversation already belongs to ticket #{linked.number}")


async def do_create_ticket(
    tx: Tx,
    conversation: Conversation,
    *,
    user_id: str | None,
    subject: str,
    priority: str = "normal",
    assignee_id: str | None = None,
    due_at: datetime | None = None,
) -> Ticket:
    """A new ticket for the conversation's contact, with the conversation linked to it."""
    workspace_id = conversation.workspace_id
    subject = check_subject(subject)
    if priority not in PRIORITIES:
        raise InvalidInput(
            f"priority must be one of {', '.join(PRIORITIES)}",
            errors=[{"loc": ["body", "priority"], "msg": f"one of {', '.join(PRIORITIES)}"}],
        )
    await check_assignee(tx.session, workspace_id, assignee_id)
    await check_new_ticket(tx, conversation)
    now = clock.now()
    ticket = Ticket(
        workspace_id=workspace_id,
        number=await _next_number(tx, workspace_id),
        subject=subject,
        status="new",
        priority=priority,
        contact_id=conversation.contact_id,
        assignee_id=assignee_id,
        due_at=due_at,
        created_by=user_id,
        created_at=now,
        updated_at=now,
    )
    tx.session.add(ticket)
    await tx.session.flush()
    tx.session.add(
        TicketConversation(
            conversation_id=conversation.id,
            ticket_id=ticket.id,
            workspace_id=workspace_id,
            linked_by=user_id,
            created_at=now,
        )
    )
    actor = user_actor(user_id)
    record_change(tx, ticket, "created", None, "new", actor, {"conversation_id": conversation.id})
    await _record_on_timeline(tx, ticket, TICKET_OPENED, now)
    await publish_change(tx, events.TICKET_CREATED, ticket, actor)
    return ticket


async def do_update_ticket(
    tx: Tx, ticket: Ticket, changes: Changes, *, user_id: str | None
) -> Ticket:
    """Apply the checked changes, audit each one, publish one ``ticket.updated`` if any."""
    await check_update(tx.session, ticket, changes)
    actor = user_actor(user_id)
    now = clock.now()
    applied: list[dict[str, str | None]] = []
    if changes.subject is not _UNSET and changes.subject != ticket.subject:
        applied.append(record_change(tx, ticket, "subject", ticket.subject, changes.subject, actor))
        ticket.subject = changes.subject
    if changes.priority is not _UNSET and changes.priority != ticket.priority:
        applied.append(
            record_change(tx, ticket, "priority", ticket.priority, changes.priority, actor)
        )
        ticket.priority = changes.priority
    if changes.assignee_id is not _UNSET and changes.assignee_id != ticket.assignee_id:
        applied.append(
            record_change(tx, ticket, "assignee", ticket.assignee_id, changes.assignee_id, actor)
        )
        ticket.assignee_id = changes.assignee_id
    if changes.due_at is not _UNSET and changes.due_at != ticket.due_at:
        applied.append(
            record_change(tx, ticket, "due_at", _iso(ticket.due_at), _iso(changes.due_at), actor)
        )
        ticket.due_at = changes.due_at
    if changes.status is not _UNSET and changes.status != ticket.status:
        applied.append(record_change(tx, ticket, "status", ticket.status, changes.status, actor))
        ticket.status = changes.status
        if ticket.status == "solved":
            ticket.solved_at = now
            await _record_on_timeline(tx, ticket, TICKET_SOLVED, now)
        elif ticket.status == "closed":
            ticket.closed_at = now
            await _record_on_timeline(tx, ticket, TICKET_CLOSED, now)
        else:
            ticket.solved_at = None
    if applied:
        ticket.updated_at = now
        await publish_change(tx, events.TICKET_UPDATED, ticket, actor, {"changes": applied})
    return ticket


async def do_move_tickets(
    tx: Tx, workspace_id: str, from_contact_id: str, to_contact_id: str, only: list[str] | None
) -> list[str]:
    """Tickets follow contact merges (and their undo); wired in the app factory."""
    query = select(Ticket).where(
        Ticket.workspace_id == workspace_id, Ticket.contact_id == from_contact_id
    )
    if only is not None:
        query = query.where(Ticket.id.in_(only))
    tickets = list((await tx.session.scalars(query)).all())
    for ticket in tickets:
        record_change(tx, ticket, "contact", from_contact_id, to_contact_id, "system:merge")
    ids = [t.id for t in tickets]
    if ids:
        await tx.session.execute(
            update(Ticket)
            .where(Ticket.workspace_id == workspace_id, Ticket.id.in_(ids))
            .values(contact_id=to_contact_id)
            .execution_options(synchronize_session="fetch")
        )
    return ids
