"""Issue 21 on a real server: socket limits and frame sizes as documented, an Origin
required wherever a browser sends one, and X-Forwarded-For believed only from the
proxies in HOVOR_TRUSTED_PROXIES (the right-most untrusted address is the client)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
import websockets

from hovor.realtime.connection import MAX_SOCKETS_PER_VISITOR, WS_MAX_MESSAGE_BYTES
from tests.support.clients import Desktop, Visitor, receive, send
from tests.support.server import ALICE, DEMO_SITE_KEY, ServerProcess, run_server
from tests.support.waiting import eventually

pytestmark = pytest.mark.storage


async def closed_with(ws: websockets.ClientConnection) -> int | None:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await ws.recv()
    return closed.value.rcvd.code if closed.value.rcvd else None


async def test_sockets_per_visitor_are_limited(server: ServerProcess) -> None:
    visitor = await Visitor(server).start()
    async with AsyncExitStack() as stack:
        open_ = []
        for _ in range(MAX_SOCKETS_PER_VISITOR):
            ws = await stack.enter_async_context(await visitor.connect())
            await receive(ws, "hello")
            open_.append(ws)
        async with await visitor.connect() as refused:
            frame = json.loads(await refused.recv())
            assert frame["code"] == "rate_limited" and "sockets" in frame["detail"]
            assert await closed_with(refused) == 4429
        await open_[0].close()

        async def one_more_accepted() -> bool:
            # The server counts a socket until its handler ends, a moment after the close.
            async with await visitor.connect() as again:
                return bool(json.loads(await again.recv())["type"] == "hello")

        await eventually("a place freed by the closed socket", one_more_accepted)


async def test_a_large_frame_gets_an_error_frame_and_the_socket_stays_open(
    server: ServerProcess,
) -> None:
    visitor = await Visitor(server).start()
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        await ws.send(json.dumps({"type": "ping", "pad": "x" * 100_000}))
        error = await receive(ws, "error")
        assert error["code"] == "frame_too_large"
        await send(ws, {"type": "ping"})
        await receive(ws, "pong")
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        await ws.send("x" * (WS_MAX_MESSAGE_BYTES + 1))
        assert await closed_with(ws) == 1009


async def test_the_agent_socket_requires_an_origin(server: ServerProcess) -> None:
    desk = await Desktop(server).login(ALICE)
    try:
        cookie = desk.http.cookies.get("hovor_session")
        async with websockets.connect(
            server.ws_url + "/v1/agent/ws", additional_headers={"cookie": f"hovor_session={cookie}"}
        ) as ws:
            assert json.loads(await ws.recv())["code"] == "forbidden"
            assert await closed_with(ws) == 4403
    finally:
        await desk.close()


async def test_the_beacon_requires_an_origin(server: ServerProcess) -> None:
    visitor = await Visitor(server).start()
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        params = {"site": DEMO_SITE_KEY, "token": visitor.token}
        body = json.dumps({"events": []})
        r = await http.post("/v1/track", params=params, content=body)
        assert r.status_code == 403
        r = await http.post("/v1/track", params=params, content=body, headers={"origin": "x"})
        assert r.status_code == 403
        r = await http.post(
            "/v1/track", params=params, content=body, headers={"origin": server.origin}
        )
        assert r.status_code == 202


async def failed_logins(server: ServerProcess, forwarded: list[str]) -> list[int]:
    """Statuses of failed log-ins as from each X-Forwarded-For. Eight, not six: the limit
    counts in windows that start on the minute, and failures straddling that start weigh a
    little less (a sliding counter), so the sixth may still pass."""
    email = f"nobody-{secrets.token_hex(4)}@example.org"
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        return [
            (
                await http.post(
                    "/v1/auth/login",
                    json={"email": email, "password": "wrong"},
                    headers={"x-forwarded-for": value},
                )
            ).status_code
            for value in forwarded
        ]


@pytest.fixture(scope="module")
def server_without_proxy(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServerProcess]:
    tmp: Path = tmp_path_factory.mktemp("no-proxy")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOVOR_TRUSTED_PROXIES", "")
        with run_server(tmp, database_url=f"sqlite+aiosqlite:///{tmp / 'hovor.db'}") as process:
            yield process


async def test_without_a_trusted_proxy_the_header_is_ignored(
    server_without_proxy: ServerProcess,
) -> None:
    rotating = [f"198.51.100.{i}" for i in range(8)]
    statuses = await failed_logins(server_without_proxy, rotating)
    assert statuses[:5] == [401] * 5 and 429 in statuses


async def test_behind_a_trusted_proxy_the_rightmost_untrusted_address_counts(
    server: ServerProcess,
) -> None:
    # The default trusts 127.0.0.1, where the test client connects from.
    rotating = [f"198.51.100.{i}" for i in range(8)]
    assert await failed_logins(server, rotating) == [401] * 8
    spoofed = [f"198.51.100.{i}, 203.0.113.9" for i in range(8)]
    statuses = await failed_logins(server, spoofed)
    assert statuses[:5] == [401] * 5 and 429 in statuses
