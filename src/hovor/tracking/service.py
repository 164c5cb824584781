"""Ingestion: validate, deduplicate, enrich, hand to the engagement hooks, store in batches."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core import clock
from hovor.core.ratelimit import RateLimiter
from hovor.tracking.checkpoint import Checkpoints, NoCheckpoints
from hovor.tracking.live import (
    SESSION_TIMEOUT,
    LiveVisitor,
    LiveVisitors,
    needs_new_visit,
    start_visit,
)
from hovor.tracking.schemas import MAX_BATCH, Rejected, TrackAck, ValidEvent, validate_event
from hovor.tracking.writer import EventLogWriter, SessionTouch, WriteRequest

log = logging.getLogger(__name__)

MAX_FUTURE_SKEW = timedelta(minutes=5)
MAX_PAST_SKEW = timedelta(hours=24)


@dataclass(frozen=True)
class Tracked:
    """An accepted event, as the engagement context sees it."""

    event_id: str
    type: str
    ts: datetime
    props: dict[str, Any]
    page: dict[str, Any]
    session_id: str


@dataclass
class Submitted:
    """A batch taken by ``Tracking.submit``: the answer to give, once ``storing`` is done."""

    visitor: LiveVisitor
    accepted: list[str]
    rejected: list[Rejected]
    # The writes to wait for: this batch's, and earlier ones' holding events resent here.
    storing: list[asyncio.Future[None]] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)  # the events this batch stores


Hook = Callable[[LiveVisitor, list[Tracked]], Awaitable[None]]
AttachHook = Callable[[AsyncSession, LiveVisitor], Awaitable[None]]
# Another context's share of a visitor checkpoint: a JSON-able dict, saved under "x:<name>".
CheckpointPart = Callable[[LiveVisitor], dict[str, Any] | None]


class Tracking:
    """The tracking context's running parts on one node."""

    def __init__(
        self,
        writer: EventLogWriter,
        limiter: RateLimiter,
        *,
        events_per_minute: int = 600,
        checkpoints: Checkpoints | None = None,
    ) -> None:
        self.writer = writer
        self.limiter = limiter
        self.checkpoints: Checkpoints = checkpoints or NoCheckpoints()
        self._parts: dict[str, CheckpointPart] = {}
        self.events_per_visitor = f"{events_per_minute}/minute"
        self.visitors = LiveVisitors()
        self._hooks: list[Hook] = []
        self._attach_hooks: list[AttachHook] = []
        self.rejected = 0

    def checkpoint_part(self, name: str, part: CheckpointPart) -> None:
        """Include ``part(visitor)`` in the visitor's checkpoint (restored as ``x:<name>``)."""
        self._parts[name] = part

    async def attach(
        self, session: AsyncSession, workspace_id: str, visitor_id: str, user_agent: str | None
    ) -> LiveVisitor:
        """The visitor's live state on this node: in memory, else the last checkpoint any node
        saved, else rebuilt from the database."""
        known = self.visitors.get(workspace_id, visitor_id) is not None
        saved = None if known else await self.checkpoints.load(workspace_id, visitor_id)
        visitor, loaded = await self.visitors.attach(
            session, workspace_id, visitor_id, user_agent, saved
        )
        if loaded:
            for hook in self._attach_hooks:
                try:
                    await hook(session, visitor)
                except Exception:
                    log.exception("tracking attach hook failed")
        return visitor

    async def _save_checkpoint(self, visitor: LiveVisitor) -> None:
        if not self.checkpoints.saves:
            return
        data = visitor.checkpoint()
        for name, part in self._parts.items():
            value = part(visitor)
            if value is not None:
                data[f"x:{name}"] = value
        await self.checkpoints.save(
            visitor.workspace_id, visitor.visitor_id, data, int(SESSION_TIMEOUT.total_seconds())
        )

    def on_attach(self, hook: AttachHook) -> AttachHook:
        """Register ``hook`` to run when a visitor's state is loaded on this node (their first
        socket here), with the connection's session: what it reads there, at connect, no
        frame has to wait for later."""
        self._attach_hooks.append(hook)
        return hook

    def on_events(self, hook: Hook) -> Hook:
        """Register ``hook`` to see every accepted batch (while it is being stored)."""
        self._hooks.append(hook)
        return hook

    async def track(self, visitor: LiveVisitor, raw_events: Any) -> TrackAck:
        """Take a batch and answer once what was accepted is stored."""
        return await self.stored(await self.submit(visitor, raw_events))

    async def submit(self, visitor: LiveVisitor, raw_events: Any) -> Submitted:
        """Validate, deduplicate, apply the batch to the live state, run the hooks (rules,
        offers) and queue the events for storage. The caller awaits ``stored`` for the
        answer; meanwhile it may submit the visitor's next batch (a socket reads on while
        the database commits)."""
        if not isinstance(raw_events, list):
            return self._reject_all(visitor, [], "invalid_batch", "events must be a list")
        if len(raw_events) > MAX_BATCH:
            return self._reject_all(
                visitor, raw_events, "batch_too_large", f"at most {MAX_BATCH} events"
            )
        if not await self.limiter.hit(
            self.events_per_visitor,
            "visitor-events",
            visitor.visitor_id,
            cost=max(1, len(raw_events)),
        ):
            return self._reject_all(
                visitor, raw_events, "rate_limited", "too many events; slow down"
            )

        rejected: list[Rejected] = []
        accepted: list[str] = []
        earlier: set[asyncio.Future[None]] = set()  # writes of resent events, still going
        fresh: list[ValidEvent] = []
        fresh_ids: set[str] = set()
        for raw in raw_events:
            parsed = validate_event(raw)
            if isinstance(parsed, Rejected):
                rejected.append(parsed)
            elif visitor.seen(parsed.id) or parsed.id in fresh_ids:
                accepted.append(parsed.id)  # a resend: already stored or on its way
                if (write := visitor.storing(parsed.id)) is not None:
                    earlier.add(write)  # acknowledged when that write is done
            else:
                fresh.append(parsed)
                fresh_ids.add(parsed.id)
        self.rejected += len(rejected)
        if not fresh:
            return Submitted(visitor, accepted, rejected, list(earlier))

        request, tracked = self._apply(visitor, fresh)
        storing = self.writer.submit(request)
        for event in fresh:
            visitor.remember(event.id, storing)
        for hook in self._hooks:
            try:
                await hook(visitor, tracked)
            except Exception:
                log.exception("tracking hook failed")
        new_ids = [e.id for e in fresh]
        return Submitted(visitor, accepted + new_ids, rejected, [*earlier, storing], new_ids)

    async def stored(self, submitted: Submitted) -> TrackAck:
        """The answer to a submitted batch, once its events are stored."""
        visitor = submitted.visitor
        if submitted.storing:
            outcomes = await asyncio.gather(*submitted.storing, return_exceptions=True)
            failed = [o for o in outcomes if isinstance(o, BaseException)]
            if failed:
                for event_id in submitted.new_ids:
                    visitor.forget(event_id)  # not stored: let the resend through
                raise failed[0]
            if submitted.new_ids:
                await self._save_checkpoint(visitor)
        return TrackAck(accepted=submitted.accepted, rejected=submitted.rejected)

    def _apply(
        self, visitor: LiveVisitor, events: list[ValidEvent]
    ) -> tuple[WriteRequest, list[Tracked]]:
        """Assign visits, update the live state, and build the rows to store."""
        now = clock.now()
        latest, earliest = now + MAX_FUTURE_SKEW, now - MAX_PAST_SKEW
        request = WriteRequest(events=[])
        tracked: list[Tracked] = []
        touched: dict[str, SessionTouch] = {}
        for event in sorted(events, key=lambda e: e.ts):
            ts, skewed = event.ts, False
            if ts > latest or ts < earliest:
                ts, skewed = now, True
            page = event.page
            if needs_new_visit(visitor, ts):
                _, row = start_visit(visitor, ts, page.get("url"), page.get("referrer"))
                request.new_sessions.append(row)
            visit = visitor.visit
            assert visit is not None
            if ts > visit.last_seen_at:
                visit.last_seen_at = ts
            visit.events += 1
            if event.type == "page.view":
                visit.page_views += 1
                visit.page_url, visit.page_title = page.get("url"), page.get("title")
                visitor.product_on_page = None
            update_cart(visitor, event.type, event.props)
            props = enrich_props(visitor, event.type, event.props, page)
            touch = touched.get(visit.id)
            if touch is None:
                touch = touched[visit.id] = SessionTouch(visit.id, ts, 0)
            elif ts > touch.last_seen_at:
                touch.last_seen_at = ts
            touch.events += 1
            request.events.append(
                {
                    "workspace_id": visitor.workspace_id,
                    "visitor_id": visitor.visitor_id,
                    "session_id": visit.id,
                    "event_id": event.id,
                    "type": event.type,
                    "ts": ts,
                    "received_at": now,
                    "clock_skew": skewed,
                    "props": stored_props(event.type, props),
                    "page": page,
                }
            )
            tracked.append(Tracked(event.id, event.type, ts, props, page, visit.id))
        request.touches = list(touched.values())
        return request, tracked

    def _reject_all(
        self, visitor: LiveVisitor, raw: list[Any], code: str, detail: str
    ) -> Submitted:
        ids = [e.get("id") if isinstance(e, dict) else None for e in raw]
        self.rejected += max(1, len(ids))
        rejected = [
            Rejected(id=i if isinstance(i, str) else None, code=code, detail=detail) for i in ids
        ] or [Rejected(id=None, code=code, detail=detail)]
        return Submitted(visitor, [], rejected)


