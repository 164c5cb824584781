"""Clients that talk to a real server the way the desktop and the widget do."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import websockets

from tests.support.server import DEMO_PASSWORD, DEMO_SITE_KEY, ServerProcess


class Desktop:
    """An agent's desktop session: cookie, CSRF token, and its WebSocket."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.http = httpx.AsyncClient(base_url=server.base_url)
        self.csrf = ""
        self.user: dict[str, Any] = {}

    async def login(self, email: str, password: str = DEMO_PASSWORD) -> Desktop:
        r = await self.http.post("/v1/auth/login", json={"email": email, "password": password})
        r.raise_for_status()
        self.csrf = r.json()["csrf_token"]
        self.user = r.json()["user"]
        return self

    def change(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kwargs)

    async def socket(self) -> websockets.ClientConnection:
        cookie = self.http.cookies.get("hovor_session")
        return await websockets.connect(
            self.server.ws_url + "/v1/agent/ws",
            additional_headers={"cookie": f"hovor_session={cookie}", "origin": self.server.origin},
        )

    async def close(self) -> None:
        await self.http.aclose()


class Visitor:
    """A visitor's widget: a visitor token and a socket, from an allowed origin."""

    def __init__(
        self, server: ServerProcess, origin: str | None = None, site_key: str = DEMO_SITE_KEY
    ) -> None:
        self.server = server
        self.origin = origin or server.origin
        self.site_key = site_key
        self.token = ""
        self.visitor_id = ""

    async def start(self, previous: str | None = None) -> Visitor:
        async with httpx.AsyncClient(base_url=self.server.base_url) as http:
            r = await http.post(
                "/v1/widget/session",
                json={"site_key": self.site_key, "token": previous},
                headers={"origin": self.origin},
            )
        r.raise_for_status()
        self.token, self.visitor_id = r.json()["token"], r.json()["visitor_id"]
        return self

    async def connect(self) -> websockets.ClientConnection:
        return await websockets.connect(
            f"{self.server.ws_url}/v1/visitor?site={self.site_key}&token={self.token}",
            additional_headers={"origin": self.origin},
        )


async def receive(
    ws: websockets.ClientConnection, type_: str, within: float = 5.0
) -> dict[str, Any]:
    """The next frame of ``type_``, skipping others."""
    import asyncio

    async def wait() -> dict[str, Any]:
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == type_:
                return frame

    return await asyncio.wait_for(wait(), within)


async def receive_each(
    ws: websockets.ClientConnection, *types: str, within: float = 5.0
) -> dict[str, dict[str, Any]]:
    """The first frame of each of ``types``, in whatever order they come; others skipped."""
    import asyncio

    found: dict[str, dict[str, Any]] = {}

    async def wait() -> None:
        while len(found) < len(types):
            frame = json.loads(await ws.recv())
            if frame["type"] in types and frame["type"] not in found:
                found[frame["type"]] = frame

    await asyncio.wait_for(wait(), within)
    return found


async def send(ws: websockets.ClientConnection, frame: dict[str, Any]) -> None:
    await ws.send(json.dumps(frame))


def client_id() -> str:
    return str(uuid.uuid4())
