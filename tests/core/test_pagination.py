"""Keyset cursors: what is encoded comes back; anything else is one field error."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hovor.core.errors import InvalidInput
from hovor.core.ids import new_id
from hovor.core.pagination import MAX_CURSOR, decode_cursor, encode_cursor

IDS = st.from_regex(r"[0-9A-Za-z_-]{1,64}", fullmatch=True)
# Any zone; a year of margin at both ends, where a zone's offset could leave datetime's range.
AWARE = st.datetimes(datetime(2, 1, 1), datetime(9998, 12, 31), timezones=st.timezones())


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@given(at=AWARE, row_id=IDS)
def test_a_cursor_gives_back_its_row(at: datetime, row_id: str) -> None:
    cursor = encode_cursor(at, row_id)
    assert len(cursor) <= MAX_CURSOR
    back_at, back_id = decode_cursor(cursor)
    # Compared in UTC: Python never finds a time in a DST fold equal to one in another zone.
    assert (back_at, back_id) == (at.astimezone(UTC), row_id)
    assert back_at.tzinfo is UTC


def test_the_same_instant_in_any_zone_is_the_same_cursor() -> None:
    at = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    prague = at.astimezone(timezone(timedelta(hours=1)))
    row = new_id()
    assert encode_cursor(at, row) == encode_cursor(prague, row)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "garbage!",
        "not-a-cursor",
        "A",  # a base64 length no encoder writes
        "a b",
        "žluťoučký",
        "x" * (MAX_CURSOR + 1),
        b64("12345"),  # no id
        b64(".01JABC"),  # no time
        b64("1e5.01JABC"),
        b64("+5.01JABC"),
        b64("1_000.01JABC"),
        b64("12345.id with space"),
        b64("12345.id\x00"),
        b64("99999999999999999999.01JABC"),  # too many digits
        b64("9999999999999999999.01JABC"),  # past datetime.max
        b64("2026-01-01T00:00:00|01JABC"),  # the old format, naive time and all
        base64.urlsafe_b64encode(b"\xff\xfe.x").decode(),
    ],
)
def test_anything_else_is_one_error_at_the_parameter(garbage: str) -> None:
    with pytest.raises(InvalidInput, match="invalid cursor") as err:
        decode_cursor(garbage, field="before")
    assert err.value.errors == [
        {"loc": ["query", "before"], "msg": "not a cursor this list gave out"}
    ]


@given(st.text(max_size=200))
def test_random_text_is_refused_or_read_as_a_row(text: str) -> None:
    try:
        at, row_id = decode_cursor(text)
    except InvalidInput as exc:
        assert exc.errors and exc.errors[0]["loc"] == ["query", "cursor"]
    else:
        assert at.tzinfo is UTC and row_id


def test_a_cursor_cannot_be_made_for_a_naive_time_or_an_odd_id() -> None:
    with pytest.raises(ValueError, match="time zone"):
        encode_cursor(datetime(2026, 1, 1), new_id())
    with pytest.raises(ValueError, match="cannot page"):
        encode_cursor(datetime(2026, 1, 1, tzinfo=UTC), "a.b")
