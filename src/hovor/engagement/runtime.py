"""Engagement on one node: tracked events → rules → guards → pacing → offer on screen.

Hooked into tracking (it sees every accepted batch before it is stored), it keeps each
visitor's CEP state and offer history in memory on the node that holds the visitor's
socket, evaluates the workspace's compiled rules, and publishes offer frames on the
visitor's bus topic. A ticker fires absence timers and expires unanswered offers.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from hovor.bus import Bus
from hovor.bus.topics import visitor_topic
from hovor.core import clock
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database
from hovor.engagement import events, offers
from hovor.engagement.cep.engine import Context, Engine, Event, Match
from hovor.engagement.cep.state import VisitorState
from hovor.engagement.frames import OfferAccepted, OfferDeclined, OfferFrame, OfferShown
from hovor.engagement.pacing import NEEDS_AGENT, check_pacing
from hovor.engagement.rules.compiler import CompiledRule
from hovor.engagement.rules.guards import OfferHistory, PastOffer, check_guards, control_bucket
from hovor.engagement.service import enabled_rules
from hovor.tracking.live import LiveVisitor
from hovor.tracking.service import Tracked, Tracking

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
EXPIRE_EVERY_TICKS = 5
SWEEP_EVERY_TICKS = 60
RULES_TOPIC = "engagement:rules"
RECENT_PAGES = 10
YIELD_EVERY = 10  # events evaluated between two turns of the event loop


@dataclass
class WorkspaceRules:
    engine: Engine
    by_key: dict[str, CompiledRule]


@dataclass
class VisitorEngagement:
    live: LiveVisitor
    state: VisitorState = field(default_factory=VisitorState)
    history: list[PastOffer] | None = None  # loaded on first need
    pages: deque[str] = field(default_factory=lambda: deque(maxlen=RECENT_PAGES))
    open_offer_until: Any = None  # datetime while an offer awaits an answer


class Engagement:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        tracking: Tracking,
        wait_estimate: Callable[[str], float | None] | None = None,
    ) -> None:
        self._db = db
        self._wait_estimate = wait_estimate  # routing's estimated wait of a new chat
        self._bus = bus
        self._tracking = tracking
        self._rules: dict[str, WorkspaceRules] = {}
        self._visitors: dict[tuple[str, str], VisitorEngagement] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self.metrics: Counter[str] = Counter()
        tracking.on_events(self.on_events)
        tracking.checkpoint_part("engagement", self._checkpoint)

    def register(self, dispatcher: Dispatcher) -> None:
        @dispatcher.on(events.RULE_CHANGED)
        async def rules_changed(event: DomainEvent) -> None:
            # Every node drops its compiled rules of the workspace (through the bus).
            await self._bus.publish(RULES_TOPIC, {"workspace_id": event.workspace_id})

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._tick(), name="hovor-engagement-ticker"),
            asyncio.create_task(self._follow_rule_changes(), name="hovor-engagement-rules"),
        ]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    # Rules ---------------------------------------------------------------------------

    async def rules_for(self, workspace_id: str) -> WorkspaceRules:
        rules = self._rules.get(workspace_id)
        if rules is None:
            async with self._db.read() as session:
                compiled = await enabled_rules(session, workspace_id)
            rules = WorkspaceRules(Engine(compiled), {c.key: c for c in compiled})
            self._rules[workspace_id] = rules
        return rules

    async def _follow_rule_changes(self) -> None:
        async with self._bus.subscribe(RULES_TOPIC) as sub:
            async for _topic, message in sub:
                self._rules.pop(str(message.get("workspace_id")), None)

    # Events --------------------------------------------------------------------------

    def _visitor(self, live: LiveVisitor) -> VisitorEngagement:
        key = (live.workspace_id, live.visitor_id)
        visitor = self._visitors.get(key)
        if visitor is None or visitor.live is not live:
            state = visitor.state if visitor else self._restored_state(live)
            visitor = VisitorEngagement(live, state=state)
            self._visitors[key] = visitor
        return visitor

    def _restored_state(self, live: LiveVisitor) -> VisitorState:
        """The rules' state another node checkpointed for this visit, if any."""
        saved = live.restored.pop("x:engagement", None)
        if isinstance(saved, dict) and isinstance(saved.get("state"), dict):
            try:
                state = VisitorState.from_dict(saved["state"])
            except (KeyError, TypeError, ValueError):
                log.warning("dropped an unreadable engagement checkpoint")
            else:
                return state
        return VisitorState()

    def _checkpoint(self, live: LiveVisitor) -> dict[str, Any] | None:
        visitor = self._visitors.get((live.workspace_id, live.visitor_id))
        return None if visitor is None else {"state": visitor.state.to_dict()}

    def forget(self, live: LiveVisitor) -> None:
        """The visitor is gone from this node (swept after their visit timed out)."""
        self._visitors.pop((live.workspace_id, live.visitor_id), None)

    async def on_events(self, live: LiveVisitor, tracked: list[Tracked]) -> None:
        visitor = self._visitor(live)
        for t in tracked:
            if t.type == "page.view" and t.page.get("url"):
                visitor.pages.append(str(t.page["url"]))
        rules = await self.rules_for(live.workspace_id)
        if not rules.by_key:
            return
        context = Context(session=live.session_facts(), visitor=live.visitor_facts())
        engine, state = rules.engine, visitor.state
        while_open = 0  # matches while an offer is on screen: nothing more to do for them
        now = clock.now()
        for n, t in enumerate(tracked, 1):
            event = Event(t.event_id, t.type, t.ts, t.props, t.session_id)
            for match in engine.process(state, event, context):
                if visitor.open_offer_until is not None and visitor.open_offer_until > now:
                    while_open += 1
                else:
                    await self._consider(visitor, rules, match)
            if n % YIELD_EVERY == 0 and n < len(tracked):
                # Let other sockets' frames (and offers on their way out) in: a batch of 50
                # would otherwise hold the event loop for milliseconds.
                await asyncio.sleep(0)
                now = clock.now()
        self.metrics["events"] += len(tracked)
        if while_open:
            self.metrics["matched"] += while_open
            self.metrics["blocked:an offer is open"] += while_open

    async def _tick(self) -> None:
        ticks = 0
        while True:
            await asyncio.sleep(TICK_SECONDS)
            ticks += 1
            try:
                await self.fire_due_timers()
                if ticks % SWEEP_EVERY_TICKS == 0:
                    for gone in self._tracking.visitors.sweep(clock.now()):
                        self.forget(gone)
                if ticks % EXPIRE_EVERY_TICKS == 0:
                    async with self._db.transaction() as tx:
                        self.metrics["expired"] += await offers.do_expire_offers(tx, clock.now())
            except Exception:
                log.exception("engagement tick failed")

    async def fire_due_timers(self) -> None:
        now = clock.now()
        epoch = now.timestamp()
        for visitor in list(self._visitors.values()):
            due = visitor.state.next_due()
            if due is None or due > epoch:
                continue
            rules = await self.rules_for(visitor.live.workspace_id)
            context = Context(
                session=visitor.live.session_facts(), visitor=visitor.live.visitor_facts()
            )
            for match in rules.engine.due_timers(visitor.state, now, context):
                await self._consider(visitor, rules, match)

    # Offers --------------------------------------------------------------------------

    async def _history(self, visitor: VisitorEngagement) -> list[PastOffer]:
        if visitor.history is None:
            since = clock.now() - timedelta(days=1)
            async with self._db.read() as session:
                rows = await offers.visitor_offers(
                    session, visitor.live.workspace_id, visitor.live.visitor_id, since
                )
            visitor.history = [
                PastOffer(
                    o.created_at,
                    o.rule_key or "",
                    o.session_id,
                    o.decided_at if o.status == "declined" else None,
                )
                for o in rows
                if o.status != "held_out"
            ]
        return visitor.history

    async def _consider(
        self, visitor: VisitorEngagement, rules: WorkspaceRules, match: Match
    ) -> None:
        live, now = visitor.live, clock.now()
        compiled = rules.by_key.get(match.rule_key)
        if compiled is None:
            return
        self.metrics["matched"] += 1
        if visitor.open_offer_until is not None and visitor.open_offer_until > now:
            self.metrics["blocked:an offer is open"] += 1
            return
        history = await self._history(visitor)
        session_id = live.visit.id if live.visit else None
        decision = check_guards(
            compiled.rule.guards,
            OfferHistory(session_id, history),
            now,
            control_bucket(live.visitor_id, match.rule_key),
            rule_key=match.rule_key,
        )
        if decision.outcome == "blocked":
            self.metrics[f"blocked:{decision.reason}"] += 1
            return
        held_out = decision.outcome == "held_out_control"
        if not held_out and match.action.type in NEEDS_AGENT:
            async with self._db.read() as session:
                wait = self._wait_estimate(live.workspace_id) if self._wait_estimate else None
                pacing = await check_pacing(session, live.workspace_id, wait)
            if not pacing.allowed:
                self.metrics["paced"] += 1
                return
        offer = offers.new_offer(
            live.workspace_id,
            visitor_id=live.visitor_id,
            session_id=session_id,
            kind=match.action.type,
            text=match.text,
            queue=match.action.queue,
            context=self._context(visitor, compiled, match),
            rule_key=match.rule_key,
            rule_version=match.version,
            held_out=held_out,
        )
        if not held_out:
            # The frame leaves first; the write waits its turn (SQLite has one writer).
            # The visitor answers on this same socket, whose frames are handled one at a
            # time, so the answer is read only after the offer below is stored.
            history.append(PastOffer(offer.created_at, match.rule_key, session_id))
            visitor.open_offer_until = offer.expires_at
            await self._bus.publish(
                visitor_topic(live.workspace_id, live.visitor_id), offers.offer_frame(offer)
            )
        async with self._db.transaction() as tx:
            await offers.do_store_offer(tx, offer)
        self.metrics["held_out" if held_out else "offered"] += 1

    def _context(
        self, visitor: VisitorEngagement, compiled: CompiledRule, match: Match
    ) -> dict[str, Any]:
        live = visitor.live
        return {
            "rule_name": compiled.rule.name,
            "facts": match.facts,
            "event_id": match.event_id,
            "page": live.session_facts()["page"],
            "recent_pages": list(visitor.pages),
            "cart": live.cart,
            "cart_value": live.cart_value,
            "device": live.device.kind,
            "returning": live.returning,
        }

    async def invite(
        self, live: LiveVisitor, *, kind: str, text: str, agent_id: str
    ) -> dict[str, Any]:
        """An agent invites a visitor by hand: no rule, no guards, no pacing."""
        visitor = self._visitor(live)
        offer = offers.new_offer(
            live.workspace_id,
            visitor_id=live.visitor_id,
            session_id=live.visit.id if live.visit else None,
            kind=kind,
            text=text,
            queue=None,
            context=self._context_manual(visitor),
            invited_by=agent_id,
        )
        async with self._db.transaction() as tx:
            await offers.do_store_offer(tx, offer)
        visitor.open_offer_until = offer.expires_at
        if visitor.history is not None:
            visitor.history.append(PastOffer(offer.created_at, "", offer.session_id))
        await self._bus.publish(
            visitor_topic(live.workspace_id, live.visitor_id), offers.offer_frame(offer)
        )
        return offers.describe(offer)

    def _context_manual(self, visitor: VisitorEngagement) -> dict[str, Any]:
        live = visitor.live
        return {
            "page": live.session_facts()["page"],
            "recent_pages": list(visitor.pages),
            "cart": live.cart,
            "cart_value": live.cart_value,
            "device": live.device.kind,
        }

    async def handle_frame(self, live: LiveVisitor, frame: OfferFrame) -> dict[str, Any] | None:
        """A visitor's answer to an offer."""
        visitor = self._visitor(live)
        async with self._db.transaction() as tx:
            offer = await offers.access_offer(
                tx.session, live.workspace_id, live.visitor_id, frame.offer_id
            )
            if isinstance(frame, OfferShown):
                await offers.do_mark_shown(tx, offer)
                return None
            if isinstance(frame, OfferDeclined):
                await offers.do_decline(tx, offer)
            elif isinstance(frame, OfferAccepted):
                await offers.do_accept(tx, offer, frame)
        visitor.open_offer_until = None
        if isinstance(frame, OfferDeclined) and visitor.history is not None:
            visitor.history = [
                replace(p, declined_at=clock.now())
                if p.at == offer.created_at and p.rule_key == (offer.rule_key or "")
                else p
                for p in visitor.history
            ]
        return {
            "type": "offer.updated",
            "offer_id": offer.id,
            "status": offer.status,
            "conversation_id": offer.conversation_id,
        }
