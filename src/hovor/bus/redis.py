"""Redis bus: the same fan-out across several Hovor processes through Redis pub/sub.

One pub/sub connection per process; it is subscribed to exactly the topics that have a
local subscriber, and one reader task hands each message to the local fan-out.

When Redis goes away the bus degrades quietly (``core.outage``): publishing drops the
message (the bus is live-only; stored rows are the truth) instead of failing the caller,
one warning is logged, the reader retries with back-off and re-subscribes, and one info
line says when Redis is back.
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
from hovor.core.outage import UNREACHABLE, outage

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "hovor:bus:"


class RedisBus:
    def __init__(self, url: str) -> None:
        self._url = url
        self._redis: aioredis.Redis = aioredis.Redis.from_url(
            url, socket_connect_timeout=2.0, socket_timeout=5.0
        )
        self._outage = outage("redis")
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._fanout = LocalFanout(on_first=self._redis_subscribe, on_last=self._redis_unsubscribe)
        self._has_topics = asyncio.Event()
        self._missed: set[str] = set()  # topics whose SUBSCRIBE failed during an outage

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
        if not self._outage.should_try():
            return  # Redis is down: live fan-out pauses; clients re-read when it is back
        try:
            await self._redis.publish(CHANNEL_PREFIX + topic, json.dumps(message, default=str))
        except UNREACHABLE as exc:
            self._outage.failed(exc)
        else:
            self._outage.succeeded()

    async def is_heard(self, topic: str) -> bool:
        """A node subscribes to a topic's channel while it has a local subscriber, so the
        channel's subscriber count says whether any node does. Redis down: nobody hears."""
        if self._fanout.count(topic):
            return True
        if not self._outage.should_try():
            return False
        try:
            counts = await self._redis.pubsub_numsub(CHANNEL_PREFIX + topic)
        except UNREACHABLE as exc:
            self._outage.failed(exc)
            return False
        return any(int(n) > 0 for _, n in counts)

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
        try:
            await self._pubsub.subscribe(CHANNEL_PREFIX + topic)
        except UNREACHABLE as exc:  # subscribed when Redis is back (the reader does it)
            self._outage.failed(exc)
            self._missed.add(topic)
        self._has_topics.set()

    async def _redis_unsubscribe(self, topic: str) -> None:
        self._missed.discard(topic)
        with suppress(*UNREACHABLE):  # a lost connection has no subscriptions to drop
            await self._pubsub.unsubscribe(CHANNEL_PREFIX + topic)

    async def _resubscribe(self) -> None:
        missed, self._missed = self._missed, set()
        if missed:
            await self._pubsub.subscribe(*(CHANNEL_PREFIX + t for t in missed))

    async def _read(self) -> None:
        while True:
            await self._has_topics.wait()
            try:
                if self._missed:
                    await self._resubscribe()
                item = await self._pubsub.get_message(timeout=1.0)
            except UNREACHABLE as exc:
                self._outage.failed(exc)
                await asyncio.sleep(self._outage.backoff())  # back-off before reconnecting
                continue
            if self._outage.down:
                self._outage.succeeded()
            if item is None or item.get("type") != "message":
                continue
            channel = item["channel"].decode()
            try:
                message = json.loads(item["data"])
            except (ValueError, UnicodeDecodeError):
                log.warning("dropped a malformed bus message on %s", channel)
                continue
            self._fanout.deliver(channel.removeprefix(CHANNEL_PREFIX), message)
