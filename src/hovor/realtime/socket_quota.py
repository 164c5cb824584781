"""How many sockets a visitor or an address holds open, and refusing one more past a limit.

One node counts in its memory (``SocketQuota``). With Redis (several nodes) the count is
the cluster's (``RedisSocketQuota``): each open socket is a member of a sorted set per key,
scored with the end of its lease. The node holding the socket renews the lease every
``lease / 3`` seconds, so the sockets of a node that crashed stop counting within one lease
(60 s) instead of holding the quota for ever. While Redis is unreachable each node counts
its own sockets again (``core.outage``): a visitor is not refused for an operator's outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Protocol

import redis.asyncio as aioredis

from hovor.core.errors import RateLimited
from hovor.core.outage import UNREACHABLE, outage

log = logging.getLogger(__name__)

Held = tuple[str, str, int]  # (kind, key, limit): e.g. ("visitor", visitor_id, 20)
Release = Callable[[], Awaitable[None]]
PREFIX = "hovor:sockets:"
LEASE_SECONDS = 60.0
_RELEASE_FAILED: tuple[type[BaseException], ...] = (*UNREACHABLE, aioredis.RedisError)


class SocketQuotas(Protocol):
    async def acquire(self, *held: Held) -> Release:
        """Count a socket against each ``(kind, key, limit)``; raise ``RateLimited`` when
        one is full (nothing counted then). Await what it returns when the socket ends
        (a second call does nothing)."""
        ...

    async def close(self) -> None: ...


def _refusal(kind: str, limit: int) -> RateLimited:
    return RateLimited(f"too many open sockets for this {kind} (at most {limit})", retry_after=10)


class SocketQuota:
    """The sockets open on this node, counted in its memory."""

    def __init__(self) -> None:
        self._open: Counter[tuple[str, str]] = Counter()

    async def acquire(self, *held: Held) -> Release:
        return self.acquire_now(*held)

    def acquire_now(self, *held: Held) -> Release:
        for kind, key, limit in held:
            if self._open[(kind, key)] >= limit:
                raise _refusal(kind, limit)
        keys = [(kind, key) for kind, key, _ in held]
        self._open.update(keys)
        released = False

        async def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._open.subtract(keys)
                for k in keys:
                    if self._open[k] <= 0:
                        del self._open[k]

        return release

    async def close(self) -> None:
        return None


# Drops the expired leases of each key, refuses if one is full, else adds the socket to
# all. Time is Redis's own, so the nodes' clocks need not agree.
_ACQUIRE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local lease = tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) >= tonumber(ARGV[2 + i]) then return i end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + lease, ARGV[1])
  redis.call('PEXPIRE', key, lease)
end
return 0
"""

_RENEW = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local lease = tonumber(ARGV[2])
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now + lease, ARGV[1])
  redis.call('PEXPIRE', key, lease)
end
return 0
"""


class RedisSocketQuota:
    """The sockets open on every node sharing this Redis."""

    def __init__(self, url: str, *, lease_seconds: float = LEASE_SECONDS) -> None:
        self._redis: aioredis.Redis = aioredis.Redis.from_url(url)
        self._acquire = self._redis.register_script(_ACQUIRE)
        self._renew = self._redis.register_script(_RENEW)
        self._lease_ms = int(lease_seconds * 1000)
        self._node = secrets.token_hex(6)
        self._ids = itertools.count()
        self._held: dict[str, list[str]] = {}  # socket id -> its Redis keys
        self._heartbeat: asyncio.Task[None] | None = None
        self._local = SocketQuota()  # while Redis is unreachable
        self._outage = outage("redis")
        self.renewals = 0  # rounds of lease renewals done (tests wait on it)

    async def acquire(self, *held: Held) -> Release:
        if not self._outage.should_try():
            return self._local.acquire_now(*held)
        member = f"{self._node}:{next(self._ids)}"
        keys = [f"{PREFIX}{kind}:{key}" for kind, key, _ in held]
        try:
            full = await self._acquire(
                keys=keys, args=[member, self._lease_ms, *(limit for *_, limit in held)]
            )
        except UNREACHABLE as exc:
            self._outage.failed(exc)
            return self._local.acquire_now(*held)
        self._outage.succeeded()
        if full:
            kind, _, limit = held[int(full) - 1]
            raise _refusal(kind, limit)
        self._held[member] = keys
        if self._heartbeat is None or self._heartbeat.done():
            self._heartbeat = asyncio.create_task(self._renew_leases())

        async def release() -> None:
            if self._held.pop(member, None) is None:
                return
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for key in keys:
                        pipe.zrem(key, member)
                    await pipe.execute()
            except _RELEASE_FAILED as exc:
                # Its lease is no longer renewed: it stops counting when the lease ends.
                log.info("socket %s not released in Redis (%s); its lease will end", member, exc)

        return release

    async def _renew_leases(self) -> None:
        """Renew the lease of each socket held here, while there are any."""
        while self._held:
            await asyncio.sleep(self._lease_ms / 3000)
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for member, keys in list(self._held.items()):
                        await self._renew(keys=keys, args=[member, self._lease_ms], client=pipe)
                    await pipe.execute()
                self.renewals += 1
            except UNREACHABLE as exc:
                self._outage.failed(exc)
            except aioredis.RedisError:
                log.warning("could not renew the socket leases", exc_info=True)

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        await self._redis.aclose()


def create_socket_quota(redis_url: str | None) -> SocketQuota | RedisSocketQuota:
    return RedisSocketQuota(redis_url) if redis_url else SocketQuota()
