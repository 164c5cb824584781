"""Committed domain events become frames on the workspace's agents topic, one per event.

(Conversation, message and routing frames carry the API's shapes; the server tests in
tests/integration cover them with real rows.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from hovor.auth import events as auth_events
from hovor.bus import MemoryBus, Message, Subscription
from hovor.bus.topics import agents_topic
from hovor.contacts import events as contact_events
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.orders import events as order_events
from hovor.realtime import fanout
from hovor.tickets import events as ticket_events

WS = "w_1"


@pytest.fixture
async def wired() -> AsyncIterator[tuple[Dispatcher, MemoryBus, Subscription]]:
    dispatcher, bus = Dispatcher(), MemoryBus()
    fanout.register(dispatcher, bus)
    async with bus.subscribe(agents_topic(WS), agents_topic("w_other")) as sub:
        yield dispatcher, bus, sub


async def frames_of(
    wired: tuple[Dispatcher, MemoryBus, Subscription], *events: DomainEvent
) -> list[tuple[str, Message]]:
    """What the agents' topics carried for ``events``, up to a marker published after them."""
    dispatcher, bus, sub = wired
    for event in events:
        await dispatcher.dispatch(event)
    await bus.publish(agents_topic(WS), {"type": "marker"})

    async def collect() -> list[tuple[str, Message]]:
        got = []
        async for topic, frame in sub:
            if frame == {"type": "marker"}:
                return got
            got.append((topic, frame))
        raise AssertionError("the subscription ended")

    return await asyncio.wait_for(collect(), timeout=5)


async def test_presence_and_hints_to_refetch(
    wired: tuple[Dispatcher, MemoryBus, Subscription],
) -> None:
    frames = await frames_of(
        wired,
        DomainEvent(auth_events.AGENT_PRESENCE_CHANGED, WS, {"user_id": "u_1", "status": "away"}),
        DomainEvent(
            ticket_events.TICKET_CREATED, WS, {"ticket": {"id": "k_1", "contact": {"id": "p_1"}}}
        ),
        DomainEvent(ticket_events.TICKET_NOTE_ADDED, WS, {"ticket_id": "k_2"}),
        DomainEvent(contact_events.CONTACT_MERGED, WS, {"source_id": "p_1", "target_id": "p_2"}),
        DomainEvent(order_events.ORDER_CREATED, WS, {"contact_id": "p_3"}),
    )
    assert {t for t, _ in frames} == {agents_topic(WS)}
    assert [f for _, f in frames] == [
        {"type": "presence.changed", "user_id": "u_1", "status": "away", "reason": None},
        {"type": "ticket.changed", "ticket_id": "k_1", "contact_id": "p_1"},
        {"type": "ticket.changed", "ticket_id": "k_2", "contact_id": None},
        {"type": "contact.changed", "contact_ids": ["p_1", "p_2"]},
        {"type": "contact.changed", "contact_ids": ["p_3"]},
    ]


async def test_each_workspace_hears_only_its_own(
    wired: tuple[Dispatcher, MemoryBus, Subscription],
) -> None:
    frames = await frames_of(
        wired,
        DomainEvent(
            auth_events.AGENT_PRESENCE_CHANGED, "w_other", {"user_id": "u_9", "status": "online"}
        ),
        DomainEvent(contact_events.CONTACT_CREATED, WS, {"contact_id": "p_1"}),  # not shown
    )
    assert [(t, f["type"]) for t, f in frames] == [(agents_topic("w_other"), "presence.changed")]
