"""The agents' presence over time (occupancy's staffed time, docs/analytics.md).

``do_set_presence`` calls ``record_presence`` in its transaction: the agent's open period
ends at the change, stored as one row per UTC hour it touched (so the hourly analytics
rollups need no splitting), and a period of the new presence starts. ``PresenceHours``
cuts the periods still open at each full hour (the hour's part ends, the next starts), so
staffed time lags by at most an hour for an agent whose presence has not changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select, update

from hovor.auth import events
from hovor.auth.models import PresencePeriod
from hovor.core import clock
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database, Tx

log = logging.getLogger(__name__)
WAKE_SECONDS = 60.0

STAFFED = ("online", "busy")  # logged in and working: occupancy's available time
HOUR = timedelta(hours=1)


def next_hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0) + HOUR


async def record_presence(
    tx: Tx, workspace_id: str, user_id: str, status: str, at: datetime
) -> list[str]:
    """End the open period at ``at`` and start one of ``status``; the ids of the rows
    written (the ended period's hours and the new one)."""
    session = tx.session
    open_rows = (
        await session.scalars(
            select(PresencePeriod).where(
                PresencePeriod.workspace_id == workspace_id,
                PresencePeriod.user_id == user_id,
                PresencePeriod.ended_at.is_(None),
            )
        )
    ).all()
    rows = list(open_rows)
    for row in open_rows:
        row.ended_at = min(at, next_hour(row.started_at))
        start = row.ended_at
        while start < at:
            part = PresencePeriod(
                workspace_id=workspace_id,
                user_id=user_id,
                status=row.status,
                started_at=start,
                ended_at=min(at, next_hour(start)),
            )
            rows.append(part)
            start = next_hour(start)
    rows.append(
        PresencePeriod(workspace_id=workspace_id, user_id=user_id, status=status, started_at=at)
    )
    session.add_all(rows)
    await session.flush()
    return [row.id for row in rows]


async def do_end_past_hours(tx: Tx, now: datetime) -> int:
    """End every open period that began before this hour at its hour's end, with a row per
    whole hour since and an open row from this hour on; ``presence.hours_ended`` names the
    rows per workspace. Safe with several nodes: a period is cut only by the node whose
    conditional update ended it. Returns how many open periods were cut."""
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    session = tx.session
    open_rows = (
        await session.execute(
            select(
                PresencePeriod.id,
                PresencePeriod.workspace_id,
                PresencePeriod.user_id,
                PresencePeriod.status,
                PresencePeriod.started_at,
            ).where(PresencePeriod.ended_at.is_(None), PresencePeriod.started_at < this_hour)
        )
    ).all()
    written: dict[str, list[str]] = defaultdict(list)
    cut_count = 0
    for row_id, workspace_id, user_id, status, started_at in open_rows:
        cut = await session.execute(
            update(PresencePeriod)
            .where(PresencePeriod.id == row_id, PresencePeriod.ended_at.is_(None))
            .values(ended_at=next_hour(started_at))
        )
        if getattr(cut, "rowcount", 0) != 1:
            continue  # another node, or a presence change, ended it meanwhile
        cut_count += 1
        rows = []
        start = next_hour(started_at)
        while start <= this_hour:
            rows.append(
                PresencePeriod(
                    workspace_id=workspace_id,
                    user_id=user_id,
                    status=status,
                    started_at=start,
                    ended_at=None if start == this_hour else next_hour(start),
                )
            )
            start = next_hour(start)
        session.add_all(rows)
        await session.flush()
        written[workspace_id] += [row_id, *(r.id for r in rows)]
    for workspace_id, ids in written.items():
        tx.publish_on_commit(
            DomainEvent(events.PRESENCE_HOURS_ENDED, workspace_id, {"periods": ids})
        )
    return cut_count


class PresenceHours:
    """The per-node task that cuts open presence periods at each full hour."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="presence-hours")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                async with self._db.transaction() as tx:
                    await do_end_past_hours(tx, clock.now())
            except Exception:
                log.exception("auth: cutting presence periods at the hour failed")
            await asyncio.sleep(WAKE_SECONDS)
