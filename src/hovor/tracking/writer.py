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
from datetime import UTC, datetime
from functools import partial
from typing import Any, Literal

import orjson
from sqlalchemy import Connection, Integer, Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from hovor.core.ids import new_ids
from hovor.core.jsontext import json_text
from hovor.core.metrics import BATCH_SIZE
from hovor.db.transaction import Database
from hovor.tracking.models import TrackedEvent, WebSession
from hovor.tracking.postgres_log import store_batch

log = logging.getLogger(__name__)

MAX_BATCH_ROWS = 1000
EVENT_COLUMNS = (
    "id",
    "workspace_id",
    "visitor_id",
    "session_id",
    "event_id",
    "type",
    "ts",
    "received_at",
    "clock_skew",
    "props",
    "page",
)


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
    rows: list[tuple[Any, ...]] | None = None  # ``events`` as the driver takes them
    done: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class EventLogWriter:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._queue: asyncio.Queue[WriteRequest] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._insert_sql: str | Literal[False] | None = None  # False: the driver's style is unknown
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

    def submit(self, request: WriteRequest) -> asyncio.Future[None]:
        """Queue ``request``; the future is done when its batch is committed."""
        dialect = self._db.engine.dialect
        if self._insert_sql is None:
            self._insert_sql = _sql_insert_events(dialect) or False
        if self._insert_sql:
            # Prepared here, by each caller, so the writer's turn on the event loop stays short.
            request.rows = _driver_rows(request.events, dialect.name == "sqlite")
        self._queue.put_nowait(request)  # unbounded: callers bound what they have in flight
        return request.done

    async def _run(self) -> None:
        while True:
            # Group commit: one transaction for everything queued while the last one ran.
            # No deliberate wait: a quiet node stores each batch at once, a busy one gathers
            # more per transaction by itself.
            batch = [await self._queue.get()]
            rows = len(batch[0].events)
            while rows < MAX_BATCH_ROWS and not self._queue.empty():
                request = self._queue.get_nowait()
                batch.append(request)
                rows += len(request.events)
            BATCH_SIZE.observe(rows)
            try:
                await self._store_answering(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _store_answering(self, batch: list[WriteRequest]) -> None:
        """Store the batch and answer its callers. If the database refuses it, each request
        is tried on its own, so that one request it refuses does not fail the others (not
        when the database is unreachable or busy: every request would wait for that)."""
        try:
            await self._write(batch)
        except Exception as exc:  # nothing of the batch was stored
            if len(batch) > 1 and not _unavailable(exc):
                log.warning("event log batch failed; storing its requests one by one")
                for request in batch:
                    await self._store_answering([request])
                return
            log.exception("event log batch failed")
            for request in batch:  # every caller hears why
                if not request.done.done():
                    request.done.set_exception(exc)
        else:
            self.batches += 1
            self.rows += sum(len(r.events) for r in batch)
            for request in batch:
                if not request.done.done():
                    request.done.set_result(None)

    async def _write(self, batch: list[WriteRequest]) -> None:
        if self._db.engine.dialect.driver == "asyncpg" and self._insert_sql:
            await store_batch(
                self._db.engine,
                [s for r in batch for s in r.new_sessions],
                [row for r in batch for row in r.rows or ()],
                {t.session_id: (t.last_seen_at, t.events) for t in _touches(batch)},
            )
        else:
            await self._db.run_batch(
                partial(_store, batch=batch, insert_sql=self._insert_sql or None)
            )


def _unavailable(exc: Exception) -> bool:
    """The database could not be reached or was busy, rather than refusing the data."""
    if isinstance(exc, OperationalError | InterfaceError | OSError | TimeoutError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _sql_insert_events(dialect: Dialect) -> str | None:
    """One INSERT of tracked events in the driver's own style (or None: use Core).

    On SQLite the statement reads the whole batch from one JSON array parameter: one step
    of the statement for the whole batch, where an executemany steps once per row, and
    the thread storing it would wait for the interpreter lock before every row while the
    event loop keeps it busy. Elsewhere it is one row, for an executemany (on PostgreSQL
    through asyncpg the whole batch is one statement instead: ``postgres_log``).
    """
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(c) for c in EVENT_COLUMNS)
    table = quote(TrackedEvent.__tablename__)
    conflict = "ON CONFLICT (workspace_id, visitor_id, event_id) DO NOTHING"
    if dialect.name == "sqlite":
        values = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(EVENT_COLUMNS)))
        # ``WHERE true`` tells SQLite's parser that ON CONFLICT is not part of a join.
        return f"INSERT INTO {table} ({columns}) SELECT {values} FROM json_each(?) WHERE true {conflict}"
    if dialect.paramstyle == "numeric_dollar":
        marks = [f"${i}" for i in range(1, len(EVENT_COLUMNS) + 1)]
    elif dialect.paramstyle == "format":
        marks = ["%s"] * len(EVENT_COLUMNS)
    else:
        return None
    return f"INSERT INTO {table} ({columns}) VALUES ({', '.join(marks)}) {conflict}"


