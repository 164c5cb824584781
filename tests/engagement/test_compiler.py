from __future__ import annotations

from typing import Any

import pytest

from hovor.core.errors import InvalidInput
from hovor.engagement.rules.compiler import compile_rule
from tests.engagement.support import Visitor, rule


def errors(data: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(InvalidInput) as caught:
        compile_rule(data)
    assert caught.value.errors
    return caught.value.errors


def count_fact(name: str = "n", **overrides: Any) -> dict[str, Any]:
    return {"name": name, "kind": "count", "event": "page.view", "window": "session", **overrides}


def test_a_full_rule_compiles_once() -> None:
    compiled = compile_rule(
        rule(
            facts=[count_fact("terms_views", where="event.props.path == '/terms'")],
            condition="event.props.price >= 1000 && facts.terms_views >= 3",
            action={"type": "chat", "text": "Hi {{event.props.name}} {{facts.terms_views}}"},
        )
    )
    assert compiled.condition is not None
    assert compiled.facts_read == {"terms_views"}
    assert compiled.reads["event"] == {"props": {"price": None, "name": None}}


def test_syntax_errors_name_field_line_and_column() -> None:
    found = errors(rule(facts=[count_fact(where="event.props.path == '/x' &&")]))
    assert found[0]["loc"] == ["facts", 0, "where"]
    assert found[0]["msg"].startswith("syntax error at 1:")

    found = errors(rule(condition="event.props.price >=\n  && 1"))
    assert found[0]["loc"] == ["condition"]
    assert found[0]["msg"].startswith("syntax error at 2:3:")


def test_unknown_fact_kind_and_duplicate_names() -> None:
    found = errors(rule(facts=[count_fact(kind="median")]))
    assert found[0]["loc"] == ["facts", 0]
    assert "median" in found[0]["msg"]
    found = errors(rule(facts=[count_fact("a"), count_fact("a")]))
    assert found == [{"loc": ["facts", 1, "name"], "msg": "duplicate fact name 'a'"}]


def test_undeclared_facts_and_unknown_names() -> None:
    found = errors(rule(condition="facts.nope > 1 && basket.size > 0"))
    assert {"loc": ["condition"], "msg": "facts.nope is not declared in facts"} in found
    assert any("'basket'" in e["msg"] for e in found)
    found = errors(rule(facts=[count_fact(where="session.id == 'x'")]))
    assert found[0]["loc"] == ["facts", 0, "where"]
    assert "'session'" in found[0]["msg"]


def test_first_only_in_later_sequence_steps() -> None:
    steps = [
        {"event": "product.view", "where": "first.props.id == 'a'"},
        {"event": "product.view", "where": "event.props.id != first.props.id"},
    ]
    found = errors(
        rule(facts=[{"name": "s", "kind": "sequence", "steps": steps, "within_seconds": 60}])
    )
    assert found[0]["loc"] == ["facts", 0, "steps", 0, "where"]


def test_comprehension_variables_are_not_unknown_names() -> None:
    condition = "event.props.items.exists(i, i.price > 100)"
    compiled = compile_rule(rule(condition=condition))
    assert compiled.reads == {"event": {"props": {"items": None}}}  # no root named "i"
    visitor = Visitor([rule(condition=condition)])
    assert visitor.keys(visitor.send("probe", items=[{"price": 50}])) == []
    assert visitor.keys(visitor.send("probe", items=[{"price": 50}, {"price": 150}])) == ["r"]


def test_templates_referring_to_unknown_names() -> None:
    found = errors(rule(action={"type": "chat", "text": "Total {{basket.total}}"}))
    assert found[0]["loc"] == ["action", "text"]
    assert "'basket' at 7" in found[0]["msg"]
    found = errors(rule(action={"type": "chat", "text": "{{facts.x}}"}))
    assert found == [{"loc": ["action", "text"], "msg": "facts.x is not declared in facts"}]


@pytest.mark.parametrize("window", [{"seconds": 0}, {"seconds": -5}, {"seconds": 31 * 86400}])
def test_windows_out_of_range(window: dict[str, Any]) -> None:
    found = errors(rule(facts=[count_fact(window=window)]))
    assert found[0]["loc"] == ["facts", 0, "window", "seconds"]


def test_window_that_is_neither_session_nor_seconds() -> None:
    found = errors(rule(facts=[count_fact(window="visit")]))
    assert found == [{"loc": ["facts", 0, "window"], "msg": 'must be "session" or {"seconds": N}'}]


@pytest.mark.parametrize("share", [-0.1, 0.95])
def test_control_share_bounds(share: float) -> None:
    found = errors(rule(guards={"control_share": share}))
    assert found[0]["loc"] == ["guards", "control_share"]


def test_rules_that_can_never_fire() -> None:
    no_trigger = rule()
    del no_trigger["trigger"]
    assert errors(no_trigger)[0]["loc"] == ["trigger"]
    assert errors(rule(trigger={"events": []}))[0]["loc"] == ["trigger", "events"]
    assert errors(rule(condition=" false "))[0]["msg"].startswith("the condition is always false")


def test_both_trigger_and_absence_is_rejected() -> None:
    absence = {"after": {"event": "cart.add"}, "none_of": ["order.completed"], "for_seconds": 60}
    assert errors(rule(absence=absence))[0]["loc"] == ["trigger"]


def test_extra_fields_are_rejected() -> None:
    found = errors(rule(colour="red"))
    assert found[0]["loc"] == ["colour"]


def test_a_fallback_is_checked_where_it_is_written() -> None:
    def action(kind: str, fallback: dict[str, Any]) -> dict[str, Any]:
        return {"type": kind, "text": "Hi", "fallback": fallback}

    assert errors(rule(action=action("message", {"type": "callback", "text": "Call?"}))) == [
        {
            "loc": ["action", "fallback"],
            "msg": "a message needs no agent and is never paced: remove the fallback",
        }
    ]
    found = errors(rule(action=action("callback", {"type": "callback", "text": "Call?"})))
    assert [e["loc"] for e in found] == [["action", "fallback", "type"]]
    found = errors(rule(action=action("chat", {"type": "message", "text": "{{facts.x}}"})))
    assert found == [
        {"loc": ["action", "fallback", "text"], "msg": "facts.x is not declared in facts"}
    ]
    found = errors(rule(action=action("chat", {"type": "message", "text": ""})))
    assert [e["loc"] for e in found] == [["action", "fallback", "text"]]
    found = errors(rule(action=action("chat", {"type": "chat", "text": "Hi"})))
    assert [e["loc"][:3] for e in found] == [["action", "fallback", "type"]]


def test_what_the_fallback_text_reads_is_kept_for_it() -> None:
    """The event is projected to what the rule reads: the fallback's text is part of that."""
    data = rule(
        action={
            "type": "chat",
            "text": "Hi",
            "fallback": {"type": "message", "text": "See {{event.props.url}}"},
        }
    )
    visitor = Visitor([data])
    (match,) = visitor.send("probe", url="https://shop.example/help")
    fallback = match.as_fallback(compile_rule(data))
    assert fallback is not None and fallback.text == "See https://shop.example/help"
    assert match.text == "Hi"


def test_a_rule_without_a_fallback_reads_as_before() -> None:
    """Stored rules and version diffs do not grow a ``"fallback": null``."""
    assert "fallback" not in compile_rule(rule()).rule.model_dump(mode="json")["action"]
    with_one = rule(action={"type": "chat", "fallback": {"type": "message", "text": "Later"}})
    dumped = compile_rule(with_one).rule.model_dump(mode="json")["action"]
    assert dumped["fallback"] == {"type": "message", "queue": None, "text": "Later"}


def test_a_text_per_language_is_checked_in_each_language() -> None:
    found = errors(
        rule(action={"type": "chat", "text": {"en": "Hi {{facts.x}}", "cs": "Ahoj {{bad.x}}"}})
    )
    assert [e["loc"] for e in found] == [["action", "text", "cs"], ["action", "text"]]
    assert "unknown name 'bad'" in found[0]["msg"]
    assert "facts.x is not declared" in found[1]["msg"]
    assert errors(rule(action={"type": "chat", "text": {}}))[0]["loc"] == ["action", "text"]


def test_a_rules_language_is_kept_only_when_given() -> None:
    plain = compile_rule(rule()).rule
    assert "language" not in plain.model_dump(mode="json")  # stored rules read as before
    czech = compile_rule(rule(language="cs", action={"type": "chat", "text": {"cs": "Ahoj"}}))
    assert czech.rule.model_dump(mode="json")["language"] == "cs"
    assert czech.rule.model_dump(mode="json")["action"]["text"] == {"cs": "Ahoj"}
    assert errors(rule(language="czech"))[0]["loc"] == ["language"]
