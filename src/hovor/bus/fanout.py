"""Local fan-out shared by the bus backends: topic → the subscriptions in this process."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable

from hovor.bus.base import Message

log = logging.getLogger(__name__)

QUEUE_SIZE = 10_000


class LocalSubscription:
    """A queue fed by every topic it is subscribed to. Iterate it for ``(topic, message)``."""

    def __init__(self, fanout: LocalFanout) -> None:
        self._fanout = fanout
        self._queue: asyncio.Queue[tuple[str, Message]] = asyncio.Queue(QUEUE_SIZE)
        self.topics: set[str] = set()
        self.dropped = 0

    async def add(self, topic: str) -> None:
        if topic not in self.topics:
            self.topics.add(topic)
            await self._fanout.attach(topic, self)

    async def remove(self, topic: str) -> None:
        if topic in self.topics:
            self.topics.discard(topic)
            await self._fanout.detach(topic, self)

    def offer(self, topic: str, message: Message) -> None:
        try:
            self._queue.put_nowait((topic, message))
        except asyncio.QueueFull:
            self.dropped += 1
            log.warning("bus subscriber too slow, dropped a message on %s", topic)

    async def __aiter__(self) -> AsyncIterator[tuple[str, Message]]:
        while True:
            yield await self._queue.get()

    async def close(self) -> None:
        for topic in list(self.topics):
            await self.remove(topic)


class LocalFanout:
    """Keeps topic → subscriptions; calls hooks when a topic gets its first or loses its last."""

    def __init__(
        self,
        on_first: Callable[[str], Awaitable[None]] | None = None,
        on_last: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._subs: dict[str, set[LocalSubscription]] = defaultdict(set)
        self._on_first = on_first
        self._on_last = on_last

    async def attach(self, topic: str, sub: LocalSubscription) -> None:
        first = not self._subs[topic]
        self._subs[topic].add(sub)
        if first and self._on_first:
            await self._on_first(topic)

    async def detach(self, topic: str, sub: LocalSubscription) -> None:
        subs = self._subs.get(topic)
        if not subs:
            return
        subs.discard(sub)
        if not subs:
            del self._subs[topic]
            if self._on_last:
                await self._on_last(topic)

    def deliver(self, topic: str, message: Message) -> None:
        for sub in tuple(self._subs.get(topic, ())):
            sub.offer(topic, message)

    def topics(self) -> list[str]:
        return list(self._subs)

    def count(self, topic: str) -> int:
        """How many subscriptions of this process hear ``topic``."""
        return len(self._subs.get(topic, ()))
