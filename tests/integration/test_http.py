"""The HTTP API of a real server process: auth, CSRF, problems, isolation, rate limits."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx
import pytest

from tests.support.clients import Desktop, Visitor, client_id, receive, send
from tests.support.server import ADMIN, ALICE, DEMO_SITE_KEY, ServerProcess

pytestmark = pytest.mark.storage


async def test_login_me_logout(server: ServerProcess) -> None:
    desk = await Desktop(server).login(ALICE)
    try:
        me = (await desk.http.get("/v1/auth/me")).json()
        assert me["user"]["email"] == ALICE and me["workspace"]["name"] == "Demo Shop"
        assert me["csrf_token"] == desk.csrf
        cookie = desk.http.cookies.jar
        assert any(c.name == "hovor_session" and c.has_nonstandard_attr("HttpOnly") for c in cookie)
        await desk.change("PUT", "/v1/me/presence", json={"status": "online"})
        assert (await desk.change("POST", "/v1/auth/logout")).status_code == 204
        assert (await desk.http.get("/v1/auth/me")).status_code == 401
        again = await Desktop(server).login(ALICE)
        assert again.user["presence"] == "offline"  # logging out took her off routing
        await again.close()
    finally:
        await desk.close()


async def test_wrong_password_is_a_problem_response(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        r = await http.post("/v1/auth/login", json={"email": ADMIN, "password": "nope"})
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == "wrong e-mail or password"


async def test_changes_need_the_csrf_token(server: ServerProcess) -> None:
    desk = await Desktop(server).login(ALICE)
    try:
        r = await desk.http.put("/v1/me/presence", json={"status": "away"})
        assert r.status_code == 403 and "X-CSRF-Token" in r.json()["detail"]
        r = await desk.change("PUT", "/v1/me/presence", json={"status": "away"})
        assert r.status_code == 200 and r.json()["presence"] == "away"
    finally:
        await desk.change("PUT", "/v1/me/presence", json={"status": "offline"})
        await desk.close()


async def test_malformed_requests_name_the_field(server: ServerProcess) -> None:
    desk = await Desktop(server).login(ALICE)
    try:
        r = await desk.change("PUT", "/v1/me/presence", json={"status": "asleep"})
        assert r.status_code == 422
        assert r.json()["errors"][0]["loc"] == ["body", "status"]
        r = await desk.change(
            "PUT",
            "/v1/me/presence",
            content=b"{not json",
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 422
        r = await desk.http.get("/v1/conversations", params={"limit": 10_000})
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "limit"]
        r = await desk.http.get("/v1/conversations", params={"cursor": "garbage"})
        assert r.status_code == 422
    finally:
        await desk.close()


async def test_only_admins_manage_tokens_and_site_keys(server: ServerProcess) -> None:
    agent = await Desktop(server).login(ALICE)
    admin = await Desktop(server).login(ADMIN)
    try:
        assert (await agent.http.get("/v1/site-keys")).status_code == 403
        r = await admin.change("POST", "/v1/api-tokens", json={"name": "shop backend"})
        assert r.status_code == 201
        token = r.json()["token"]
        async with httpx.AsyncClient(
            base_url=server.base_url, headers={"authorization": f"Bearer {token}"}
        ) as api:
            keys = (await api.get("/v1/site-keys")).json()
            assert [k["key"] for k in keys] == [DEMO_SITE_KEY]
            # A bearer token needs no CSRF header.
            r = await api.post(
                "/v1/site-keys",
                json={"name": "Blog", "allowed_origins": ["https://blog.example.org"]},
            )
            assert r.status_code == 201 and r.json()["key"].startswith("pk_")
            r = await api.post(
                "/v1/site-keys", json={"name": "Bad", "allowed_origins": ["ftp://x"]}
            )
            assert r.status_code == 422
        async with httpx.AsyncClient(
            base_url=server.base_url, headers={"authorization": "Bearer hvr_forged"}
        ) as forged:
            assert (await forged.get("/v1/conversations")).status_code == 401
    finally:
        await agent.close()
        await admin.close()


async def test_other_workspace_gets_404(server: ServerProcess) -> None:
    """A user of another workspace cannot see or touch the demo's conversations."""
    env = {**server.env, "HOVOR_NEW_PASSWORD": "other-workspace-pass"}
    email = f"{client_id()[:8]}@other.example.org"
    await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "hovor.cli",
            "create-user",
            email,
            "--workspace",
            "Other Co",
            "--role",
            "admin",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    visitor = await Visitor(server).start()
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        await send(ws, {"type": "message.send", "client_id": client_id(), "body": "private"})
        ack = await receive(ws, "message.ack")
    conversation_id = ack["message"]["conversation_id"]
    other = await Desktop(server).login(email, "other-workspace-pass")
    try:
        assert (await other.http.get(f"/v1/conversations/{conversation_id}")).status_code == 404
        r = await other.change(
            "POST",
            f"/v1/conversations/{conversation_id}/messages",
            json={"body": "hi", "client_id": "x"},
        )
        assert r.status_code == 404
        listed = (await other.http.get("/v1/conversations", params={"view": "all"})).json()
        assert listed["items"] == []
    finally:
        await other.close()


