"""Rollups kept up to date as domain events commit.

Listeners only note which rows changed; one background task per node drains the notes
and refreshes those rows' contributions in one transaction per workspace (``rollups``).
Under load many events collapse into one refresh (a row named twice is refreshed once);
when quiet, a refresh follows its event at once. A refresh that fails is logged and its
rows are refreshed by the next ``hovor analytics rebuild --since``; nothing else depends
on it. Event names are matched as strings, as the timeline does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import datetime
from typing import Any

from hovor.analytics import facts, related, rollups
from hovor.analytics.definitions import is_satisfied
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database, Tx

OFFER_EVENTS = (
    "offer.made",
    "offer.held_out",
    "offer.shown",
    "offer.accepted",
    "offer.declined",
    "offer.expired",
)
CONVERSATION_EVENTS = (
    "conversation.created",
    "conversation.assigned",
    "conversation.closed",
    "conversation.reopened",
)
TASK_EVENTS = ("task.changed", "task.sla_breached", "task.marked_unroutable")
ORDER_CREATED = "order.created"
MESSAGE_CREATED = "message.created"
CSAT_RATED = "csat.rated"
MATCHES_GUARDED = "matches.guarded"
PRESENCE_CHANGED = "agent.presence_changed"
PRESENCE_HOURS_ENDED = "presence.hours_ended"
# Sources that name rows whose neighbours change with them (expanded when refreshed).
CONVERSATION_AND_RELATED = "conversation+"
ORDER_AND_OFFERS = "order+"
TASK_AND_RELATED = "task+"  # its conversation's queue and the offer's agent minutes follow it

log = logging.getLogger(__name__)


def csat_fact(
    payload: dict[str, Any], occurred_at: datetime
) -> tuple[str, str, int, datetime] | None:
    """The rating in a ``csat.rated`` payload (``csat.service.do_rate``: survey id,
    conversation id, score 1-5, rated at); ``None`` when it names no valid score."""
    nested = payload.get("rating")
    rating: dict[str, Any] = nested if isinstance(nested, dict) else payload
    score, conversation_id = rating.get("score"), rating.get("conversation_id")
    if not isinstance(score, int) or not 1 <= score <= 5 or not isinstance(conversation_id, str):
        return None
    given = rating.get("survey_id") or rating.get("id")
    rating_id = given if isinstance(given, str) else conversation_id
    at = rating.get("rated_at") or rating.get("created_at")
    when = datetime.fromisoformat(at) if isinstance(at, str) else occurred_at
    return rating_id, conversation_id, score, when


class RollupUpdater:
    """Collects the rows events name and refreshes them in the background."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._pending: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._ratings: list[tuple[str, tuple[str, str, int, datetime]]] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self.refreshed = 0  # rows whose contribution changed, for the metrics and tests

    def note(self, workspace_id: str, source: str, row_id: str | None) -> None:
        if not row_id:
            return
        self._pending[workspace_id][source].add(row_id)
        self._idle.clear()
        self._wake.set()

    def note_rating(self, workspace_id: str, rating: tuple[str, str, int, datetime]) -> None:
        self._ratings.append((workspace_id, rating))
        self._idle.clear()
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="analytics-rollups")

    async def close(self) -> None:
        if self._task is not None:
            await self.drain()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def drain(self) -> None:
        """Wait until every row noted so far is refreshed (tests, shutdown)."""
        await self._idle.wait()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            pending, self._pending = self._pending, defaultdict(lambda: defaultdict(set))
            ratings, self._ratings = self._ratings, []
            for workspace_id, sources in pending.items():
                try:
                    async with self._db.transaction() as tx:
                        self.refreshed += await refresh_noted(tx, workspace_id, sources)
                except Exception:
                    log.exception("analytics: refreshing rollups of %s failed", workspace_id)
            for workspace_id, rating in ratings:
                try:
                    async with self._db.transaction() as tx:
                        await record_rating(tx, workspace_id, rating)
                except Exception:
                    log.exception("analytics: recording a rating of %s failed", workspace_id)
            if not self._pending and not self._ratings:
                self._idle.set()


