"""A local stand-in of the Telegram Bot API, in a thread of the test process.

It answers ``POST /bot<token>/<method>`` as the Bot API does (``sendMessage`` with the sent
Message, ``getMe`` with the bot) and records every call: path, JSON body and headers. A test
can make it refuse (``fail``: status and Bot API error body, e.g. the fixtures'
``error_blocked.json``) or hold calls until it is closed (``hang``, for timeouts).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parents[3] / "src/hovor/channels/telegram/fixtures"
TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"  # the Bot API docs' sample token


def fixture(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / name).read_text()))


@dataclass
class BotApi:
    port: int = 0
    calls: list[dict[str, Any]] = field(default_factory=list)
    fail: tuple[int, Any] | None = None  # status and body to answer
    hang: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)
    released: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for_calls(self, n: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.calls) >= n, timeout):
                raise TimeoutError(f"{len(self.calls)} calls, not {n}, within {timeout} s")
            return list(self.calls)

    def answer(self, method: str, body: dict[str, Any]) -> tuple[int, Any]:
        if self.fail is not None:
            return self.fail
        if method == "getMe":
            return 200, fixture("get_me_ok.json")
        if method == "sendMessage":
            sent = fixture("send_message_ok.json")
            sent["result"].update(
                message_id=2000 + len(self.calls), text=body["text"], chat={"id": body["chat_id"]}
            )
            return 200, sent
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


@contextmanager
def bot_api() -> Iterator[BotApi]:
    api = BotApi()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.loads(raw) if raw else {}
            method = self.path.rsplit("/", 1)[-1]
            with api.changed:
                api.calls.append(
                    {"path": self.path, "json": body, "headers": dict(self.headers.items())}
                )
                api.changed.notify_all()
                status, answer = api.answer(method, body)
            if api.hang:
                api.released.wait(60)  # until the test ends; the client has timed out
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

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
        api.released.set()
        server.shutdown()
        server.server_close()
