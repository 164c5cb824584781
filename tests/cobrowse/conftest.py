"""Fixtures of the co-browse tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from hovor.core import clock


@pytest.fixture
def manual_clock() -> Iterator[clock.ManualClock]:
    """Hovor's clock stopped at 2026-12-03 10:00 UTC; tests move it with ``advance``."""
    manual = clock.ManualClock(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    previous = clock.set_clock(manual)
    try:
        yield manual
    finally:
        clock.set_clock(previous)
