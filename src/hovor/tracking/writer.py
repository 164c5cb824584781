"""Batched, durable writes of the event log: many visitors' events in one transaction.

Callers hand over rows and await the batch's commit: an event is acknowledged to the
tracker only once it is stored. Duplicates (a resend after a lost ack, or after a
restart) are dropped by the unique (workspace, visitor, event id) key.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.db.transaction import Database
from hovor.tracking.models import TrackedEvent, WebSession

log = logging.getLogger(__name__)

MAX_BATCH_ROWS = 1000
MAX_DELAY_SECONDS = 0.02


@dataclass
class SessionTouch:
    session_id: str
    last_seen_at: datetime
    events: int


@dataclass
class WriteRequest:
    events: list[dict[str, Any]]
    new_sessions: list[dict[str, Any]] = field(default_factory=list)
    touches: list[SessionTouch] = field(default_factory=list)
    done: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class EventLogWriter:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._queue: asyncio.Queue[WriteRequest] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0
        self.rows = 0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="hovor-event-log-writer")

    async def close(self) -> None:
        """Write what is queued, then stop."""
        if self._task is None:
            return
        await self._queue.join()
        self._task.cancel()
        with suppress(asyncio.CancelledError):
            await self._task

    async def write(self, request: WriteRequest) -> None:
        await self._queue.put(request)
        await request.done

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            deadline = asyncio.get_running_loop().time() + MAX_DELAY_SECONDS
            rows = len(batch[0].events)
            while rows < MAX_BATCH_ROWS:
                timeout = deadline - asyncio.get_running_loop().time()
                if timeout <= 0:
                    break
                try:
                    request = await asyncio.wait_for(self._queue.get(), timeout)
                except TimeoutError:
                    break
                batch.append(request)
                rows += len(request.events)
            try:
                async with self._db.transaction() as tx:
                    await _store(tx.session, batch)
            except Exception as exc:  # nothing was stored: every caller hears why
                log.exception("event log batch failed")
                for request in batch:
                    if not request.done.done():
                        request.done.set_exception(exc)
            else:
                self.batches += 1
                self.rows += rows
                for request in batch:
                    if not request.done.done():
                        request.done.set_result(None)
            finally:
                for _ in batch:
                    self._queue.task_done()


async def _store(session: AsyncSession, batch: list[WriteRequest]) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    sessions = [s for r in batch for s in r.new_sessions]
    if sessions:
        await session.execute(
            insert(WebSession).on_conflict_do_nothing(index_elements=["id"]), sessions
        )
    events = [e for r in batch for e in r.events]
    if events:
        await session.execute(
            insert(TrackedEvent).on_conflict_do_nothing(
                index_elements=["workspace_id", "visitor_id", "event_id"]
            ),
            events,
        )
    latest: dict[str, SessionTouch] = {}
    for touch in (t for r in batch for t in r.touches):
        seen = latest.get(touch.session_id)
        if seen is None:
            latest[touch.session_id] = SessionTouch(
                touch.session_id, touch.last_seen_at, touch.events
            )
        else:
            seen.last_seen_at = max(seen.last_seen_at, touch.last_seen_at)
            seen.events += touch.events
    for touch in latest.values():
        await session.execute(
            update(WebSession)
            .where(WebSession.id == touch.session_id)
            .values(last_seen_at=touch.last_seen_at, events=WebSession.events + touch.events)
        )
