"""Finding and showing tickets: the list with its filters, search and paging, a contact's open
tickets, the API shapes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.models import User
from hovor.auth.service import users_by_ids
from hovor.contacts.service import contacts_by_ids
from hovor.conversations.schemas import ContactRef, UserRef
from hovor.core.errors import InvalidInput
from hovor.core.pagination import newest_first
from hovor.tickets.models import STATUSES, UNSOLVED, Ticket, TicketConversation
from hovor.tickets.schemas import TicketOut


def parse_statuses(value: str | None) -> list[str]:
    """``new,open`` or the group ``unsolved`` (new, open, pending); empty: every status."""
    names = [s.strip() for s in (value or "").split(",") if s.strip()]
    out: list[str] = []
    for name in names:
        if name == "unsolved":
            out.extend(UNSOLVED)
        elif name in STATUSES:
            out.append(name)
        else:
            raise InvalidInput(
                f"unknown status {name!r}",
                errors=[
                    {"loc": ["query", "status"], "msg": f"one of {', '.join(STATUSES)}, unsolved"}
                ],
            )
    return out


async def list_tickets(
    session: AsyncSession,
    workspace_id: str,
    *,
    statuses: Sequence[str] = (),
    assignee_id: str | None = None,
    unassigned: bool = False,
    contact_id: str | None = None,
    q: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[Ticket], str | None]:
    """Most recently changed first; ``q`` matches the subject or the number (``12``, ``#12``)."""
    query = select(Ticket).where(Ticket.workspace_id == workspace_id)
    if statuses:
        query = query.where(Ticket.status.in_(statuses))
    if unassigned:
        query = query.where(Ticket.assignee_id.is_(None))
    elif assignee_id:
        query = query.where(Ticket.assignee_id == assignee_id)
    if contact_id:
        query = query.where(Ticket.contact_id == contact_id)
    if q and q.strip():
        needle = q.strip()
        matches = Ticket.subject.icontains(needle, autoescape=True)
        digits = needle.removeprefix("#")
        if digits.isdigit() and len(digits) < 10:
            matches = or_(matches, Ticket.number == int(digits))
        query = query.where(matches)
    return await newest_first(
        session, query, at=Ticket.updated_at, row_id=Ticket.id, cursor=cursor, limit=limit
    )


async def open_tickets_for_contact(
    session: AsyncSession, workspace_id: str, contact_id: str
) -> list[Ticket]:
    """The contact's tickets that are neither solved nor closed, oldest first."""
    rows = await session.scalars(
        select(Ticket)
        .where(
            Ticket.workspace_id == workspace_id,
            Ticket.contact_id == contact_id,
            Ticket.status.in_(UNSOLVED),
        )
        .order_by(Ticket.number)
    )
    return list(rows)


async def conversation_ids_of(session: AsyncSession, ticket_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {t: [] for t in ticket_ids}
    if not ticket_ids:
        return found
    rows = await session.execute(
        select(TicketConversation.ticket_id, TicketConversation.conversation_id)
        .where(TicketConversation.ticket_id.in_(ticket_ids))
        .order_by(TicketConversation.created_at, TicketConversation.conversation_id)
    )
    for ticket_id, conversation_id in rows:
        found[ticket_id].append(conversation_id)
    return found


async def describe_tickets(session: AsyncSession, tickets: list[Ticket]) -> list[TicketOut]:
    """API shapes for many tickets in a fixed number of queries."""
    if not tickets:
        return []
    contacts = await contacts_by_ids(session, {t.contact_id for t in tickets})
    users = await users_by_ids(
        session, {u for t in tickets for u in (t.assignee_id, t.created_by) if u}
    )
    links = await conversation_ids_of(session, [t.id for t in tickets])

    def ref(user: User | None) -> UserRef | None:
        return UserRef(id=user.id, name=user.name) if user else None

    out = []
    for t in tickets:
        contact = contacts[t.contact_id]
        out.append(
            TicketOut(
                id=t.id,
                number=t.number,
                subject=t.subject,
                status=t.status,
                priority=t.priority,
                contact=ContactRef(id=contact.id, name=contact.name, email=contact.email),
                assignee=ref(users.get(t.assignee_id) if t.assignee_id else None),
                due_at=t.due_at,
                created_by=ref(users.get(t.created_by) if t.created_by else None),
                conversation_ids=links[t.id],
                created_at=t.created_at,
                updated_at=t.updated_at,
                solved_at=t.solved_at,
                closed_at=t.closed_at,
            )
        )
    return out


async def describe_ticket(session: AsyncSession, ticket: Ticket) -> TicketOut:
    return (await describe_tickets(session, [ticket]))[0]
