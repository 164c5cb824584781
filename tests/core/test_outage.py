"""The outage tracker: one warning down, one info back, a doubling back-off."""

from __future__ import annotations

import logging

import pytest

from hovor.core.outage import BACKOFF_MAX, BACKOFF_MIN, Outage


def test_one_warning_per_outage_and_one_info_when_back(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hovor.outage")
    tracker = Outage("thing")
    assert tracker.should_try() and tracker.backoff() == 0.0
    for _ in range(50):
        tracker.failed(ConnectionError("refused"))
    assert tracker.down and not tracker.should_try()
    assert tracker.backoff() == BACKOFF_MAX
    tracker.succeeded()
    tracker.succeeded()
    assert [r.levelname for r in caplog.records] == ["WARNING", "INFO"]
    tracker.failed(ConnectionError("again"))
    assert tracker.backoff() == BACKOFF_MIN  # a new outage starts from the shortest wait
