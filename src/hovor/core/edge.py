"""One guard at the edge for what no schema field should have to think about.

Every string that reaches a database must be storable there and every integer must fit
its column: PostgreSQL refuses the NUL character (U+0000) in text, and integers beyond
64 bits in bigint columns and in ``OFFSET``. Rather than a constraint on each field of
each schema, ``EdgeGuard`` refuses such input for every HTTP route and socket before it is
parsed into a schema, with the offending field's location, and refuses JSON nested deeper
than ``MAX_JSON_DEPTH``. Socket frames get the same checks in ``realtime.connection``
through ``unstorable``.
"""

from __future__ import annotations

import json
import types
from typing import Any, Union, get_args, get_origin
from urllib.parse import parse_qsl

from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hovor.core.frames import error_frame
from hovor.core.jsontext import JsonTooDeep, check_json_depth, compact_json
from hovor.core.problems import problem_response

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
NUL_MESSAGE = "must not contain the NUL character (U+0000)"
INT_MESSAGE = f"must be an integer from {INT64_MIN} to {INT64_MAX}"
MAX_ERRORS = 20
MAX_INSPECTED_BYTES = 1024 * 1024  # larger bodies (none of the JSON APIs) pass uninspected

# Nineteen digits in a row: a number that may not fit 64 bits. Found by mapping every digit
# to "0" and searching for a run as a substring: a regex took 20 µs per tracker event of a
# 50-event frame, a fifth of the server's CPU per event; this takes a tenth of that.
_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)
_LONG_RUN = b"0" * 19


def long_digit_run(data: str | bytes) -> bool:
    """Whether ``data`` holds 19 or more ASCII digits in a row."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return _LONG_RUN in raw.translate(_DIGITS_AS_ZERO)


_INSPECTED_TYPES = (b"json", b"text/plain")  # text/plain: the tracker's beacon
Loc = list[str | int]


def unstorable(value: Any, loc: Loc) -> list[dict[str, Any]]:
    """Field errors for the strings (keys too) holding a NUL and the integers outside 64
    bits in parsed JSON ``value``; iterative, so any depth the parser allowed is safe."""
    errors: list[dict[str, Any]] = []
    stack: list[tuple[Any, Loc]] = [(value, loc)]
    while stack and len(errors) < MAX_ERRORS:
        item, where = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                errors.append({"loc": where, "msg": NUL_MESSAGE})
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if not INT64_MIN <= item <= INT64_MAX:
                errors.append({"loc": where, "msg": INT_MESSAGE})
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                if "\x00" in key:
                    errors.append({"loc": [*where, key], "msg": NUL_MESSAGE})
                stack.append((child, [*where, key]))
        elif isinstance(item, list):
            stack.extend((child, [*where, i]) for i, child in reversed(list(enumerate(item))))
    return errors


def may_be_unstorable(text: str | bytes) -> bool:
    """Cheap test of JSON text: only then is the parsed value worth walking with
    ``unstorable`` (an escaped NUL, or a number of 19 digits or more)."""
    if isinstance(text, str):
        return "\\u0000" in text or long_digit_run(text)
    return b"\\u0000" in text or long_digit_run(text)


class EdgeGuard:
    """ASGI middleware: refuses a NUL in the path or query, an integer query or path
    parameter outside 64 bits, and a JSON body too deep, with a NUL or such an integer, as
    a 422 problem naming the field (a socket: an error frame, then close 1008)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        errors = _parameter_errors(scope)
        if not errors and scope["type"] == "http" and _inspected(scope):
            chunks, complete = await _read_body(receive)
            if complete:
                errors = _body_errors(b"".join(m.get("body", b"") for m in chunks))
            receive = _replay(chunks, receive)
        if not errors:
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:3])
            response = problem_response(
                422, "Invalid input", detail, errors=errors, code="invalid_input"
            )
            await response(scope, receive, send)
        else:
            await _refuse_socket(receive, send, errors)


