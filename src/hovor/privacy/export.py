"""Export of everything stored about a contact, as one JSON document, streamed.

The document is written piece by piece while it is sent: each table is read in pages of
``PAGE`` rows (keyset paging by id, plain Core rows, no ORM identity map), and each page is
encoded and handed to the response before the next one is read. A contact with a million
tracked events costs one page of memory, not a million rows.

Which tables, and which of their rows, each table declares next to its model
(``core.personal_data``); there is no list of tables here. Every column of every row is
exported (except ``workspace_id``), so a column added later appears in the export without
a change here. The reads run in one read-only session.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core import clock
from hovor.db.base import Base
from hovor.db.transaction import Database
from hovor.privacy.registry import Registered, Registry
from hovor.privacy.scope import ContactScope

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


def _columns(table: Table) -> list[Column[Any]]:
    return [c for c in table.columns if c.key not in HIDDEN]


async def _pages(
    session: AsyncSession, r: Registered, *where: ColumnElement[bool]
) -> AsyncIterator[dict[str, Any]]:
    """Rows of ``r`` matching ``where``, by key, ``PAGE`` at a time."""
    key = r.key
    last: Any = None
    while True:
        query = select(*_columns(r.table)).where(*where)
        if last is not None:
            query = query.where(key > last)
        rows = (await session.execute(query.order_by(key).limit(PAGE))).all()
        for row in rows:
            yield dict(row._mapping)
        if len(rows) < PAGE:
            return
        last = rows[-1]._mapping[key.name]


def _key(name: str, first: bool = False) -> str:
    return ("" if first else ",") + encode(name) + ":"


async def export_document(
    db: Database, scope: ContactScope, registry: Registry | None = None
) -> AsyncIterator[str]:
    """The export of ``scope`` as JSON text, in pieces: the contact, then one array per
    declared table (``Export.key``), in dependency order; nested tables inside their
    parent's rows. The contact's own row heads the document, not its table's array."""
    registry = registry or Registry.of(Base.metadata)
    subject = registry.subject
    async with db.read() as session:
        yield "{" + _key("format", True) + encode(FORMAT)
        yield _key("exported_at") + encode(clock.now())
        yield _key("contact_id") + encode(scope.contact.id)
        yield _key("visitor_ids") + encode(scope.visitor_ids)
        profile = await session.execute(
            select(*_columns(subject.table)).where(
                subject.col("workspace_id") == scope.workspace_id,
                subject.key == scope.contact.id,
            )
        )
        yield _key("contact") + encode(dict(profile.one()._mapping))
        for r in registry.tables:
            export = r.declaration.export
            if export is None or export.nested:
                continue
            where = [registry.reached(r, scope)]
            if r is subject:
                where.append(subject.key != scope.contact.id)
            yield _key(export.key)
            async for piece in _section(session, registry, scope, r, where):
                yield piece
        yield "}\n"


async def _section(
    session: AsyncSession,
    registry: Registry,
    scope: ContactScope,
    r: Registered,
    where: list[ColumnElement[bool]],
) -> AsyncIterator[str]:
    """The rows of ``r`` matching ``where`` as a JSON array, in pieces. A row of a table
    that others nest in (messages in conversations) carries one array per nested table."""
    children = registry.children(r)
    yield "["
    first = True
    async for row in _pages(session, r, *where):
        text = encode(row)
        separator = "" if first else ","
        first = False
        if not children:
            yield separator + text
            continue
        yield separator + text[:-1]
        for child in children:
            link, export = child.declaration.parent(), child.declaration.export
            assert link is not None and export is not None
            yield _key(export.key)
            nested = [
                child.col("workspace_id") == scope.workspace_id,
                child.col(link.column) == row[r.key.name],
            ]
            async for piece in _section(session, registry, scope, child, nested):
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
