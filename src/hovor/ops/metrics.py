"""``/metrics`` in the Prometheus text format, and the figures read off the hot path.

Counters and histograms are updated where things happen (``core.metrics``). Figures that
cost a query (the outbox backlog) are read by a background task every ``POLL_SECONDS``, so
a scrape never scans a table; the routing queues' figures come from the router's live
snapshot in memory at scrape time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select

from hovor.conversations.models import Delivery
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.core.metrics import (
    OUTBOX,
    QUEUE_OLDEST_WAIT,
    QUEUE_WAITING,
    REGISTRY,
    offer_published,
)
from hovor.db.transaction import Database
from hovor.engagement.events import OFFER_MADE
from hovor.ops.access import allow_metrics

log = logging.getLogger(__name__)

POLL_SECONDS = 15.0
BACKLOG_STATES = ("pending", "sending", "failed")

router = APIRouter(include_in_schema=False)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    settings = request.app.state.runtime.settings
    allow_metrics(request, settings.metrics_token, request.app.state.peers)
    routing = getattr(request.app.state, "routing", None)
    if routing is not None:
        queue_figures(routing.stats)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def register(dispatcher: Dispatcher) -> None:
    """Observe event -> offer latency; registered after the engagement's own listener,
    so it runs once the offer frame is published."""

    @dispatcher.on(OFFER_MADE)
    async def offer_made(_event: DomainEvent) -> None:
        offer_published()


def queue_figures(stats: dict[str, dict[str, Any]]) -> None:
    """Set the queue gauges from the latest router snapshot of every workspace."""
    QUEUE_WAITING.clear()
    QUEUE_OLDEST_WAIT.clear()
    for workspace_id, snapshot in stats.items():
        for queue in snapshot.get("queues", ()):
            labels = (workspace_id, str(queue.get("name", queue.get("id", ""))))
            QUEUE_WAITING.labels(*labels).set(queue.get("waiting", 0))
            QUEUE_OLDEST_WAIT.labels(*labels).set(queue.get("longest_wait_seconds") or 0)


async def read_backlog(db: Database) -> dict[str, int]:
    """Deliveries per backlog state, over every workspace (an operator's figure).

    Uses the ``(status, next_attempt_at)`` index, so it stays cheap on a big table.
    """
    async with db.read() as session:
        rows = await session.execute(
            select(Delivery.status, func.count())
            .where(Delivery.status.in_(BACKLOG_STATES))
            .group_by(Delivery.status)
        )
        counts = {state: 0 for state in BACKLOG_STATES}
        counts.update({status: int(n) for status, n in rows.all()})
    return counts


class BacklogPoller:
    """Reads the outbox backlog every ``POLL_SECONDS`` into the ``hovor_outbox_deliveries``
    gauge."""

    def __init__(self, db: Database, every: float = POLL_SECONDS) -> None:
        self.db = db
        self.every = every
        self._task: asyncio.Task[None] | None = None
        self._quiet = False

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="hovor-metrics-backlog")

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def poll(self) -> None:
        for state, n in (await read_backlog(self.db)).items():
            OUTBOX.labels(state).set(n)

    async def _run(self) -> None:
        while True:
            try:
                await self.poll()
                self._quiet = False
            except Exception as exc:  # the database is down: /readyz says so; log it once
                if not self._quiet:
                    log.warning("metrics: could not read the outbox backlog (%s)", exc)
                self._quiet = True
            await asyncio.sleep(self.every)
