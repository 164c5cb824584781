"""In-process delivery of domain events to the contexts that react to them.

Two kinds of reaction:

- Listeners (``on``) run on the node whose transaction committed the event, in
  registration order, after the commit. A failing listener is logged and does not stop the
  others: the event's rows are already stored, and each listener is written so that
  re-running it is harmless.
- Writers (``within``) run inside the transaction that queued the event, before it commits,
  and write rows that must exist if and only if the event's rows do (an outbound delivery
  for a stored reply: the transactional outbox). A failing writer fails the transaction.
  A writer receives the transaction as an opaque object (``db`` sits above ``core``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from hovor.core.events import DomainEvent

log = logging.getLogger(__name__)

Listener = Callable[[DomainEvent], Awaitable[None]]
Writer = Callable[[Any, DomainEvent], Awaitable[None]]  # (tx, event): same transaction


class Dispatcher:
    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = defaultdict(list)
        self._writers: dict[str, list[Writer]] = defaultdict(list)

    def on(self, *names: str) -> Callable[[Listener], Listener]:
        def register(listener: Listener) -> Listener:
            for name in names:
                self._listeners[name].append(listener)
            return listener

        return register

    def within(self, *names: str) -> Callable[[Writer], Writer]:
        """Register a writer run inside the transaction that queues one of ``names``."""

        def register(writer: Writer) -> Writer:
            for name in names:
                self._writers[name].append(writer)
            return writer

        return register

    def writers(self, name: str) -> tuple[Writer, ...]:
        return tuple(self._writers.get(name, ()))

    async def dispatch(self, event: DomainEvent) -> None:
        for listener in self._listeners.get(event.name, ()):
            try:
                await listener(event)
            except Exception:
                log.exception("listener %s failed on %s", listener.__qualname__, event.name)
