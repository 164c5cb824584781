"""The outbox worker: sends due deliveries through their channel's adapter.

One runs on every node. A reply committed on this node was claimed for this node when it
was written (``service.register(claim_for=…)``), so the worker, woken by the commit, sends
it at once without a claiming transaction. Otherwise it wakes when the earliest retry falls
due, and at least every ``poll_seconds`` (rows other nodes left pending, claims of a node
that died): it claims a batch in one transaction. Each round records every outcome in one
transaction.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.base import ChannelRegistry, DeliveryFailed, Outbound, WebhookChannel
from hovor.channels.inboxes.service import inbox_refs
from hovor.channels.outbox import service
from hovor.conversations import events as conversation_events
from hovor.core import clock
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.core.personal_data import ERASED_TEXT
from hovor.core.rounds import run_rounds
from hovor.db.transaction import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    delivery_id: str
    provider_message_id: str | None = None
    error: str | None = None
    permanent: bool = False


class OutboxWorker:
    def __init__(
        self,
        db: Database,
        channels: ChannelRegistry,
        *,
        poll_seconds: float = 1.0,
        batch: int = 50,
        lease: timedelta = service.CLAIM_LEASE,
    ) -> None:
        self._db = db
        self._channels = channels
        self._poll = poll_seconds
        self._batch = batch
        self._lease = lease
        self._wake = asyncio.Event()
        self._promised: list[str] = []  # ids of messages committed here, claimed at birth
        self._task: asyncio.Task[None] | None = None

    @property
    def lease(self) -> timedelta:
        return self._lease

    def register(self, dispatcher: Dispatcher) -> None:
        """Send this node's committed replies at once: they leave without waiting a poll."""

        @dispatcher.on(conversation_events.MESSAGE_CREATED)
        async def kick(event: DomainEvent) -> None:
            message = event.payload["message"]
            if message["author_type"] != "visitor" and not message["private"]:
                self._promised.append(message["id"])
                self.kick()

    def kick(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="hovor-outbox")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        await run_rounds(
            self.run_once,
            self._next_due_at,
            self._wake,
            batch=self._batch,
            poll=self._poll,
            name="outbox",
        )

    async def _next_due_at(self) -> datetime | None:
        async with self._db.read() as session:
            return await service.next_due_at(session)

    async def run_once(self) -> int:
        """One round: send what this node promised and what is due; returns how many."""
        sent = 0
        if self._promised:
            promised, self._promised = self._promised, []
            async with self._db.read() as session:
                claimed = await service.claimed_at_birth(session, promised)
                jobs = await self._jobs(session, claimed)
            sent += await self._deliver(jobs)
        async with self._db.read() as session:
            due = await service.next_due_at(session)
        if due is not None and due <= clock.now():  # claim only when something is due
            async with self._db.transaction() as tx:
                claimed = await service.claim_due(tx, limit=self._batch, lease=self._lease)
                jobs = await self._jobs(tx.session, claimed)
            sent += await self._deliver(jobs)
        return sent

    async def _jobs(self, session: AsyncSession, claimed: list[service.Claimed]) -> list[Outbound]:
        inboxes = await inbox_refs(
            session, {c.delivery.inbox_id for c in claimed if c.delivery.inbox_id}
        )
        return [
            Outbound(
                workspace_id=c.delivery.workspace_id,
                channel=c.delivery.channel,
                source_id=c.delivery.recipient,
                conversation_id=c.delivery.conversation_id,
                message=c.message.model_dump(mode="json"),
                delivery_id=c.delivery.id,
                attempt=c.delivery.attempts,
                inbox=inboxes.get(c.delivery.inbox_id or ""),
            )
            for c in claimed
        ]

    async def _deliver(self, jobs: list[Outbound]) -> int:
        if not jobs:
            return 0
        outcomes = await asyncio.gather(*(self._send(job) for job in jobs))
        async with self._db.transaction() as tx:
            for outcome in outcomes:
                if outcome.error is None:
                    await service.do_record_sent(
                        tx, outcome.delivery_id, outcome.provider_message_id
                    )
                else:
                    await service.do_record_failure(
                        tx, outcome.delivery_id, outcome.error, permanent=outcome.permanent
                    )
        return len(jobs)

    async def _send(self, job: Outbound) -> Outcome:
        adapter = self._channels.get(job.channel)
        if adapter is None:
            return Outcome(job.delivery_id, error=f"no channel {job.channel!r} on this server")
        if job.source_id == ERASED_TEXT:
            return Outcome(job.delivery_id, error="the contact was erased", permanent=True)
        if (
            job.inbox is None
            and isinstance(adapter, WebhookChannel)
            and not getattr(adapter, "replies_without_inbox", False)
        ):
            return Outcome(job.delivery_id, error="its inbox was deleted", permanent=True)
        try:
            sent = await adapter.send(job)
        except DeliveryFailed as exc:
            log.warning("delivery %s on %s refused: %s", job.delivery_id, job.channel, exc.reason)
            return Outcome(job.delivery_id, error=exc.reason, permanent=exc.permanent)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("delivery %s on %s failed: %r", job.delivery_id, job.channel, exc)
            return Outcome(job.delivery_id, error=f"{type(exc).__name__}: {exc}")
        return Outcome(job.delivery_id, provider_message_id=sent.provider_message_id)
