"""The routing lease: which process runs the router (ADR 0005).

A Redis key with a time-to-live holding the leader's token when Redis is configured; without
Redis there is one process and it always leads.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from typing import Protocol

from sqlalchemy.engine import make_url

LEASE_KEY = "hovor:routing:leader"
LEASE_SECONDS = 10.0


class Lease(Protocol):
    local: bool

    async def acquire(self) -> bool: ...

    async def renew(self) -> bool: ...

    async def release(self) -> None: ...


class LocalLease:
    """One process, no Redis: this process always leads."""

    local = True

    async def acquire(self) -> bool:
        return True

    async def renew(self) -> bool:
        return True

    async def release(self) -> None:
        return None


_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class RedisLease:
    """A key with a time-to-live holding this process's token: SET NX to take, renew often."""

    local = False

    def __init__(self, url: str, key: str, seconds: float = LEASE_SECONDS) -> None:
        from redis.asyncio import Redis

        self._redis: Redis = Redis.from_url(url)
        self._key = key
        self._ms = int(seconds * 1000)
        self.token = secrets.token_hex(8)

    async def acquire(self) -> bool:
        if await self._redis.set(self._key, self.token, nx=True, px=self._ms):
            return True
        return await self.renew()

    async def renew(self) -> bool:
        return bool(await self._redis.eval(_RENEW, 1, self._key, self.token, self._ms))

    async def release(self) -> None:
        with contextlib.suppress(Exception):
            await self._redis.eval(_RELEASE, 1, self._key, self.token)
        await self._redis.aclose()


def database_scope(database_url: str) -> str:
    """A short name for the database: deployments (or test runs) sharing one Redis keep
    their routing lease and their routing bus topics apart by it."""
    plain = make_url(database_url).render_as_string(hide_password=True)
    return hashlib.sha256(plain.encode()).hexdigest()[:16]


def create_lease(redis_url: str | None, database_url: str) -> Lease:
    """One lease per database."""
    if not redis_url:
        return LocalLease()
    return RedisLease(redis_url, f"{LEASE_KEY}:{database_scope(database_url)}")
