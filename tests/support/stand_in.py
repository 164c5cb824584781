"""A local stand-in of a provider's JSON API, in a thread of the test process.

Channel tests point an inbox's API base at it (nothing leaves the machine). It records every
call (method, path, query, JSON or form body, the raw body, lower-case headers) and answers what ``answer`` says
for it; ``hold`` keeps calls unanswered until the stand-in stops, so a test sees a timeout.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

FORM = "application/x-www-form-urlencoded"  # recorded as ``form`` (Twilio), else as ``json``
# The call just recorded (``calls[-1]``, which it may annotate) → status and JSON answer.
Answer = Callable[[dict[str, Any]], tuple[int, Any]]


@dataclass
class StandIn:
    answer: Answer
    port: int = 0
    calls: list[dict[str, Any]] = field(default_factory=list)
    hold: threading.Event = field(default_factory=threading.Event)  # set: calls hang
    changed: threading.Condition = field(default_factory=threading.Condition)
    stopped: threading.Event = field(default_factory=threading.Event)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for_calls(self, n: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.calls) >= n, timeout):
                raise TimeoutError(f"{len(self.calls)} calls, not {n}, within {timeout} s")
            return list(self.calls)


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None  # not JSON: the test reads ``body``


@contextmanager
def stand_in(answer: Answer) -> Iterator[StandIn]:
    api = StandIn(answer)

    class Handler(BaseHTTPRequestHandler):
        def _handle(self, method: str) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            form = self.headers.get("Content-Type", "").startswith(FORM)
            url = urlsplit(self.path)
            with api.changed:
                api.calls.append(
                    {
                        "method": method,
                        "path": url.path,
                        "query": dict(parse_qsl(url.query)),
                        "json": _json(raw) if raw and not form else None,
                        "body": raw,  # as sent (Web Push: encrypted bytes)
                        "form": dict(parse_qsl(raw.decode(), keep_blank_values=True))
                        if form
                        else None,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "raw": raw,  # the exact bytes (signatures are over them)
                    }
                )
                status, answer = api.answer(api.calls[-1])
                api.changed.notify_all()
            if api.hold.is_set():
                api.stopped.wait(30)  # the caller gives up first
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    api.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        api.stopped.set()
        server.shutdown()
        server.server_close()