# Props that prove an identity: the hooks see them (identify checks them), the event log does
# not keep them. Stored, an HMAC signature (valid forever) or an identity token could be
# replayed by anyone who reads the database or an export of it.
SECRET_PROPS: dict[str, tuple[str, ...]] = {"identify": ("signature", "token")}


def stored_props(event_type: str, props: dict[str, Any]) -> dict[str, Any]:
    """The props as the event log stores them: secrets replaced by ``"[redacted]"``."""
    secret = [name for name in SECRET_PROPS.get(event_type, ()) if name in props]
    if not secret:
        return props
    return {**props, **dict.fromkeys(secret, "[redacted]")}


def enrich_props(
    visitor: LiveVisitor, event_type: str, props: dict[str, Any], page: dict[str, Any]
) -> dict[str, Any]:
    """Add what the server knows and rules commonly need, never overriding what was sent:
    ``page.view``: ``path``; ``cart.remove``: ``items`` left in the cart; ``product.view``
    remembered so that an ``idle`` on that page carries ``product_id``."""
    extra: dict[str, Any] = {}
    if event_type == "page.view" and "path" not in props and page.get("url"):
        extra["path"] = urlsplit(str(page["url"])).path or "/"
    elif event_type == "cart.remove" and "items" not in props:
        extra["items"] = sum(int(i["quantity"]) for i in visitor.cart.values())
    elif event_type == "product.view":
        visitor.product_on_page = str(props.get("id"))
    elif event_type == "idle" and "product_id" not in props and visitor.product_on_page:
        extra["product_id"] = visitor.product_on_page
    return {**props, **extra} if extra else props


def update_cart(visitor: LiveVisitor, event_type: str, props: dict[str, Any]) -> None:
    """Keep the visitor's cart in step with their cart events (also used by back-testing)."""
    if event_type == "cart.add":
        item = visitor.cart.setdefault(
            props["id"],
            {"name": props.get("name"), "price": float(props.get("price", 0)), "quantity": 0},
        )
        item["quantity"] += int(props.get("quantity", 1))
    elif event_type == "cart.remove":
        held = visitor.cart.get(props["id"])
        if held is not None:
            held["quantity"] -= int(props.get("quantity", held["quantity"]))
            if held["quantity"] <= 0:
                del visitor.cart[props["id"]]
    elif event_type == "order.completed":
        visitor.cart.clear()
