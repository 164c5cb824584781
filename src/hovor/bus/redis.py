"""Redis bus: the same fan-out across several Hovor processes through Redis pub/sub.

One pub/sub connection per process; it is subscribed to exactly the topics that have a
local subscriber, and one reader task hands each message to the local fan-out.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import redis.asyncio as aioredis

from hovor.bus.base import Message
from hovor.bus.fanout import LocalFanout, LocalSubscription

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "hovor:bus:"


class RedisBus:
    def __init__(self, url: str) -> None:
        self._url = url
        self._redis: aioredis.Redis = aioredis.Redis.from_url(url)
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._fanout = LocalFanout(on_first=self._redis_subscribe, on_last=self._redis_unsubscribe)
        self._has_topics = asyncio.Event()

    async def start(self) -> None:
        await self._redis.ping()
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._reader = asyncio.create_task(self._read(), name="hovor-redis-bus")

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
            with suppress(asyncio.CancelledError):
                await self._reader
        if self._pubsub is not None:
            await self._pubsub.aclose()
        await self._redis.aclose()

    async def ping(self) -> None:
        await self._redis.ping()

    async def publish(self, topic: str, message: Message) -> None:
        await self._redis.publish(CHANNEL_PREFIX + topic, json.dumps(message, default=str))

    @asynccontextmanager
    async def subscribe(self, *topics: str) -> AsyncIterator[LocalSubscription]:
        sub = LocalSubscription(self._fanout)
        try:
            for topic in topics:
                await sub.add(topic)
            yield sub
        finally:
            await sub.close()

    async def _redis_subscribe(self, topic: str) -> None:
        await self._pubsub.subscribe(CHANNEL_PREFIX + topic)
        self._has_topics.set()

    async def _redis_unsubscribe(self, topic: str) -> None:
        await self._pubsub.unsubscribe(CHANNEL_PREFIX + topic)

    async def _read(self) -> None:
        while True:
            await self._has_topics.wait()
            try:
                item = await self._pubsub.get_message(timeout=1.0)
            except (aioredis.ConnectionError, OSError) as exc:
                log.warning("redis bus connection lost (%s); reconnecting", exc)
                await asyncio.sleep(1.0)
                continue
            if item is None or item.get("type") != "message":
                continue
            channel = item["channel"].decode()
            try:
                message = json.loads(item["data"])
            except (ValueError, UnicodeDecodeError):
                log.warning("dropped a malformed bus message on %s", channel)
                continue
            self._fanout.deliver(channel.removeprefix(CHANNEL_PREFIX), message)
