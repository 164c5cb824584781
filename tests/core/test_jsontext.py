"""JSON depth is limited before parsing, exactly, and strings never count as nesting."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hovor.core.jsontext import MAX_JSON_DEPTH, JsonTooDeep, check_json_depth, parse_json


def nested(depth: int, open_: str = "[", close: str = "]") -> str:
    return open_ * depth + close * depth


@pytest.mark.parametrize("shape", [("[", "]"), ('{"a":', "}")])
def test_the_limit_is_exact(shape: tuple[str, str]) -> None:
    open_, close = shape
    inner = "1" if open_ != "[" else ""
    assert parse_json(open_ * MAX_JSON_DEPTH + inner + close * MAX_JSON_DEPTH) is not None
    with pytest.raises(JsonTooDeep):
        parse_json(open_ * (MAX_JSON_DEPTH + 1) + inner + close * (MAX_JSON_DEPTH + 1))


def test_five_thousand_levels_in_ten_kilobytes_are_refused_before_parsing() -> None:
    text = nested(5000)
    assert len(text) == 10_000
    with pytest.raises(JsonTooDeep, match="at most 64 levels"):
        parse_json(text)
    with pytest.raises(JsonTooDeep):
        parse_json(text.encode())


def test_the_standard_library_fallback_is_guarded_too() -> None:
    # An integer beyond 64 bits makes orjson refuse, so json.loads would parse it.
    text = "[" * 3000 + "1" + "0" * 30 + "]" * 3000
    with pytest.raises(JsonTooDeep):
        parse_json(text)


def test_brackets_in_strings_and_escapes_do_not_count() -> None:
    deep_looking = json.dumps({"a": "[" * 500, "b": '\\"{' * 300, "c": ["]" * 10]})
    assert parse_json(deep_looking)["a"] == "[" * 500
    check_json_depth(json.dumps(["x\\"] * 200).encode())
    wide = json.dumps([[i] for i in range(1000)])
    assert len(parse_json(wide)) == 1000


def test_a_deep_value_hidden_after_strings_with_brackets_is_found() -> None:
    text = json.dumps({"a": "[", "b": "]"})[:-1] + ', "c": ' + nested(MAX_JSON_DEPTH + 1) + "}"
    with pytest.raises(JsonTooDeep):
        parse_json(text)


def test_text_that_is_not_json_is_left_to_the_parser() -> None:
    with pytest.raises(ValueError) as caught:
        parse_json("[" * 200)
    assert not isinstance(caught.value, JsonTooDeep)


def depth_of(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    return 0


tricky_text = st.text(alphabet='[]{}"\\ab\n\u00e9', max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | tricky_text,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(tricky_text, children, max_size=3)
    ),
    max_leaves=200,
)


@given(value=json_values, extra=st.integers(min_value=0, max_value=80))
@settings(max_examples=300, deadline=None)
def test_the_depth_check_agrees_with_the_parsed_depth(value: object, extra: int) -> None:
    """Differential: the scan of the text says "too deep" exactly when the value is."""
    wrapped = value
    for _ in range(extra):
        wrapped = [wrapped]
    text = json.dumps(wrapped, ensure_ascii=extra % 2 == 0)
    too_deep = depth_of(wrapped) > MAX_JSON_DEPTH
    try:
        check_json_depth(text.encode())
    except JsonTooDeep:
        assert too_deep
    else:
        assert not too_deep
