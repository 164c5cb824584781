"""A request id in every log line of an HTTP request or WebSocket, and in the response header.

An ASGI middleware sets a context variable for the request's task; a logging filter copies it
onto each record (``%(request_id)s`` in the format; ``-`` outside a request). The id comes
from ``X-Request-ID`` when the request came through a reverse proxy (the peer is a trusted
proxy or loopback, or the proxy headers were believed) and the value is a plain token;
otherwise the process makes one.
"""

from __future__ import annotations

import logging
import re
import secrets
from contextvars import ContextVar

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hovor.ops.access import Peers

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

request_id: ContextVar[str] = ContextVar("hovor_request_id", default="-")
LOG_FORMAT = "%(levelname)s %(name)s [%(request_id)s]: %(message)s"


def new_id() -> str:
    return secrets.token_hex(8)


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def install_log_filter() -> None:
    """Every handler of the root logger gets the filter (idempotent)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp, peers: Peers) -> None:
        self.app = app
        self.peers = peers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        rid = self._given(scope) or new_id()
        token = request_id.set(rid)
        try:
            if scope["type"] == "http":
                await self.app(scope, receive, _with_header(send, rid))
            else:
                await self.app(scope, receive, send)
        finally:
            request_id.reset(token)

    def _given(self, scope: Scope) -> str | None:
        given: str | None = None
        forwarded = False
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                given = value.decode("latin-1")
            elif name == b"x-forwarded-for":
                forwarded = True
        if given is None or not _VALID.fullmatch(given):
            return None
        client = scope.get("client")
        if forwarded or (client and self.peers.trusted(client[0])):
            return given
        return None


def _with_header(send: Send, rid: str) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message)[HEADER] = rid
        await send(message)

    return sending