def _driver_rows(events: list[dict[str, Any]], sqlite_times: bool) -> list[tuple[Any, ...]]:
    """Rows as the driver takes them: JSON as text, times as SQLAlchemy would bind them
    (naive UTC text on SQLite, aware datetimes elsewhere), and a fresh ULID each."""
    rows = []
    bound: dict[int, Any] = {}  # id(datetime) → its bound form: a batch shares received_at

    def bind(value: datetime) -> Any:
        done = bound.get(id(value))
        if done is None:
            utc = value if value.tzinfo is UTC else value.astimezone(UTC)
            # The naive text SQLAlchemy writes: "+00:00" cut off rather than a replace().
            done = utc.isoformat(" ", "microseconds")[:26] if sqlite_times else utc
            bound[id(value)] = done
        return done

    for row_id, e in zip(new_ids(len(events)), events, strict=True):
        rows.append(
            (
                row_id,
                e["workspace_id"],
                e["visitor_id"],
                e["session_id"],
                e["event_id"],
                e["type"],
                bind(e["ts"]),
                bind(e["received_at"]),
                bool(e["clock_skew"]),
                json_text(e["props"]),
                json_text(e["page"]),
            )
        )
    return rows


def _store(connection: Connection, *, batch: list[WriteRequest], insert_sql: str | None) -> None:
    """The batch's statements, in one transaction (``Database.run_batch``)."""
    dialect = connection.dialect
    insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
    sessions = [s for r in batch for s in r.new_sessions]
    if sessions:
        connection.execute(
            insert(WebSession).on_conflict_do_nothing(index_elements=["id"]), sessions
        )
    events = [e for r in batch for e in r.events]
    if events:
        # Straight to the driver (one executemany): the ORM's bulk insert cost more Python
        # per row than everything else in ingestion.
        if insert_sql is not None and all(r.rows is not None for r in batch):
            rows = [row for r in batch for row in r.rows or ()]
            if dialect.name == "sqlite":
                connection.exec_driver_sql(insert_sql, (orjson.dumps(rows).decode(),))
            else:
                connection.exec_driver_sql(insert_sql, rows)
        else:
            connection.execute(
                insert(TrackedEvent).on_conflict_do_nothing(
                    index_elements=["workspace_id", "visitor_id", "event_id"]
                ),
                events,
            )
    latest = _touches(batch)
    if latest:
        table = WebSession.__table__
        assert isinstance(table, Table)
        connection.execute(
            update(table)
            .where(table.c.id == bindparam("touched_id"))
            .values(
                last_seen_at=bindparam("touched_at"),
                events=table.c.events + bindparam("touched_events", type_=Integer),
            ),
            [
                {
                    "touched_id": t.session_id,
                    "touched_at": t.last_seen_at,
                    "touched_events": t.events,
                }
                for t in latest
            ],
        )


def _touches(batch: list[WriteRequest]) -> list[SessionTouch]:
    """The batch's touches, one per visit: the latest time, the events summed."""
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
    return list(latest.values())
