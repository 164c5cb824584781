"""Page conditions: a path pattern written as CEL matches exactly the paths the pattern
means (checked against a plain Python reading of ``*`` and ``?``), and a page type."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hovor.core.cel import compile_expression, evaluate
from hovor.engagement.rules.pages import glob_regex, page_condition, path_condition

# Characters that mean something to RE2 or CEL strings, and ordinary path characters.
ALPHABET = st.sampled_from(list("/ab.-_*?+()[]{}|^$\\\"'%é"))


def reference(pattern: str, path: str) -> bool:
    """``*``: any run of characters; ``?``: one character; everything else literal."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, path, re.DOTALL) is not None


def matches(condition: str, props: dict[str, object]) -> bool:
    return bool(evaluate(compile_expression(condition), {"event": {"props": props}}))


@settings(max_examples=300, deadline=None)
@given(pattern=st.text(ALPHABET, min_size=1, max_size=8), path=st.text(ALPHABET, max_size=10))
def test_a_pattern_matches_what_it_means(pattern: str, path: str) -> None:
    assert matches(path_condition(pattern), {"path": path}) == reference(pattern, path)


@settings(max_examples=100, deadline=None)
@given(pattern=st.text(ALPHABET, min_size=1, max_size=8))
def test_a_pattern_matches_itself_read_literally_when_it_has_no_wildcards(pattern: str) -> None:
    literal = pattern.replace("*", "x").replace("?", "y")
    assert matches(path_condition(literal), {"path": literal})
    assert not matches(path_condition(literal), {"path": literal + "z"})


@pytest.mark.parametrize(
    ("pattern", "yes", "no"),
    [
        ("/terms*", ["/terms", "/terms.html", "/terms/"], ["/en/terms", "/term"]),
        ("*/obchodni-podminky*", ["/obchodni-podminky", "/cs/obchodni-podminky.html"], ["/o"]),
        ("*.html", ["/terms.html"], ["/terms.htm"]),
        ("/shop/*/terms", ["/shop/cz/terms", "/shop//terms"], ["/shop/terms", "/shop/cz/terms/"]),
        ("/p?ge", ["/page", "/pxge"], ["/pge", "/paage"]),
        ("/terms", ["/terms"], ["/terms.html", "/Terms"]),
    ],
)
def test_shop_paths(pattern: str, yes: list[str], no: list[str]) -> None:
    for path in yes:
        assert matches(path_condition(pattern), {"path": path}), path
    for path in no:
        assert not matches(path_condition(pattern), {"path": path}), path


def test_the_simplest_cel_for_each_shape() -> None:
    """Plain comparisons stay on the engine's fast path; one * needs no regular expression."""
    assert path_condition("/terms") == 'has(event.props.path) && event.props.path == "/terms"'
    assert compile_expression(path_condition("/terms")).fast is not None
    assert path_condition("/terms*").endswith('event.props.path.startsWith("/terms")')
    assert path_condition("*.html").endswith('event.props.path.endsWith(".html")')
    assert path_condition("*terms*").endswith('event.props.path.contains("terms")')
    assert "matches" in path_condition("/a/*/b")
    assert glob_regex("/a.b*") == r"^/a\.b.*$"


def test_no_path_prop_is_no_match() -> None:
    for pattern in ("/terms", "/terms*", "*", "/a/*/b"):
        assert not matches(path_condition(pattern), {"title": "Terms"})


def test_page_type_or_path() -> None:
    both = page_condition("/terms*", "terms")
    assert matches(both, {"page_type": "terms", "path": "/vop"})
    assert matches(both, {"path": "/terms.html"})
    assert not matches(both, {"page_type": "product", "path": "/p/1"})
    by_type = page_condition(None, "terms")
    assert matches(by_type, {"page_type": "terms"})
    assert not matches(by_type, {"path": "/terms"})
    with pytest.raises(ValueError):
        page_condition(None, None)
