"""The plain-Python fast path decides exactly as CEL does, errors included."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hovor.core.cel import (
    Bindings,
    EvaluationError,
    ExpressionError,
    compile_expression,
    run,
    run_with_cel,
)

PATHS = ["event.props.a", "event.props.b", "event.props.c", "facts.n", "first.props.a", "event.x"]
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=5),
    st.sampled_from([0.0, 1.0, 2.5, -1.5]),
    st.sampled_from(["", "a", "b", "é", "1"]),
    st.lists(st.integers(min_value=0, max_value=2), max_size=2),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(min_value=0, max_value=2), max_size=2),
)
literals = st.sampled_from(
    ["1", "0", "2.5", "1.0", '"a"', '"é"', "'b'", "true", "false", "null", '""']
)
operands = st.one_of(st.sampled_from(PATHS), literals)
atoms = st.one_of(
    st.builds(
        lambda a, op, b: f"{a} {op} {b}",
        operands,
        st.sampled_from(["==", "!=", ">=", ">", "<=", "<"]),
        operands,
    ),
    st.builds(lambda p: f"has({p})", st.sampled_from(PATHS)),
    st.sampled_from(PATHS),
)
negated = st.builds(lambda neg, atom: f"!{atom}" if neg else atom, st.booleans(), atoms)
expressions = st.builds(
    lambda parts, joiner: f" {joiner} ".join(parts),
    st.lists(negated, min_size=1, max_size=3),
    st.sampled_from(["&&", "||"]),
)
props = st.dictionaries(st.sampled_from(["a", "b", "c"]), values, max_size=3)


def outcome(runner: Any, expression: Any, variables: dict[str, Any]) -> Any:
    try:
        value = runner(expression, Bindings(variables))
    except EvaluationError:
        return ("error", None)
    if isinstance(value, float) and math.isnan(value):
        return ("value", float, "NaN")  # NaN is not equal to itself
    return ("value", type(value), value)  # 1 and 1.0 are different answers


@settings(max_examples=600, deadline=None)
@given(expressions, props, values, props, values)
def test_fast_path_agrees_with_cel(
    source: str, event_props: dict[str, Any], n: Any, first_props: dict[str, Any], x: Any
) -> None:
    assert_agrees(compile_expression(source), event_props, n, first_props, x)


def assert_agrees(
    expression: Any, event_props: dict[str, Any], n: Any, first_props: dict[str, Any], x: Any
) -> None:
    variables = {
        "event": {"props": event_props, "x": x},
        "facts": {"n": n},
        "first": {"props": first_props},
    }
    fast = outcome(run, expression, variables)
    cel = outcome(run_with_cel, expression, variables)
    assert fast == cel, expression.source


# The wider grammar: arithmetic, conditionals, double(), size(), negative numbers, and
# && / || mixed under CEL's precedence, nested in parentheses.
numbers = st.sampled_from(["1", "0", "2.5", "1.0", "-1", "-0.5", "3", "9223372036854775807"])
leaves = st.one_of(st.sampled_from(PATHS), literals, numbers)


def _wider(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(
            lambda a, op, b: f"{a} {op} {b}",
            inner,
            st.sampled_from(["+", "-", "*", "/", "==", "!=", "<", ">=", "&&", "||"]),
            inner,
        ),
        st.builds(lambda c, a, b: f"({c} ? {a} : {b})", inner, inner, inner),
        st.builds(lambda a: f"double({a})", inner),
        st.builds(lambda a: f"size({a})", inner),
        st.builds(lambda a: f"({a})", inner),
        st.builds(lambda a: f"!{a}", inner),
        st.builds(lambda a: f"-({a})", inner),
        st.builds(lambda p: f"has({p})", st.sampled_from(PATHS)),
    )


wider_expressions = st.recursive(leaves, _wider, max_leaves=6)
numeric_values = st.one_of(
    values,
    st.sampled_from([2**62, -(2**63), 2**63 - 1, 0.0, -0.0, 1e308]),
    st.text(alphabet="aé1 ", max_size=3),
)


@settings(max_examples=1500, deadline=None)
@given(
    wider_expressions,
    st.dictionaries(st.sampled_from(["a", "b", "c"]), numeric_values, max_size=3),
    numeric_values,
    props,
    numeric_values,
)
def test_wider_grammar_agrees_with_cel(
    source: str, event_props: dict[str, Any], n: Any, first_props: dict[str, Any], x: Any
) -> None:
    try:
        expression = compile_expression(source)
    except ExpressionError:
        return  # not an expression CEL compiles (e.g. a type error it finds up front)
    assert_agrees(expression, event_props, n, first_props, x)


def test_common_shapes_take_the_fast_path() -> None:
    for source in [
        'has(event.props.path) && event.props.path == "/terms"',
        "facts.n >= 3",
        "facts.compared",
        "event.props.id",
        "event.props.category == first.props.category && event.props.id != first.props.id",
        # the template "high-value item removed" sums this:
        "double(event.props.price) * (has(event.props.quantity) ? "
        "double(event.props.quantity) : 1.0)",
        "size(event.props.items) > 0",
        "event.props.price * 2 > 10",
        "!facts.n == 1",
        "facts.n > 1 && facts.n < 3 || facts.n == 7",
    ]:
        assert compile_expression(source).fast is not None, source
    for source in [
        'has(event.props.path) && event.props.path.startsWith("/terms")',
        'event.props.path.endsWith(".html") || event.props.path.contains("podminky")',
    ]:
        assert compile_expression(source).fast is not None, source
    for source in [
        "a in b",
        "event.props.name.startsWith(event.props.x)",
        "event.props.name.matches('x.*')",
        "int(event.props.n) > 2",
        "[1, 2][0] == 1",
        "1u == 1u",
    ]:
        assert compile_expression(source).fast is None, source


def test_division_by_zero_is_an_evaluation_error_on_both_paths() -> None:
    expression = compile_expression("facts.n / facts.d > 1")
    for d in (0, 0.0):
        variables = {"facts": {"n": 1, "d": d}}
        assert outcome(run, expression, variables) == ("error", None)
        assert outcome(run_with_cel, expression, variables) == ("error", None)


def test_not_a_number_is_the_same_answer_on_both_paths() -> None:
    assert_agrees(compile_expression("facts.n / facts.n"), {}, -0.0, {}, None)


@given(
    st.sampled_from(["startsWith", "endsWith", "contains"]),
    st.sampled_from(['"/terms"', '""', '"é"', "'.html'", '"a"']),
    st.one_of(values, st.text(alphabet="/termsé.ahtl", max_size=8)),
)
def test_string_tests_agree_with_cel(method: str, literal: str, value: Any) -> None:
    """Page path patterns (startsWith, endsWith, contains) decide as CEL does, any value."""
    source = f"has(event.props.a) && event.props.a.{method}({literal})"
    expression = compile_expression(source)
    assert expression.fast is not None
    variables = {"event": {"props": {"a": value}}}
    assert outcome(run, expression, variables) == outcome(run_with_cel, expression, variables)
