"""A rule's fallback on both databases: when pacing says no agent can take the chat, the
rule's fallback (its own kind and text) is offered instead, counted as a fallback, and the
no-nagging guards hold for it; with an agent online the chat itself is offered."""

from __future__ import annotations

from typing import Any

import pytest

from hovor.auth import service as auth
from hovor.bus.topics import visitor_topic
from hovor.engagement.frames import OfferDeclined
from hovor.engagement.models import Offer
from tests.engagement.test_runtime import Node, frames_until_marker, node
from tests.support.events import CaptureEvents

pytestmark = pytest.mark.storage
__all__ = ["node"]  # the fixture, shared with the runtime's tests

CHAT_OR_CALLBACK: dict[str, Any] = {
    "type": "chat",
    "queue": "sales",
    "text": "Chat with us about {{event.props.n}}?",
    "fallback": {
        "type": "callback",
        "text": "Nobody free to chat: shall we call you about {{event.props.n}}?",
    },
}


async def test_with_no_agent_online_the_callback_is_offered_instead(
    node: Node, capture_events: CaptureEvents
) -> None:
    await node.rule(action=CHAT_OR_CALLBACK, guards={"max_per_session": 1})
    live = await node.visitor()
    async with node.bus.subscribe(visitor_topic(node.ws, "v_1")) as sub:
        with capture_events(node.db) as captured:
            await node.probe(live, 42)
        frames = await frames_until_marker(node, sub, "v_1")
    (made,) = captured.payloads("offer.made")
    assert made["offer"]["kind"] == "callback"
    assert made["offer"]["text"] == "Nobody free to chat: shall we call you about 42?"
    assert [(f["offer"]["kind"], f["offer"]["text"]) for f in frames] == [
        ("callback", "Nobody free to chat: shall we call you about 42?")
    ]
    metrics = node.engagement.metrics
    assert (metrics["paced"], metrics["fallback"], metrics["offered"]) == (1, 1, 0)
    async with node.db.read() as session:
        stored = await session.get(Offer, made["offer"]["id"])
    assert stored is not None and stored.context["fallback_for"] == "chat"
    assert stored.queue == "sales" and stored.rule_key == "probe"

    # The guards hold for the fallback as for the chat: once per visit, even after a "no".
    await node.engagement.handle_frame(
        live, OfferDeclined(type="offer.declined", offer_id=made["offer"]["id"])
    )
    with capture_events(node.db) as captured:
        await node.probe(live, 43)
    assert captured.names() == []
    assert node.engagement.metrics["fallback"] == 1


async def test_with_an_agent_online_the_chat_is_offered(
    node: Node, capture_events: CaptureEvents
) -> None:
    await node.rule(action=CHAT_OR_CALLBACK)
    async with node.db.transaction() as tx:
        agent = await auth.access_user(tx.session, node.ws, node.team.agents[0].id)
        await auth.do_set_presence(tx, agent, "online")
    live = await node.visitor()
    with capture_events(node.db) as captured:
        await node.probe(live, 7)
    (made,) = captured.payloads("offer.made")
    assert (made["offer"]["kind"], made["offer"]["text"]) == ("chat", "Chat with us about 7?")
    metrics = node.engagement.metrics
    assert (metrics["paced"], metrics["fallback"], metrics["offered"]) == (0, 0, 1)


async def test_without_a_fallback_a_paced_chat_stays_silent(
    node: Node, capture_events: CaptureEvents
) -> None:
    await node.rule(action={"type": "chat", "text": "Chat?"})
    live = await node.visitor()
    with capture_events(node.db) as captured:
        await node.probe(live)
    assert captured.names() == []
    assert (node.engagement.metrics["paced"], node.engagement.metrics["fallback"]) == (1, 0)


async def test_a_message_fallback_keeps_its_own_queue_and_link(
    node: Node, capture_events: CaptureEvents
) -> None:
    action = {
        "type": "cobrowse",
        "queue": "sales",
        "text": "Shall we look at it together?",
        "fallback": {
            "type": "message",
            "queue": "support",
            "text": "We're all busy. Write to us: https://shop.example/contact",
        },
    }
    await node.rule(action=action)
    live = await node.visitor()
    with capture_events(node.db) as captured:
        await node.probe(live)
    (made,) = captured.payloads("offer.made")
    assert (made["offer"]["kind"], made["offer"]["text"]) == (
        "message",
        "We're all busy. Write to us: https://shop.example/contact",
    )
    async with node.db.read() as session:
        stored = await session.get(Offer, made["offer"]["id"])
    assert stored is not None and stored.queue == "support"
    assert stored.context["fallback_for"] == "cobrowse"
