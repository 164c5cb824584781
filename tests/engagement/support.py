"""Small builders for engagement tests: a manual clock and events stamped from it."""

from __future__ import annotations

from itertools import count
from typing import Any

from hovor.core.clock import ManualClock
from hovor.engagement.cep.engine import Context, Engine, Event, Match
from hovor.engagement.cep.state import VisitorState
from hovor.engagement.rules.compiler import compile_rule

_ids = count(1)


class Visitor:
    """One visitor's stream: ``send`` stamps events with the clock and runs the engine."""

    def __init__(self, rules: list[dict[str, Any]], clock: ManualClock | None = None) -> None:
        self.clock = clock or ManualClock()
        self.engine = Engine([compile_rule(r) for r in rules])
        self.state = VisitorState()
        self.session_id = "s1"
        self.context = Context()

    def send(self, type_: str, after: float = 0, **props: Any) -> list[Match]:
        self.clock.advance(after)
        event = Event(f"e{next(_ids)}", type_, self.clock.now(), props, self.session_id)
        return self.engine.process(self.state, event, self.context)

    def due(self, after: float = 0) -> list[Match]:
        self.clock.advance(after)
        return self.engine.due_timers(self.state, self.clock.now(), self.context)

    def keys(self, matches: list[Match]) -> list[str]:
        return [m.rule_key for m in matches]


def rule(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": "r",
        "name": "A rule",
        "trigger": {"events": ["probe"]},
        "action": {"type": "chat", "queue": "sales", "text": "Hi"},
    }
    data.update(overrides)
    return data


def fact_rule(fact: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A rule that fires on every ``probe`` event and reports ``fact`` in its snapshot."""
    return rule(facts=[fact], **overrides)
