from __future__ import annotations

from typing import Any

from tests.engagement.support import Visitor, rule

ABSENCE: dict[str, Any] = {
    "after": {"event": "checkout.step", "where": "event.props.step == 'payment'"},
    "none_of": ["checkout.payment_method", "order.completed"],
    "for_seconds": 60,
}


def visitor(**overrides: Any) -> Visitor:
    data = rule(absence=ABSENCE, **overrides)
    del data["trigger"]
    return Visitor([data])


def test_armed_by_after_and_due_exactly_at_t_not_before() -> None:
    v = visitor()
    v.send("checkout.step", step="payment")
    assert v.state.next_due() is not None
    assert v.due(59.999) == []
    (match,) = v.due(0.001)
    assert match.rule_key == "r"
    assert v.due(100) == []  # fires once
    assert v.state.timers == {}


def test_not_armed_when_after_where_fails() -> None:
    v = visitor()
    v.send("checkout.step", step="shipping")
    assert v.state.timers == {}
    assert v.due(120) == []


def test_cancelled_by_any_none_of_event() -> None:
    v = visitor()
    v.send("checkout.step", step="payment")
    v.send("checkout.payment_method", 30, method="card")
    assert v.due(60) == []


def test_a_none_of_event_after_the_timer_is_due_does_not_cancel_it() -> None:
    v = visitor()
    v.send("checkout.step", step="payment")
    v.send("order.completed", 61, order_id="o", value=1)
    assert len(v.due()) == 1


def test_a_later_after_does_not_postpone() -> None:
    v = visitor()
    v.send("checkout.step", step="payment")
    v.send("checkout.step", 30, step="payment")
    assert len(v.due(30)) == 1


def test_condition_and_text_see_the_after_event() -> None:
    v = visitor(
        condition="event.props.total >= 100",
        action={"type": "callback", "text": "Stuck paying for {{event.props.total}}?"},
    )
    v.send("checkout.step", step="payment", total=50)
    assert v.due(60) == []
    first = v.send("checkout.step", step="payment", total=150)
    assert first == []
    (match,) = v.due(60)
    assert match.text == "Stuck paying for 150?"
    assert match.action.type == "callback"


def test_a_new_session_drops_the_timer() -> None:
    v = visitor()
    v.send("checkout.step", step="payment")
    v.session_id = "s2"
    v.send("page.view", 10)
    assert v.due(60) == []


def test_timers_survive_a_round_trip() -> None:
    v = visitor()
    v.send("checkout.step", step="payment")
    v.state = type(v.state).from_json(v.state.to_json())
    assert len(v.due(60)) == 1
