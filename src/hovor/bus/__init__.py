"""Bus: one interface, an in-process backend (default) and a Redis backend (several nodes)."""

from __future__ import annotations

from hovor.bus.base import Bus, Message, Subscription
from hovor.bus.memory import MemoryBus


def create_bus(redis_url: str | None) -> Bus:
    if redis_url:
        from hovor.bus.redis import RedisBus

        return RedisBus(redis_url)
    return MemoryBus()


__all__ = ["Bus", "MemoryBus", "Message", "Subscription", "create_bus"]
