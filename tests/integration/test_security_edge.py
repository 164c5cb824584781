"""Issue 21 at the edge of a real server, on SQLite and on PostgreSQL: a NUL, an integer
beyond 64 bits or JSON nested too deep is a field error (never a 500, never a dead
socket), and a visitor token holds only in its own workspace."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import websockets

from hovor.contacts.identity_tokens import IdentityKey, issue_identity_token
from hovor.core.visitor_tokens import VisitorClaims, VisitorTokens
from tests.support.clients import Desktop, Visitor, client_id, receive, send
from tests.support.server import ADMIN, DEMO_SITE_KEY, ServerProcess

pytestmark = pytest.mark.storage

SERVER_SECRET = "test-secret-key-for-integration"  # HOVOR_SECRET_KEY of tests.support.server
NUL = "must not contain the NUL character (U+0000)"


def field_errors(response: httpx.Response) -> list[tuple[list[object], str]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [(e["loc"], e["msg"]) for e in response.json()["errors"]]


async def test_a_nul_is_a_field_error_on_unauthenticated_endpoints(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        r = await http.post("/v1/auth/login", json={"email": "a\x00@b.c", "password": "x"})
        assert field_errors(r) == [(["body", "email"], NUL)]
        r = await http.post(
            "/v1/widget/session",
            json={"site_key": DEMO_SITE_KEY + "\x00", "token": None},
            headers={"origin": server.origin},
        )
        assert field_errors(r) == [(["body", "site_key"], NUL)]
        r = await http.post(
            "/v1/track?site=pk%00&token=t", content="{}", headers={"origin": server.origin}
        )
        assert field_errors(r) == [(["query", "site"], NUL)]


async def test_a_nul_in_query_path_and_body_for_an_agent(server: ServerProcess) -> None:
    desk = await Desktop(server).login(ADMIN)
    try:
        assert field_errors(await desk.http.get("/v1/contacts?q=a%00")) == [(["query", "q"], NUL)]
        r = await desk.http.get("/v1/contacts/c%00x")
        assert field_errors(r) == [(["path", "contact_id"], NUL)]
        r = await desk.change(
            "POST",
            "/v1/users",
            json={"email": "n@x.dev", "name": "N\x00", "password": "long-password-1"},
        )
        assert field_errors(r) == [(["body", "name"], NUL)]
        assert (await desk.http.get("/v1/contacts?q=a")).status_code == 200
    finally:
        await desk.close()


@pytest.mark.parametrize("path", ["/v1/contacts", "/v1/privacy-requests"])
async def test_an_offset_beyond_64_bits_is_a_field_error(server: ServerProcess, path: str) -> None:
    desk = await Desktop(server).login(ADMIN)
    try:
        r = await desk.http.get(f"{path}?offset={2**64}")
        assert [loc for loc, _ in field_errors(r)] == [["query", "offset"]]
        assert (await desk.http.get(f"{path}?offset={2**63 - 1}")).status_code == 200
    finally:
        await desk.close()


async def test_a_deep_body_is_refused_before_parsing(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        r = await http.post(
            "/v1/auth/login",
            content=b"[" * 5000 + b"]" * 5000,
            headers={"content-type": "application/json"},
        )
        assert field_errors(r) == [(["body"], "JSON may be nested at most 64 levels deep")]


async def test_the_visitor_socket_answers_bad_frames_and_stays_open(server: ServerProcess) -> None:
    visitor = await Visitor(server).start()
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        cid = client_id()
        await send(ws, {"type": "message.send", "client_id": cid, "body": "a\x00b"})
        error = await receive(ws, "error")
        assert error["code"] == "invalid_frame" and error["client_id"] == cid
        assert error["detail"] == f"body: {NUL}"

        await send(ws, {"type": "message.send", "client_id": "c\x00", "body": "hello"})
        error = await receive(ws, "error")
        assert error["code"] == "invalid_frame" and "client_id" not in error
        assert error["detail"] == f"client_id: {NUL}"

        await ws.send("[" * 5000 + "]" * 5000)
        error = await receive(ws, "error")
        assert error == {
            "type": "error",
            "code": "invalid_json",
            "detail": "JSON may be nested at most 64 levels deep",
        }

        await send(ws, {"type": "message.send", "client_id": cid, "body": "still here"})
        ack = await receive(ws, "message.ack")
        assert ack["message"]["body"] == "still here"


async def test_a_nul_in_the_socket_query_is_refused(server: ServerProcess) -> None:
    async with websockets.connect(
        f"{server.ws_url}/v1/visitor?site=pk%00&token=t",
        additional_headers={"origin": server.origin},
    ) as ws:
        frame = json.loads(await ws.recv())
        assert frame["code"] == "invalid_input"
        assert frame["detail"] == f"query.site: {NUL}"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_a_visitor_token_of_another_workspace_is_refused(server: ServerProcess) -> None:
    """Signed with the server's secret, naming the demo site but another workspace."""
    desk = await Desktop(server).login(ADMIN)
    try:
        sites = (await desk.http.get("/v1/site-keys")).json()
    finally:
        await desk.close()
    site_id = next(s["id"] for s in sites if s["key"] == DEMO_SITE_KEY)
    forged = VisitorTokens(SERVER_SECRET).issue(VisitorClaims("ws_other", site_id, "v_forged"))

    visitor = Visitor(server)
    visitor.token = forged
    async with await visitor.connect() as ws:
        frame = json.loads(await ws.recv())
        assert frame["code"] == "unauthorized"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401

    async with httpx.AsyncClient(base_url=server.base_url) as http:
        r = await http.get(
            "/v1/widget/messages",
            headers={"authorization": f"Bearer {forged}", "origin": server.origin},
        )
        assert r.status_code == 401
        r = await http.post(
            "/v1/track",
            params={"site": DEMO_SITE_KEY, "token": forged},
            content=json.dumps({"events": []}),
            headers={"origin": server.origin},
        )
        assert r.status_code == 401
    again = await Visitor(server).start(previous=forged)
    assert again.visitor_id != "v_forged"


async def test_identify_over_http_takes_a_token_and_refuses_an_expired_one(
    server: ServerProcess,
) -> None:
    desk = await Desktop(server).login(ADMIN)
    try:
        sites = (await desk.http.get("/v1/site-keys")).json()
        site_id = next(s["id"] for s in sites if s["key"] == DEMO_SITE_KEY)
        secret = (await desk.http.get(f"/v1/site-keys/{site_id}/identity-secret")).json()
    finally:
        await desk.close()
    key = IdentityKey(secret["secret"], DEMO_SITE_KEY)
    visitor = await Visitor(server).start()
    headers = {"authorization": f"Bearer {visitor.token}", "origin": server.origin}
    now = datetime.now(UTC)
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        expired = issue_identity_token(key, "cust-http", issued_at=now - timedelta(days=2))
        r = await http.post("/v1/widget/identify", json={"token": expired}, headers=headers)
        assert r.status_code == 403 and r.json()["detail"] == "invalid identity token: expired"
        token = issue_identity_token(key, "cust-http", issued_at=now)
        r = await http.post("/v1/widget/identify", json={"token": token}, headers=headers)
        assert r.status_code == 200 and r.json()["verified"] is True
