"""Writing audit entries, reading them back (a filtered page, a CSV export), forgetting old ones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.audit.models import AuditEntry
from hovor.core import clock
from hovor.core.errors import InvalidInput
from hovor.core.pagination import newest_first
from hovor.core.spreadsheet import Page, csv_pages, safe_cell
from hovor.db.batches import delete_in_batches
from hovor.db.transaction import Database, Tx

CSV_BATCH = 500
FORGET_BATCH = 1000
CSV_COLUMNS = (
    "time",
    "actor_id",
    "actor_name",
    "actor_email",
    "via",
    "token_name",
    "method",
    "route",
    "summary",
    "target",
    "status",
    "address",
    "request_id",
)


@dataclass(frozen=True)
class AuditFilter:
    actor_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    action: str | None = None  # a prefix of the route template: "/v1/users"


def check_filter(
    *,
    actor_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    action: str | None = None,
) -> AuditFilter:
    """The filter, or one ``InvalidInput`` naming each bad query parameter."""
    errors: list[dict[str, Any]] = []
    for name, at in (("since", since), ("until", until)):
        if at is not None and at.tzinfo is None:
            errors.append({"loc": ["query", name], "msg": "give a time zone (Z or +01:00)"})
    if not errors and since is not None and until is not None and until <= since:
        errors.append({"loc": ["query", "until"], "msg": "must be after since"})
    if action is not None and action and not action.startswith("/"):
        errors.append({"loc": ["query", "action"], "msg": "a route's beginning, as /v1/users"})
    if errors:
        raise InvalidInput("invalid audit filter", errors=errors)
    return AuditFilter(actor_id or None, since, until, action or None)


async def do_record_entry(tx: Tx, entry: AuditEntry) -> None:
    """Store one entry. No domain event: nothing reacts to the audit."""
    tx.session.add(entry)
    await tx.session.flush()


def _query(workspace_id: str, f: AuditFilter) -> Select[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.workspace_id == workspace_id)
    if f.actor_id:
        query = query.where(AuditEntry.actor_id == f.actor_id)
    if f.since is not None:
        query = query.where(AuditEntry.created_at >= f.since)
    if f.until is not None:
        query = query.where(AuditEntry.created_at < f.until)
    if f.action:
        query = query.where(AuditEntry.route.startswith(f.action, autoescape=True))
    return query


async def list_entries(
    session: AsyncSession, workspace_id: str, f: AuditFilter, *, limit: int, cursor: str | None
) -> tuple[list[AuditEntry], str | None]:
    """A page of the workspace's entries, newest first, and the next page's cursor."""
    return await newest_first(
        session,
        _query(workspace_id, f),
        at=AuditEntry.created_at,
        row_id=AuditEntry.id,
        cursor=cursor,
        limit=limit,
    )


def csv_row(entry: AuditEntry) -> list[str]:
    target = ";".join(f"{k}={v}" for k, v in sorted((entry.target or {}).items()))
    values: list[object] = [
        entry.created_at.isoformat(),
        entry.actor_id,
        entry.actor_name,
        entry.actor_email,
        entry.via,
        entry.token_name,
        entry.method,
        entry.route,
        entry.summary,
        target,
        entry.status,
        entry.address,
        entry.request_id,
    ]
    return [safe_cell(v) for v in values]


def csv_chunks(session: AsyncSession, workspace_id: str, f: AuditFilter) -> AsyncIterator[str]:
    """The filtered entries as CSV (header first), newest first, in batches."""

    async def page(cursor: str | None) -> Page[AuditEntry]:
        return await list_entries(session, workspace_id, f, limit=CSV_BATCH, cursor=cursor)

    return csv_pages(CSV_COLUMNS, page, csv_row)


async def forget_old_entries(db: Database, days: int) -> int:
    """Delete entries older than ``days`` in every workspace, in batches of
    ``FORGET_BATCH`` rows, each its own short transaction; how many went."""
    cutoff = clock.now() - timedelta(days=days)
    return await delete_in_batches(
        db, AuditEntry, AuditEntry.created_at < cutoff, batch=FORGET_BATCH
    )
