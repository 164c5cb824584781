"""Rate limits (sliding-window counters: cheap, O(1) per key) over the ``limits`` library; shared through Redis on several nodes."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from hovor.core.errors import RateLimited
from hovor.core.outage import UNREACHABLE, outage


class RateLimiter:
    def __init__(self, redis_url: str | None = None) -> None:
        storage: Storage
        if redis_url:
            storage = RedisStorage(
                "async+" + redis_url, implementation="redispy", key_prefix="hovor:limits"
            )
        else:
            storage = MemoryStorage()
        self._limiter = SlidingWindowCounterRateLimiter(storage)
        self._outage = outage("redis")

    async def hit(self, rule: str, *key: str, cost: int = 1) -> bool:
        """Count ``cost`` hits of ``key`` against ``rule`` (e.g. ``"10/minute"``); False when over.

        While Redis is unreachable the limits are not counted (fail open, ``core.outage``):
        visitors' events are still stored rather than refused for an operator's outage.
        """
        if not self._outage.should_try():
            return True
        try:
            allowed = await self._limiter.hit(_item(rule), *key, cost=cost)
        except UNREACHABLE as exc:
            self._outage.failed(exc)
            return True
        self._outage.succeeded()
        return allowed

    async def check(self, rule: str, *key: str, what: str) -> None:
        """Count one hit; raise ``RateLimited`` with a Retry-After when over the limit."""
        item = _item(rule)
        if not await self.hit(rule, *key):
            await self._refuse(item, key, what)

    async def ensure_left(self, rule: str, *key: str, what: str) -> None:
        """Raise ``RateLimited`` if ``key`` has no hit left, without counting one."""
        item = _item(rule)
        if not await self._limiter.test(item, *key):
            await self._refuse(item, key, what)

    async def left(self, rule: str, *key: str) -> bool:
        """Whether ``key`` has a hit left under ``rule``, without counting one."""
        return await self._limiter.test(_item(rule), *key)

    async def used(self, rule: str, *key: str) -> int:
        """How many hits ``key`` has in ``rule``'s current window (0: none)."""
        item = _item(rule)
        stats = await self._limiter.get_window_stats(item, *key)
        return item.amount - stats.remaining

    async def _refuse(self, item: RateLimitItem, key: tuple[str, ...], what: str) -> None:
        stats = await self._limiter.get_window_stats(item, *key)
        retry = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(f"too many {what}; try again in {retry} s", retry_after=retry)


_items: dict[str, RateLimitItem] = {}


def _item(rule: str) -> RateLimitItem:
    if rule not in _items:
        _items[rule] = parse(rule)
    return _items[rule]
