"""Transactions that publish their domain events only after the commit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.db.engine import create_engine, create_session_factory


@dataclass
class Tx:
    """One unit of work: a session plus the events to publish if, and only if, it commits."""

    session: AsyncSession
    events: list[DomainEvent] = field(default_factory=list)

    def publish_on_commit(self, event: DomainEvent) -> None:
        self.events.append(event)


class Database:
    def __init__(self, url: str, dispatcher: Dispatcher) -> None:
        self.url = url
        self.engine: AsyncEngine = create_engine(url)
        self.sessions: async_sessionmaker[AsyncSession] = create_session_factory(self.engine)
        self.dispatcher = dispatcher
        # SQLite has one writer. Queueing write transactions here, instead of letting them
        # collide in SQLite's busy handler (which sleeps and retries), keeps latency low.
        self._write_lock: asyncio.Lock | None = asyncio.Lock() if self.is_sqlite else None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._writer(), self.sessions() as session:
            tx = Tx(session)
            yield tx
            await session.commit()
        for event in tx.events:
            await self.dispatcher.dispatch(event)

    def _writer(self) -> AbstractAsyncContextManager[object]:
        return self._write_lock if self._write_lock is not None else nullcontext()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only; nothing it does is committed."""
        async with self.sessions() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
