"""The co-browse sweep: ends what nobody ends by hand, and purges old recordings hourly.

Every ``EVERY_SECONDS`` each node ends

- requests the visitor did not answer in ``REQUEST_SECONDS`` (``unanswered``; a new request
  or a late answer ends them too),
- consents from accepted offers no agent used in ``CONSENT_MINUTES`` (``unused``),
- requested or active sessions whose visitor has had no socket open for
  ``VISITOR_GONE_SECONDS`` (``ended_by="system"``, ``end_reason="visitor_left"``): the tab
  was closed, so nobody would ever press Stop.

Why the bus decides "no socket": every visitor socket, on whichever node, subscribes to the
visitor's topic, and ``Bus.is_heard`` asks Redis (PUBSUB NUMSUB) whether any node has a
subscriber, so the answer holds across nodes, unlike the tracker's per-node socket count.
No relayed batch is possible without a socket either, so "not heard" covers "no page
sent". A page change closes one socket and opens the next within a second or two; the
session ends only after a node has seen the visitor unheard at every sweep for
``VISITOR_GONE_SECONDS``, so navigation never ends it. That "unheard since" is each node's
own memory: a restarted node starts counting again (it ends later, never sooner), and when
several nodes sweep, the first to count 60 s ends the session; the row is read FOR UPDATE
and ``do_end`` ends it once. If Redis is down the bus hears nobody, but nothing is relayed
then either.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import datetime, timedelta

from sqlalchemy import select

from hovor.bus import Bus
from hovor.bus.topics import visitor_topic
from hovor.cobrowse import service
from hovor.cobrowse.models import CobrowseSession
from hovor.cobrowse.retention import purge_all_recordings
from hovor.core import clock
from hovor.db.transaction import Database

log = logging.getLogger(__name__)

EVERY_SECONDS = 10.0
PURGE_SECONDS = 3600.0
VISITOR_GONE_SECONDS = 60


class CobrowseSweeper:
    """Started and stopped by the app's lifespan; ``sweep`` and ``purge`` run one pass."""

    def __init__(
        self,
        db: Database,
        bus: Bus,
        every: float = EVERY_SECONDS,
        purge_every: float = PURGE_SECONDS,
    ) -> None:
        self.db = db
        self.bus = bus
        self.every = every
        self.purge_every = purge_every
        self._unheard: dict[str, datetime] = {}  # session → first sweep that heard nobody
        self._purged_at: datetime | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="hovor-cobrowse-sweeper")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:  # retried at the next tick
                log.exception("co-browse sweep failed")
            await asyncio.sleep(self.every)

    async def tick(self) -> None:
        await self.sweep()
        now = clock.now()
        if self._purged_at is None or now - self._purged_at >= timedelta(seconds=self.purge_every):
            self._purged_at = now
            await purge_all_recordings(self.db)

    async def sweep(self) -> int:
        """End lapsed requests, unused consents and sessions of visitors who left; how many."""
        now = clock.now()
        async with self.db.read() as session:
            rows = (
                await session.scalars(
                    select(CobrowseSession).where(CobrowseSession.status.in_(service.OPEN))
                )
            ).all()
        ending: dict[str, str] = {}
        for row in rows:
            reason = await self._reason(row, now)
            if reason is not None:
                ending[row.id] = reason
        seen = {row.id for row in rows}
        self._unheard = {k: v for k, v in self._unheard.items() if k in seen}
        for session_id, reason in ending.items():
            await self._end(session_id, reason)
            self._unheard.pop(session_id, None)
        return len(ending)

    async def _reason(self, row: CobrowseSession, now: datetime) -> str | None:
        if row.status == service.CONSENTED:
            gone = row.created_at + timedelta(minutes=service.CONSENT_MINUTES) < now
            return "unused" if gone else None
        if (
            row.status == "requested"
            and row.created_at + timedelta(seconds=service.REQUEST_SECONDS) < now
        ):
            return "unanswered"
        if await self.bus.is_heard(visitor_topic(row.workspace_id, row.visitor_id)):
            self._unheard.pop(row.id, None)
            return None
        since = self._unheard.setdefault(row.id, now)
        return "visitor_left" if now - since >= timedelta(seconds=VISITOR_GONE_SECONDS) else None

    async def _end(self, session_id: str, reason: str) -> None:
        async with self.db.transaction() as tx:
            row = await tx.session.scalar(
                select(CobrowseSession).where(CobrowseSession.id == session_id).with_for_update()
            )
            if row is not None:
                await service.do_end(tx, row, by="system", reason=reason)
