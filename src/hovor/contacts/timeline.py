"""One ordered history per contact. ``do_record`` is the only code that writes to it.

Entries are idempotent by ``(workspace, ref_type, ref_id)``: recording the same thing twice
(a listener re-run, a resent order) keeps the first entry. They move with merges.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.contacts.models import TimelineEntry
from hovor.core.pagination import newest_first
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
    return await newest_first(
        session,
        query,
        at=TimelineEntry.occurred_at,
        row_id=TimelineEntry.id,
        cursor=before,
        limit=limit,
        field="before",
    )