async def refresh_noted(tx: Tx, workspace_id: str, sources: dict[str, set[str]]) -> int:
    """Refresh the rows noted per source (with the neighbours the markers stand for)."""
    return await rollups.do_refresh(tx, workspace_id, await _expand(tx, workspace_id, sources))


async def _expand(tx: Tx, workspace_id: str, sources: dict[str, set[str]]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = defaultdict(set)
    finders = {
        CONVERSATION_AND_RELATED: related.of_conversations,
        ORDER_AND_OFFERS: related.of_orders,
        TASK_AND_RELATED: related.of_tasks,
    }
    for source, ids in sources.items():
        finder = finders.get(source)
        if finder is None:
            keys[source].update(ids)
            continue
        for kind, found in (await finder(tx.session, workspace_id, ids)).items():
            keys[kind].update(found)
    return keys


async def record_rating(tx: Tx, workspace_id: str, rating: tuple[str, str, int, datetime]) -> None:
    rating_id, conversation_id, score, when = rating
    of_conversation = await facts.conversation_facts(tx.session, workspace_id, [conversation_id])
    conversation = of_conversation.get(conversation_id)
    if conversation is None:
        return  # not of this workspace, or erased meanwhile
    fact = facts.Fact(facts.hour_of(when), dict(conversation.dims))
    fact.put("csat", score)
    fact.put("csat_sat", is_satisfied(score))
    await rollups.do_record_fact(tx, workspace_id, "csat", rating_id, fact)


def register(dispatcher: Dispatcher, db: Database) -> RollupUpdater:
    updater = RollupUpdater(db)

    @dispatcher.on(*OFFER_EVENTS)
    async def offer_changed(event: DomainEvent) -> None:
        offer = event.payload.get("offer") or {}
        updater.note(event.workspace_id, "offer", offer.get("id"))
        if offer.get("conversation_id"):
            updater.note(event.workspace_id, CONVERSATION_AND_RELATED, offer["conversation_id"])

    @dispatcher.on(*CONVERSATION_EVENTS)
    async def conversation_changed(event: DomainEvent) -> None:
        conversation = event.payload.get("conversation") or {}
        updater.note(event.workspace_id, CONVERSATION_AND_RELATED, conversation.get("id"))

    @dispatcher.on(MESSAGE_CREATED)
    async def message_created(event: DomainEvent) -> None:
        message = event.payload.get("message") or {}
        if message.get("author_type") == "agent" and not message.get("private"):
            updater.note(event.workspace_id, "conversation", message.get("conversation_id"))

    @dispatcher.on(*TASK_EVENTS)
    async def task_changed(event: DomainEvent) -> None:
        task = event.payload.get("task") or {}
        updater.note(event.workspace_id, TASK_AND_RELATED, task.get("id"))

    @dispatcher.on(ORDER_CREATED)
    async def order_created(event: DomainEvent) -> None:
        updater.note(event.workspace_id, ORDER_AND_OFFERS, event.payload.get("order_id"))

    @dispatcher.on(MATCHES_GUARDED)
    async def matches_guarded(event: DomainEvent) -> None:
        for row_id in event.payload.get("ids") or []:
            updater.note(event.workspace_id, "guarded", row_id)

    @dispatcher.on(PRESENCE_CHANGED, PRESENCE_HOURS_ENDED)
    async def presence_changed(event: DomainEvent) -> None:
        for row_id in event.payload.get("periods") or []:
            updater.note(event.workspace_id, "presence", row_id)

    @dispatcher.on(CSAT_RATED)
    async def csat_rated(event: DomainEvent) -> None:
        rating = csat_fact(event.payload, event.occurred_at)
        if rating is not None:
            updater.note_rating(event.workspace_id, rating)

    return updater
