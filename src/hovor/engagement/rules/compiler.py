"""Validate rule data and compile every expression once into a :class:`CompiledRule`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from hovor.core.cel import (
    Expression,
    ExpressionError,
    Projection,
    compile_expression,
    merge_projections,
)
from hovor.core.errors import InvalidInput
from hovor.engagement.rules.model import (
    Absence,
    CountFact,
    DistinctFact,
    Rule,
    SequenceFact,
    Step,
    SumFact,
)
from hovor.engagement.rules.text import Texts, parse_texts

CONDITION_ROOTS = frozenset({"event", "session", "visitor", "contact", "facts"})
EVENT_ROOTS = frozenset({"event"})
LATER_STEP_ROOTS = frozenset({"event", "first"})
# The actions that wait for pacing (an agent must be able to take them); only these may
# name a fallback. ``engagement.pacing.NEEDS_AGENT`` is the same list.
PACED_ACTIONS = ("chat", "callback", "cobrowse")

Loc = list[str | int]


@dataclass(frozen=True, slots=True, eq=False)
class CompiledStep:
    event: str
    where: Expression | None


@dataclass(frozen=True, slots=True, eq=False)
class CompiledFact:
    """A fact; ``signature`` identifies its definition, so rules declaring the same fact
    (under any name) share one window in the visitor state."""

    name: str
    kind: str  # count | sum | distinct | sequence
    signature: str
    event: str = ""  # count/sum/distinct
    where: Expression | None = None
    value: Expression | None = None
    window_seconds: float | None = None  # None: the current session
    steps: tuple[CompiledStep, ...] = ()
    within_seconds: float = 0.0
    first_projection: Projection | None = None  # what later steps read of ``first``


@dataclass(frozen=True, slots=True, eq=False)
class CompiledAbsence:
    after: CompiledStep
    none_of: frozenset[str]
    for_seconds: float


@dataclass(frozen=True, slots=True, eq=False)
class CompiledRule:
    rule: Rule
    key: str
    version: int
    trigger_events: frozenset[str]
    absence: CompiledAbsence | None
    facts: tuple[CompiledFact, ...]
    condition: Expression | None
    text: Texts
    fallback_text: Texts | None = None  # the text of ``rule.action.fallback``
    # What the condition and the texts read of each context variable (None: everything).
    reads: Projection = field(default_factory=dict)
    facts_read: frozenset[str] = frozenset()


def compile_rule(data: dict[str, Any] | Rule) -> CompiledRule:
    """Validate ``data`` and compile it; raise InvalidInput naming every problem's field."""
    try:
        rule = data if isinstance(data, Rule) else Rule.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput("The rule is invalid.", errors=_shape_errors(exc)) from None
    return _Compiler(rule).compile()


_FACT_KINDS = ("count", "sum", "distinct", "sequence")


def _shape_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Pydantic's errors with union/discriminator noise taken out of ``loc``."""
    shaped: list[tuple[Loc, str, bool]] = []
    for e in exc.errors():
        raw = list(e["loc"])
        loc: Loc = []
        literal = False
        for i, part in enumerate(raw):
            if isinstance(part, str) and part.startswith("literal["):
                literal = True
                continue
            if isinstance(part, str) and part[:1].isupper():
                continue  # a union member's class name
            if part in _FACT_KINDS and i >= 2 and raw[i - 2] == "facts":
                continue  # the discriminator tag
            loc.append(part)
        shaped.append((loc, e["msg"], literal))
    literal_locs = [loc for loc, _, literal in shaped if literal]
    out: list[dict[str, Any]] = []
    for loc, msg, literal in shaped:
        deeper = any(len(other) > len(loc) and other[: len(loc)] == loc for other, _, _ in shaped)
        if literal:
            if deeper:
                continue  # the dict branch has the precise error
            msg = 'must be "session" or {"seconds": N}'
        elif loc in literal_locs and not deeper:
            continue  # the literal branch says it better
        out.append({"loc": loc, "msg": msg})
    return out


@lru_cache(maxsize=8192)
def _compiled(source: str) -> Expression:
    return compile_expression(source)


