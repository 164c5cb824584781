"""Property tests: windowed facts equal a brute-force recomputation over the raw events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hovor.engagement.cep.engine import Engine, Event
from hovor.engagement.cep.state import VisitorState
from hovor.engagement.rules.compiler import compile_rule

START = datetime(2026, 1, 1, tzinfo=UTC)
WINDOW = 60.0


def _rules() -> list[dict[str, Any]]:
    base = {"event": "x", "window": {"seconds": WINDOW}, "where": "event.props.keep"}
    facts = [
        {"name": "n", "kind": "count", **base},
        {"name": "total", "kind": "sum", "value": "event.props.v", **base},
        {"name": "kinds", "kind": "distinct", "value": "event.props.k", **base},
        {"name": "session_n", "kind": "count", "event": "x", "window": "session"},
    ]
    return [
        {
            "key": "probe",
            "name": "probe",
            "trigger": {"events": ["probe"]},
            "facts": facts,
            "action": {"type": "chat"},
        }
    ]


ENGINE = Engine([compile_rule(r) for r in _rules()])

steps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=90_000),  # ms since the previous event
        st.booleans(),  # where
        st.integers(min_value=-50, max_value=50),  # value
        st.sampled_from(["a", "b", "c", "d"]),  # distinct key
        st.integers(min_value=0, max_value=90_000),  # ms after the event to query at
        st.booleans(),  # new session before this event
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(steps)
def test_windows_match_brute_force(stream: list[tuple[int, bool, int, str, int, bool]]) -> None:
    state = VisitorState()
    raw: list[tuple[float, int, str]] = []
    session = 0
    session_count = 0
    at = START
    for i, (gap, keep, value, kind, query_after, new_session) in enumerate(stream):
        at += timedelta(milliseconds=gap)
        if new_session:
            session += 1
            session_count = 0
        sid = f"s{session}"
        props = {"keep": keep, "v": value, "k": kind}
        ENGINE.process(state, Event(f"e{i}", "x", at, props, sid))
        session_count += 1
        if keep:
            raw.append((at.timestamp(), value, kind))
        query = at + timedelta(milliseconds=query_after)
        (match,) = ENGINE.process(state, Event(f"q{i}", "probe", query, {}, sid))
        now = query.timestamp()
        live = [r for r in raw if now - r[0] < WINDOW]
        assert match.facts == {
            "n": len(live),
            "total": float(sum(r[1] for r in live)),
            "kinds": len({r[2] for r in live}),
            "session_n": session_count,
        }
        at = query  # the next event comes after the query
        # A round trip in the middle of the stream changes nothing.
        restored = VisitorState.from_json(state.to_json())
        assert restored.to_dict() == state.to_dict()
        state = restored


@settings(max_examples=100, deadline=None)
@given(steps)
def test_state_round_trips(stream: list[tuple[int, bool, int, str, int, bool]]) -> None:
    state = VisitorState()
    at = START
    for i, (gap, keep, value, kind, _, new_session) in enumerate(stream):
        at += timedelta(milliseconds=gap)
        sid = f"s{i}" if new_session else "s"
        ENGINE.process(state, Event(f"e{i}", "x", at, {"keep": keep, "v": value, "k": kind}, sid))
    assert VisitorState.from_dict(state.to_dict()).to_dict() == state.to_dict()
    assert VisitorState.from_json(state.to_json()).to_dict() == state.to_dict()
