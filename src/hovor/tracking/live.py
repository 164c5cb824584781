"""What this node knows about each visitor it serves right now: their visit and cart.

A visitor's live state lives on the node that holds their socket (ARCHITECTURE.md); it is
rebuilt from the database after a restart. Nothing here is the only copy of anything
that must survive: events and sessions are stored by the event log writer.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core import clock
from hovor.core.ids import new_id
from hovor.tracking.enrich import Device, device_from_user_agent, utm_from_url
from hovor.tracking.models import WebSession

SESSION_TIMEOUT = timedelta(minutes=30)
RECENT_IDS = 2000


@dataclass
class Visit:
    id: str
    started_at: datetime
    last_seen_at: datetime
    landing_url: str | None
    referrer: str | None
    utm: dict[str, str]
    events: int = 0
    page_views: int = 0
    page_url: str | None = None
    page_title: str | None = None


@dataclass
class LiveVisitor:
    workspace_id: str
    visitor_id: str
    device: Device
    user_agent: str | None
    returning: bool
    visit: Visit | None = None
    cart: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Ids of recent events → the write storing them (done once stored), for deduplication.
    recent_ids: OrderedDict[str, asyncio.Future[None] | None] = field(default_factory=OrderedDict)
    sockets: int = 0
    left_at: datetime | None = None  # when the last socket closed
    product_on_page: str | None = None  # the product of the page being viewed, if any
    # Other contexts' per-visitor state as restored from a checkpoint (e.g. "engagement").
    restored: dict[str, Any] = field(default_factory=dict)

    def checkpoint(self) -> dict[str, Any]:
        """What another node needs to carry on this visit (see tracking.checkpoint)."""
        visit = self.visit
        return {
            "returning": self.returning,
            "cart": self.cart,
            "product_on_page": self.product_on_page,
            "visit": None
            if visit is None
            else {
                "id": visit.id,
                "started_at": visit.started_at.isoformat(),
                "last_seen_at": visit.last_seen_at.isoformat(),
                "landing_url": visit.landing_url,
                "referrer": visit.referrer,
                "utm": visit.utm,
                "events": visit.events,
                "page_views": visit.page_views,
                "page_url": visit.page_url,
                "page_title": visit.page_title,
            },
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Take over a checkpoint saved by another node (newer than what the database knows)."""
        self.returning = bool(data.get("returning", self.returning))
        self.cart = dict(data.get("cart") or {})
        self.product_on_page = data.get("product_on_page")
        raw = data.get("visit")
        if isinstance(raw, dict):
            self.visit = Visit(
                id=raw["id"],
                started_at=datetime.fromisoformat(raw["started_at"]),
                last_seen_at=datetime.fromisoformat(raw["last_seen_at"]),
                landing_url=raw.get("landing_url"),
                referrer=raw.get("referrer"),
                utm=dict(raw.get("utm") or {}),
                events=int(raw.get("events", 0)),
                page_views=int(raw.get("page_views", 0)),
                page_url=raw.get("page_url"),
                page_title=raw.get("page_title"),
            )
        self.restored = {k: v for k, v in data.items() if k.startswith("x:")}

    @property
    def cart_value(self) -> float:
        return round(sum(float(i["price"]) * int(i["quantity"]) for i in self.cart.values()), 2)

    def seen(self, event_id: str) -> bool:
        return event_id in self.recent_ids

    def storing(self, event_id: str) -> asyncio.Future[None] | None:
        """The write of a seen event while it is not yet stored."""
        write = self.recent_ids.get(event_id)
        return write if write is not None and not write.done() else None

    def remember(self, event_id: str, storing: asyncio.Future[None] | None = None) -> None:
        self.recent_ids[event_id] = storing
        if len(self.recent_ids) > RECENT_IDS:
            self.recent_ids.popitem(last=False)

    def forget(self, event_id: str) -> None:
        self.recent_ids.pop(event_id, None)

    def session_facts(self) -> dict[str, Any]:
        """The ``session`` that engagement rules see."""
        visit = self.visit
        return {
            "id": visit.id if visit else None,
            "started_at": visit.started_at.isoformat() if visit else None,
            "page_views": visit.page_views if visit else 0,
            "events": visit.events if visit else 0,
            "landing_url": visit.landing_url if visit else None,
            "referrer": visit.referrer if visit else None,
            "utm": visit.utm if visit else {},
            "page": {"url": visit.page_url, "title": visit.page_title} if visit else {},
            "cart_value": self.cart_value,
            "cart_items": sum(i["quantity"] for i in self.cart.values()),
            "device": self.device.kind,
        }

    def visitor_facts(self) -> dict[str, Any]:
        """The ``visitor`` that engagement rules see."""
        return {
            "id": self.visitor_id,
            "returning": self.returning,
            "device": self.device.kind,
            "browser": self.device.browser,
            "os": self.device.os,
        }


