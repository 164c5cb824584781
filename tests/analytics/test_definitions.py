"""The service metrics' definitions (docs/analytics.md) on hand-made timelines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hovor.analytics import definitions as d

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday morning
MIN, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


def test_first_response_counts_the_first_agent_reply_only() -> None:
    assert d.first_response_seconds(T0, T0 + 90 * timedelta(seconds=1)) == 90.0
    assert d.first_response_seconds(T0, None) is None  # nobody answered


def test_resolution_time_runs_to_the_last_closing() -> None:
    assert d.resolution_seconds(T0, T0 + 2 * HOUR) == 7200.0
    assert d.resolution_seconds(T0, None) is None  # still open


def test_repeat_contact_is_another_conversation_within_seven_days_of_opening() -> None:
    assert d.is_repeat_contact(T0, [T0 + 6 * DAY])
    assert d.is_repeat_contact(T0, [T0 + 7 * DAY])  # the window includes its end
    assert not d.is_repeat_contact(T0, [T0 + 7 * DAY + MIN])
    assert not d.is_repeat_contact(T0, [T0 - DAY])  # an earlier one is not a repeat of this
    assert not d.is_repeat_contact(T0, [])


def test_fcr_counts_from_the_closing_and_ignores_open_conversations() -> None:
    closed = T0 + 3 * DAY
    # A new conversation 5 days after opening but 2 after closing: not resolved at first
    # contact, and a repeat contact as well.
    assert d.is_first_contact_resolution(closed, [T0 + 5 * DAY]) is False
    assert d.is_repeat_contact(T0, [T0 + 5 * DAY])
    # 9 days after opening, 6 after closing: FCR fails, but it is not a repeat contact.
    assert d.is_first_contact_resolution(closed, [T0 + 9 * DAY]) is False
    assert not d.is_repeat_contact(T0, [T0 + 9 * DAY])
    # 11 days after closing: resolved at first contact.
    assert d.is_first_contact_resolution(closed, [closed + 11 * DAY]) is True
    # A conversation that came in while this one was open does not undo it.
    assert d.is_first_contact_resolution(closed, [T0 + DAY]) is True
    assert d.is_first_contact_resolution(None, []) is None


def test_speed_of_answer_abandonment_and_service_level() -> None:
    deadline = T0 + MIN
    assert d.speed_of_answer_seconds(T0, T0 + 45 * timedelta(seconds=1)) == 45.0
    assert d.speed_of_answer_seconds(T0, None) is None
    assert d.is_abandoned(None, T0 + 2 * MIN) is True
    assert d.is_abandoned(T0 + MIN, T0 + 5 * MIN) is False
    assert d.is_abandoned(None, None) is None  # still waiting: not counted yet
    assert d.met_service_level(T0 + 30 * timedelta(seconds=1), None, deadline) is True
    assert d.met_service_level(T0 + 2 * MIN, T0 + 9 * MIN, deadline) is False
    assert d.met_service_level(None, T0 + 2 * MIN, deadline) is False  # abandoned: a miss
    assert d.met_service_level(None, None, deadline) is None


def test_callbacks_reached_within_five_minutes() -> None:
    assert d.reached_within_target(T0, "done", T0 + 4 * MIN) is True
    assert d.reached_within_target(T0, "done", T0 + 5 * MIN) is True
    assert d.reached_within_target(T0, "done", T0 + 6 * MIN) is False
    assert d.reached_within_target(T0, "failed", T0 + MIN) is False
    assert d.reached_within_target(T0, "pending", None) is None


def test_handle_time_and_csat() -> None:
    assert d.handle_seconds(T0, T0 + 10 * MIN) == 600.0
    assert d.handle_seconds(None, T0) is None
    assert [d.is_satisfied(s) for s in range(1, 6)] == [False, False, False, True, True]
