"""Request ids: in the response header and in every log line of the request."""

from __future__ import annotations

import logging

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from hovor.ops.access import Peers
from hovor.ops.request_id import RequestIdFilter, RequestIdMiddleware

log = logging.getLogger("hovor.test_request_id")


class Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(request_id)s %(message)s"))
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


async def hello(_request: Request) -> PlainTextResponse:
    log.warning("handling")
    return PlainTextResponse("hi")


def client(host: str) -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/", hello)])
    wrapped = RequestIdMiddleware(app, peers=Peers("10.0.0.0/8"))
    transport = httpx.ASGITransport(app=wrapped, client=(host, 4321))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_the_id_names_the_log_lines_and_the_response() -> None:
    keep = Keep()
    log.addHandler(keep)
    try:
        async with client("203.0.113.9") as http:
            made = await http.get("/")
            spoofed = await http.get("/", headers={"X-Request-ID": "mine"})
        async with client("10.1.2.3") as http:
            kept = await http.get("/", headers={"X-Request-ID": "edge-7"})
            bad = await http.get("/", headers={"X-Request-ID": "a b"})
        log.warning("outside")
    finally:
        log.removeHandler(keep)
    rid = made.headers["x-request-id"]
    assert len(rid) == 16 and spoofed.headers["x-request-id"] != "mine"
    assert kept.headers["x-request-id"] == "edge-7"
    assert bad.headers["x-request-id"] not in ("a b", "")
    assert keep.lines == [
        f"{rid} handling",
        f"{spoofed.headers['x-request-id']} handling",
        "edge-7 handling",
        f"{bad.headers['x-request-id']} handling",
        "- outside",
    ]
