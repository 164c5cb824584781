"""Conversation operations shared by every channel, the desktop API, bots and tests.

``check_*`` validates and raises a clear error; ``do_*`` writes and queues its domain event,
which leaves only when the transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.service import users_by_ids
from hovor.contacts.service import contacts_by_ids
from hovor.conversations import events
from hovor.conversations.models import AUTHOR_TYPES, Conversation, Message
from hovor.conversations.schemas import (
    MAX_BODY,
    ContactRef,
    ConversationOut,
    MessageOut,
    UserRef,
)
from hovor.core import clock
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.core.events import DomainEvent
from hovor.core.pagination import newest_first
from hovor.db.transaction import Tx

View = Literal["unassigned", "mine", "all"]


# Reading ---------------------------------------------------------------------------------


async def access_conversation(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> Conversation:
    """The conversation if it is in ``workspace_id``; 404 otherwise, whoever else owns it."""
    conversation = await session.scalar(
        select(Conversation).where(
            Conversation.id == conversation_id, Conversation.workspace_id == workspace_id
        )
    )
    if conversation is None:
        raise NotFound("no such conversation")
    return conversation


async def find_latest_conversation(
    session: AsyncSession, workspace_id: str, channel: str, source_id: str
) -> Conversation | None:
    return await session.scalar(
        select(Conversation)
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.channel == channel,
            Conversation.source_id == source_id,
        )
        .order_by(Conversation.created_at.desc(), Conversation.id.desc())
        .limit(1)
    )


async def list_conversations(
    session: AsyncSession,
    workspace_id: str,
    *,
    view: View,
    status: str,
    user_id: str,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[Conversation], str | None]:
    query = select(Conversation).where(
        Conversation.workspace_id == workspace_id, Conversation.status == status
    )
    if view == "unassigned":
        query = query.where(Conversation.assignee_id.is_(None))
    elif view == "mine":
        query = query.where(Conversation.assignee_id == user_id)
    return await newest_first(
        session,
        query,
        at=Conversation.last_activity_at,
        row_id=Conversation.id,
        cursor=cursor,
        limit=limit,
    )


async def describe_conversations(
    session: AsyncSession, conversations: Sequence[Conversation]
) -> list[ConversationOut]:
    """API shapes for many conversations in a fixed number of queries."""
    if not conversations:
        return []
    ids = [c.id for c in conversations]
    contacts = await contacts_by_ids(session, {c.contact_id for c in conversations})
    users = await users_by_ids(session, {c.assignee_id for c in conversations if c.assignee_id})

    newest = (
        select(Message.conversation_id, func.max(Message.id).label("last_id"))
        .where(Message.conversation_id.in_(ids))
        .group_by(Message.conversation_id)
        .subquery()
    )
    last_messages = {
        m.conversation_id: m
        for m in await session.scalars(select(Message).join(newest, Message.id == newest.c.last_id))
    }
    unread_rows = await session.execute(
        select(Message.conversation_id, func.count())
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Message.conversation_id.in_(ids),
            Message.author_type == "visitor",
            or_(
                Conversation.agent_last_read_at.is_(None),
                Message.created_at > Conversation.agent_last_read_at,
            ),
        )
        .group_by(Message.conversation_id)
    )
    unread: dict[str, int] = {row[0]: row[1] for row in unread_rows}

    out = []
    for c in conversations:
        contact = contacts[c.contact_id]
        assignee = users.get(c.assignee_id) if c.assignee_id else None
        last = last_messages.get(c.id)
        out.append(
            ConversationOut(
                id=c.id,
                status=c.status,
                channel=c.channel,
                contact=ContactRef(id=contact.id, name=contact.name, email=contact.email),
                assignee=UserRef(id=assignee.id, name=assignee.name) if assignee else None,
                last_message=MessageOut.model_validate(last) if last else None,
                unread_count=unread.get(c.id, 0),
                created_at=c.created_at,
                last_activity_at=c.last_activity_at,
            )
        )
    return out


async def describe_conversation(
    session: AsyncSession, conversation: Conversation
) -> ConversationOut:
    return (await describe_conversations(session, [conversation]))[0]


async def list_messages(
    session: AsyncSession,
    conversation_ids: Sequence[str],
    *,
    limit: int,
    before: str | None,
    include_private: bool = True,
) -> tuple[list[Message], bool]:
    """Messages of the conversations, oldest first: the ``limit`` newest before ``before``."""
    query = select(Message).where(Message.conversation_id.in_(conversation_ids))
    if not include_private:
        query = query.where(Message.private.is_(False))
    if before:
        query = query.where(Message.id < before)
    rows = list((await session.scalars(query.order_by(Message.id.desc()).limit(limit + 1))).all())
    has_more = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    return rows, has_more


# Writing ---------------------------------------------------------------------------------


def check_message_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise InvalidInput("the message is empty", errors=[{"loc": ["body"], "msg": "empty"}])
    if len(body) > MAX_BODY:
        raise InvalidInput(
            f"the message is longer than {MAX_BODY} characters",
            errors=[{"loc": ["body"], "msg": f"at most {MAX_BODY} characters"}],
        )
    return body


async def _conversation_event(
    tx: Tx, name: str, conversation: Conversation, **extra: object
) -> None:
    await tx.session.flush()
    described = await describe_conversation(tx.session, conversation)
    tx.publish_on_commit(
        DomainEvent(
            name,
            conversation.workspace_id,
            {
                "conversation": described.model_dump(mode="json"),
                "source_id": conversation.source_id,
                **extra,
            },
        )
    )


async def do_open_conversation(
    tx: Tx,
    workspace_id: str,
    *,
    contact_id: str,
    channel: str,
    source_id: str,
    inbox_id: str | None = None,
) -> Conversation:
    conversation = Conversation(
        workspace_id=workspace_id,
        contact_id=contact_id,
        channel=channel,
        source_id=source_id,
        inbox_id=inbox_id,
    )
    tx.session.add(conversation)
    await _conversation_event(tx, events.CONVERSATION_CREATED, conversation)
    return conversation


async def find_message_by_client_id(
    session: AsyncSession, workspace_id: str, author_id: str, client_id: str
) -> Message | None:
    return await session.scalar(
        select(Message).where(
            Message.workspace_id == workspace_id,
            Message.author_id == author_id,
            Message.client_id == client_id,
        )
    )


async def do_add_system_note(
    tx: Tx,
    conversation: Conversation,
    body: str,
    *,
    author_name: str | None = None,
    client_id: str | None = None,
) -> Message:
    """A private note from the system (context of an offer, a transfer, a call attempt):
    agents see it, the customer never does."""
    message, _ = await do_send_message(
        tx,
        conversation,
        author_type="system",
        author_id=None,
        author_name=author_name,
        body=body,
        client_id=client_id,
        private=True,
    )
    return message


async def do_send_message(
    tx: Tx,
    conversation: Conversation,
    *,
    author_type: str,
    author_id: str | None,
    author_name: str | None,
    body: str,
    client_id: str | None = None,
    checked_client_id: bool = False,
    private: bool = False,
) -> tuple[Message, bool]:
    """Store a message; returns it and whether it is new (False: a resend of a stored one).

    ``client_id`` makes sending idempotent per author. Two resends racing past the check
    both insert, and the unique constraint fails the second transaction with an
    IntegrityError; callers retry it once, and the retry finds the stored message.
    ``checked_client_id`` says the caller has just looked the client id up itself.
    """
    if author_type not in AUTHOR_TYPES:
        raise ValueError(f"unknown author type {author_type!r}")
    body = check_message_body(body)
    if client_id is not None and author_id is not None and not checked_client_id:
        existing = await find_message_by_client_id(
            tx.session, conversation.workspace_id, author_id, client_id
        )
        if existing is not None:
            if existing.conversation_id != conversation.id:
                raise Conflict(f"client_id {client_id!r} was already used in another conversation")
            return existing, False
    message = Message(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        author_type=author_type,
        author_id=author_id,
        author_name=author_name,
        body=body,
        client_id=client_id,
        private=private,
        created_at=clock.now(),
    )
    tx.session.add(message)
    if not private:
        conversation.last_activity_at = message.created_at
    if author_type == "agent":
        conversation.agent_last_read_at = message.created_at
    await tx.session.flush()
    tx.publish_on_commit(
        DomainEvent(
            events.MESSAGE_CREATED,
            conversation.workspace_id,
            {
                "message": MessageOut.model_validate(message).model_dump(mode="json"),
                "channel": conversation.channel,
                "source_id": conversation.source_id,
                "inbox_id": conversation.inbox_id,
            },
        )
    )
    return message, True


async def do_close_conversation(
    tx: Tx, conversation: Conversation, *, ask_rating: bool = True
) -> Conversation:
    """Close it. ``ask_rating=False`` when no one was served (an auto-reply filed away
    closed): the CSAT survey is not sent, which would also answer a robot."""
    if conversation.status != "closed":
        conversation.status = "closed"
        conversation.closed_at = clock.now()
        await _conversation_event(
            tx, events.CONVERSATION_CLOSED, conversation, ask_rating=ask_rating
        )
    return conversation


async def do_reopen_conversation(tx: Tx, conversation: Conversation) -> Conversation:
    if conversation.status != "open":
        conversation.status = "open"
        conversation.closed_at = None
        conversation.last_activity_at = clock.now()
        await _conversation_event(tx, events.CONVERSATION_REOPENED, conversation)
    return conversation


async def do_assign_conversation(
    tx: Tx, conversation: Conversation, user_id: str | None
) -> Conversation:
    if conversation.assignee_id != user_id:
        conversation.assignee_id = user_id
        await _conversation_event(tx, events.CONVERSATION_ASSIGNED, conversation)
    return conversation


async def do_claim_unassigned(tx: Tx, conversation: Conversation, user_id: str) -> bool:
    """Assign only if still unassigned (a conditional update, safe across nodes)."""
    result = await tx.session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id, Conversation.assignee_id.is_(None))
        .values(assignee_id=user_id)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return False
    await tx.session.refresh(conversation)
    await _conversation_event(tx, events.CONVERSATION_ASSIGNED, conversation)
    return True


async def do_mark_read(tx: Tx, conversation: Conversation) -> Conversation:
    conversation.agent_last_read_at = clock.now()
    await _conversation_event(tx, events.CONVERSATION_READ, conversation)
    return conversation


async def do_move_conversations(
    tx: Tx, workspace_id: str, from_contact_id: str, to_contact_id: str, only: list[str] | None
) -> list[str]:
    """Give the contact's conversations (or only those listed) to another contact.

    Used by contact merges (wired in the app factory); returns the ids it moved.
    """
    query = select(Conversation.id).where(
        Conversation.workspace_id == workspace_id, Conversation.contact_id == from_contact_id
    )
    if only is not None:
        query = query.where(Conversation.id.in_(only))
    ids = list((await tx.session.scalars(query)).all())
    if ids:
        await tx.session.execute(
            update(Conversation)
            .where(Conversation.workspace_id == workspace_id, Conversation.id.in_(ids))
            .values(contact_id=to_contact_id)
        )
    return ids
