"""Plain-Python evaluation for the simplest expressions, with CEL's own semantics.

Most rule expressions are a chain of comparisons joined by ``&&`` (or by ``||``):
``has(event.props.path) && event.props.path == "/terms"``, ``facts.n >= 3``. For those,
building a CEL context costs far more than the comparison itself, so the compiler also
builds a Python function for them. Anything outside this small grammar is left to CEL.

Semantics kept from CEL: a missing key or a type mismatch in an ordering is an error;
``==`` between different kinds is false (``true == 1`` is false), numbers compare by value
across int/double; ``&&``/``||`` are commutative over errors (``false && error`` is false,
``true || error`` is true). Lists and maps in ``==`` defer to CEL (:class:`Defer`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

Variables = dict[str, Any]
Fast = Callable[[Variables], Any]


class FastError(Exception):
    """What CEL would report as an evaluation error."""


class Defer(Exception):
    """The fast path cannot decide exactly; evaluate with CEL."""


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+\.\d+|\d+)(?![\w.])"
    r"|(?P<str>\"(?:[^\"\\\n]|\\.)*\"|'[^'\\\n]*')"
    r"|(?P<op>&&|\|\||==|!=|>=|<=|>|<|!|\(|\))"
    r"|(?P<path>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*))"
)
_COMPARE = frozenset({"==", "!=", ">=", "<=", ">", "<"})
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}
_NUMBER = (int, float)


def build(source: str) -> Fast | None:
    """A Python function for ``source`` when it is in the small grammar, else None."""
    tokens = _tokenize(source)
    if tokens is None:
        return None
    if len(tokens) == 1:
        return _operand(tokens[0])  # a bare value: returned as is, as CEL does
    joiners = {value for kind, value in tokens if kind == "op" and value in ("&&", "||")}
    if len(joiners) > 1:
        return None
    joiner = joiners.pop() if joiners else "&&"
    atoms: list[Fast] = []
    current: list[tuple[str, str]] = []
    for token in [*tokens, ("op", joiner)]:
        if token == ("op", joiner):
            atom = _atom(current)
            if atom is None:
                return None
            atoms.append(atom)
            current = []
        else:
            current.append(token)
    if len(atoms) == 1:
        return atoms[0]
    return _all(atoms) if joiner == "&&" else _any(atoms)


def _tokenize(source: str) -> list[tuple[str, str]] | None:
    tokens: list[tuple[str, str]] = []
    position = 0
    stripped = source.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            return None
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens or None


def _atom(tokens: list[tuple[str, str]]) -> Fast | None:
    negate = False
    if tokens[:1] == [("op", "!")]:
        negate, tokens = True, tokens[1:]
    atom: Fast | None
    if (
        len(tokens) == 4
        and tokens[0] == ("path", "has")
        and tokens[1] == ("op", "(")
        and tokens[2][0] == "path"
        and "." in tokens[2][1]
        and tokens[3] == ("op", ")")
    ):
        atom = _has(tokens[2][1].split("."))
    elif len(tokens) == 1:
        operand = _operand(tokens[0])
        atom = None if operand is None else _boolean(operand)
    elif len(tokens) == 3 and tokens[1][0] == "op" and tokens[1][1] in _COMPARE and not negate:
        # (``!a == b`` is ``(!a) == b`` in CEL: not taken here)
        left, right = _operand(tokens[0]), _operand(tokens[2])
        if left is None or right is None:
            atom = None
        else:
            atom = _compare(left, tokens[1][1], right, _literal(tokens[2]))
    else:
        atom = None
    if atom is None or not negate:
        return atom
    inner = atom
    return lambda v: not inner(v)


def _literal(token: tuple[str, str]) -> tuple[bool, Any]:
    """(True, value) when ``token`` is a string or number literal."""
    if token[0] not in ("num", "str") or token[1].startswith("'"):
        return (token[0] == "num", _number(token[1])) if token[0] == "num" else (False, None)
    try:
        return True, json.loads(token[1])
    except ValueError:
        return False, None


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _operand(token: tuple[str, str]) -> Fast | None:
    kind, text = token
    if kind == "num":
        number: Any = float(text) if "." in text else int(text)
        return lambda v: number
    if kind == "str":
        if text[0] == "'":
            string = text[1:-1]
        else:
            try:
                string = json.loads(text)
            except ValueError:
                return None
        return lambda v: string
    if kind == "path":
        if text in _LITERALS:
            literal = _LITERALS[text]
            return lambda v: literal
        if text in ("has", "in") or text.startswith(("has.", "in.")):
            return None
        return _path(text.split("."))
    return None


def _path(segments: list[str]) -> Fast:
    # Indexing a non-map (a string, a list, a number) raises TypeError: CEL's "no such
    # overload"; a missing key raises KeyError: CEL's "no such key".
    if len(segments) == 1:
        (a,) = segments

        def lookup1(v: Variables) -> Any:
            try:
                return v[a]
            except (KeyError, TypeError):
                raise FastError(f"no such key: {a}") from None

        return lookup1
    if len(segments) == 2:
        a, b = segments

        def lookup2(v: Variables) -> Any:
            try:
                value = v[a][b]
            except (KeyError, TypeError):
                raise FastError(f"no such key: {a}.{b}") from None
            return value

        return lookup2
    if len(segments) == 3:
        a, b, c = segments

        def lookup3(v: Variables) -> Any:
            try:
                value = v[a][b][c]
            except (KeyError, TypeError):
                raise FastError(f"no such key: {a}.{b}.{c}") from None
            return value

        return lookup3
    root, rest = segments[0], tuple(segments[1:])

    def lookup(v: Variables) -> Any:
        try:
            value = v[root]
            for key in rest:
                value = value[key]
        except (KeyError, TypeError, IndexError):
            raise FastError(f"no such key: {'.'.join(segments)}") from None
        return value

    return lookup


def _has(segments: list[str]) -> Fast:
    container = _path(segments[:-1])
    last = segments[-1]

    def has(v: Variables) -> bool:
        value = container(v)
        if type(value) is not dict:
            raise FastError("no such overload")
        return last in value

    return has


def _boolean(operand: Fast) -> Fast:
    def test(v: Variables) -> bool:
        value = operand(v)
        if type(value) is not bool:
            raise FastError("no such overload")
        return value

    return test


def _equal(a: Any, b: Any) -> bool:
    ta, tb = type(a), type(b)
    if ta in (list, dict) or tb in (list, dict):
        raise Defer
    if ta is tb:
        return bool(a == b)
    if ta in _NUMBER and tb in _NUMBER:
        return bool(a == b)
    return False


def _ordered(a: Any, b: Any) -> None:
    ta, tb = type(a), type(b)
    if not ((ta in _NUMBER and tb in _NUMBER) or (ta is tb and ta in (str, bool))):
        raise FastError("no such overload")


def _compare(left: Fast, op: str, right: Fast, literal: tuple[bool, Any] = (False, None)) -> Fast:
    is_literal, value = literal
    if is_literal and type(value) in (str, int, float):
        return _compare_literal(left, op, value)
    if op == "==":
        return lambda v: _equal(left(v), right(v))
    if op == "!=":
        return lambda v: not _equal(left(v), right(v))

    def compare(v: Variables) -> bool:
        a, b = left(v), right(v)
        _ordered(a, b)
        if op == ">=":
            return bool(a >= b)
        if op == ">":
            return bool(a > b)
        if op == "<=":
            return bool(a <= b)
        return bool(a < b)

    return compare


def _compare_literal(left: Fast, op: str, literal: Any) -> Fast:
    """``path OP literal`` for a string or number literal, without the general checks."""
    kinds: tuple[type, ...] = (str,) if type(literal) is str else (int, float)
    if op == "==":

        def equal(v: Variables) -> bool:
            a = left(v)
            return type(a) in kinds and a == literal

        return equal
    if op == "!=":

        def unequal(v: Variables) -> bool:
            a = left(v)
            return type(a) not in kinds or a != literal

        return unequal

    def ordered(v: Variables) -> bool:
        a = left(v)
        if type(a) not in kinds:
            raise FastError("no such overload")
        if op == ">=":
            return bool(a >= literal)
        if op == ">":
            return bool(a > literal)
        if op == "<=":
            return bool(a <= literal)
        return bool(a < literal)

    return ordered


def _all(atoms: list[Fast]) -> Fast:
    def conjunction(v: Variables) -> bool:
        failed: FastError | None = None
        for atom in atoms:
            try:
                if not atom(v):
                    return False
            except FastError as exc:
                failed = exc
        if failed is not None:
            raise failed
        return True

    return conjunction


def _any(atoms: list[Fast]) -> Fast:
    def disjunction(v: Variables) -> bool:
        failed: FastError | None = None
        for atom in atoms:
            try:
                if atom(v):
                    return True
            except FastError as exc:
                failed = exc
        if failed is not None:
            raise failed
        return False

    return disjunction
