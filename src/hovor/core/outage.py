"""Quiet degradation when a dependency (Redis) goes away and comes back.

Code that talks to the dependency reports each failure and success here. The first failure
logs one warning, later ones log nothing; the first success after that logs one info line.
Callers that can skip the work while it is down ask ``should_try()``, which says yes again
after a back-off that doubles from ``BACKOFF_MIN`` to ``BACKOFF_MAX`` seconds, so a dead
server is not hammered by every frame.
"""

from __future__ import annotations

import logging
import time

import redis.exceptions

from hovor.core.metrics import DEPENDENCY_UP

log = logging.getLogger("hovor.outage")

BACKOFF_MIN = 0.5
BACKOFF_MAX = 30.0

# What "the server is unreachable" looks like from redis-py (and the OS under it).
UNREACHABLE: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    TimeoutError,
    OSError,
)


class Outage:
    def __init__(self, name: str) -> None:
        self.name = name
        self.down = False
        self._backoff = BACKOFF_MIN
        self._next_try = 0.0
        self._gauge = DEPENDENCY_UP.labels(name)
        self._gauge.set(1)

    def failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        if not self.down:
            self.down = True
            self._backoff = BACKOFF_MIN
            self._gauge.set(0)
            log.warning("%s is unreachable (%s); degrading until it is back", self.name, exc)
        else:
            self._backoff = min(self._backoff * 2, BACKOFF_MAX)
        self._next_try = now + self._backoff

    def succeeded(self) -> None:
        if self.down:
            self.down = False
            self._gauge.set(1)
            log.info("%s is reachable again", self.name)

    def should_try(self) -> bool:
        return not self.down or time.monotonic() >= self._next_try

    def backoff(self) -> float:
        """Seconds to wait before the next attempt (the current back-off)."""
        return self._backoff if self.down else 0.0


_shared: dict[str, Outage] = {}


def outage(name: str) -> Outage:
    """The process's one tracker for ``name``: every user of Redis shares its warning."""
    if name not in _shared:
        _shared[name] = Outage(name)
    return _shared[name]
