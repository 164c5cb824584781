"""The tracking context's running parts for service-level tests (no server)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from hovor.core.ratelimit import RateLimiter
from hovor.db.transaction import Database
from hovor.tracking.service import Tracking
from hovor.tracking.writer import EventLogWriter


@asynccontextmanager
async def running_tracking(db: Database) -> AsyncIterator[Tracking]:
    """Tracking with its event log writer started, closed after the block."""
    service = Tracking(EventLogWriter(db), RateLimiter())
    await service.writer.start()
    try:
        yield service
    finally:
        await service.writer.close()
