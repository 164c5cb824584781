"""Checkpoints of a visitor's live state in Redis, so any node can carry on their visit.

A visitor's live state (their visit, cart, and what other contexts keep per visitor, such
as the rules' windows) lives on the node that holds their socket. When several nodes
share Redis, the state is saved after every stored batch of events and loaded by
whichever node the visitor's next page connects to. It expires with the visit (30 minutes
of inactivity). On one node (no Redis) memory is enough and nothing is saved.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import redis.asyncio as aioredis

from hovor.core.jsontext import compact_json, parse_json
from hovor.core.outage import UNREACHABLE, outage

log = logging.getLogger(__name__)

PREFIX = "hovor:visitor:"


class Checkpoints(Protocol):
    saves: bool  # False: nothing is kept, so callers need not build what they would save

    async def load(self, workspace_id: str, visitor_id: str) -> dict[str, Any] | None: ...

    async def save(
        self, workspace_id: str, visitor_id: str, data: dict[str, Any], ttl_seconds: int
    ) -> None: ...

    async def close(self) -> None: ...


class NoCheckpoints:
    saves = False

    async def load(self, workspace_id: str, visitor_id: str) -> dict[str, Any] | None:
        return None

    async def save(
        self, workspace_id: str, visitor_id: str, data: dict[str, Any], ttl_seconds: int
    ) -> None:
        return None

    async def close(self) -> None:
        return None


class RedisCheckpoints:
    saves = True

    def __init__(self, url: str) -> None:
        self._redis: aioredis.Redis = aioredis.Redis.from_url(url)

    async def load(self, workspace_id: str, visitor_id: str) -> dict[str, Any] | None:
        try:
            raw = await self._redis.get(f"{PREFIX}{workspace_id}:{visitor_id}")
        except UNREACHABLE as exc:  # one warning per outage (core.outage); start fresh
            outage("redis").failed(exc)
            return None
        except (aioredis.RedisError, OSError):
            log.warning("could not load a visitor checkpoint; starting fresh", exc_info=True)
            return None
        if raw is None:
            return None
        try:
            data = parse_json(raw)
        except ValueError:
            log.warning("dropped a malformed visitor checkpoint")
            return None
        return data if isinstance(data, dict) else None

    async def save(
        self, workspace_id: str, visitor_id: str, data: dict[str, Any], ttl_seconds: int
    ) -> None:
        try:
            await self._redis.set(
                f"{PREFIX}{workspace_id}:{visitor_id}",
                compact_json(data),
                ex=ttl_seconds,
            )
        except UNREACHABLE as exc:  # the events are stored; the live state is rebuilt from less
            outage("redis").failed(exc)
        except (aioredis.RedisError, OSError):
            # The events are stored; only the live state may be rebuilt from less.
            log.warning("could not save a visitor checkpoint", exc_info=True)

    async def close(self) -> None:
        await self._redis.aclose()


def create_checkpoints(redis_url: str | None) -> Checkpoints:
    return RedisCheckpoints(redis_url) if redis_url else NoCheckpoints()
