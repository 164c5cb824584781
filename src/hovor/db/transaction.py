"""Transactions that publish their domain events only after the commit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.db.engine import create_engine, create_session_factory, create_sqlite_thread_engine

T = TypeVar("T")


@dataclass
class Tx:
    """One unit of work: a session plus the events to publish if, and only if, it commits."""

    session: AsyncSession
    events: list[DomainEvent] = field(default_factory=list)
    leading: list[DomainEvent] = field(default_factory=list)

    def publish_on_commit(self, event: DomainEvent, *, first: bool = False) -> None:
        """Queue ``event`` for after the commit. ``first``: dispatched before the events
        queued without it, for a frame someone is waiting on (a ringing call) that would
        otherwise wait for the listeners of everything queued before it (routing,
        analytics); its in-transaction writers still run in queue order."""
        self.events.append(event)
        if first:
            self.leading.append(event)

    def dispatch_order(self) -> list[DomainEvent]:
        rest = [e for e in self.events if not any(e is lead for lead in self.leading)]
        return [*self.leading, *rest]


class Database:
    def __init__(self, url: str, dispatcher: Dispatcher) -> None:
        self.url = url
        self.engine: AsyncEngine = create_engine(url)
        self.sessions: async_sessionmaker[AsyncSession] = create_session_factory(self.engine)
        self.dispatcher = dispatcher
        # SQLite has one writer. Queueing write transactions here, instead of letting them
        # collide in SQLite's busy handler (which sleeps and retries), keeps latency low.
        self._write_lock: asyncio.Lock | None = asyncio.Lock() if self.is_sqlite else None
        self._batch_engine: Engine | None = None  # SQLite: run_batch's own connection
        self._batch_thread: ThreadPoolExecutor | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._writer(), self.sessions() as session:
            tx = Tx(session)
            yield tx
            await self._write_within(tx)
            await session.commit()
        for event in tx.dispatch_order():
            await self.dispatcher.dispatch(event)

    async def _write_within(self, tx: Tx) -> None:
        """Run the in-transaction writers of each queued event, including events they queue."""
        done = 0
        while done < len(tx.events):
            event = tx.events[done]
            done += 1
            for writer in self.dispatcher.writers(event.name):
                await writer(tx, event)

    async def run_batch(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` (synchronous statements, no domain events) in one transaction.

        For hot batch writes such as the event log's. On SQLite it runs whole in a thread
        of its own, on a connection of its own: one hop from the event loop for the whole
        transaction, where statements awaited one by one would each wait a full turn of a
        busy loop (the aiosqlite driver answers through it). On PostgreSQL it runs on a
        pooled connection of the async engine.
        """
        if not self.is_sqlite:
            async with self.engine.begin() as conn:
                return await conn.run_sync(work)
        if self._batch_thread is None:
            self._batch_engine = create_sqlite_thread_engine(self.url)
            self._batch_thread = ThreadPoolExecutor(1, thread_name_prefix="hovor-db-batch")
        loop = asyncio.get_running_loop()
        async with self._writer():
            return await loop.run_in_executor(self._batch_thread, self._in_thread, work)

    async def write_at_once(self, work: Callable[[Connection], list[DomainEvent]]) -> None:
        """``run_batch`` for a write with domain events: ``work`` returns them and they are
        dispatched after the commit, as ``transaction`` does. In-transaction writers
        (``Dispatcher.within``) are async and cannot run inside ``work``: an event that has
        any is refused before the commit, loudly, so none is silently skipped (ADR 0008)."""

        def checked(connection: Connection) -> list[DomainEvent]:
            events = work(connection)
            skipped = [e.name for e in events if self.dispatcher.writers(e.name)]
            if skipped:
                raise RuntimeError(
                    f"{', '.join(skipped)} has in-transaction writers: use transaction()"
                )
            return events

        for event in await self.run_batch(checked):
            await self.dispatcher.dispatch(event)

    def _in_thread(self, work: Callable[[Connection], T]) -> T:
        assert self._batch_engine is not None
        with self._batch_engine.begin() as conn:
            return work(conn)

    def _writer(self) -> AbstractAsyncContextManager[object]:
        return self._write_lock if self._write_lock is not None else nullcontext()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only; nothing it does is committed."""
        async with self.sessions() as session:
            yield session

    async def dispose(self) -> None:
        if self._batch_thread is not None:
            self._batch_thread.shutdown(wait=True)
            self._batch_thread = None
        if self._batch_engine is not None:
            self._batch_engine.dispose()
            self._batch_engine = None
        await self.engine.dispose()
