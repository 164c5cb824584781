"""Fast JSON text for values that came from JSON (tracker events), with the standard
library's exact meaning kept where the two differ."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# Deeper JSON is refused before it is parsed: the standard library's parser, and every
# recursive walk after it, would otherwise end in a RecursionError (5,000 levels fit in 10 KB).
MAX_JSON_DEPTH = 64


class JsonTooDeep(ValueError):
    """JSON text nested deeper than ``MAX_JSON_DEPTH``."""

    def __init__(self) -> None:
        super().__init__(f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep")


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
    with the rest (a ValueError; ``JsonTooDeep`` past ``MAX_JSON_DEPTH`` levels)."""
    check_json_depth(_utf8(text))
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _utf8(text: str | bytes) -> bytes:
    if isinstance(text, bytes):
        return text
    try:
        return text.encode()
    except UnicodeEncodeError:  # a lone surrogate, which the standard library reads
        return text.encode("utf-8", "surrogatepass")


def check_json_depth(data: bytes) -> None:
    """Raise ``JsonTooDeep`` when ``data`` nests deeper than ``MAX_JSON_DEPTH``, without
    parsing it. Short texts cannot be that deep; the others are reduced, in C, to their
    skeleton of brackets outside strings (escapes dropped, then every byte but quotes and
    brackets, then what stood between quotes), and innermost pairs are removed from it
    once per level. Text that is not JSON is left to the parser to refuse."""
    if len(data) <= 2 * MAX_JSON_DEPTH:
        return
    quoted = _ESCAPES.sub(b"", data).translate(_SAME_BRACKETS, _NOT_SKELETON)
    skeleton = quoted.replace(b'""', b"")  # strings without brackets, nearly all of them
    if b'"' in skeleton:
        skeleton = b"".join(quoted.split(b'"')[::2])
    for _level in range(MAX_JSON_DEPTH):
        inner = skeleton.replace(b"[]", b"")
        if inner == skeleton:
            return
        skeleton = inner
    if skeleton.replace(b"[]", b"") != skeleton:
        raise JsonTooDeep()


_ESCAPES = re.compile(rb"\\.", re.DOTALL)
_NOT_SKELETON = bytes(b for b in range(256) if b not in b'"[]{}')
_SAME_BRACKETS = bytes.maketrans(b"{}", b"[]")


def compact_json(frame: Any) -> str:
    """Compact JSON for a socket frame or a cache entry: like ``json.dumps(frame,
    default=str)``, except that NaN and infinities are written as null (browsers'
    JSON.parse refuses the standard library's NaN)."""
    try:
        return orjson.dumps(frame, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()
    except TypeError:  # an integer beyond 64 bits, or a key that is not a string
        return json.dumps(frame, default=str)
