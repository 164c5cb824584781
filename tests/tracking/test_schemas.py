"""Tracker events: each is accepted or rejected on its own, with the reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hovor.tracking.enrich import device_from_user_agent, utm_from_url
from hovor.tracking.schemas import EventIn, Rejected, parse_event


def event(**over: object) -> dict[str, object]:
    return {"id": "e1", "ts": "2026-11-25T12:00:00Z", "type": "page.view", "props": {}, **over}


def test_valid_events_parse_with_epoch_or_iso_time() -> None:
    parsed = parse_event(event(ts=1_764_072_000_000))
    assert isinstance(parsed, EventIn)
    assert parsed.ts == datetime(2025, 11, 25, 12, 0, tzinfo=UTC)
    assert isinstance(parse_event(event(type="custom.thing_done")), EventIn)


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (event(type="Cart Add"), "type"),
        (event(ts="2026-11-25T12:00:00"), "time zone"),
        (event(type="product.view"), "props.id: required for product.view"),
        (
            event(type="cart.add", props={"id": "tv", "price": "cheap"}),
            "props.price: must be a number",
        ),
        (event(type="idle", props={"seconds": True}), "props.seconds: must be a number"),
        (event(props={"blob": "x" * 5000}), "4096 bytes"),
        (event(props={"a": {"b": {"c": {"d": 1}}}}), "3 levels"),
        (event(extra="field"), "extra"),
        ("not an object", "event"),
    ],
)
def test_invalid_events_say_why(raw: object, detail: str) -> None:
    parsed = parse_event(raw)
    assert isinstance(parsed, Rejected) and parsed.code == "invalid_event"
    assert detail.lower() in parsed.detail.lower()


def test_device_and_utm_enrichment() -> None:
    iphone = device_from_user_agent(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    )
    assert (iphone.kind, iphone.os) == ("mobile", "iOS")
    desktop = device_from_user_agent(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/156.0 Safari/537.36"
    )
    assert desktop.kind == "desktop"
    assert device_from_user_agent(None).kind == "unknown"
    assert utm_from_url("https://s.example.org/?utm_source=news&utm_campaign=bf&x=1") == {
        "source": "news",
        "campaign": "bf",
    }
