"""Back-testing: replay stored sessions through the same engine to see what a rule would do.

"On the last 7 days this rule would have fired N times, for these visitors." Guards that
depend only on the visitor's own history (per session, per day, quiet period after a
decline is unknown in replay, so not applied) are applied; pacing and the control group
are not (they depend on the team and on chance at the time).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from hovor.core import clock
from hovor.db.transaction import Database
from hovor.engagement.cep.engine import Context, Engine, Event, Match
from hovor.engagement.cep.state import VisitorState
from hovor.engagement.rules.guards import OfferHistory, PastOffer, check_guards
from hovor.engagement.service import check_rule
from hovor.tracking.enrich import Device
from hovor.tracking.live import LiveVisitor, Visit
from hovor.tracking.models import TrackedEvent
from hovor.tracking.service import update_cart

MAX_LISTED_VISITORS = 50
YIELD_EVERY = 2000


@dataclass
class Firing:
    visitor_id: str
    session_id: str | None
    at: str
    text: str


@dataclass
class BacktestResult:
    days: int
    events_scanned: int = 0
    visitors_scanned: int = 0
    sessions_scanned: int = 0
    fired: int = 0
    visitors_fired: int = 0
    blocked_by_guards: int = 0
    per_day: dict[str, int] = field(default_factory=dict)
    firings: list[Firing] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "events_scanned": self.events_scanned,
            "visitors_scanned": self.visitors_scanned,
            "sessions_scanned": self.sessions_scanned,
            "fired": self.fired,
            "visitors_fired": self.visitors_fired,
            "blocked_by_guards": self.blocked_by_guards,
            "per_day": dict(sorted(self.per_day.items())),
            "firings": [f.__dict__ for f in self.firings],
        }


class _Replay:
    """One visitor's stored events, replayed in order."""

    def __init__(self, engine: Engine, result: BacktestResult, guards: Any, key: str) -> None:
        self.engine, self.result, self.guards, self.key = engine, result, guards, key
        self.visitor: LiveVisitor | None = None
        self.state = VisitorState()
        self.history: list[PastOffer] = []
        self.sessions: set[str] = set()
        self.fired_here = False

    def start(self, workspace_id: str, visitor_id: str) -> None:
        self.visitor = LiveVisitor(
            workspace_id, visitor_id, Device("unknown", None, None), None, False
        )
        self.state, self.history, self.sessions, self.fired_here = VisitorState(), [], set(), False

    def feed(self, row: TrackedEvent) -> None:
        visitor = self.visitor
        assert visitor is not None
        if row.session_id not in self.sessions:
            visitor.returning = bool(self.sessions)
            self.sessions.add(row.session_id)
            visitor.visit = Visit(row.session_id, row.ts, row.ts, row.page.get("url"), None, {})
            visitor.cart.clear()
        assert visitor.visit is not None
        self._timers(row.ts)
        visitor.visit.last_seen_at, visitor.visit.events = row.ts, visitor.visit.events + 1
        if row.type == "page.view":
            visitor.visit.page_views += 1
            visitor.visit.page_url = row.page.get("url")
        update_cart(visitor, row.type, row.props)
        event = Event(row.event_id, row.type, row.ts, row.props, row.session_id)
        for match in self.engine.process(self.state, event, self._context()):
            self._fired(match)

    def finish(self) -> None:
        if self.visitor is not None and self.visitor.visit is not None:
            self._timers(self.visitor.visit.last_seen_at + timedelta(days=1))
            self.result.sessions_scanned += len(self.sessions)
            self.result.visitors_fired += int(self.fired_here)

    def _timers(self, now: Any) -> None:
        for match in self.engine.due_timers(self.state, now, self._context()):
            self._fired(match)

    def _context(self) -> Context:
        assert self.visitor is not None
        return Context(session=self.visitor.session_facts(), visitor=self.visitor.visitor_facts())

    def _fired(self, match: Match) -> None:
        assert self.visitor is not None
        session_id = self.visitor.visit.id if self.visitor.visit else None
        decision = check_guards(
            self.guards, OfferHistory(session_id, self.history), match.at, 1.0, rule_key=self.key
        )
        if decision.outcome == "blocked":
            self.result.blocked_by_guards += 1
            return
        self.history.append(PastOffer(match.at, self.key, session_id))
        self.result.fired += 1
        day = match.at.date().isoformat()
        self.result.per_day[day] = self.result.per_day.get(day, 0) + 1
        self.fired_here = True
        if len(self.result.firings) < MAX_LISTED_VISITORS:
            self.result.firings.append(
                Firing(self.visitor.visitor_id, session_id, match.at.isoformat(), match.text)
            )


async def backtest(
    db: Database, workspace_id: str, data: dict[str, Any], *, days: int = 7
) -> BacktestResult:
    compiled = check_rule(data)
    engine = Engine([compiled])
    result = BacktestResult(days=days)
    replay = _Replay(engine, result, compiled.rule.guards, compiled.key)
    since = clock.now() - timedelta(days=days)
    current: str | None = None
    async with db.read() as session:
        rows = await session.stream_scalars(
            select(TrackedEvent)
            .where(TrackedEvent.workspace_id == workspace_id, TrackedEvent.ts >= since)
            .order_by(TrackedEvent.visitor_id, TrackedEvent.ts, TrackedEvent.id)
            .execution_options(yield_per=1000)
        )
        async for row in rows:
            if row.visitor_id != current:
                replay.finish()
                replay.start(workspace_id, row.visitor_id)
                current = row.visitor_id
                result.visitors_scanned += 1
            replay.feed(row)
            result.events_scanned += 1
            if result.events_scanned % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # a long replay never blocks the other requests
    replay.finish()
    return result
