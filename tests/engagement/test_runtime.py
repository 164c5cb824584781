"""The engagement runtime on both databases: tracked events → rules → guards → offer frame.

The runtime runs here as on a node, without a server: tracking takes each batch and hands
it to the rules; offers go out on the visitor's bus topic. A bus that looks the offer up
as it publishes its frame proves the frame follows the commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count
from typing import Any

import pytest
from sqlalchemy import event, select

from hovor.auth import service as auth
from hovor.bus import MemoryBus, Subscription
from hovor.bus.base import Message
from hovor.bus.topics import visitor_topic
from hovor.core import clock
from hovor.db.transaction import Database
from hovor.engagement import service
from hovor.engagement.frames import OfferAccepted, OfferDeclined, OfferShown
from hovor.engagement.models import GuardCount, Offer
from hovor.engagement.rules.guards import control_bucket
from hovor.engagement.runtime import Engagement
from hovor.tracking.live import LiveVisitor
from hovor.tracking.service import Tracking
from tests.routing.channels import CHANNELS
from tests.support.events import CaptureEvents
from tests.support.factories import Team, make_team
from tests.support.tracking import running_tracking

pytestmark = pytest.mark.storage

_ids = count(1)
MARKER: Message = {"type": "marker"}


class CheckingBus(MemoryBus):
    """Records, for each offer frame, whether its offer was stored when it was published."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.stored_at_publish: list[bool] = []

    async def publish(self, topic: str, message: Message) -> None:
        if message.get("type") == "offer":
            async with self.db.read() as session:  # another connection: sees only commits
                found = await session.get(Offer, message["offer"]["id"])
            self.stored_at_publish.append(found is not None)
        await super().publish(topic, message)


@dataclass
class Node:
    db: Database
    bus: CheckingBus
    tracking: Tracking
    engagement: Engagement
    team: Team

    @property
    def ws(self) -> str:
        return self.team.workspace.id

    async def rule(self, key: str = "probe", **overrides: Any) -> None:
        data: dict[str, Any] = {
            "key": key,
            "name": f"Rule {key}",
            "trigger": {"events": ["probe"]},
            "action": {"type": "message", "text": "Hello {{event.props.n}}"},
        }
        data.update(overrides)
        async with self.db.transaction() as tx:
            await service.do_create_rule(tx, self.ws, data, author_id=None)
        self.engagement.rule_sets.changed(self.ws)  # the bus would say so on a node

    async def visitor(self, visitor_id: str = "v_1") -> LiveVisitor:
        async with self.db.read() as session:
            return await self.tracking.attach(session, self.ws, visitor_id, None)

    async def probe(self, live: LiveVisitor, n: int = 0) -> None:
        event = {
            "id": f"e{next(_ids)}",
            "ts": clock.now().isoformat(),
            "type": "probe",
            "props": {"n": n},
        }
        ack = await self.tracking.track(live, [event])
        assert ack.rejected == []

    @contextmanager
    def failing_offer_writes(self) -> Iterator[None]:
        def refuse(*_: object) -> None:
            raise RuntimeError("the offers table refuses the row")

        event.listen(Offer, "before_insert", refuse)
        try:
            yield
        finally:
            event.remove(Offer, "before_insert", refuse)


@pytest.fixture
async def node(db: Database) -> AsyncIterator[Node]:
    bus = CheckingBus(db)
    async with running_tracking(db) as tracking:
        engagement = Engagement(db, bus, tracking, channels=CHANNELS)
        engagement.register(db.dispatcher)
        yield Node(db, bus, tracking, engagement, await make_team(db))


async def next_frame(sub: Subscription) -> Message:
    async def first() -> Message:
        async for _topic, message in sub:
            return message
        raise AssertionError("the subscription ended")

    return await asyncio.wait_for(first(), timeout=5)


async def frames_until_marker(node: Node, sub: Subscription, visitor_id: str) -> list[Message]:
    """Every frame published to the visitor before a marker published now (the bus keeps a
    publisher's order), so an absence is proven without waiting out a window."""
    await node.bus.publish(visitor_topic(node.ws, visitor_id), MARKER)
    frames = []
    while (frame := await next_frame(sub)) != MARKER:
        frames.append(frame)
    return frames


