from __future__ import annotations

from typing import Any

from tests.engagement.support import Visitor, rule

COMPARED: dict[str, Any] = {
    "name": "compared",
    "kind": "sequence",
    "steps": [
        {"event": "product.view"},
        {
            "event": "product.view",
            "where": "event.props.category == first.props.category "
            "&& event.props.id != first.props.id",
        },
        {"event": "product.view", "where": "event.props.id == first.props.id"},
    ],
    "within_seconds": 600,
}


def visitor() -> Visitor:
    return Visitor(
        [rule(trigger={"events": ["product.view"]}, facts=[COMPARED], condition="facts.compared")]
    )


def test_in_order_within_the_time_fires() -> None:
    v = visitor()
    assert v.send("product.view", id="a", category="fridges") == []
    assert v.send("product.view", 100, id="b", category="fridges") == []
    assert v.keys(v.send("product.view", 100, id="a", category="fridges")) == ["r"]


def test_other_events_in_between_do_not_break_the_sequence() -> None:
    v = visitor()
    v.send("product.view", id="a", category="fridges")
    v.send("product.view", 10, id="x", category="tvs")
    v.send("page.view", 10, path="/")
    v.send("product.view", 10, id="b", category="fridges")
    assert v.keys(v.send("product.view", 10, id="a", category="fridges")) == ["r"]


def test_out_of_order_does_not_fire() -> None:
    v = visitor()
    v.send("product.view", id="a", category="fridges")
    v.send("product.view", 10, id="a", category="fridges")  # A again before any B
    v.send("product.view", 10, id="b", category="tvs")  # B of another category
    assert v.send("product.view", 10, id="a", category="fridges") == []


def test_expired_sequence_does_not_fire() -> None:
    v = visitor()
    v.send("product.view", id="a", category="fridges")
    v.send("product.view", 300, id="b", category="fridges")
    assert v.send("product.view", 300.001, id="a", category="fridges") == []


def test_exactly_at_the_limit_fires() -> None:
    v = visitor()
    v.send("product.view", id="a", category="fridges")
    v.send("product.view", 300, id="b", category="fridges")
    assert v.keys(v.send("product.view", 300, id="a", category="fridges")) == ["r"]


def test_a_later_start_can_still_complete() -> None:
    v = visitor()
    v.send("product.view", id="a", category="fridges")
    v.send("product.view", 590, id="b", category="fridges")  # run a→b, and a new run from b
    v.send("product.view", 20, id="c", category="fridges")  # a→b expired, b→c advances
    assert v.keys(v.send("product.view", 20, id="b", category="fridges")) == ["r"]


def test_completed_sequence_stays_true_for_the_window_then_lapses() -> None:
    v = Visitor(
        [
            rule(
                trigger={"events": ["product.view"]},
                facts=[COMPARED],
                key="cmp",
                condition="facts.compared",
            ),
            rule(facts=[COMPARED], key="probe"),
        ]
    )
    v.send("product.view", id="a", category="f")
    v.send("product.view", 1, id="b", category="f")
    v.send("product.view", 1, id="a", category="f")
    assert v.send("probe", 599)[0].facts == {"compared": True}
    assert v.send("probe", 1)[0].facts == {"compared": False}


def test_only_what_later_steps_read_of_first_is_kept() -> None:
    v = visitor()
    v.send("product.view", id="a", category="f", name="Long name", price=100, extra={"x": 1})
    (progress,) = v.state.sequences.values()
    assert progress.runs[0][2] == {"props": {"id": "a", "category": "f"}}


def test_later_steps_may_read_parts_of_first_that_nothing_else_reads() -> None:
    fact = {
        "name": "same_brand",
        "kind": "sequence",
        "steps": [
            {"event": "product.view"},
            {"event": "cart.add", "where": "event.props.id == first.props.id"},
        ],
        "within_seconds": 60,
    }
    v = Visitor(
        [rule(trigger={"events": ["cart.add"]}, facts=[fact], condition="facts.same_brand")]
    )
    v.send("product.view", id="a")
    assert v.send("cart.add", 5, id="b") == []
    assert v.keys(v.send("cart.add", 5, id="a")) == ["r"]
