"""The engine: an event updates the facts that listen to its type, arms or cancels absence
timers, and evaluates the rules it triggers. Guards are not applied here (see
``rules.guards``); the integrator applies them with the visitor's stored offer history.

Everything is indexed by event type when the engine is built, so an event touches only the
facts, sequences, timers and rules that name its type, and CEL sees only the parts of the
event, session, visitor and contact that some expression reads.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from hovor.core.cel import (
    Bindings,
    EvaluationError,
    Expression,
    Projection,
    merge_projections,
    project,
    run,
    run_with_cel,
)
from hovor.core.cel_fastpath import Defer, FastError
from hovor.engagement.cep.state import (
    MAX_DISTINCT,
    MAX_RUNS,
    SequenceProgress,
    SessionTally,
    SlidingEntries,
    Timer,
    VisitorState,
    epoch,
    hashable,
)
from hovor.engagement.rules.compiler import CompiledFact, CompiledRule
from hovor.engagement.rules.model import Action
from hovor.orders.currencies import format_money


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: str
    ts: datetime
    props: dict[str, Any]
    session_id: str


@dataclass(frozen=True, slots=True)
class Context:
    """What the integrator knows besides the event: plain dicts, read by conditions."""

    session: dict[str, Any] = field(default_factory=dict)
    visitor: dict[str, Any] = field(default_factory=dict)
    contact: dict[str, Any] = field(default_factory=dict)
    # How offer texts write amounts for this visitor (orders.currencies.format_money).
    currency: str | None = None
    locale: str | None = None


class Match:
    """A rule whose condition held, with the facts as they were then.

    ``text`` is rendered on first read: most matches are stopped by a guard (an offer is
    already open, the session's quota is used) and never need it. Everything the text may
    read is captured here, so a later read renders what the earlier one would have.
    """

    __slots__ = (
        "_context",
        "_event",
        "_fact_definitions",
        "_template",
        "_text",
        "action",
        "at",
        "event_id",
        "facts",
        "rule_key",
        "session_id",
        "version",
    )

    def as_fallback(self, rule: CompiledRule) -> Match | None:
        """This match with the text of the rule's fallback (offered when pacing refuses the
        action), or None when the rule names none. The text reads what ``text`` reads."""
        if rule.fallback_text is None:
            return None
        other = object.__new__(Match)
        for name in Match.__slots__:
            setattr(other, name, getattr(self, name))
        other._template, other._text = rule.fallback_text, None
        return other

    def __init__(
        self,
        rule: CompiledRule,
        facts: dict[str, Any],
        event: dict[str, Any],
        event_id: str,
        session_id: str | None,
        at: datetime,
        context: Context,
    ) -> None:
        self.rule_key = rule.key
        self.version = rule.version
        self.action: Action = rule.rule.action
        self.facts = facts
        self.event_id = event_id
        self.session_id = session_id
        self.at = at
        self._template = rule.text
        self._fact_definitions = rule.facts
        self._event = event
        self._context = context
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            context = self._context
            template = self._template.choose(context.locale)
            self._text = (
                template.render(
                    {
                        "event": self._event,
                        "facts": self.facts,
                        "session": context.session,
                        "visitor": context.visitor,
                        "contact": context.contact,
                    },
                    # Nothing tracked says how this visitor writes amounts: as before.
                    money=partial(format_money, currency=context.currency, locale=context.locale)
                    if context.currency or context.locale
                    else None,
                    money_facts=money_facts(self._fact_definitions),
                )
                if template.paths
                else template.source
            )
        return self._text


def money_facts(facts: Sequence[CompiledFact]) -> frozenset[str]:
    """The facts that are amounts: sums of a price, value or total (as in the templates'
    "items worth more than …" fact), written like ``session.cart_value`` in offer texts."""
    return frozenset(
        f.name
        for f in facts
        if f.kind == "sum"
        and f.value is not None
        and any(word in f.value.source for word in ("price", "value", "total"))
    )


_EMPTY_CONTEXT = Context()


class Engine:
    def __init__(self, rules: list[CompiledRule], *, fast_paths: bool = True) -> None:
        """``fast_paths=False`` sends every expression through CEL (to compare the two)."""
        self._fast_paths = fast_paths
        self.rules = [r for r in rules if r.rule.enabled]
        self.evaluation_errors = 0  # expressions that failed at run time (counted as false)
        facts: dict[str, CompiledFact] = {}
        for rule in self.rules:
            for fact in rule.facts:
                facts.setdefault(fact.signature, fact)
        self._windowed: dict[str, list[CompiledFact]] = {}
        self._sequences: dict[str, list[CompiledFact]] = {}
        self._session_tallies = [
            f.signature for f in facts.values() if f.kind != "sequence" and f.window_seconds is None
        ]
        reads: dict[str, list[Projection]] = {}
        for fact in facts.values():
            if fact.kind == "sequence":
                for step_type in dict.fromkeys(s.event for s in fact.steps):
                    self._sequences.setdefault(step_type, []).append(fact)
                for step in fact.steps:
                    if step.where is not None:
                        reads.setdefault(step.event, []).append(step.where.projection)
                # The event matching step 1 is kept as ``first``: read what later steps read.
                reads.setdefault(fact.steps[0].event, []).append({"event": fact.first_projection})
                continue
            self._windowed.setdefault(fact.event, []).append(fact)
            for expression in (fact.where, fact.value):
                if expression is not None:
                    reads.setdefault(fact.event, []).append(expression.projection)
        self._triggered: dict[str, list[CompiledRule]] = {}
        self._arming: dict[str, list[CompiledRule]] = {}
        self._cancelling: dict[str, list[CompiledRule]] = {}
        self._by_key = {r.key: r for r in self.rules}
        self._plans = {r.key: _Plan.of(r) for r in self.rules}
        for rule in self.rules:
            for event_type in rule.trigger_events:
                self._triggered.setdefault(event_type, []).append(rule)
                reads.setdefault(event_type, []).append(rule.reads)
            if rule.absence is not None:
                after = rule.absence.after
                self._arming.setdefault(after.event, []).append(rule)
                reads.setdefault(after.event, []).append(rule.reads)
                if after.where is not None:
                    reads.setdefault(after.event, []).append(after.where.projection)
                for event_type in rule.absence.none_of:
                    self._cancelling.setdefault(event_type, []).append(rule)
        # What any expression reads of an event of each type (every indexed type has one).
        for index in (self._windowed, self._sequences, self._triggered, self._arming):
            for event_type in index:
                reads.setdefault(event_type, [])
        for event_type in self._cancelling:
            reads.setdefault(event_type, [])
        self._event_reads: dict[str, Projection | None] = {}
        for event_type, projections in reads.items():
            merged = merge_projections(projections)
            self._event_reads[event_type] = merged.get("event", {})

    # ------------------------------------------------------------------ events
    def process(
        self, state: VisitorState, event: Event, context: Context = _EMPTY_CONTEXT
    ) -> list[Match]:
        event_type = event.type
        if event_type not in self._event_reads and state.session_id == event.session_id:
            return []
        if state.session_id != event.session_id:
            self._new_session(state, event.session_id)
        now = epoch(event.ts)
        reads = self._event_reads.get(event_type)
        if reads is None:
            return []
        projected: dict[str, Any] = project(reads, _as_dict(event))
        shared: Bindings | None = None

        for fact in self._windowed.get(event_type, ()):
            if fact.where is not None:
                if shared is None:
                    shared = Bindings({"event": projected})
                if not self._test(fact.where, shared):
                    continue
            value: Any = None
            if fact.value is not None:
                if shared is None:
                    shared = Bindings({"event": projected})
                try:
                    value = self._run(fact.value, shared)
                except EvaluationError:
                    self.evaluation_errors += 1
                    continue
                if fact.kind == "sum" and (
                    isinstance(value, bool) or not isinstance(value, int | float)
                ):
                    continue
            self._record(state, fact, now, value)

        for fact in self._sequences.get(event_type, ()):
            if shared is None:
                shared = Bindings({"event": projected})
            self._advance(state, fact, event_type, now, projected, shared)

        for rule in self._cancelling.get(event_type, ()):
            timer = state.timers.get(rule.key)
            if timer is not None and timer.due > now:
                del state.timers[rule.key]

        for rule in self._arming.get(event_type, ()):
            if rule.key in state.timers:
                continue  # the first arming stands: a later `after` does not postpone
            assert rule.absence is not None
            where = rule.absence.after.where
            if where is not None:
                if shared is None:
                    shared = Bindings({"event": projected})
                if not self._test(where, shared):
                    continue
            stored = project(rule.reads.get("event", {}), projected)
            if isinstance(stored.get("ts"), datetime):
                stored = {**stored, "ts": stored["ts"].isoformat()}  # kept JSON-serialisable
            state.timers[rule.key] = Timer(
                round(now + rule.absence.for_seconds, 3), event.id, stored
            )

        matches: list[Match] = []
        for rule in self._triggered.get(event_type, ()):
            match = self._evaluate(rule, state, now, projected, event.id, context, event.ts)
            if match is not None:
                matches.append(match)
        return matches

    def due_timers(
        self, state: VisitorState, now: datetime, context: Context = _EMPTY_CONTEXT
    ) -> list[Match]:
        """Absence rules whose timer fell due by ``now`` (inclusive); each timer fires once."""
        at = epoch(now)
        matches: list[Match] = []
        for key, timer in list(state.timers.items()):
            if timer.due > at:
                continue
            del state.timers[key]
            rule = self._by_key.get(key)
            if rule is None:
                continue  # the rule was removed or disabled since
            match = self._evaluate(rule, state, at, timer.event, timer.event_id, context, now)
            if match is not None:
                matches.append(match)
        return matches

    # ------------------------------------------------------------------ facts
    def fact_value(self, state: VisitorState, fact: CompiledFact, now: float) -> Any:
        if fact.kind == "sequence":
            progress = state.sequences.get(fact.signature)
            return (
                progress is not None
                and progress.done is not None
                and now - progress.done < fact.within_seconds
            )
        if fact.window_seconds is None:
            tally = state.tallies.get(fact.signature)
            if tally is None:
                return 0.0 if fact.kind == "sum" else 0
            if fact.kind == "count":
                return tally.n
            if fact.kind == "sum":
                return tally.total
            return len(tally.distinct)
        entries = state.windows.get(fact.signature)
        if entries is None:
            return 0.0 if fact.kind == "sum" else 0
        entries.prune(now, fact.window_seconds)
        live = entries.live(now)
        if fact.kind == "count":
            return live
        values = entries.values[:live] if live < len(entries.values) else entries.values
        if fact.kind == "sum":
            return float(sum(values))
        return len(set(values))

    def _record(self, state: VisitorState, fact: CompiledFact, now: float, value: Any) -> None:
        if fact.window_seconds is None:
            tally = state.tallies.get(fact.signature)
            if tally is None:
                tally = state.tallies[fact.signature] = SessionTally()
            tally.n += 1
            if fact.kind == "sum":
                tally.total += value
            elif fact.kind == "distinct" and len(tally.distinct) < MAX_DISTINCT:
                tally.distinct.add(hashable(value))
            return
        entries = state.windows.get(fact.signature)
        if entries is None:
            entries = state.windows[fact.signature] = SlidingEntries()
        entries.prune(now, fact.window_seconds)
        stored: Hashable = hashable(value) if fact.kind == "distinct" else value
        entries.add(now, stored, fact.kind != "count")

    def _advance(
        self,
        state: VisitorState,
        fact: CompiledFact,
        event_type: str,
        now: float,
        projected: dict[str, Any],
        shared: Bindings,
    ) -> None:
        steps = fact.steps
        within = fact.within_seconds
        progress = state.sequences.get(fact.signature)
        if progress is not None and progress.runs:
            kept: list[list[Any]] = []
            for entry in progress.runs:
                start, index, first = entry
                if now - start > within:
                    continue  # expired
                step = steps[index]
                if step.event == event_type and now >= start:
                    where = step.where
                    if where is None or self._test(
                        where,
                        Bindings({"event": projected, "first": first})
                        if "first" in where.roots
                        else shared,
                    ):
                        index += 1
                        if index == len(steps):
                            progress.done = now
                            continue
                        entry[1] = index
                kept.append(entry)
            progress.runs = kept
        first_step = steps[0]
        if first_step.event == event_type and (
            first_step.where is None or self._test(first_step.where, shared)
        ):
            if progress is None:
                progress = state.sequences[fact.signature] = SequenceProgress()
            first = project(fact.first_projection, projected) if fact.first_projection != {} else {}
            runs = progress.runs
            for entry in runs:
                if entry[1] == 1 and entry[2] == first:
                    entry[0] = now  # same start, later: strictly more time left
                    break
            else:
                runs.append([now, 1, first])
                if len(runs) > MAX_RUNS:
                    del runs[0]

    # ------------------------------------------------------------------ rules
    def _evaluate(
        self,
        rule: CompiledRule,
        state: VisitorState,
        now: float,
        event: dict[str, Any],
        event_id: str,
        context: Context,
        at: datetime,
    ) -> Match | None:
        """``event`` is already projected to at least what the rule reads."""
        condition = rule.condition
        snapshot: dict[str, Any] | None = None
        if condition is not None:
            plan = self._plans[rule.key]
            variables: dict[str, Any] = {}
            if plan.event:
                variables["event"] = event
            if plan.facts:
                values = {f.name: self.fact_value(state, f, now) for f in plan.facts}
                variables["facts"] = values
                if plan.reads_every_fact:
                    snapshot = values
            for name, sub in plan.context:
                variables[name] = project(sub, getattr(context, name))
            if not self._holds(condition, variables):
                return None
        if snapshot is None:
            snapshot = {f.name: self.fact_value(state, f, now) for f in rule.facts}
        return Match(rule, snapshot, event, event_id, state.session_id, at, context)

    def _run(self, expression: Expression, bindings: Bindings) -> Any:
        return run(expression, bindings) if self._fast_paths else run_with_cel(expression, bindings)

    def _test(self, expression: Expression, bindings: Bindings) -> bool:
        fast = expression.fast if self._fast_paths else None
        if fast is not None:  # the common case, without the layers of ``run``
            try:
                return fast(bindings.variables) is True
            except FastError:
                self.evaluation_errors += 1
                return False
            except Defer:
                pass
        try:
            return self._run(expression, bindings) is True
        except EvaluationError:
            self.evaluation_errors += 1
            return False

    def _holds(self, expression: Expression, variables: dict[str, Any]) -> bool:
        """``_test`` for variables used once: no Bindings unless CEL itself must run."""
        fast = expression.fast if self._fast_paths else None
        if fast is not None:
            try:
                return fast(variables) is True
            except FastError:
                self.evaluation_errors += 1
                return False
            except Defer:
                pass
        return self._test(expression, Bindings(variables))

    def _new_session(self, state: VisitorState, session_id: str) -> None:
        state.session_id = session_id
        state.tallies.clear()  # "session" windows start again
        state.timers.clear()  # an absence belongs to the session it was armed in


@dataclass(frozen=True, slots=True)
class _Plan:
    """What evaluating a rule's condition needs, worked out once."""

    event: bool
    facts: tuple[CompiledFact, ...]
    context: tuple[tuple[str, Projection | None], ...]  # session / visitor / contact
    reads_every_fact: bool  # the condition's facts are the match's snapshot as well

    @classmethod
    def of(cls, rule: CompiledRule) -> _Plan:
        reads = rule.condition.projection if rule.condition is not None else {}
        facts = tuple(f for f in rule.facts if f.name in rule.facts_read)
        return cls(
            event="event" in reads,
            facts=facts,
            context=tuple(
                (name, reads[name]) for name in ("session", "visitor", "contact") if name in reads
            ),
            reads_every_fact=len(facts) == len(rule.facts),
        )


def _as_dict(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type,
        "ts": event.ts,
        "props": event.props,
        "session_id": event.session_id,
    }


def from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
