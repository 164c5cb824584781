"""Export of everything stored about a contact, as one JSON document, streamed.

The document is written piece by piece while it is sent: each table is read in pages of
``PAGE`` rows (keyset paging by id, plain Core rows, no ORM identity map), and each page is
encoded and handed to the response before the next one is read. A contact with a million
tracked events costs one page of memory, not a million rows.

Every column of every row is exported (except ``workspace_id``), so a column added later
appears in the export without a change here. The reads run in one read-only session.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.voice.models import CallbackRequest
from hovor.contacts.models import (
    Contact,
    ContactAttribute,
    ContactIdentity,
    ContactMerge,
    TimelineEntry,
)
from hovor.conversations.models import Conversation, Message
from hovor.core import clock
from hovor.db.transaction import Database
from hovor.engagement.models import Offer
from hovor.orders.models import Order
from hovor.privacy.scope import ContactScope
from hovor.tickets.models import Ticket, TicketConversation, TicketEvent, TicketNote
from hovor.tracking.models import TrackedEvent, WebSession

FORMAT = "hovor.contact-export/1"
PAGE = 500
HIDDEN = frozenset({"workspace_id"})


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot export {type(value).__name__}")


def encode(value: Any) -> str:
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":"))


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _columns(model: Any) -> list[Any]:
    return [c for c in _table(model).columns if c.key not in HIDDEN]


async def _pages(
    session: AsyncSession, model: Any, *where: ColumnElement[bool]
) -> AsyncIterator[dict[str, Any]]:
    """Rows of ``model`` matching ``where``, by id, ``PAGE`` at a time."""
    table = _table(model)
    last: str | None = None
    while True:
        query = select(*_columns(model)).where(*where)
        if last is not None:
            query = query.where(table.c.id > last)
        rows = (await session.execute(query.order_by(table.c.id).limit(PAGE))).all()
        for row in rows:
            yield dict(row._mapping)
        if len(rows) < PAGE:
            return
        last = rows[-1]._mapping["id"]


async def _array(rows: AsyncIterator[dict[str, Any]]) -> AsyncIterator[str]:
    yield "["
    first = True
    async for row in rows:
        yield ("" if first else ",") + encode(row)
        first = False
    yield "]"


def _key(name: str, first: bool = False) -> str:
    return ("" if first else ",") + encode(name) + ":"


async def export_document(db: Database, scope: ContactScope) -> AsyncIterator[str]:
    """The export of ``scope`` as JSON text, in pieces."""
    ws, ids, visitors = scope.workspace_id, scope.contact_ids, scope.visitor_ids
    async with db.read() as session:
        yield "{" + _key("format", True) + encode(FORMAT)
        yield _key("exported_at") + encode(clock.now())
        yield _key("contact_id") + encode(scope.contact.id)
        yield _key("visitor_ids") + encode(visitors)
        profile = await session.execute(
            select(*_columns(Contact)).where(Contact.id == scope.contact.id)
        )
        yield _key("contact") + encode(dict(profile.one()._mapping))
        yield _key("merged_contacts")
        async for piece in _array(
            _pages(session, Contact, Contact.workspace_id == ws, Contact.id.in_(ids[1:]))
        ):
            yield piece
        yield _key("identities")
        async for piece in _array(
            _pages(
                session,
                ContactIdentity,
                ContactIdentity.workspace_id == ws,
                ContactIdentity.contact_id.in_(ids),
            )
        ):
            yield piece
        yield _key("attribute_declarations")
        async for piece in _array(
            _pages(session, ContactAttribute, ContactAttribute.workspace_id == ws)
        ):
            yield piece
        yield _key("merges")
        async for piece in _array(
            _pages(
                session,
                ContactMerge,
                ContactMerge.workspace_id == ws,
                ContactMerge.source_id.in_(ids) | ContactMerge.target_id.in_(ids),
            )
        ):
            yield piece
        yield _key("timeline")
        async for piece in _array(
            _pages(
                session,
                TimelineEntry,
                TimelineEntry.workspace_id == ws,
                TimelineEntry.contact_id.in_(ids),
            )
        ):
            yield piece
        yield _key("conversations")
        async for piece in _conversations(session, scope):
            yield piece
        tickets = select(Ticket.id).where(Ticket.workspace_id == ws, Ticket.contact_id.in_(ids))
        yield _key("tickets")
        async for piece in _array(
            _pages(session, Ticket, Ticket.workspace_id == ws, Ticket.contact_id.in_(ids))
        ):
            yield piece
        yield _key("ticket_notes")
        async for piece in _array(
            _pages(
                session,
                TicketNote,
                TicketNote.workspace_id == ws,
                TicketNote.ticket_id.in_(tickets),
            )
        ):
            yield piece
        yield _key("ticket_history")
        async for piece in _array(
            _pages(
                session,
                TicketEvent,
                TicketEvent.workspace_id == ws,
                TicketEvent.ticket_id.in_(tickets),
            )
        ):
            yield piece
        links = await session.execute(
            select(*_columns(TicketConversation)).where(
                TicketConversation.workspace_id == ws, TicketConversation.ticket_id.in_(tickets)
            )
        )
        yield _key("ticket_conversations") + encode([dict(r._mapping) for r in links])
        yield _key("orders")
        async for piece in _array(
            _pages(session, Order, Order.workspace_id == ws, Order.contact_id.in_(ids))
        ):
            yield piece
        yield _key("offers")
        async for piece in _array(
            _pages(session, Offer, Offer.workspace_id == ws, Offer.visitor_id.in_(visitors))
        ):
            yield piece
        yield _key("callback_requests")
        async for piece in _array(
            _pages(
                session,
                CallbackRequest,
                CallbackRequest.workspace_id == ws,
                CallbackRequest.conversation_id.in_(scope.conversation_ids()),
            )
        ):
            yield piece
        yield _key("web_sessions")
        async for piece in _array(
            _pages(
                session,
                WebSession,
                WebSession.workspace_id == ws,
                WebSession.visitor_id.in_(visitors),
            )
        ):
            yield piece
        yield _key("tracked_events")
        async for piece in _array(
            _pages(
                session,
                TrackedEvent,
                TrackedEvent.workspace_id == ws,
                TrackedEvent.visitor_id.in_(visitors),
            )
        ):
            yield piece
        yield "}\n"


async def _conversations(session: AsyncSession, scope: ContactScope) -> AsyncIterator[str]:
    """Each conversation with its messages (private notes have ``"private": true``)."""
    yield "["
    first = True
    async for conversation in _pages(
        session,
        Conversation,
        Conversation.workspace_id == scope.workspace_id,
        Conversation.contact_id.in_(scope.contact_ids),
    ):
        head = encode(conversation)
        yield ("" if first else ",") + head[:-1] + _key("messages")
        first = False
        async for piece in _array(
            _pages(
                session,
                Message,
                Message.workspace_id == scope.workspace_id,
                Message.conversation_id == conversation["id"],
            )
        ):
            yield piece
        yield "}"
    yield "]"


async def encoded(pieces: AsyncIterator[str], chunk: int = 64 * 1024) -> AsyncIterator[bytes]:
    """UTF-8 bytes in chunks of about ``chunk`` bytes (fewer, larger writes to the socket)."""
    buffer: list[str] = []
    size = 0
    async for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= chunk:
            yield "".join(buffer).encode()
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode()
