"""Count/sum/distinct facts over sliding and session windows, driven by a ManualClock."""

from __future__ import annotations

from typing import Any

from tests.engagement.support import Visitor, fact_rule


def facts(visitor: Visitor, after: float = 0) -> dict[str, Any]:
    (match,) = visitor.send("probe", after)
    return match.facts


def test_sliding_count_forgets_events_older_than_the_window() -> None:
    v = Visitor(
        [fact_rule({"name": "n", "kind": "count", "event": "page.view", "window": {"seconds": 60}})]
    )
    v.send("page.view")
    v.send("page.view", 30)
    assert facts(v)["n"] == 2
    assert facts(v, 29.999)["n"] == 2  # the first is 59.999 s old
    assert facts(v, 0.001)["n"] == 1  # exactly 60 s old: out
    assert facts(v, 30)["n"] == 0


def test_where_filters_what_counts() -> None:
    fact = {
        "name": "terms",
        "kind": "count",
        "event": "page.view",
        "where": "event.props.path == '/terms'",
        "window": {"seconds": 600},
    }
    v = Visitor([fact_rule(fact)])
    v.send("page.view", path="/terms")
    v.send("page.view", path="/home")
    v.send("page.view")  # no path: the where fails quietly
    assert facts(v)["terms"] == 1
    assert v.engine.evaluation_errors == 1


def test_sliding_sum_and_distinct() -> None:
    rules = [
        fact_rule(
            {
                "name": "removed",
                "kind": "sum",
                "event": "cart.remove",
                "value": "event.props.price * event.props.quantity",
                "window": {"seconds": 600},
            },
            key="sum",
        ),
        fact_rule(
            {
                "name": "fridges",
                "kind": "distinct",
                "event": "product.view",
                "where": "event.props.category == 'fridges'",
                "value": "event.props.id",
                "window": {"seconds": 1800},
            },
            key="distinct",
        ),
    ]
    v = Visitor(rules)
    v.send("cart.remove", price=600, quantity=2)
    v.send("cart.remove", 300, price=99.5, quantity=1)  # int * double: no overload, skipped
    v.send("product.view", id="f1", category="fridges")
    v.send("product.view", 10, id="f2", category="fridges")
    v.send("product.view", 10, id="f1", category="fridges")
    v.send("product.view", 10, id="t1", category="tvs")
    by_key = {m.rule_key: m.facts for m in v.send("probe")}
    assert by_key["sum"]["removed"] == 1200.0
    assert by_key["distinct"]["fridges"] == 2
    by_key = {m.rule_key: m.facts for m in v.send("probe", 300)}
    assert by_key["sum"]["removed"] == 0.0
    assert by_key["distinct"]["fridges"] == 2


def test_session_window_resets_when_the_session_changes() -> None:
    v = Visitor(
        [fact_rule({"name": "n", "kind": "count", "event": "page.view", "window": "session"})]
    )
    for _ in range(3):
        v.send("page.view", 3600)
    assert facts(v)["n"] == 3  # a session window does not slide
    v.session_id = "s2"
    assert facts(v)["n"] == 0
    v.send("page.view")
    assert facts(v)["n"] == 1


def test_rules_declaring_the_same_fact_share_one_window() -> None:
    fact = {"name": "n", "kind": "count", "event": "page.view", "window": {"seconds": 60}}
    other = {**fact, "name": "views"}
    v = Visitor([fact_rule(fact, key="a"), fact_rule(other, key="b")])
    v.send("page.view")
    assert len(v.state.windows) == 1
    assert [m.facts for m in v.send("probe")] == [{"n": 1}, {"views": 1}]


def test_condition_over_facts_event_and_context() -> None:
    data = fact_rule(
        {"name": "n", "kind": "count", "event": "page.view", "window": "session"},
        condition="facts.n >= 2 && event.props.price >= 1000 && session.cart_value > 0",
        action={"type": "chat", "text": "{{facts.n}} views, cart {{session.cart_value}}"},
    )
    v = Visitor([data])
    v.context.session["cart_value"] = 1500
    v.send("page.view")
    assert v.send("probe", price=2000) == []
    v.send("page.view")
    assert v.send("probe", price=999) == []
    (match,) = v.send("probe", price=1000)
    assert match.text == "2 views, cart 1500"
    assert match.rule_key == "r" and match.version == 1