def _parameter_errors(scope: Scope) -> list[dict[str, Any]]:
    raw_query: bytes = scope.get("query_string", b"")
    path: str = scope["path"]
    nul_in_path = "\x00" in path
    if not (
        nul_in_path or b"%00" in raw_query or long_digit_run(raw_query) or long_digit_run(path)
    ):
        return []
    dependant, path_params = _route(scope)
    errors: list[dict[str, Any]] = []
    integers = _integer_parameters(dependant)
    for name, value in path_params.items():
        if isinstance(value, str) and "\x00" in value:
            errors.append({"loc": ["path", name], "msg": NUL_MESSAGE})
        elif name in integers and _outside_int64(str(value)):
            errors.append({"loc": ["path", name], "msg": INT_MESSAGE})
    if nul_in_path and not errors:
        errors.append({"loc": ["path"], "msg": NUL_MESSAGE})
    for name, value in parse_qsl(raw_query.decode("latin-1"), keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            errors.append({"loc": ["query", name.replace("\x00", "")], "msg": NUL_MESSAGE})
        elif name in integers and _outside_int64(value):
            errors.append({"loc": ["query", name], "msg": INT_MESSAGE})
    return errors[:MAX_ERRORS]


def _route(scope: Scope) -> tuple[Dependant | None, dict[str, str]]:
    """The parameters of the route that will serve ``scope`` and its raw path parameters,
    found as the router finds them (only for the rare request that needs it)."""
    websocket = scope["type"] == "websocket"
    for context in iter_route_contexts(getattr(scope.get("app"), "routes", [])):
        regex = getattr(context, "path_regex", None)
        dependant = getattr(context, "dependant", None)
        if regex is None or not isinstance(dependant, Dependant):
            continue
        methods = context.methods
        if (methods is None) != websocket or (methods and scope["method"] not in methods):
            continue
        if found := regex.match(scope["path"]):
            return dependant, found.groupdict()
    return None, {}


def _integer_parameters(top: Dependant | None) -> set[str]:
    names: set[str] = set()
    dependants = [top] if top is not None else []
    while dependants:
        dependant = dependants.pop()
        fields = (*dependant.query_params, *dependant.path_params)
        names.update(f.alias for f in fields if _is_integer(f.field_info.annotation))
        dependants.extend(dependant.dependencies)
    return names


def _is_integer(annotation: Any) -> bool:
    if annotation is int:
        return True
    if get_origin(annotation) in (Union, types.UnionType, list, set, tuple):
        return any(_is_integer(arg) for arg in get_args(annotation))
    return False


def _outside_int64(value: str) -> bool:
    try:
        number = int(value)
    except ValueError:
        return False  # not a number: the schema's own validation says so
    return not INT64_MIN <= number <= INT64_MAX


def _inspected(scope: Scope) -> bool:
    if scope["method"] in ("GET", "HEAD", "OPTIONS"):
        return False
    for name, value in scope["headers"]:
        if name == b"content-type":
            return any(kind in value.lower() for kind in _INSPECTED_TYPES)
    return True  # FastAPI reads a body without a content type as JSON


async def _read_body(receive: Receive) -> tuple[list[Message], bool]:
    """The request's body messages up to ``MAX_INSPECTED_BYTES``; True when complete."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, False
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            return messages, True
        if size > MAX_INSPECTED_BYTES:
            return messages, False


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


def _body_errors(body: bytes) -> list[dict[str, Any]]:
    if body.lstrip()[:1] not in (b"{", b"["):
        return []
    try:
        check_json_depth(body)
        if not may_be_unstorable(body):
            return []
        value = json.loads(body)  # exact integers, as FastAPI reads them (orjson: floats)
    except JsonTooDeep as exc:
        return [{"loc": ["body"], "msg": str(exc)}]
    except ValueError:
        return []  # not JSON: the route's own parsing answers it
    return unstorable(value, ["body"])


async def _refuse_socket(receive: Receive, send: Send, errors: list[dict[str, Any]]) -> None:
    await receive()  # websocket.connect
    detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:3])
    frame = error_frame("invalid_input", detail)
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": compact_json(frame)})
    await send({"type": "websocket.close", "code": 1008, "reason": "invalid input"})
