"""Ingestion on both databases: dedup, visits, cart, skewed clocks, batched storage."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from hovor.core import clock
from hovor.core.ratelimit import RateLimiter
from hovor.db.transaction import Database
from hovor.tracking.live import LiveVisitor
from hovor.tracking.models import TrackedEvent, WebSession
from hovor.tracking.service import Tracked, Tracking
from hovor.tracking.writer import EventLogWriter, WriteRequest
from tests.support.factories import make_team


async def visitor_of(db: Database, tracking: Tracking, visitor_id: str = "v_1") -> LiveVisitor:
    team = await make_team(db)
    async with db.read() as session:
        visitor, _ = await tracking.visitors.attach(session, team.workspace.id, visitor_id, None)
        return visitor


def ev(event_id: str, type_: str = "page.view", at: object = None, **props: object) -> dict:
    return {
        "id": event_id,
        "ts": (at or clock.now()).isoformat(),
        "type": type_,
        "props": props,
        "page": {"url": "https://shop.example.org/?utm_source=ads"},
    }


async def count(db: Database, model: type) -> int:
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_accepts_valid_rejects_invalid_and_stores_once(
    db: Database, tracking: Tracking
) -> None:
    visitor = await visitor_of(db, tracking)
    seen: list[list[Tracked]] = []

    @tracking.on_events
    async def hook(_v: LiveVisitor, events: list[Tracked]) -> None:
        seen.append(events)

    ack = await tracking.track(
        visitor, [ev("a"), ev("b", "product.view"), ev("c", "search", query="tv")]
    )
    assert ack.accepted == ["a", "c"]
    assert [(r.id, r.code) for r in ack.rejected] == [("b", "invalid_event")]
    again = await tracking.track(visitor, [ev("a"), ev("c", "search", query="tv")])
    assert again.accepted == ["a", "c"] and again.rejected == []
    assert await count(db, TrackedEvent) == 2
    assert [[t.event_id for t in batch] for batch in seen] == [["a", "c"]]


async def test_a_resend_after_restart_is_stored_once(db: Database, tracking: Tracking) -> None:
    visitor = await visitor_of(db, tracking)
    await tracking.track(visitor, [ev("x")])
    visitor.forget("x")  # a new node has no memory of it; the unique key still holds
    await tracking.track(visitor, [ev("x")])
    assert await count(db, TrackedEvent) == 1


async def test_two_first_contacts_at_once_share_one_live_state(
    db: Database, tracking: Tracking
) -> None:
    """A page's socket and the previous page's beacon may both be the node's first contact
    with a visitor: both must end up with the same state, its attach hooks run once."""
    team = await make_team(db)
    attached: list[LiveVisitor] = []

    @tracking.on_attach
    async def hook(_session: object, visitor: LiveVisitor) -> None:
        attached.append(visitor)

    async def contact() -> LiveVisitor:
        async with db.read() as session:
            return await tracking.attach(session, team.workspace.id, "v_twice", None)

    socket, beacon = await asyncio.gather(contact(), contact())
    assert socket is beacon
    assert socket.sockets == 2
    assert attached == [socket]
    await tracking.track(beacon, [ev("landing")])
    assert tracking.visitors.get(team.workspace.id, "v_twice") is socket
    assert socket.visit is not None and socket.visit.page_views == 1


async def test_visits_split_after_thirty_minutes(db: Database, tracking: Tracking) -> None:
    visitor = await visitor_of(db, tracking)
    start = clock.now() - timedelta(hours=2)
    await tracking.track(visitor, [ev("1", at=start), ev("2", at=start + timedelta(minutes=29))])
    assert not visitor.returning
    await tracking.track(visitor, [ev("3", at=start + timedelta(minutes=60))])
    assert visitor.returning
    async with db.read() as session:
        visits = (await session.scalars(select(WebSession).order_by(WebSession.started_at))).all()
    assert [v.events for v in visits] == [2, 1]
    assert visits[0].utm == {"source": "ads"} and not visits[0].returning_visitor
    assert visits[1].returning_visitor


async def test_clock_skew_is_replaced_and_flagged(db: Database, tracking: Tracking) -> None:
    visitor = await visitor_of(db, tracking)
    future = clock.now() + timedelta(days=3)
    await tracking.track(visitor, [ev("f", at=future)])
    async with db.read() as session:
        row = await session.scalar(select(TrackedEvent))
    assert row is not None and row.clock_skew and row.ts < future - timedelta(days=2)


async def test_cart_follows_adds_and_removes(db: Database, tracking: Tracking) -> None:
    visitor = await visitor_of(db, tracking)
    await tracking.track(
        visitor,
        [
            ev("1", "cart.add", id="tv", price=2499, quantity=1),
            ev("2", "cart.add", id="kettle", price=39, quantity=2),
            ev("3", "cart.remove", id="tv", price=2499, quantity=1),
        ],
    )
    assert visitor.cart_value == 78
    assert visitor.session_facts()["cart_items"] == 2


async def test_floods_and_oversized_batches_are_refused(db: Database, tracking: Tracking) -> None:
    visitor = await visitor_of(db, tracking)
    big = await tracking.track(visitor, [ev(str(i)) for i in range(51)])
    assert {r.code for r in big.rejected} == {"batch_too_large"} and big.accepted == []
    for n in range(12):
        await tracking.track(visitor, [ev(f"{n}-{i}") for i in range(50)])
    limited = await tracking.track(visitor, [ev("late")])
    assert limited.rejected[0].code == "rate_limited"
    assert await count(db, TrackedEvent) == 600


async def test_props_are_enriched_for_rules(db: Database, tracking: Tracking) -> None:
    visitor = await visitor_of(db, tracking)
    seen: list[Tracked] = []

    @tracking.on_events
    async def hook(_v: LiveVisitor, events: list[Tracked]) -> None:
        seen.extend(events)

    await tracking.track(
        visitor,
        [
            ev("1", "page.view"),
            ev("2", "product.view", id="tv", price=2499),
            ev("3", "idle", seconds=30),
            ev("4", "cart.add", id="tv", price=2499, quantity=2),
            ev("5", "cart.remove", id="tv", price=2499, quantity=1),
        ],
    )
    props = {t.type: t.props for t in seen}
    assert props["page.view"]["path"] == "/"
    assert props["idle"]["product_id"] == "tv"
    assert props["cart.remove"]["items"] == 1


async def test_identity_proofs_reach_the_hooks_but_are_not_stored(
    db: Database, tracking: Tracking
) -> None:
    visitor = await visitor_of(db, tracking)
    seen: list[Tracked] = []

    @tracking.on_events
    async def hook(_v: LiveVisitor, events: list[Tracked]) -> None:
        seen.extend(events)

    await tracking.track(
        visitor, [ev("id1", "identify", external_id="c-1", signature="ab" * 32, token="t.k.n")]
    )
    assert seen[0].props["signature"] == "ab" * 32 and seen[0].props["token"] == "t.k.n"
    async with db.read() as session:
        stored = (await session.scalars(select(TrackedEvent))).one()
    assert stored.props == {
        "external_id": "c-1",
        "signature": "[redacted]",
        "token": "[redacted]",
    }


async def test_stored_values_read_back_as_sent(db: Database, tracking: Tracking) -> None:
    """The event log's batch insert (one JSON statement on SQLite, executemany elsewhere)
    keeps what the tracker sent: text, numbers, nesting, times to the microsecond."""
    visitor = await visitor_of(db, tracking)
    props = {
        "name": 'Fridge "Arctic" \\ 90 cm \u2013 ñ 冷蔵庫 🧊',
        "price": 1249.99,
        "big": 2**53 + 1,
        "tiny": 1e-7,
        "flags": [True, False, None],
        "nested": {"a": ["x", 1]},
    }
    at = clock.now().replace(microsecond=123456) - timedelta(minutes=1)
    ack = await tracking.track(visitor, [ev("odd", "search", at=at, query="x", **props)])
    assert ack.accepted == ["odd"], ack.rejected
    async with db.read() as session:
        row = await session.scalar(select(TrackedEvent).where(TrackedEvent.event_id == "odd"))
    assert row is not None
    assert row.props == {"query": "x", **props}
    assert row.page == {"url": "https://shop.example.org/?utm_source=ads"}
    assert row.ts == at and row.clock_skew is False and row.type == "search"


class _HeldWriter:
    """Stores nothing until told: the futures a real writer resolves on commit."""

    def __init__(self) -> None:
        self.writes: list[asyncio.Future[None]] = []

    def submit(self, request: WriteRequest) -> asyncio.Future[None]:
        self.writes.append(asyncio.get_running_loop().create_future())
        return self.writes[-1]


async def test_a_batch_is_answered_once_stored_and_a_resend_waits_for_the_first_write(
    db: Database,
) -> None:
    writer = _HeldWriter()
    held = Tracking(writer, RateLimiter())  # type: ignore[arg-type]
    visitor = await visitor_of(db, held)
    hooked: list[list[str]] = []

    @held.on_events
    async def hook(_v: LiveVisitor, events: list[Tracked]) -> None:
        hooked.append([t.event_id for t in events])

    first = await held.submit(visitor, [ev("a"), ev("b")])
    again = await held.submit(visitor, [ev("b"), ev("c")])  # b is a resend of a pending event
    assert hooked == [["a", "b"], ["c"]]  # both batches ran their rules before any commit
    first_ack = asyncio.ensure_future(held.stored(first))
    again_ack = asyncio.ensure_future(held.stored(again))
    writer.writes[1].set_result(None)  # c is stored, b not yet
    # b's write fails: an answer given before it (or without waiting for it) would be a
    # success, so both answers failing proves both waited for it, with no window of time.
    writer.writes[0].set_exception(RuntimeError("disk full"))
    with pytest.raises(RuntimeError):
        await first_ack
    with pytest.raises(RuntimeError):
        await again_ack  # b was acknowledged by neither: the tracker sends it again
    assert not visitor.seen("a") and not visitor.seen("b")
    retry = await held.submit(visitor, [ev("a"), ev("b")])
    assert hooked[-1] == ["a", "b"]
    writer.writes[-1].set_result(None)
    assert (await held.stored(retry)).accepted == ["a", "b"]


async def test_values_a_database_cannot_store_are_refused_alone(
    db: Database, tracking: Tracking
) -> None:
    """NaN and Infinity (let through by the standard library's lenient parser) and a NUL in
    an id, stored, would fail the whole batch on PostgreSQL, other visitors' events with it."""
    visitor = await visitor_of(db, tracking)
    ack = await tracking.track(
        visitor,
        [
            ev("nan", "search", query="x", price=float("nan")),
            ev("inf", "search", query="x", filters={"max": float("inf")}),
            ev("fine", "search", query="x", price=1.5),
            ev("nul\x00", "search", query="x"),  # PostgreSQL cannot store a NUL in text
            {**ev("url"), "page": {"url": "https://shop.example.org/\x00"}},  # a visit's URL
        ],
    )
    assert ack.accepted == ["fine"]
    assert {r.id: r.detail for r in ack.rejected} == {
        "nan": "props: Value error, numbers must be finite (NaN and Infinity are not JSON)",
        "inf": "props: Value error, numbers must be finite (NaN and Infinity are not JSON)",
        "nul\x00": "id: Value error, must not contain control characters",
        "url": "page.url: Value error, must not contain a NUL character",
    }
    assert await count(db, TrackedEvent) == 1


async def test_a_request_the_database_refuses_does_not_fail_the_others_in_its_batch(
    db: Database, tracking: Tracking
) -> None:
    visitor = await visitor_of(db, tracking)
    good = await tracking.submit(visitor, [ev("good")])  # queued, not yet stored
    now = clock.now()
    refused = WriteRequest(
        events=[
            {
                "workspace_id": "no-such-workspace",  # the foreign key refuses it
                "visitor_id": "v_x",
                "session_id": "s_x",
                "event_id": "bad",
                "type": "search",
                "ts": now,
                "received_at": now,
                "clock_skew": False,
                "props": {},
                "page": {},
            }
        ]
    )
    storing = tracking.writer.submit(refused)  # the same batch as the good one
    assert (await tracking.stored(good)).accepted == ["good"]
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        await storing
    assert await count(db, TrackedEvent) == 1


async def test_a_batch_is_not_split_while_the_database_is_unavailable(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = EventLogWriter(db)
    attempts: list[int] = []

    async def unavailable(batch: list[WriteRequest]) -> None:
        attempts.append(len(batch))
        raise OperationalError("INSERT …", {}, Exception("database is locked"))

    monkeypatch.setattr(writer, "_write", unavailable)
    requests = [WriteRequest(events=[]) for _ in range(3)]
    for request in requests:
        writer.submit(request)
    await writer.start()
    try:
        for request in requests:
            with pytest.raises(OperationalError):
                await request.done
    finally:
        await writer.close()
    assert attempts == [3]  # one attempt for the batch, not one more per request
