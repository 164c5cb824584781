"""The bus: fan-out of JSON messages by topic, across one process or many (Redis).

Delivery is at-most-once and live only: the bus carries notifications to connected
clients, never the only copy of anything. Stored rows are the truth; a client that
reconnects re-reads what it missed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

Message = dict[str, Any]


class Subscription(Protocol):
    def __aiter__(self) -> AsyncIterator[tuple[str, Message]]: ...

    async def add(self, topic: str) -> None: ...

    async def remove(self, topic: str) -> None: ...


class Bus(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, topic: str, message: Message) -> None: ...

    async def is_heard(self, topic: str) -> bool:
        """Whether anyone, on any node, is subscribed to ``topic`` now (a visitor's open
        socket): a message published now would reach someone."""
        ...

    def subscribe(self, *topics: str) -> AbstractAsyncContextManager[Subscription]: ...