async def test_a_stored_offer_reaches_the_visitor_once_after_the_commit(
    node: Node, capture_events: CaptureEvents
) -> None:
    await node.rule()
    live = await node.visitor()
    async with node.bus.subscribe(visitor_topic(node.ws, "v_1")) as sub:
        with capture_events(node.db) as captured:
            await node.probe(live, 7)
            await node.probe(live, 8)  # the offer is still open: nothing more
        frames = await frames_until_marker(node, sub, "v_1")
    (made,) = captured.payloads("offer.made")
    assert captured.names() == ["offer.made"]
    assert frames == [
        {
            "type": "offer",
            "offer": {
                "id": made["offer"]["id"],
                "kind": "message",
                "text": "Hello 7",
                # The same instant, in UTC with a Z as every frame writes times.
                "expires_at": made["offer"]["expires_at"].replace("+00:00", "Z"),
            },
        }
    ]
    assert node.bus.stored_at_publish == [True]
    assert made["offer"]["rule_key"] == "probe" and made["offer"]["visitor_id"] == "v_1"
    metrics = node.engagement.metrics
    assert (metrics["offered"], metrics["matched"], metrics["blocked:an offer is open"]) == (
        1,
        2,
        1,
    )
    # The stopped match is stored for the analytics funnel when the ticker flushes.
    assert await guard_counts(node, captured_by=capture_events) == [
        ("probe", "message", "offer_open", 1)
    ]


async def guard_counts(
    node: Node, *, captured_by: CaptureEvents
) -> list[tuple[str, str, str, int]]:
    """Flush the runtime's counts of stopped matches; the stored rows, checked against the
    ``matches.guarded`` event that names them."""
    with captured_by(node.db) as captured:
        await node.engagement.record_guarded()
    async with node.db.read() as session:
        rows = (
            await session.scalars(select(GuardCount).where(GuardCount.workspace_id == node.ws))
        ).all()
    named = [
        row_id for payload in captured.payloads("matches.guarded") for row_id in payload["ids"]
    ]
    assert sorted(named) == sorted(r.id for r in rows)
    return sorted((r.rule_key, r.kind, r.reason, r.count) for r in rows)


async def test_a_failed_write_shows_nothing_and_frees_the_visitors_screen(
    node: Node, capture_events: CaptureEvents
) -> None:
    await node.rule()  # at most one offer per visit (the default)
    live = await node.visitor()
    async with node.bus.subscribe(visitor_topic(node.ws, "v_1")) as sub:
        with capture_events(node.db) as captured, node.failing_offer_writes():
            await node.probe(live, 1)
        assert captured.names() == []
        assert await frames_until_marker(node, sub, "v_1") == []
        assert node.engagement.metrics["failed"] == 1
        # The offer that was not stored neither blocks the screen nor counts for the visit.
        with capture_events(node.db) as captured:
            await node.probe(live, 2)
        (made,) = captured.payloads("offer.made")
        frames = await frames_until_marker(node, sub, "v_1")
    assert [f["offer"]["id"] for f in frames] == [made["offer"]["id"]]
    assert frames[0]["offer"]["text"] == "Hello 2"
    assert node.bus.stored_at_publish == [True]


async def test_the_control_group_is_held_out_and_sees_nothing(
    node: Node, capture_events: CaptureEvents
) -> None:
    await node.rule(guards={"control_share": 0.5})
    held = next(f"v_{i}" for i in range(100) if control_bucket(f"v_{i}", "probe") < 0.5)
    live = await node.visitor(held)
    async with node.bus.subscribe(visitor_topic(node.ws, held)) as sub:
        with capture_events(node.db) as captured:
            await node.probe(live)
        assert await frames_until_marker(node, sub, held) == []
    assert captured.names() == ["offer.held_out"]
    assert captured.payloads("offer.held_out")[0]["offer"]["status"] == "held_out"
    assert node.engagement.metrics["held_out"] == 1


