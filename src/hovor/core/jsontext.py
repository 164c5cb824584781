"""Fast JSON text for values that came from JSON (tracker events), with the standard
library's exact meaning kept where the two differ."""

from __future__ import annotations

import json
from typing import Any

import orjson


def json_text(value: Any) -> str:
    """``value`` as JSON text that ``json.loads`` reads back equal to what ``json.dumps``
    would have given. orjson is several times faster; where it would differ (integers
    beyond 64 bits, which it refuses, and NaN or infinities, which it writes as null) the
    standard library writes it."""
    try:
        out = orjson.dumps(value)
    except TypeError:
        return json.dumps(value)
    if b"null" in out:  # a None, or a NaN/infinity orjson turned into null: let json decide
        return json.dumps(value)
    return out.decode()


def json_bytes_len(value: Any) -> int | None:
    """The length of ``value`` as compact orjson bytes, or None where orjson cannot say."""
    try:
        return len(orjson.dumps(value))
    except TypeError:
        return None


def parse_json(text: str | bytes) -> Any:
    """``json.loads(text)``, through orjson where it can: the standard library reads what
    orjson refuses (integers beyond 64 bits, NaN, lone surrogates) and says what is wrong
    with the rest (a ValueError)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def compact_json(frame: Any) -> str:
    """Compact JSON for a socket frame or a cache entry: like ``json.dumps(frame,
    default=str)``, except that NaN and infinities are written as null (browsers'
    JSON.parse refuses the standard library's NaN)."""
    try:
        return orjson.dumps(frame, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()
    except TypeError:  # an integer beyond 64 bits, or a key that is not a string
        return json.dumps(frame, default=str)
