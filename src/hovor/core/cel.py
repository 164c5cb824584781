"""The one door to CEL (``common-expression-language``) for rules and routing targets.

Nobody else imports ``cel``.

Besides compiling, this module knows which parts of the variables an expression reads
(a *projection*): handing CEL only those parts is what keeps evaluation cheap, because
converting Python values into CEL costs microseconds per dict entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import cel

from hovor.core import cel_fastpath as fastpath

# A projection: key → sub-projection, or None for "the whole value".
Projection = dict[str, "Projection | None"]

_STRING = re.compile(
    r"""[rRbB]{0,2}('''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")"""
)
_CHAIN = re.compile(r"(?<![\w.])([A-Za-z_]\w*)((?:\s*\.\s*[A-Za-z_]\w*)*)(\s*[(\[])?")
_BINDER = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_]\w*)\s*,")
_POSITION = re.compile(r"<input>:(\d+):(\d+):\s*(.*)")
_KEYWORDS = frozenset({"true", "false", "null", "in"})


class ExpressionError(ValueError):
    """An expression that does not compile; ``line``/``column`` are 1-based when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def describe(self) -> str:
        if self.line is None:
            return self.message
        return f"syntax error at {self.line}:{self.column}: {self.message}"


class EvaluationError(RuntimeError):
    """An expression failed at run time (missing key, wrong types, ...)."""


@dataclass(frozen=True, slots=True, eq=False)
class Expression:
    source: str
    program: cel.Program
    roots: frozenset[str]  # top-level variables read (comprehension variables excluded)
    projection: Projection  # which parts of each root it reads
    fact_names: frozenset[str]  # names read as ``facts.NAME``
    literal: bool | None  # True/False when the whole expression is that literal
    fast: fastpath.Fast | None = None  # plain Python for the simplest expressions


def compile_expression(source: str) -> Expression:
    """Compile ``source`` once; raise :class:`ExpressionError` naming line and column."""
    if not source.strip():
        raise ExpressionError("must not be empty")
    try:
        program = cel.compile(source)
    except ValueError as exc:
        raise _syntax_error(str(exc)) from None
    stripped = _STRING.sub('""', source)
    bound = set(_BINDER.findall(stripped))
    projection: Projection = {}
    roots: set[str] = set()
    fact_names: set[str] = set()
    for match in _CHAIN.finditer(stripped):
        root, rest, after = match.group(1), match.group(2), match.group(3) or ""
        if root in _KEYWORDS or root in bound:
            continue
        segments = [root, *(s.strip() for s in rest.split(".")[1:])]
        if after.strip() == "(":
            segments.pop()  # a function or method call, not a field
            if not segments:
                continue
        roots.add(segments[0])
        if segments[0] == "facts":
            if len(segments) < 2:
                raise ExpressionError("refer to facts as facts.NAME")
            fact_names.add(segments[1])
        _merge_path(projection, segments)
    declared = set(program.variables()) - bound
    roots |= declared
    for name in declared - set(projection):
        projection[name] = None
    normalized = source.strip()
    literal = {"true": True, "false": False}.get(normalized)
    return Expression(
        source=source,
        program=program,
        roots=frozenset(roots),
        projection=projection,
        fact_names=frozenset(fact_names),
        literal=literal,
        fast=fastpath.build(source),
    )


def _syntax_error(text: str) -> ExpressionError:
    found = _POSITION.search(text)
    if found is None:
        return ExpressionError(text.splitlines()[0] if text else "invalid expression")
    line, column, message = int(found.group(1)), int(found.group(2)), found.group(3)
    message = message.removeprefix("Syntax error: ").strip()
    return ExpressionError(message, line, column)


def _merge_path(projection: Projection, segments: list[str]) -> None:
    node = projection
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment in node:
            child = node[segment]
            if child is None:
                return  # already the whole value
            if last:
                node[segment] = None
                return
            node = child
        elif last:
            node[segment] = None
        else:
            new: Projection = {}
            node[segment] = new
            node = new


def merge_projections(projections: list[Projection]) -> Projection:
    """The union of several projections (what any of them reads)."""
    out: Projection = {}
    for projection in projections:
        _merge_into(out, projection)
    return out


def _merge_into(target: Projection, source: Projection) -> None:
    for key, sub in source.items():
        if key not in target:
            target[key] = _copy(sub)
            continue
        current = target[key]
        if current is None:
            continue
        if sub is None:
            target[key] = None
        else:
            _merge_into(current, sub)


def _copy(projection: Projection | None) -> Projection | None:
    if projection is None:
        return None
    return {k: _copy(v) for k, v in projection.items()}


def project(projection: Projection | None, value: Any) -> Any:
    """The parts of ``value`` that ``projection`` names; missing keys are left out."""
    if projection is None or type(value) is not dict:
        return value
    out: dict[str, Any] = {}
    for key, sub in projection.items():
        if key in value:
            out[key] = project(sub, value[key])
    return out


class Bindings:
    """Variables for one or more evaluations; reuse it while the variables stay the same.
    The CEL context is built only when an expression without a fast path needs it, and the
    variables must not change after that."""

    __slots__ = ("_context", "variables")

    def __init__(self, variables: dict[str, Any]) -> None:
        self.variables = variables
        self._context: cel.Context | None = None

    def context(self) -> cel.Context:
        if self._context is None:
            self._context = cel.Context(self.variables)
        return self._context


_CEL_ERRORS = (RuntimeError, KeyError, TypeError, ValueError, IndexError, ArithmeticError)


def run(expression: Expression, bindings: Bindings) -> Any:
    """Evaluate; any failure (missing key, no such overload, ...) is an EvaluationError."""
    fast = expression.fast
    if fast is not None:
        try:
            return fast(bindings.variables)
        except fastpath.FastError as exc:
            raise EvaluationError(str(exc)) from None
        except fastpath.Defer:
            pass
    return run_with_cel(expression, bindings)


def run_with_cel(expression: Expression, bindings: Bindings) -> Any:
    """Evaluate with CEL itself, ignoring any fast path (also used to compare the two)."""
    try:
        return expression.program.execute(bindings.context())
    except _CEL_ERRORS as exc:
        raise EvaluationError(str(exc)) from None


def evaluate(expression: Expression, variables: dict[str, Any]) -> Any:
    """Evaluate once with ``variables`` (projected to what the expression reads)."""
    return run(expression, Bindings(project(expression.projection, variables)))
