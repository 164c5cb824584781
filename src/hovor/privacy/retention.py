"""Retention of raw web data: tracked events and web sessions older than N days are deleted.

``HOVOR_EVENT_RETENTION_DAYS`` (default 90, 0 keeps everything). Deletion runs per
workspace in batches of ``BATCH`` rows, each batch its own short transaction, so the
tracker's event writer is never held up for long (SQLite has one writer) and a crash
loses nothing but the batch in flight: the next run carries on where this one stopped.
Each node runs the purge every hour (``EventRetention``); running it on several nodes at
once is harmless, a row is deleted once. ``hovor purge-events`` runs it once by hand.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from hovor.auth.models import Workspace
from hovor.core import clock
from hovor.db.batches import delete_in_batches
from hovor.db.transaction import Database
from hovor.tracking.models import TrackedEvent, WebSession

log = logging.getLogger(__name__)

BATCH = 5000
INTERVAL_SECONDS = 3600.0


@dataclass(frozen=True)
class Purged:
    tracked_events: int = 0
    web_sessions: int = 0


def cutoff(days: int, now: datetime | None = None) -> datetime:
    return (now or clock.now()) - timedelta(days=days)


async def purge_events(db: Database, older_than: datetime) -> Purged:
    """Delete tracked events (by their time) and web sessions (by their last event) before
    ``older_than``, in every workspace."""
    async with db.read() as session:
        workspaces = list((await session.scalars(select(Workspace.id))).all())
    events = sessions = 0
    for workspace_id in workspaces:
        events += await delete_in_batches(
            db,
            TrackedEvent,
            TrackedEvent.workspace_id == workspace_id,
            TrackedEvent.ts < older_than,
            batch=BATCH,
        )
        sessions += await delete_in_batches(
            db,
            WebSession,
            WebSession.workspace_id == workspace_id,
            WebSession.last_seen_at < older_than,
            batch=BATCH,
        )
    return Purged(events, sessions)


async def run_purge(db: Database, days: int) -> Purged:
    """One purge with the retention setting; logs how many rows went."""
    if days <= 0:
        return Purged()
    before = cutoff(days)
    purged = await purge_events(db, before)
    log.info(
        "event retention (%d days): deleted %d tracked events and %d web sessions before %s",
        days,
        purged.tracked_events,
        purged.web_sessions,
        before.isoformat(timespec="seconds"),
    )
    return purged


class EventRetention:
    """The hourly purge, started and stopped by the app's lifespan."""

    def __init__(self, db: Database, days: int, interval: float = INTERVAL_SECONDS) -> None:
        self.db = db
        self.days = days
        self.interval = interval
        self.runs = 0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.days > 0:
            self._task = asyncio.create_task(self._loop(), name="hovor-event-retention")

    async def _loop(self) -> None:
        while True:
            try:
                await run_purge(self.db, self.days)
            except Exception:  # a failed run is retried at the next interval
                log.exception("event retention purge failed")
            self.runs += 1
            await asyncio.sleep(self.interval)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
