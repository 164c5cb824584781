"""The one clock. Services ask ``now()``; tests and simulations swap the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests, simulations)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)


_clock: Clock = SystemClock()


def now() -> datetime:
    return _clock.now()


def set_clock(clock: Clock) -> Clock:
    """Install ``clock``; returns the previous one so a test can restore it."""
    global _clock
    previous, _clock = _clock, clock
    return previous
