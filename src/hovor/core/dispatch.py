"""In-process delivery of committed domain events to the contexts that react to them.

Listeners run on the node whose transaction committed the event, in registration order,
after the commit. A failing listener is logged and does not stop the others: the event's
rows are already stored, and each listener is written so that re-running it is harmless.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable

from hovor.core.events import DomainEvent

log = logging.getLogger(__name__)

Listener = Callable[[DomainEvent], Awaitable[None]]


class Dispatcher:
    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = defaultdict(list)

    def on(self, *names: str) -> Callable[[Listener], Listener]:
        def register(listener: Listener) -> Listener:
            for name in names:
                self._listeners[name].append(listener)
            return listener

        return register

    async def dispatch(self, event: DomainEvent) -> None:
        for listener in self._listeners.get(event.name, ()):
            try:
                await listener(event)
            except Exception:
                log.exception("listener %s failed on %s", listener.__qualname__, event.name)
