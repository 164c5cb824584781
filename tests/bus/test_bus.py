"""The bus contract, on the in-process and the Redis backend alike."""

from __future__ import annotations

import asyncio

import pytest

from hovor.bus import Bus
from hovor.bus.fanout import LocalSubscription
from tests.support.services import REDIS_URL, require


async def next_message(sub: LocalSubscription, within: float = 2.0) -> tuple[str, dict]:
    iterator = sub.__aiter__()
    return await asyncio.wait_for(iterator.__anext__(), within)


async def next_is_marker(bus: Bus, sub: LocalSubscription, topic: str) -> None:
    """Publish a marker on ``topic`` (which ``sub`` listens to) and check it comes next.

    Both backends deliver one publisher's messages to a subscription in the order they
    were published, so anything published earlier that reached ``sub`` would come first:
    the marker proves an absence without waiting out a window of time.
    """
    marker = {"marker": topic}
    await bus.publish(topic, marker)
    assert await next_message(sub) == (topic, marker)


async def test_delivers_to_subscribers_of_the_topic_only(bus: Bus) -> None:
    async with bus.subscribe("a") as sub_a, bus.subscribe("b") as sub_b:
        await bus.publish("a", {"n": 1})
        assert await next_message(sub_a) == ("a", {"n": 1})
        await next_is_marker(bus, sub_b, "b")


async def test_every_subscriber_gets_a_copy_in_order(bus: Bus) -> None:
    async with bus.subscribe("t") as one, bus.subscribe("t") as two:
        for n in range(5):
            await bus.publish("t", {"n": n})
        for sub in (one, two):
            got = [(await next_message(sub))[1]["n"] for _ in range(5)]
            assert got == [0, 1, 2, 3, 4]


async def test_added_and_removed_topics(bus: Bus) -> None:
    async with bus.subscribe("marker") as sub:
        await sub.add("x")
        await bus.publish("x", {"v": "in"})
        assert await next_message(sub) == ("x", {"v": "in"})
        await sub.remove("x")
        await bus.publish("x", {"v": "out"})
        await next_is_marker(bus, sub, "marker")


async def test_nothing_after_leaving(bus: Bus) -> None:
    async with bus.subscribe("gone") as sub:
        pass
    await bus.publish("gone", {"v": 1})
    # The left subscription listens again, to another topic only: the marker comes first.
    await sub.add("marker")
    try:
        await next_is_marker(bus, sub, "marker")
    finally:
        await sub.close()


@pytest.mark.parametrize("bus", ["redis"], indirect=True)
async def test_redis_fans_out_across_processes(bus: Bus) -> None:
    """Two RedisBus instances stand for two Hovor nodes."""
    require(REDIS_URL, "Redis")
    from hovor.bus.redis import RedisBus

    other_node = RedisBus(REDIS_URL)
    await other_node.start()
    try:
        async with other_node.subscribe("shared") as sub:
            await bus.publish("shared", {"from": "node-1"})
            assert await next_message(sub) == ("shared", {"from": "node-1"})
    finally:
        await other_node.close()
