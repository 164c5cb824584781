"""A local stand-in of APNs: HTTP/2 only (h2c by prior knowledge), in a thread.

It answers as Apple documents (200 with ``apns-id``; 410 ``{"reason": "Unregistered",
"timestamp": …}`` for a device token starting with ``dead``; 400 ``BadDeviceToken`` for one
starting with ``bad``) and records each call with the HTTP version it came over.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from hypercorn.asyncio import serve
from hypercorn.config import Config

from tests.support.server import free_port


@dataclass
class Apns:
    port: int
    calls: list[dict[str, Any]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for_calls(self, n: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.calls) >= n, timeout):
                raise TimeoutError(f"{len(self.calls)} APNs calls, not {n}, within {timeout} s")
            return list(self.calls)


@contextmanager
def apns_stand_in() -> Iterator[Apns]:
    apns = Apns(free_port())

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            event = await receive()
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        token = scope["path"].rsplit("/", 1)[-1]
        if token.startswith("dead"):
            status, answer = 410, {"reason": "Unregistered", "timestamp": int(time.time() * 1000)}
        elif token.startswith("bad"):
            status, answer = 400, {"reason": "BadDeviceToken"}
        else:
            status, answer = 200, None
        with apns.changed:
            apns.calls.append(
                {
                    "method": scope["method"],
                    "path": scope["path"],
                    "http_version": scope["http_version"],
                    "headers": headers,
                    "json": json.loads(body) if body else None,
                    "status": status,
                }
            )
            apns.changed.notify_all()
        out = json.dumps(answer).encode() if answer is not None else b""
        reply = [(b"apns-id", headers.get("apns-id", "").encode())]
        if out:
            reply.append((b"content-type", b"application/json"))
        await send({"type": "http.response.start", "status": status, "headers": reply})
        await send({"type": "http.response.body", "body": out})

    config = Config()
    config.bind = [f"127.0.0.1:{apns.port}"]
    config.accesslog = None
    config.errorlog = None
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)

        async def main() -> None:
            loop.call_soon(started.set)
            await serve(app, config, shutdown_trigger=stop.wait)  # type: ignore[arg-type]

        loop.run_until_complete(main())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    _wait_listening(apns.port)
    try:
        yield apns
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)


def _wait_listening(port: int) -> None:
    import socket

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError("the APNs stand-in did not start")
