"""Engagement on one node: tracked events → rules → guards → pacing → offer on screen.

Hooked into tracking (it sees every accepted batch before it is stored), it keeps each
visitor's CEP state and offer history in memory on the node that holds the visitor's
socket, evaluates the workspace's compiled rules, and stores the offers it makes. An
offer's frame goes to the visitor's bus topic once the offer is committed (the
``offer.made`` listener below), never before. A ticker fires absence timers and expires
unanswered offers.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hovor.bus import Bus
from hovor.bus.topics import visitor_topic
from hovor.core import clock
from hovor.core.channels import ChannelCatalogue
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database
from hovor.engagement import events, guarded, offers
from hovor.engagement.cep.engine import Context, Event, Match, money_facts
from hovor.engagement.cep.state import VisitorState
from hovor.engagement.frames import (
    OfferAccepted,
    OfferDeclined,
    OfferFrame,
    OfferShown,
    OfferUpdatedFrame,
)
from hovor.engagement.offer_card import Shopper
from hovor.engagement.pacing import NEEDS_AGENT, check_pacing
from hovor.engagement.rule_sets import RuleSets, WorkspaceRules
from hovor.engagement.rules.compiler import CompiledRule
from hovor.engagement.rules.guards import OfferHistory, PastOffer, check_guards, control_bucket
from hovor.engagement.service import enabled_rules
from hovor.tracking.live import LiveVisitor
from hovor.tracking.service import Tracked, Tracking

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
EXPIRE_EVERY_TICKS = 5
SWEEP_EVERY_TICKS = 60
GUARDED_EVERY_TICKS = 5  # stored counts of stopped matches (guarded.py)
RULES_TOPIC = "engagement:rules"
RECENT_PAGES = 10
YIELD_EVERY = 10  # events evaluated between two turns of the event loop


@dataclass
class VisitorEngagement:
    live: LiveVisitor
    state: VisitorState = field(default_factory=VisitorState)
    history: list[PastOffer] | None = None  # loaded on first need
    pages: deque[str] = field(default_factory=lambda: deque(maxlen=RECENT_PAGES))
    shopper: Shopper = field(default_factory=Shopper)  # currency, language, page titles
    open_offer_until: Any = None  # datetime while an offer awaits an answer
    open_offer_id: str | None = None  # that offer, once stored (withdrawn if the visitor left)


class Engagement:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        tracking: Tracking,
        wait_estimate: Callable[[str], float | None] | None = None,
        *,
        channels: ChannelCatalogue,
    ) -> None:
        self._db = db
        self._channels = channels  # an accepted chat waits with its channel's SLA
        self._wait_estimate = wait_estimate  # routing's estimated wait of a new chat
        self._bus = bus
        self._tracking = tracking
        self.rule_sets = RuleSets(self._compiled_rules)
        self._visitors: dict[tuple[str, str], VisitorEngagement] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self.metrics: Counter[str] = Counter()
        self.guarded: Counter[guarded.GuardKey] = Counter()  # stored by record_guarded
        tracking.on_events(self.on_events)
        tracking.on_attach(self._load_history)
        tracking.checkpoint_part("engagement", self._checkpoint)

    def register(self, dispatcher: Dispatcher) -> None:
        @dispatcher.on(events.RULE_CHANGED)
        async def rules_changed(event: DomainEvent) -> None:
            # Every node drops its compiled rules of the workspace (through the bus).
            await self._bus.publish(RULES_TOPIC, {"workspace_id": event.workspace_id})

        @dispatcher.on(events.OFFER_MADE)
        async def show_offer(event: DomainEvent) -> None:
            # After the commit: the visitor never sees an offer that was not stored.
            offer = event.payload["offer"]
            await self._bus.publish(
                visitor_topic(event.workspace_id, offer["visitor_id"]), offers.offer_frame(offer)
            )

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
        try:
            await self.record_guarded()
        except Exception:
            log.exception("engagement: storing the counts of stopped matches failed")

    async def record_guarded(self) -> int:
        """Store the counts of matches stopped since the last call (analytics' funnel)."""
        counts, self.guarded = self.guarded, Counter()
        if not counts:
            return 0
        async with self._db.transaction() as tx:
            return len(await guarded.do_record_guarded(tx, counts))

    def _count_guarded(
        self, visitor: VisitorEngagement, rule_key: str, kind: str, reason: str, n: int = 1
    ) -> None:
        live = visitor.live
        page = guarded.page_path(visitor.pages[-1]) if visitor.pages else guarded.NO_PAGE
        key = (live.workspace_id, guarded.hour_of(clock.now()), rule_key, kind, page, reason)
        self.guarded[key] += n

    # Rules ---------------------------------------------------------------------------

    async def rules_for(self, workspace_id: str) -> WorkspaceRules:
        return await self.rule_sets.get(workspace_id)

    async def _compiled_rules(self, workspace_id: str) -> list[CompiledRule]:
        async with self._db.read() as session:
            return await enabled_rules(session, workspace_id)

    async def _follow_rule_changes(self) -> None:
        async with self._bus.subscribe(RULES_TOPIC) as sub:
            async for _topic, message in sub:
                self.rule_sets.changed(str(message.get("workspace_id")))

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
            visitor.shopper.observe(t.props, t.page)
        rules = await self.rules_for(live.workspace_id)
        if not rules.by_key:
            return
        context = Context(
            session=live.session_facts(),
            visitor=live.visitor_facts(),
            currency=visitor.shopper.currency,
            locale=visitor.shopper.locale,
        )
        engine, state = rules.engine, visitor.state
        while_open: Counter[tuple[str, str]] = Counter()  # matches while an offer is shown
        now = clock.now()
        for n, t in enumerate(tracked, 1):
            event = Event(t.event_id, t.type, t.ts, t.props, t.session_id)
            for match in engine.process(state, event, context):
                if visitor.open_offer_until is not None and visitor.open_offer_until > now:
                    while_open[match.rule_key, match.action.type] += 1
                else:
                    await self._consider(visitor, rules, match)
            if n % YIELD_EVERY == 0 and n < len(tracked):
                # Let other sockets' frames (and offers on their way out) in: a batch of 50
                # would otherwise hold the event loop for milliseconds.
                await asyncio.sleep(0)
                now = clock.now()
        self.metrics["events"] += len(tracked)
        if while_open:
            total = sum(while_open.values())
            self.metrics["matched"] += total
            self.metrics["blocked:an offer is open"] += total
            for (rule_key, kind), n in while_open.items():
                self._count_guarded(visitor, rule_key, kind, guarded.OFFER_OPEN, n)

    async def _tick(self) -> None:
        ticks = 0
        while True:
            await asyncio.sleep(TICK_SECONDS)
            ticks += 1
            try:
                await self.fire_due_timers()
                await self.withdraw_offers_of_gone_visitors()
                if ticks % SWEEP_EVERY_TICKS == 0:
                    for gone in self._tracking.visitors.sweep(clock.now()):
                        self.forget(gone)
                if ticks % GUARDED_EVERY_TICKS == 0:
                    await self.record_guarded()
                if ticks % EXPIRE_EVERY_TICKS == 0:
                    async with self._db.transaction() as tx:
                        self.metrics["expired"] += await offers.do_expire_offers(tx, clock.now())
            except Exception:
                log.exception("engagement tick failed")

    async def withdraw_offers_of_gone_visitors(self) -> int:
        """Expire at once the open offers of visitors whose last socket on this node closed:
        no screen shows them (the widget does not show an offer again on the next page), so
        they must not count against pacing until they time out. Returns how many."""
        gone: dict[str, list[VisitorEngagement]] = defaultdict(list)
        for visitor in self._visitors.values():
            if visitor.open_offer_id is not None and visitor.live.sockets == 0:
                gone[visitor.live.workspace_id].append(visitor)
        withdrawn = 0
        for workspace_id, visitors in gone.items():
            ids = [v.open_offer_id for v in visitors if v.open_offer_id is not None]
            async with self._db.transaction() as tx:
                withdrawn += await offers.do_withdraw_offers(tx, workspace_id, ids, clock.now())
            for visitor in visitors:
                visitor.open_offer_until = visitor.open_offer_id = None
        self.metrics["withdrawn"] += withdrawn
        return withdrawn

    async def fire_due_timers(self) -> None:
        now = clock.now()
        epoch = now.timestamp()
        for visitor in list(self._visitors.values()):
            due = visitor.state.next_due()
            if due is None or due > epoch:
                continue
            rules = await self.rules_for(visitor.live.workspace_id)
            context = Context(
                session=visitor.live.session_facts(),
                visitor=visitor.live.visitor_facts(),
                currency=visitor.shopper.currency,
                locale=visitor.shopper.locale,
            )
            for match in rules.engine.due_timers(visitor.state, now, context):
                await self._consider(visitor, rules, match)

    # Offers --------------------------------------------------------------------------

    async def _history(self, visitor: VisitorEngagement) -> list[PastOffer]:
        """The visitor's offers of the last day, for the guards: read when the visitor's
        first socket attached here (``_load_history``), else now."""
        if visitor.history is None:
            async with self._db.read() as session:
                visitor.history = await _past_offers(session, visitor.live)
        return visitor.history

    async def _load_history(self, session: AsyncSession, live: LiveVisitor) -> None:
        """At connect, so that the visitor's first matching event does not wait for it."""
        visitor = self._visitor(live)
        if visitor.history is None:
            visitor.history = await _past_offers(session, live)

    async def _consider(
        self, visitor: VisitorEngagement, rules: WorkspaceRules, match: Match
    ) -> None:
        live, now = visitor.live, clock.now()
        compiled = rules.by_key.get(match.rule_key)
        if compiled is None:
            return
        self.metrics["matched"] += 1
        kind = match.action.type
        if visitor.open_offer_until is not None and visitor.open_offer_until > now:
            self.metrics["blocked:an offer is open"] += 1
            self._count_guarded(visitor, match.rule_key, kind, guarded.OFFER_OPEN)
            return
        if live.sockets == 0:
            # No page of the site open (a beacon from a closing page, a timer after the
            # visitor left): nobody would see the offer, and it would take agent capacity.
            self.metrics["blocked:the visitor has left"] += 1
            self._count_guarded(visitor, match.rule_key, kind, guarded.VISITOR_LEFT)
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
            self._count_guarded(visitor, match.rule_key, kind, guarded.reason_code(decision.reason))
            return
        held_out = decision.outcome == "held_out_control"
        queue, fallback_for = match.action.queue, None
        if not held_out and kind in NEEDS_AGENT:
            async with self._db.read() as session:
                wait = self._wait_estimate(live.workspace_id) if self._wait_estimate else None
                pacing = await check_pacing(session, live.workspace_id, wait)
            if not pacing.allowed:
                self.metrics["paced"] += 1
                fallback, instead = match.action.fallback, match.as_fallback(compiled)
                if fallback is None or instead is None:
                    self._count_guarded(visitor, match.rule_key, kind, guarded.PACING)
                    return
                # Nobody can take it now: offer the rule's fallback, which needs no agent
                # now (a callback is returned when one is free; a message needs none), so
                # the moment is not lost. The guards above held for it as for the action.
                kind, queue, fallback_for = fallback.type, fallback.queue or queue, kind
                match = instead
        context = self._context(visitor, compiled, match)
        if fallback_for is not None:
            context["fallback_for"] = fallback_for  # the offer the team could not take
        offer = offers.new_offer(
            live.workspace_id,
            visitor_id=live.visitor_id,
            session_id=session_id,
            kind=kind,
            text=match.text,
            queue=queue,
            context=context,
            rule_key=match.rule_key,
            rule_version=match.version,
            held_out=held_out,
        )
        past = PastOffer(offer.created_at, match.rule_key, session_id)
        if not held_out:
            # The visitor's screen is taken while the write waits its turn (SQLite has one
            # writer): a timer or the next match must not make a second offer meanwhile.
            history.append(past)
            visitor.open_offer_until = offer.expires_at
        try:
            await self._db.write_at_once(partial(offers.store_offer_at_once, offer=offer))
        except Exception:
            # Not stored, so not shown (the frame follows the commit): free the screen.
            log.exception("an offer of rule %s could not be stored", match.rule_key)
            self.metrics["failed"] += 1
            if not held_out:
                if visitor.history is not None:
                    visitor.history = [p for p in visitor.history if p is not past]
                if visitor.open_offer_until == offer.expires_at:
                    visitor.open_offer_until = None
            return
        if not held_out:
            visitor.open_offer_id = offer.id
        self.metrics["held_out" if held_out else "fallback" if fallback_for else "offered"] += 1

    def _context(
        self, visitor: VisitorEngagement, compiled: CompiledRule, match: Match
    ) -> dict[str, Any]:
        live = visitor.live
        return {
            "rule_name": compiled.rule.name,
            "facts": match.facts,
            "money_facts": sorted(money_facts(compiled.facts)),
            "event_id": match.event_id,
            **self._context_manual(visitor),
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
            await offers.do_store_offer(tx, offer)  # its frame follows the commit
        visitor.open_offer_until, visitor.open_offer_id = offer.expires_at, offer.id
        if visitor.history is not None:
            visitor.history.append(PastOffer(offer.created_at, "", offer.session_id))
        return offers.describe(offer)

    def _context_manual(self, visitor: VisitorEngagement) -> dict[str, Any]:
        live = visitor.live
        return {
            "page": live.session_facts()["page"],
            "recent_pages": list(visitor.pages),
            "page_titles": visitor.shopper.titles_of(list(visitor.pages)),
            "cart": live.cart,
            "cart_value": live.cart_value,
            "currency": visitor.shopper.currency,
            "locale": visitor.shopper.locale,
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
                await offers.do_accept(tx, offer, frame, self._channels)
        visitor.open_offer_until = visitor.open_offer_id = None
        if isinstance(frame, OfferDeclined) and visitor.history is not None:
            visitor.history = [
                replace(p, declined_at=clock.now())
                if p.at == offer.created_at and p.rule_key == (offer.rule_key or "")
                else p
                for p in visitor.history
            ]
        return OfferUpdatedFrame.model_validate(
            {"offer_id": offer.id, "status": offer.status, "conversation_id": offer.conversation_id}
        ).data()


async def _past_offers(session: AsyncSession, live: LiveVisitor) -> list[PastOffer]:
    since = clock.now() - timedelta(days=1)
    rows = await offers.visitor_offers(session, live.workspace_id, live.visitor_id, since)
    return [
        PastOffer(
            o.created_at,
            o.rule_key or "",
            o.session_id,
            o.decided_at if o.status == "declined" else None,
        )
        for o in rows
        if o.status != "held_out"
    ]
