"""Desktop and integration endpoints for tickets. Thin: parse, access, one operation."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.deps import ActorDep
from hovor.contacts.service import access_contact
from hovor.conversations.service import access_conversation
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep, TxDep
from hovor.tickets import links, listing, notes, service
from hovor.tickets.models import Ticket
from hovor.tickets.schemas import (
    HistoryOut,
    LinkIn,
    NoteIn,
    NoteOut,
    TicketDetail,
    TicketIn,
    TicketOut,
    TicketPage,
    TicketPatch,
)

router = APIRouter(prefix="/v1", tags=["tickets"], responses=PROBLEM_RESPONSES)


async def detail(session: AsyncSession, ticket: Ticket) -> TicketDetail:
    out = await listing.describe_ticket(session, ticket)
    rows = await notes.list_notes(session, ticket)
    return TicketDetail(**out.model_dump(), notes=[NoteOut.model_validate(n) for n in rows])


@router.post(
    "/conversations/{conversation_id}/ticket",
    response_model=TicketDetail,
    status_code=status.HTTP_201_CREATED,
)
async def create_ticket(
    conversation_id: str, body: TicketIn, actor: ActorDep, tx: TxDep
) -> TicketDetail:
    """A ticket for the conversation's contact, with the conversation linked; 409 if the
    conversation already belongs to a ticket."""
    conversation = await access_conversation(tx.session, actor.workspace_id, conversation_id)
    ticket = await service.do_create_ticket(
        tx,
        conversation,
        user_id=actor.user.id,
        subject=body.subject,
        priority=body.priority,
        assignee_id=body.assignee_id,
        due_at=body.due_at,
    )
    return await detail(tx.session, ticket)


@router.get("/tickets", response_model=TicketPage)
async def list_tickets(
    actor: ActorDep,
    runtime: RuntimeDep,
    status: Annotated[
        str | None,
        Query(max_length=100, description="comma-separated statuses, or `unsolved`"),
    ] = None,
    assignee: Annotated[
        str | None, Query(max_length=26, description="a user id, `me` or `none`")
    ] = None,
    contact_id: Annotated[str | None, Query(max_length=26)] = None,
    q: Annotated[str | None, Query(max_length=200, description="subject or number")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> TicketPage:
    statuses = listing.parse_statuses(status)
    assignee_id = actor.user.id if assignee == "me" else assignee
    async with runtime.db.read() as session:
        rows, next_cursor = await listing.list_tickets(
            session,
            actor.workspace_id,
            statuses=statuses,
            assignee_id=None if assignee == "none" else assignee_id,
            unassigned=assignee == "none",
            contact_id=contact_id,
            q=q,
            limit=limit,
            cursor=cursor,
        )
        items = await listing.describe_tickets(session, rows)
    return TicketPage(items=items, next_cursor=next_cursor)


@router.get("/tickets/{ticket_id}", response_model=TicketDetail)
async def get_ticket(ticket_id: str, actor: ActorDep, runtime: RuntimeDep) -> TicketDetail:
    async with runtime.db.read() as session:
        ticket = await service.access_ticket(session, actor.workspace_id, ticket_id)
        return await detail(session, ticket)


@router.patch("/tickets/{ticket_id}", response_model=TicketDetail)
async def update_ticket(
    ticket_id: str, body: TicketPatch, actor: ActorDep, tx: TxDep
) -> TicketDetail:
    """Status (allowed transitions in docs/tickets.md), priority, assignee, due date, subject;
    only the fields sent change."""
    ticket = await service.access_ticket(tx.session, actor.workspace_id, ticket_id)
    changes = service.Changes(**body.model_dump(include=body.model_fields_set))
    await service.do_update_ticket(tx, ticket, changes, user_id=actor.user.id)
    return await detail(tx.session, ticket)


@router.post("/tickets/{ticket_id}/conversations", response_model=TicketDetail)
async def link_conversation(
    ticket_id: str, body: LinkIn, actor: ActorDep, tx: TxDep
) -> TicketDetail:
    """Link another conversation of the same contact, on any channel."""
    ticket = await service.access_ticket(tx.session, actor.workspace_id, ticket_id)
    conversation = await access_conversation(tx.session, actor.workspace_id, body.conversation_id)
    await links.do_link_conversation(tx, ticket, conversation, user_id=actor.user.id)
    return await detail(tx.session, ticket)


@router.delete("/tickets/{ticket_id}/conversations/{conversation_id}", response_model=TicketDetail)
async def unlink_conversation(
    ticket_id: str, conversation_id: str, actor: ActorDep, tx: TxDep
) -> TicketDetail:
    ticket = await service.access_ticket(tx.session, actor.workspace_id, ticket_id)
    await links.do_unlink_conversation(tx, ticket, conversation_id, user_id=actor.user.id)
    return await detail(tx.session, ticket)


@router.post(
    "/tickets/{ticket_id}/notes", response_model=NoteOut, status_code=status.HTTP_201_CREATED
)
async def add_note(ticket_id: str, body: NoteIn, actor: ActorDep, tx: TxDep) -> NoteOut:
    """An internal note: for the team only."""
    ticket = await service.access_ticket(tx.session, actor.workspace_id, ticket_id)
    note = await notes.do_add_note(tx, ticket, body.body, user_id=actor.user.id)
    return NoteOut.model_validate(note)


@router.get("/tickets/{ticket_id}/history", response_model=list[HistoryOut])
async def ticket_history(ticket_id: str, actor: ActorDep, runtime: RuntimeDep) -> list[HistoryOut]:
    """Every audited change, oldest first: who, when, which field, from which value to which."""
    async with runtime.db.read() as session:
        ticket = await service.access_ticket(session, actor.workspace_id, ticket_id)
        rows = await service.list_history(session, ticket)
    return [HistoryOut.model_validate(r) for r in rows]


@router.get("/contacts/{contact_id}/tickets", response_model=list[TicketOut])
async def contact_tickets(
    contact_id: str,
    actor: ActorDep,
    runtime: RuntimeDep,
    status: Literal["open", "all"] = "open",
) -> list[TicketOut]:
    """``open``: the contact's tickets not yet solved or closed (new, open, pending), the ones
    shown on their new conversations; ``all``: every ticket, newest first."""
    async with runtime.db.read() as session:
        contact = await access_contact(session, actor.workspace_id, contact_id)
        if status == "open":
            rows = await listing.open_tickets_for_contact(session, actor.workspace_id, contact.id)
        else:
            rows, _ = await listing.list_tickets(
                session, actor.workspace_id, contact_id=contact.id, limit=500
            )
        return await listing.describe_tickets(session, rows)
