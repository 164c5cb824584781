"""One ordered history per contact. ``do_record`` is the only code that writes to it.

Entries are idempotent by ``(workspace, ref_type, ref_id)``: recording the same thing twice
(a listener re-run, a resent order) keeps the first entry. They move with merges.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.contacts.models import TimelineEntry
from hovor.core.errors import InvalidInput
from hovor.db.transaction import Tx

# The kinds recorded today (docs/contacts.md); others may be added by any context.
CONVERSATION_STARTED = "conversation.started"
CONVERSATION_CLOSED = "conversation.closed"
OFFER_ACCEPTED = "offer.accepted"
ORDER_PLACED = "order.placed"
CONTACT_IDENTIFIED = "contact.identified"
WEB_SESSION = "web.session"
KINDS = (
    CONVERSATION_STARTED,
    CONVERSATION_CLOSED,
    OFFER_ACCEPTED,
    ORDER_PLACED,
    CONTACT_IDENTIFIED,
    WEB_SESSION,
)
MAX_SUMMARY = 500


async def find_entry(
    session: AsyncSession, workspace_id: str, ref_type: str, ref_id: str
) -> TimelineEntry | None:
    return await session.scalar(
        select(TimelineEntry).where(
            TimelineEntry.workspace_id == workspace_id,
            TimelineEntry.ref_type == ref_type,
            TimelineEntry.ref_id == ref_id,
        )
    )


async def do_record(
    tx: Tx,
    workspace_id: str,
    contact_id: str,
    kind: str,
    occurred_at: datetime,
    ref_type: str,
    ref_id: str,
    summary: str,
    data: dict[str, Any] | None = None,
) -> TimelineEntry:
    """Add an entry to the contact's timeline, or return the one already recorded for the ref."""
    found = await find_entry(tx.session, workspace_id, ref_type, ref_id)
    if found is not None:
        return found
    entry = TimelineEntry(
        workspace_id=workspace_id,
        contact_id=contact_id,
        kind=kind,
        occurred_at=occurred_at,
        ref_type=ref_type,
        ref_id=ref_id,
        summary=summary[:MAX_SUMMARY],
        data=data or {},
    )
    try:
        async with tx.session.begin_nested():
            tx.session.add(entry)
            await tx.session.flush()
    except IntegrityError:
        found = await find_entry(tx.session, workspace_id, ref_type, ref_id)
        if found is None:
            raise
        return found
    return entry


def encode_cursor(at: datetime, entry_id: str) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{entry_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        at, entry_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return datetime.fromisoformat(at), entry_id
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            "invalid cursor", errors=[{"loc": ["before"], "msg": "invalid"}]
        ) from exc


async def list_entries(
    session: AsyncSession,
    workspace_id: str,
    contact_id: str,
    *,
    kinds: Sequence[str] = (),
    before: str | None = None,
    limit: int = 50,
) -> tuple[list[TimelineEntry], str | None]:
    """Newest first; the cursor of the next page is the last entry's ``(occurred_at, id)``."""
    query = select(TimelineEntry).where(
        TimelineEntry.workspace_id == workspace_id, TimelineEntry.contact_id == contact_id
    )
    if kinds:
        query = query.where(TimelineEntry.kind.in_(kinds))
    if before:
        at, last_id = decode_cursor(before)
        query = query.where(
            or_(
                TimelineEntry.occurred_at < at,
                and_(TimelineEntry.occurred_at == at, TimelineEntry.id < last_id),
            )
        )
    query = query.order_by(TimelineEntry.occurred_at.desc(), TimelineEntry.id.desc())
    rows = list((await session.scalars(query.limit(limit + 1))).all())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].occurred_at, rows[-1].id)
    return rows, next_cursor
