"""What the relay accepts as a batch of rrweb events, and its size limit's message."""

from __future__ import annotations

import pytest

from hovor.cobrowse.relay import MAX_BATCH_BYTES, parse_events, too_large
from hovor.core.errors import InvalidInput


def test_a_batch_is_a_list_of_rrweb_events() -> None:
    assert parse_events('[{"type": 3, "timestamp": 1.5, "data": {}}]') == [
        {"type": 3, "timestamp": 1.5, "data": {}}
    ]
    deep = "[" * 500 + "]" * 500  # a deep page is fine: not the socket's frame depth limit
    with pytest.raises(InvalidInput):
        parse_events(deep)  # ... but it is not a list of events


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{}",
        "[]",
        '[{"type": "3", "timestamp": 1}]',
        '[{"type": true, "timestamp": 1}]',
        '[{"type": 3}]',
        '[{"type": 3, "timestamp": 1, "data": "\\u0000"}]',
        "[" * 100_000,
    ],
)
def test_anything_else_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(InvalidInput, match="events"):
        parse_events(text)


def test_too_large_says_how_large_and_the_limit() -> None:
    error = too_large(3 * 1024 * 1024)
    assert error.code == "snapshot_too_large" and error.status == 413
    assert error.detail == (
        "the page is too large to share: 3.0 MB in one batch, co-browsing takes at most 2 MB"
    )
    assert MAX_BATCH_BYTES == 2 * 1024 * 1024
