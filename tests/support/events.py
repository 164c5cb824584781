"""Recording the domain events a database's dispatcher hands to listeners (after commit).

    with capture_events(db) as captured:
        async with db.transaction() as tx:
            await offers.do_decline(tx, offer)
    assert captured.names() == ["offer.declined"]

Only dispatched events are recorded: a transaction that rolls back records nothing, which
is what tests of "events leave only after the commit" assert. The recorder wraps the
dispatcher's ``dispatch`` for the block (listeners still run) and puts it back after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database


@dataclass
class CapturedEvents:
    """The events dispatched during the block, in the order they were dispatched."""

    events: list[DomainEvent] = field(default_factory=list)

    def names(self) -> list[str]:
        return [e.name for e in self.events]

    def of(self, *names: str) -> list[DomainEvent]:
        """The events named ``names``, in order (all when no name is given)."""
        return [e for e in self.events if not names or e.name in names]

    def payloads(self, name: str) -> list[dict[str, Any]]:
        return [e.payload for e in self.events if e.name == name]

    def clear(self) -> None:
        self.events.clear()


@contextmanager
def capture_events(target: Database | Dispatcher) -> Iterator[CapturedEvents]:
    """Record what ``target``'s dispatcher dispatches while the block runs."""
    dispatcher = target.dispatcher if isinstance(target, Database) else target
    captured = CapturedEvents()
    shadowed = dispatcher.__dict__.get("dispatch")  # an outer capture's recorder, if any
    forward = dispatcher.dispatch

    async def recording(event: DomainEvent) -> None:
        captured.events.append(event)
        await forward(event)

    dispatcher.dispatch = recording  # type: ignore[method-assign]
    try:
        yield captured
    finally:
        if shadowed is None:
            del dispatcher.dispatch
        else:
            dispatcher.dispatch = shadowed  # type: ignore[method-assign]


# The type of the ``capture_events`` fixture (tests/conftest.py), for test signatures.
CaptureEvents = Callable[[Database | Dispatcher], AbstractContextManager[CapturedEvents]]
