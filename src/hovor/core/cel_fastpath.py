"""Plain-Python evaluation for common expressions, with CEL's own semantics.

Rule expressions are mostly comparisons joined by ``&&`` or ``||``
(``has(event.props.path) && event.props.path == "/terms"``, ``facts.n >= 3``), sometimes
with a little arithmetic or a conditional
(``double(event.props.price) * (has(event.props.quantity) ? double(event.props.quantity)
: 1.0)``). For those, building a CEL context costs far more than the work itself, so the
compiler also builds a Python function for them. Anything outside this small grammar is
left to CEL, and so is any value the function cannot decide exactly (:class:`Defer`).

The grammar, with CEL's precedence: ``c ? a : b``; ``||``; ``&&``; comparisons
(``== != < <= > >=``); ``+ -``; ``* /``; unary ``!`` and ``-``; and primaries: literals
(integers, doubles, strings, ``true``, ``false``, ``null``), dotted names,
``has(a.b)``, ``double(x)``, ``size(x)``, the string tests ``a.b.startsWith("…")``,
``endsWith`` and ``contains`` with a string literal (page path patterns), and parentheses.

Semantics kept from CEL: a missing key or a type mismatch in an ordering is an error;
``==`` between different kinds is false (``true == 1`` is false), numbers compare by value
across int/double; ``&&``/``||`` are commutative over errors (``false && error`` is false,
``true || error`` is true). What CEL defines in ways this module does not mirror (lists or
maps in ``==``, mixed int/double arithmetic, integer overflow or division, conversions of
strings, a conditional on a non-boolean) defers to CEL.
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
    r"|(?P<op>&&|\|\||==|!=|>=|<=|>|<|!|\(|\)|\?|:|\*|/|\+|-)"
    r"|(?P<path>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*))"
)
_COMPARE = frozenset({"==", "!=", ">=", "<=", ">", "<"})
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}
_NUMBER = (int, float)
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1

Token = tuple[str, str]


class _Unsupported(Exception):
    """The source is outside the grammar: no fast path."""


def build(source: str) -> Fast | None:
    """A Python function for ``source`` when it is in the grammar, else None."""
    tokens = _tokenize(source)
    if tokens is None:
        return None
    parser = _Parser(tokens)
    try:
        node = parser.expression()
        if parser.position != len(tokens):
            return None
    except _Unsupported:
        return None
    return node.fast


def _tokenize(source: str) -> list[Token] | None:
    tokens: list[Token] = []
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


class _Node:
    """A parsed sub-expression: its function, and whether it surely yields a bool."""

    __slots__ = ("boolean", "fast", "literal")

    def __init__(
        self, fast: Fast, *, boolean: bool = False, literal: tuple[bool, Any] = (False, None)
    ) -> None:
        self.fast = fast
        self.boolean = boolean
        self.literal = literal  # (True, value) for a string or number literal


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, op: str) -> bool:
        if self.peek() == ("op", op):
            self.position += 1
            return True
        return False

    def expect(self, op: str) -> None:
        if not self.take(op):
            raise _Unsupported

    def expression(self) -> _Node:
        condition = self.disjunction()
        if not self.take("?"):
            return condition
        then = self.disjunction()
        self.expect(":")
        otherwise = self.expression()
        return _conditional(condition, then, otherwise)

    def disjunction(self) -> _Node:
        operands = [self.conjunction()]
        while self.take("||"):
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else _any(operands)

    def conjunction(self) -> _Node:
        operands = [self.relation()]
        while self.take("&&"):
            operands.append(self.relation())
        return operands[0] if len(operands) == 1 else _all(operands)

    def relation(self) -> _Node:
        left = self.addition()
        token = self.peek()
        while token is not None and token[0] == "op" and token[1] in _COMPARE:
            self.position += 1
            right = self.addition()
            left = _compare(left, token[1], right)
            token = self.peek()
        return left

    def addition(self) -> _Node:
        return self.arithmetic(("+", "-"), self.multiplication)

    def multiplication(self) -> _Node:
        return self.arithmetic(("*", "/"), self.unary)

    def arithmetic(self, ops: tuple[str, ...], operand: Callable[[], _Node]) -> _Node:
        """One level of left-associative arithmetic: ``operand (op operand)*``."""
        left = operand()
        while (token := self.peek()) is not None and token[0] == "op" and token[1] in ops:
            self.position += 1
            left = _arithmetic(left, token[1], operand())
        return left

    def unary(self) -> _Node:
        # CEL's parser drops pairs of the same unary operator: ``!!a`` is ``a``.
        nots = self.repeated("!")
        if nots:
            inner = self.primary()
            return _not(inner) if nots % 2 else inner
        minuses = self.repeated("-")
        if minuses % 2 == 0:
            return self.primary()
        token = self.peek()
        if token is not None and token[0] == "num":  # ``-1`` is one literal in CEL
            self.position += 1
            return _number_literal("-" + token[1])
        return _negative(self.primary())

    def repeated(self, op: str) -> int:
        count = 0
        while self.take(op):
            count += 1
        return count

    def primary(self) -> _Node:
        token = self.peek()
        if token is None:
            raise _Unsupported
        self.position += 1
        kind, text = token
        if kind == "num":
            return _number_literal(text)
        if kind == "str":
            return _string_literal(text)
        if token == ("op", "("):
            inner = self.expression()
            self.expect(")")
            return inner
        if kind != "path":
            raise _Unsupported
        if text in _LITERALS:
            value = _LITERALS[text]
            return _Node(lambda v: value, boolean=type(value) is bool)
        if self.take("("):
            return self.call(text)
        if text in ("has", "in") or text.startswith(("has.", "in.")):
            raise _Unsupported
        return _Node(_path(text.split(".")))

    def call(self, name: str) -> _Node:
        if name == "has":
            token = self.peek()
            if token is None or token[0] != "path" or "." not in token[1]:
                raise _Unsupported
            self.position += 1
            self.expect(")")
            return _Node(_has(token[1].split(".")), boolean=True)
        receiver, _, method = name.rpartition(".")
        if method in _STRING_TESTS and "." in receiver:
            argument = self.primary()
            self.expect(")")
            known, literal = argument.literal
            if not known or type(literal) is not str:
                raise _Unsupported  # a non-literal argument: CEL's overloads decide
            return _string_test(_path(receiver.split(".")), method, literal)
        if name not in ("double", "size"):
            raise _Unsupported
        argument = self.expression()
        self.expect(")")
        return _double(argument) if name == "double" else _size(argument)


def _number_literal(text: str) -> _Node:
    number: int | float = float(text) if "." in text else int(text)
    if type(number) is int and not _INT_MIN <= number <= _INT_MAX:
        raise _Unsupported
    return _Node(lambda v: number, literal=(True, number))


def _string_literal(text: str) -> _Node:
    if text[0] == "'":
        string = text[1:-1]
    else:
        try:
            string = json.loads(text)
        except ValueError:
            raise _Unsupported from None
    return _Node(lambda v: string, literal=(True, string))


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


def _boolean(node: _Node) -> Fast:
    """``node``'s function, checked to yield a bool (CEL's logic takes nothing else)."""
    if node.boolean:
        return node.fast
    operand = node.fast

    def test(v: Variables) -> bool:
        value = operand(v)
        if type(value) is not bool:
            raise FastError("no such overload")
        return value

    return test


def _not(node: _Node) -> _Node:
    inner = _boolean(node)
    return _Node(lambda v: not inner(v), boolean=True)


def _negative(node: _Node) -> _Node:
    operand = node.fast

    def negative(v: Variables) -> Any:
        value = operand(v)
        kind = type(value)
        if kind is float or (kind is int and value != _INT_MIN):
            return -value
        raise Defer

    return _Node(negative)


def _double(node: _Node) -> _Node:
    operand = node.fast

    def double(v: Variables) -> Any:
        value = operand(v)
        kind = type(value)
        if kind is float:
            return value
        if kind is int and _INT_MIN <= value <= _INT_MAX:
            return float(value)
        raise Defer  # strings are parsed by CEL's rules; other kinds are its errors

    return _Node(double)


_STRING_TESTS = {
    "startsWith": str.startswith,
    "endsWith": str.endswith,
    "contains": str.__contains__,
}


def _string_test(receiver: Fast, method: str, literal: str) -> _Node:
    test = _STRING_TESTS[method]

    def string_test(v: Variables) -> bool:
        value = receiver(v)
        if type(value) is not str:
            raise Defer  # CEL's error (no such overload) or its own reading of bytes
        return bool(test(value, literal))

    return _Node(string_test, boolean=True)


def _size(node: _Node) -> _Node:
    operand = node.fast

    def size(v: Variables) -> int:
        value = operand(v)
        if type(value) in (list, dict):
            return len(value)
        raise Defer  # strings: the CEL library counts bytes where the spec counts characters

    return _Node(size)


def _arithmetic(left_node: _Node, op: str, right_node: _Node) -> _Node:
    """Doubles with doubles, integers with integers (within 64 bits); the rest defers."""
    left, right = left_node.fast, right_node.fast

    def arithmetic(v: Variables) -> Any:
        a, b = left(v), right(v)
        ta, tb = type(a), type(b)
        if ta is float and tb is float:
            if op == "*":
                return a * b
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if b != 0.0:
                return a / b
            raise Defer
        if (
            ta is int
            and tb is int
            and op != "/"
            and _INT_MIN <= a <= _INT_MAX
            and _INT_MIN <= b <= _INT_MAX
        ):
            result = a * b if op == "*" else a + b if op == "+" else a - b
            if _INT_MIN <= result <= _INT_MAX:
                return result
        raise Defer

    return _Node(arithmetic)


def _conditional(condition_node: _Node, then_node: _Node, otherwise_node: _Node) -> _Node:
    condition, then, otherwise = condition_node.fast, then_node.fast, otherwise_node.fast

    def conditional(v: Variables) -> Any:
        chosen = condition(v)
        if chosen is True:
            return then(v)
        if chosen is False:
            return otherwise(v)
        raise Defer

    return _Node(conditional, boolean=then_node.boolean and otherwise_node.boolean)


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


def _compare(left_node: _Node, op: str, right_node: _Node) -> _Node:
    left, right = left_node.fast, right_node.fast
    is_literal, value = right_node.literal
    if is_literal and not left_node.literal[0]:
        return _Node(_compare_literal(left, op, value), boolean=True)
    if op == "==":
        return _Node(lambda v: _equal(left(v), right(v)), boolean=True)
    if op == "!=":
        return _Node(lambda v: not _equal(left(v), right(v)), boolean=True)

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

    return _Node(compare, boolean=True)


def _compare_literal(left: Fast, op: str, literal: Any) -> Fast:
    """``x OP literal`` for a string or number literal, without the general checks."""
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


def _all(nodes: list[_Node]) -> _Node:
    operands = [_boolean(n) for n in nodes]

    def conjunction(v: Variables) -> bool:
        failed: FastError | None = None
        for operand in operands:
            try:
                if not operand(v):
                    return False
            except FastError as exc:
                failed = exc
        if failed is not None:
            raise failed
        return True

    return _Node(conjunction, boolean=True)


def _any(nodes: list[_Node]) -> _Node:
    operands = [_boolean(n) for n in nodes]

    def disjunction(v: Variables) -> bool:
        failed: FastError | None = None
        for operand in operands:
            try:
                if operand(v):
                    return True
            except FastError as exc:
                failed = exc
        if failed is not None:
            raise failed
        return False

    return _Node(disjunction, boolean=True)