class _Compiler:
    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.errors: list[dict[str, Any]] = []

    def error(self, loc: Loc, msg: str) -> None:
        self.errors.append({"loc": loc, "msg": msg})

    def expression(self, source: str | None, loc: Loc, roots: frozenset[str]) -> Expression | None:
        if source is None:
            return None
        try:
            expression = _compiled(source)
        except ExpressionError as exc:
            self.error(loc, exc.describe())
            return None
        unknown = sorted(expression.roots - roots)
        if unknown:
            self.error(
                loc,
                f"unknown name {', '.join(map(repr, unknown))}; use {', '.join(sorted(roots))}",
            )
        return expression

    def compile(self) -> CompiledRule:
        rule = self.rule
        if (rule.trigger is None) == (rule.absence is None):
            self.error(["trigger"], "give exactly one of trigger and absence")
        absence = self.absence(rule.absence) if rule.absence else None
        facts = self.facts()
        declared = {f.name for f in rule.facts}
        condition = self.expression(rule.condition, ["condition"], CONDITION_ROOTS)
        if condition is not None:
            for name in sorted(condition.fact_names - declared):
                self.error(["condition"], f"facts.{name} is not declared in facts")
            if condition.literal is False:
                self.error(["condition"], "the condition is always false: the rule never fires")
        text = self.texts(rule.action.text, ["action", "text"])
        fallback_text = self.fallback()
        texts = [text] if fallback_text is None else [text, fallback_text]
        text_facts = {p[1] for p in text.paths if p[0] == "facts"}
        for name in sorted(text_facts - declared):
            self.error(["action", "text"], f"facts.{name} is not declared in facts")
        if fallback_text is not None:
            fallback_facts = {p[1] for p in fallback_text.paths if p[0] == "facts"}
            for name in sorted(fallback_facts - declared):
                self.error(["action", "fallback", "text"], f"facts.{name} is not declared in facts")
            text_facts |= fallback_facts
        if self.errors:
            raise InvalidInput("The rule is invalid.", errors=self.errors)
        text_projection: Projection = {}
        for path in (path for t in texts for path in t.paths):
            node = text_projection
            for segment in path[:-1]:
                child = node.setdefault(segment, {})
                if child is None:
                    break
                node = child
            else:
                node[path[-1]] = None
        reads = merge_projections([text_projection, condition.projection if condition else {}])
        return CompiledRule(
            rule=rule,
            key=rule.key,
            version=rule.version,
            trigger_events=frozenset(rule.trigger.events if rule.trigger else ()),
            absence=absence,
            facts=tuple(facts),
            condition=None if condition is None or condition.literal is True else condition,
            text=text,
            fallback_text=fallback_text,
            reads=reads,
            facts_read=frozenset((condition.fact_names if condition else set()) | text_facts),
        )

    def fallback(self) -> Texts | None:
        """The fallback's text, once its kind is checked against the action's."""
        action = self.rule.action
        if action.fallback is None:
            return None
        if action.type not in PACED_ACTIONS:
            self.error(
                ["action", "fallback"],
                f"a {action.type} needs no agent and is never paced: remove the fallback",
            )
        elif action.fallback.type == action.type:
            self.error(
                ["action", "fallback", "type"],
                f"the fallback must be something other than the action ({action.type})",
            )
        return self.texts(action.fallback.text, ["action", "fallback", "text"])

    def texts(self, source: str | dict[str, str], loc: Loc) -> Texts:
        """The text's templates; an error in one language's names that language."""
        texts, errors = parse_texts(source, self.rule.language)
        for language, exc in errors:
            self.error(loc if language is None else [*loc, language], str(exc))
        return texts

    def absence(self, absence: Absence) -> CompiledAbsence:
        after = self.step(absence.after, ["absence", "after"], EVENT_ROOTS)
        return CompiledAbsence(
            after=after, none_of=frozenset(absence.none_of), for_seconds=absence.for_seconds
        )

    def step(self, step: Step, loc: Loc, roots: frozenset[str]) -> CompiledStep:
        return CompiledStep(step.event, self.expression(step.where, [*loc, "where"], roots))

    def facts(self) -> list[CompiledFact]:
        out: list[CompiledFact] = []
        seen: set[str] = set()
        for i, fact in enumerate(self.rule.facts):
            loc: Loc = ["facts", i]
            if fact.name in seen:
                self.error([*loc, "name"], f"duplicate fact name {fact.name!r}")
            seen.add(fact.name)
            definition = fact.model_dump(mode="json", exclude={"name"})
            signature = hashlib.blake2b(
                json.dumps(definition, sort_keys=True).encode(), digest_size=6
            ).hexdigest()
            if isinstance(fact, SequenceFact):
                steps = [
                    self.step(s, [*loc, "steps", j], EVENT_ROOTS if j == 0 else LATER_STEP_ROOTS)
                    for j, s in enumerate(fact.steps)
                ]
                first = merge_projections(
                    [
                        s.where.projection.get("first") or {}
                        for s in steps[1:]
                        if s.where is not None and "first" in s.where.projection
                    ]
                )
                whole_first = any(
                    s.where is not None
                    and "first" in s.where.projection
                    and s.where.projection["first"] is None
                    for s in steps[1:]
                )
                out.append(
                    CompiledFact(
                        name=fact.name,
                        kind="sequence",
                        signature=signature,
                        steps=tuple(steps),
                        within_seconds=fact.within_seconds,
                        first_projection=None if whole_first else first,
                    )
                )
                continue
            assert isinstance(fact, CountFact | SumFact | DistinctFact)
            where = self.expression(fact.where, [*loc, "where"], EVENT_ROOTS)
            value = (
                None
                if isinstance(fact, CountFact)
                else self.expression(fact.value, [*loc, "value"], EVENT_ROOTS)
            )
            out.append(
                CompiledFact(
                    name=fact.name,
                    kind=fact.kind,
                    signature=signature,
                    event=fact.event,
                    where=where,
                    value=value,
                    window_seconds=None if fact.window == "session" else fact.window.seconds,
                )
            )
        return out
