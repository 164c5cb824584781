"""``validate_event`` (ingestion's fast check) agrees with ``parse_event`` (the pydantic model)
on every input: the same acceptance, the same values, the same rejections."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hovor.core.ids import new_id, new_ids
from hovor.core.jsontext import json_text
from hovor.tracking.schemas import EventIn, Rejected, ValidEvent, parse_event, validate_event

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.text(alphabet="\x7f\u00e9\u20ac\U0001f600", max_size=800),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
timestamps = st.one_of(
    st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ).map(lambda d: d.isoformat().replace("+00:00", "Z")),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)).map(
        lambda d: d.isoformat()
    ),
    st.sampled_from(
        [
            "2026-11-25T12:00:00.123Z",
            "2026-11-25T12:00:00+05:30",
            "2026-11-25T12:00:00-00:00",
            "2026-11-25 12:00:00Z",
            "2026-02-30T12:00:00Z",
            "2026-11-25T24:00:00Z",
            "2026-11-25T12:00:60Z",
            "2026-11-25T12:00:00+24:00",
            "2026-11-25T12:00:00.1234567Z",
            "2026-11-25",
            "",
            "now",
        ]
    ),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.floats(),
    st.booleans(),
    st.none(),
)
types = st.one_of(
    st.sampled_from(
        ["page.view", "product.view", "cart.add", "idle", "order.completed", "Cart Add", ""]
    ),
    st.from_regex(r"[a-z][a-z0-9_]{0,8}(\.[a-z0-9_]{1,5}){0,2}\n?", fullmatch=True),
    st.text(max_size=70),
)
props = st.one_of(
    st.dictionaries(
        st.sampled_from(["id", "price", "quantity", "value", "seconds", "name", "x"]),
        json_values,
        max_size=5,
    ),
    json_values,
)
pages = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(["url", "title", "referrer", "other"]),
        st.one_of(st.none(), st.text(max_size=5), st.integers(), st.just("u" * 2049)),
        max_size=4,
    ),
    json_values,
)


@st.composite
def raw_events(draw: st.DrawFn) -> Any:
    event: dict[str, Any] = {}
    for name, strategy in (
        ("id", st.one_of(st.text(max_size=70), st.integers(), st.none())),
        ("ts", timestamps),
        ("type", types),
        ("props", props),
        ("page", pages),
        ("extra", st.integers()),
    ):
        wanted = draw(st.booleans()) or (name in ("id", "ts", "type") and draw(st.booleans()))
        if wanted and (name != "extra" or draw(st.integers(0, 9)) == 0):
            event[name] = draw(strategy)
    return draw(st.one_of(st.just(event), st.just(event), st.just(event), json_values))


def _same(a: Any, b: Any) -> bool:
    """Equal, counting NaN as equal to NaN."""
    return json_text(a) == json_text(b)


@settings(max_examples=3000, deadline=None)
@given(raw_events())
def test_fast_validation_agrees_with_the_model(raw: Any) -> None:
    expected = parse_event(raw)
    got = validate_event(raw)
    if isinstance(expected, Rejected):
        assert isinstance(got, Rejected)
        assert got == expected
        return
    assert isinstance(expected, EventIn) and isinstance(got, ValidEvent)
    assert (got.id, got.ts, got.type) == (expected.id, expected.ts, expected.type)
    assert got.ts.tzinfo is not None and got.ts.utcoffset() == expected.ts.utcoffset()
    assert _same(got.props, expected.props)
    assert got.page == (expected.page.model_dump(exclude_none=True) if expected.page else {})


def test_a_plain_event_takes_the_fast_path() -> None:
    raw = {
        "id": "e1",
        "ts": "2026-11-25T12:00:00.5Z",
        "type": "product.view",
        "props": {"id": "tv", "price": 899, "tags": ["a", {"b": 1}]},
        "page": {"url": "https://shop.example.org/tv", "extra": 1},
    }
    from hovor.tracking.schemas import _fast_event

    fast = _fast_event(raw)
    assert fast is not None
    assert fast.ts == datetime(2026, 11, 25, 12, 0, 0, 500000, tzinfo=UTC)
    assert fast.page == {"url": "https://shop.example.org/tv"}


def test_json_text_reads_back_as_the_standard_library_wrote_it() -> None:
    import json

    for value in [{"a": 1.5, "b": [1, "é"]}, {"n": 2**80}, {"x": float("inf")}, {"z": None}]:
        assert json.loads(json_text(value)) == json.loads(json.dumps(value)) or value == {
            "x": float("inf")
        }
    assert json_text({"x": float("nan")}) == '{"x": NaN}'


def test_ids_are_ulids() -> None:
    from ulid import ULID

    ids = [new_id(), *new_ids(50)]
    assert len(set(ids)) == 51
    for value in ids:
        assert len(value) == 26 and str(ULID.from_str(value)) == value