def start_visit(
    visitor: LiveVisitor, at: datetime, url: str | None, referrer: str | None
) -> tuple[Visit, dict[str, Any]]:
    """A new visit; returns it and the row to insert."""
    visit = Visit(new_id(), at, at, url, referrer, utm_from_url(url))
    previous, visitor.visit = visitor.visit, visit
    if previous is not None:
        visitor.returning = True
        visitor.cart.clear()
    row = {
        "id": visit.id,
        "workspace_id": visitor.workspace_id,
        "visitor_id": visitor.visitor_id,
        "started_at": at,
        "last_seen_at": at,
        "landing_url": url,
        "referrer": referrer,
        "utm": visit.utm,
        "user_agent": visitor.user_agent,
        "device": visitor.device.kind,
        "browser": visitor.device.browser,
        "os": visitor.device.os,
        "returning_visitor": visitor.returning,
        "events": 0,
    }
    return visit, row


def needs_new_visit(visitor: LiveVisitor, at: datetime) -> bool:
    return visitor.visit is None or at - visitor.visit.last_seen_at > SESSION_TIMEOUT


class LiveVisitors:
    """The visitors this node serves, loaded once each from the database."""

    def __init__(self) -> None:
        self._visitors: dict[tuple[str, str], LiveVisitor] = {}

    def __len__(self) -> int:
        return len(self._visitors)

    def all(self, workspace_id: str) -> list[LiveVisitor]:
        return [v for (ws, _), v in self._visitors.items() if ws == workspace_id]

    def get(self, workspace_id: str, visitor_id: str) -> LiveVisitor | None:
        return self._visitors.get((workspace_id, visitor_id))

    async def attach(
        self,
        session: AsyncSession,
        workspace_id: str,
        visitor_id: str,
        user_agent: str | None,
        checkpoint: dict[str, Any] | None = None,
    ) -> tuple[LiveVisitor, bool]:
        """The visitor's state, loaded if this node has none, with one more socket; and
        whether this call loaded it. Two first contacts at once (a page's socket and the
        previous page's beacon) share one state: the second to finish loading takes the
        first's, or events counted in one would vanish from the other."""
        key = (workspace_id, visitor_id)
        visitor = self._visitors.get(key)
        loaded = False
        if visitor is None:
            fresh = await _load(session, workspace_id, visitor_id, user_agent)
            if checkpoint is not None:
                fresh.restore(checkpoint)
            visitor = self._visitors.setdefault(key, fresh)
            loaded = visitor is fresh
        visitor.sockets += 1
        visitor.left_at = None
        return visitor, loaded

    def detach(self, visitor: LiveVisitor) -> None:
        """The visitor's socket closed. Their state stays for a while: the next page of the
        same visit reconnects within seconds and must find its windows and cart intact."""
        visitor.sockets = max(0, visitor.sockets - 1)
        if visitor.sockets == 0:
            visitor.left_at = clock.now()

    def sweep(self, now: datetime, idle: timedelta = SESSION_TIMEOUT) -> list[LiveVisitor]:
        """Forget visitors gone for longer than ``idle``; returns them."""
        gone = [
            v
            for v in self._visitors.values()
            if v.sockets == 0 and v.left_at is not None and now - v.left_at > idle
        ]
        for v in gone:
            del self._visitors[(v.workspace_id, v.visitor_id)]
        return gone

    def online(self, workspace_id: str) -> list[LiveVisitor]:
        """Visitors of the workspace with a page open now."""
        return [v for v in self.all(workspace_id) if v.sockets > 0]


async def _load(
    session: AsyncSession, workspace_id: str, visitor_id: str, user_agent: str | None
) -> LiveVisitor:
    recent = (
        await session.scalars(
            select(WebSession)
            .where(WebSession.workspace_id == workspace_id, WebSession.visitor_id == visitor_id)
            .order_by(WebSession.started_at.desc())
            .limit(2)
        )
    ).all()
    last = recent[0] if recent else None
    visitor = LiveVisitor(
        workspace_id=workspace_id,
        visitor_id=visitor_id,
        device=device_from_user_agent(user_agent[:512] if user_agent else None),
        user_agent=user_agent[:512] if user_agent else None,
        # Returning: an earlier visit exists. (If ``last`` has timed out, the next event
        # starts a new visit, and start_visit marks the visitor returning then.)
        returning=len(recent) > 1,
    )
    if last is not None:
        visitor.visit = Visit(
            last.id,
            last.started_at,
            last.last_seen_at,
            last.landing_url,
            last.referrer,
            dict(last.utm),
            events=last.events,
        )
    return visitor