async def test_login_is_rate_limited(server: ServerProcess) -> None:
    attempt = {"email": f"victim-{client_id()}@example.org", "password": "x"}
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        statuses = [(await http.post("/v1/auth/login", json=attempt)).status_code for _ in range(6)]
        assert statuses[:5] == [401] * 5 and statuses[5] == 429
        r = await http.post("/v1/auth/login", json=attempt)
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


async def test_widget_session_checks_site_key_and_origin(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        ok = await http.post(
            "/v1/widget/session",
            json={"site_key": DEMO_SITE_KEY},
            headers={"origin": server.origin},
        )
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == server.origin
        again = await http.post(
            "/v1/widget/session",
            json={"site_key": DEMO_SITE_KEY, "token": ok.json()["token"]},
            headers={"origin": server.origin},
        )
        assert again.json()["visitor_id"] == ok.json()["visitor_id"]
        foreign = await http.post(
            "/v1/widget/session",
            json={"site_key": DEMO_SITE_KEY},
            headers={"origin": "https://evil.example.org"},
        )
        assert (
            foreign.status_code == 403
            and foreign.json()["detail"] == "origin not allowed for this site key"
        )
        unknown = await http.post(
            "/v1/widget/session", json={"site_key": "pk_nope"}, headers={"origin": server.origin}
        )
        assert unknown.status_code == 403 and unknown.json()["detail"] == "unknown site key"
        preflight = await http.options(
            "/v1/widget/session",
            headers={"origin": "https://shop.example.org", "access-control-request-method": "POST"},
        )
        assert preflight.status_code == 204


async def test_demo_shop_carries_the_snippet(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        page = (await http.get("/demo/shop/")).text
        assert f'"{server.origin}/widget/loader.js", "{DEMO_SITE_KEY}"' in page
        assert (await http.get("/widget/loader.js")).status_code == 200
        assert (await http.get("/demo/shop/../../../etc/passwd")).status_code == 404


def test_startup_error_is_one_clear_line(tmp_path: object) -> None:
    env = {**os.environ, "HOVOR_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"}
    done = subprocess.run(
        [sys.executable, "-m", "hovor.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "hovor: cannot reach the database at postgresql+asyncpg://nobody@127.0.0.1:1/none"
    )
    env = {
        **os.environ,
        "HOVOR_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db",
        "HOVOR_REDIS_URL": "redis://127.0.0.1:1/0",
    }
    done = subprocess.run(
        [sys.executable, "-m", "hovor.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().startswith("hovor: cannot reach Redis at redis://127.0.0.1:1/0")
