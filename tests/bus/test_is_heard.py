"""``Bus.is_heard``: whether a topic has a subscriber now, on this node or (Redis) any node.
The mobile API pushes an agent's reply only when the visitor's topic is not heard."""

from __future__ import annotations

import os

from hovor.bus import Bus
from tests.support.services import REDIS_URL, require
from tests.support.waiting import eventually


async def test_a_topic_is_heard_while_someone_subscribes(bus: Bus) -> None:
    topic = f"visitor-{os.urandom(4).hex()}"
    assert not await bus.is_heard(topic)
    async with bus.subscribe(topic) as sub:
        assert await bus.is_heard(topic)
        await sub.add("other")
        await sub.remove("other")
        assert await bus.is_heard(topic)
    assert not await bus.is_heard(topic)


async def test_a_subscriber_on_another_node_counts() -> None:
    """Two RedisBus instances stand for two Hovor nodes."""
    require(REDIS_URL, "Redis")
    from hovor.bus.redis import RedisBus

    here, there = RedisBus(REDIS_URL), RedisBus(REDIS_URL)
    await here.start()
    await there.start()
    topic = f"visitor-{os.urandom(4).hex()}"
    try:
        assert not await here.is_heard(topic)
        async with there.subscribe(topic):
            await eventually("the other node's subscription", lambda: here.is_heard(topic))

        async def unheard() -> bool:
            return not await here.is_heard(topic)

        await eventually("no subscriber left", unheard)
    finally:
        await here.close()
        await there.close()
