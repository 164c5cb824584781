"""In-process bus: the single-node default."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from hovor.bus.base import Message
from hovor.bus.fanout import LocalFanout, LocalSubscription


class MemoryBus:
    def __init__(self) -> None:
        self._fanout = LocalFanout()

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def publish(self, topic: str, message: Message) -> None:
        self._fanout.deliver(topic, message)

    async def is_heard(self, topic: str) -> bool:
        return self._fanout.count(topic) > 0

    @asynccontextmanager
    async def subscribe(self, *topics: str) -> AsyncIterator[LocalSubscription]:
        sub = LocalSubscription(self._fanout)
        try:
            for topic in topics:
                await sub.add(topic)
            yield sub
        finally:
            await sub.close()
