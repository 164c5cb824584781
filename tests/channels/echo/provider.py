"""A local stand-in of the echo channel's provider, in a thread of the test process.

It records every call, delivers each ``Idempotency-Key`` once (a repeated key answers the
first call's id, as real providers do), and can be told to hang a call (so a test can kill
the server while a send is in flight) or to fail with a status.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Provider:
    port: int = 0
    calls: list[dict[str, object]] = field(default_factory=list)
    delivered: dict[str, dict[str, object]] = field(default_factory=dict)  # by idempotency key
    hang: threading.Event | None = None  # set: calls wait until it is cleared… see hold()
    fail_status: int | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/messages"

    def wait_for_calls(self, n: int, timeout: float = 30.0) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.calls) >= n, timeout):
                raise TimeoutError(f"{len(self.calls)} calls, not {n}, within {timeout} s")

    def wait_for_deliveries(self, n: int, timeout: float = 30.0) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.delivered) >= n, timeout):
                raise TimeoutError(f"{len(self.delivered)} delivered, not {n}, in {timeout} s")


@contextmanager
def echo_provider() -> Iterator[Provider]:
    provider = Provider()
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(204)
            self.end_headers()

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            key = self.headers.get("Idempotency-Key", "")
            with provider.changed:
                provider.calls.append({"key": key, **body})
                provider.changed.notify_all()
            if provider.hang is not None and provider.hang.is_set():
                release.wait(60)  # the server is killed meanwhile; the answer goes nowhere
            with provider.changed:
                status = provider.fail_status or 200
                if status == 200 and key not in provider.delivered:
                    provider.delivered[key] = {"id": f"echo-{len(provider.delivered) + 1}", **body}
                provider.changed.notify_all()
            answer = json.dumps(provider.delivered.get(key) or {"error": "refused"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    provider.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        release.set()
        server.shutdown()
        server.server_close()
