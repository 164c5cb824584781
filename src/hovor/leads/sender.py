"""The worker that sends the CRM webhook's due deliveries (one per node).

Woken after a commit that wrote deliveries (``lead.*`` events), when the earliest retry
falls due, and at least every ``poll_seconds`` (rows of another node, claims of a node that
died). A 2xx answer is sent; 408, 429 and 5xx or no answer are retried; any other 4xx
is the CRM refusing the call for good.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import httpx

from hovor.core import clock
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.core.rounds import run_rounds
from hovor.db.transaction import Database
from hovor.leads import events, webhook

log = logging.getLogger(__name__)
TIMEOUT = httpx.Timeout(10.0)
RETRIED = frozenset({408, 425, 429})


class LeadWebhookWorker:
    def __init__(self, db: Database, *, poll_seconds: float = 5.0, batch: int = 20) -> None:
        self._db = db
        self._poll = poll_seconds
        self._batch = batch
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None

    def register(self, dispatcher: Dispatcher) -> None:
        @dispatcher.on(events.LEAD_CREATED, events.LEAD_UPDATED)
        async def kick(_event: DomainEvent) -> None:
            self._wake.set()

    def open(self) -> None:
        """The HTTP client, without the loop (``run_once`` by hand, as tests do)."""
        self._client = httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False)

    async def start(self) -> None:
        self.open()
        self._task = asyncio.create_task(self._run(), name="hovor-lead-webhook")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _run(self) -> None:
        await run_rounds(
            self.run_once,
            self._next_due_at,
            self._wake,
            batch=self._batch,
            poll=self._poll,
            name="lead webhook",
        )

    async def _next_due_at(self) -> datetime | None:
        async with self._db.read() as session:
            return await webhook.next_due_at(session)

    async def run_once(self) -> int:
        """One round: claim what is due, call the CRM, record each outcome; returns how many."""
        async with self._db.read() as session:
            due = await webhook.next_due_at(session)
        if due is None or due > clock.now():
            return 0
        async with self._db.transaction() as tx:
            claimed = await webhook.claim_due(tx, limit=self._batch)
            now = clock.now()
            jobs = [
                (d.id, webhook.body_of(d), hook.url, webhook.signing_secrets(hook, now))
                for d, hook in claimed
            ]
        outcomes = await asyncio.gather(*(self._call(*job) for job in jobs))
        async with self._db.transaction() as tx:
            for delivery_id, (code, error, permanent) in zip(
                (j[0] for j in jobs), outcomes, strict=True
            ):
                await webhook.do_record(
                    tx, delivery_id, status_code=code, error=error, permanent=permanent
                )
        return len(jobs)

    async def _call(
        self, delivery_id: str, body: str, url: str, secrets: list[str]
    ) -> tuple[int | None, str | None, bool]:
        assert self._client is not None
        headers = webhook.signed_request(secrets, delivery_id, body, clock.now())
        try:
            answer = await self._client.post(url, content=body.encode(), headers=headers)
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}", False
        if 200 <= answer.status_code < 300:
            return answer.status_code, None, False
        reason = f"HTTP {answer.status_code}: {answer.text[:200]}"
        permanent = 400 <= answer.status_code < 500 and answer.status_code not in RETRIED
        return answer.status_code, reason, permanent