async def test_chat_offers_wait_for_a_free_agent(node: Node, capture_events: CaptureEvents) -> None:
    await node.rule(action={"type": "chat", "text": "Chat with us?"})
    live = await node.visitor()
    with capture_events(node.db) as captured:
        await node.probe(live)  # nobody online: paced
        async with node.db.transaction() as tx:
            agent = await auth.access_user(tx.session, node.ws, node.team.agents[0].id)
            await auth.do_set_presence(tx, agent, "online")
        await node.probe(live)
    assert captured.of("offer.made", "offer.held_out")[0].name == "offer.made"
    assert len(captured.of("offer.made", "offer.held_out")) == 1
    assert node.engagement.metrics["paced"] == 1 and node.engagement.metrics["offered"] == 1
    assert await guard_counts(node, captured_by=capture_events) == [("probe", "chat", "pacing", 1)]


async def test_the_visitors_answers_update_the_offer_and_free_the_screen(
    node: Node, capture_events: CaptureEvents
) -> None:
    await node.rule(guards={"max_per_session": None})
    live = await node.visitor()
    with capture_events(node.db) as captured:
        await node.probe(live)
    offer_id = captured.payloads("offer.made")[0]["offer"]["id"]
    engagement = node.engagement
    with capture_events(node.db) as captured:
        shown = await engagement.handle_frame(
            live, OfferShown(type="offer.shown", offer_id=offer_id)
        )
        declined = await engagement.handle_frame(
            live, OfferDeclined(type="offer.declined", offer_id=offer_id)
        )
        await node.probe(live)  # the screen is free again: a new offer
    assert shown is None
    assert declined == {
        "type": "offer.updated",
        "offer_id": offer_id,
        "status": "declined",
        "conversation_id": None,
    }
    assert captured.names() == ["offer.shown", "offer.declined", "offer.made"]
    second = captured.payloads("offer.made")[0]["offer"]["id"]
    with capture_events(node.db) as captured:
        accepted = await engagement.handle_frame(
            live, OfferAccepted(type="offer.accepted", offer_id=second)
        )
    assert accepted is not None and accepted["status"] == "accepted"
    (event_payload,) = captured.payloads("offer.accepted")
    assert event_payload["offer"]["conversation_id"] == accepted["conversation_id"] is not None


async def test_an_agents_invitation_reaches_the_visitor_after_the_commit(
    node: Node, capture_events: CaptureEvents
) -> None:
    live = await node.visitor()
    agent = node.team.agents[0].id
    async with node.bus.subscribe(visitor_topic(node.ws, "v_1")) as sub:
        with capture_events(node.db) as captured:
            described = await node.engagement.invite(live, kind="chat", text="Hi!", agent_id=agent)
        frames = await frames_until_marker(node, sub, "v_1")
    assert captured.payloads("offer.made") == [{"offer": described}]
    assert described["invited_by"] == agent and described["rule_key"] is None
    assert [f["offer"]["id"] for f in frames] == [described["id"]]
    assert node.bus.stored_at_publish == [True]


async def test_no_offer_is_made_to_a_visitor_who_has_left(
    node: Node, capture_events: CaptureEvents
) -> None:
    await node.rule()
    live = await node.visitor()
    node.tracking.visitors.detach(live)  # the last page closed; a beacon still brings events
    with capture_events(node.db) as captured:
        await node.probe(live)
    assert captured.names() == []
    assert node.engagement.metrics["blocked:the visitor has left"] == 1


async def test_offers_to_visitors_who_left_are_withdrawn_and_free_capacity(
    node: Node, capture_events: CaptureEvents
) -> None:
    # One agent with room for one chat: with the prior acceptance rate of 1/3, three
    # unanswered chat offers fill it (waiting + p * (pending + 1) <= free).
    team = await make_team(node.db, "Paced", agents=1, online=True, capacity=1)
    paced = Node(node.db, node.bus, node.tracking, node.engagement, team)
    await paced.rule(action={"type": "chat", "text": "Chat with us?"})
    visitors = {v: await paced.visitor(v) for v in ("v_a", "v_b", "v_c", "v_d")}
    with capture_events(node.db) as captured:
        for visitor_id in ("v_a", "v_b", "v_c", "v_d"):
            await paced.probe(visitors[visitor_id])
    made = {e.payload["offer"]["visitor_id"]: e.payload["offer"]["id"] for e in captured.events}
    assert list(made) == ["v_a", "v_b", "v_c"]  # v_d waits for capacity
    assert node.engagement.metrics["paced"] == 1

    for visitor_id in ("v_a", "v_b"):  # they leave with the offer unanswered
        node.tracking.visitors.detach(visitors[visitor_id])
    await paced.probe(visitors["v_d"])
    assert node.engagement.metrics["paced"] == 2  # their offers still count: nobody sees them

    with capture_events(node.db) as captured:
        assert await node.engagement.withdraw_offers_of_gone_visitors() == 2
        assert await node.engagement.withdraw_offers_of_gone_visitors() == 0
        await paced.probe(visitors["v_d"])  # now there is room for the present visitor
        await paced.probe(visitors["v_a"])  # and still nothing for one who has left
    assert captured.names() == ["offer.expired", "offer.expired", "offer.made"]
    expired, made_now = captured.of("offer.expired"), captured.of("offer.made")
    assert sorted(e.payload["offer"]["id"] for e in expired) == sorted([made["v_a"], made["v_b"]])
    assert {(e.payload["reason"], e.payload["offer"]["status"]) for e in expired} == {
        ("visitor_left", "expired")
    }
    assert made_now[0].payload["offer"]["visitor_id"] == "v_d"
    assert node.engagement.metrics["blocked:the visitor has left"] == 1
    async with node.db.read() as session:
        still = await session.get(Offer, made["v_c"])
    assert still is not None and still.status == "offered"  # v_c is still on the site


async def test_offer_texts_write_amounts_in_the_visitors_currency_and_language(
    node: Node, capture_events: CaptureEvents
) -> None:
    await node.rule(
        trigger={"events": ["cart.add"]},
        facts=[
            {"name": "added_value", "kind": "sum", "event": "cart.add",
             "value": "double(event.props.price)", "window": "session"},
            {"name": "adds", "kind": "count", "event": "cart.add", "window": "session"},
        ],
        condition="facts.adds >= 2",
        action={"type": "message",
                "text": "{{facts.adds}} items, {{facts.added_value}}: {{session.cart_value}}"},
    )  # fmt: skip
    live = await node.visitor()
    home = {"url": "https://shop.example.cz/", "title": "Obchod"}
    mug = {"url": "https://shop.example.cz/p?id=mug", "title": "Hrnek"}
    events = [
        {"type": "page.view", "props": {}, "page": home},
        {"type": "page.view", "props": {}, "page": mug},
        {"type": "cart.add", "page": mug,
         "props": {"id": "mug", "name": "Hrnek", "price": 189, "currency": "CZK", "locale": "cs"}},
        {"type": "cart.add", "page": mug, "props": {"id": "cup", "name": "Šálek", "price": 1500.5}},
    ]  # fmt: skip
    with capture_events(node.db) as captured:
        for e in events:
            ack = await node.tracking.track(
                live, [{"id": f"e{next(_ids)}", "ts": clock.now().isoformat(), **e}]
            )
            assert ack.rejected == []
    (made,) = captured.payloads("offer.made")
    assert made["offer"]["text"] == "2 items, 1\u00a0689,50\u00a0Kč: 1\u00a0689,50\u00a0Kč"
    async with node.db.read() as session:
        offer = await session.get(Offer, made["offer"]["id"])
    assert offer is not None
    context = offer.context
    assert (context["currency"], context["locale"]) == ("CZK", "cs")
    assert context["money_facts"] == ["added_value"]
    assert context["page_titles"] == {home["url"]: "Obchod", mug["url"]: "Hrnek"}
