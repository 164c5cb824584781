"""Issue 21 on a real server: secrets rotate without dropping anyone, and an identity token
with a jti is accepted once. A server whose secret key was rotated (the old one in
HOVOR_SECRET_KEY_PREVIOUS) keeps the visitors of the old key; both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import websockets

from hovor.contacts.identity_tokens import IdentityKey, issue_identity_token
from hovor.core.visitor_tokens import VisitorClaims, VisitorTokens
from tests.conftest import BACKENDS, server_storage
from tests.support.clients import Desktop, Visitor, client_id, receive, send
from tests.support.server import ADMIN, DEMO_SITE_KEY, ServerProcess, run_server

pytestmark = pytest.mark.storage

OLD_KEY = "the-secret-key-before-rotation"


@pytest.fixture(params=BACKENDS)
def rotated(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ServerProcess]:
    """A server after a rotation of its secret key: the old key is the previous one."""
    monkeypatch.setenv("HOVOR_SECRET_KEY_PREVIOUS", OLD_KEY)
    url, redis_url = server_storage(request.param, tmp_path)
    with run_server(tmp_path, database_url=url, redis_url=redis_url) as process:
        yield process


async def old_token(admin: Desktop, visitor_id: str) -> str:
    """A visitor token as the server signed it before the rotation."""
    me = (await admin.http.get("/v1/auth/me")).json()
    keys = (await admin.http.get("/v1/site-keys")).json()
    site = next(k for k in keys if k["key"] == DEMO_SITE_KEY)
    return VisitorTokens(OLD_KEY).issue(
        VisitorClaims(me["workspace"]["id"], site["id"], visitor_id)
    )


async def test_visitors_of_the_previous_key_keep_their_sockets_and_reconnect(
    rotated: ServerProcess,
) -> None:
    admin = await Desktop(rotated).login(ADMIN)
    try:
        visitor = Visitor(rotated)
        visitor.visitor_id = "v_" + client_id()[:20]
        visitor.token = await old_token(admin, visitor.visitor_id)
    finally:
        await admin.close()
    async with await visitor.connect() as ws:
        assert (await receive(ws, "hello"))["visitor_id"] == visitor.visitor_id
        # The widget's next session start trades the old token for one of the current key.
        old = visitor.token
        await visitor.start(previous=old)
        assert visitor.token != old and visitor.visitor_id == visitor.visitor_id
        claims = VisitorTokens(rotated.env["HOVOR_SECRET_KEY"]).check(visitor.token)
        assert claims is not None and claims.visitor_id == visitor.visitor_id
        # The socket opened with the old token is still served.
        await send(ws, {"type": "message.send", "client_id": client_id(), "body": "still here"})
        await receive(ws, "message.ack")
        async with await visitor.connect() as again:
            assert (await receive(again, "hello"))["visitor_id"] == visitor.visitor_id
        visitor.token = old  # and the old token still reconnects during the grace
        async with await visitor.connect() as again:
            assert (await receive(again, "hello"))["visitor_id"] == visitor.visitor_id


async def test_a_token_of_a_key_no_longer_accepted_is_refused(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    try:
        visitor = Visitor(server)
        visitor.visitor_id = "v_" + client_id()[:20]
        visitor.token = await old_token(
            admin, visitor.visitor_id
        )  # HOVOR_SECRET_KEY_PREVIOUS unset
    finally:
        await admin.close()
    async with await visitor.connect() as ws:
        assert (await receive(ws, "error"))["code"] == "unauthorized"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def identify(server: ServerProcess, visitor: Visitor, token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        return await http.post(
            "/v1/widget/identify",
            json={"token": token},
            headers={"authorization": f"Bearer {visitor.token}", "origin": visitor.origin},
        )


async def test_identity_secret_rotation_and_token_replay(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    try:
        keys = (await admin.http.get("/v1/site-keys")).json()
        site = next(k for k in keys if k["key"] == DEMO_SITE_KEY)
        path = f"/v1/site-keys/{site['id']}/identity-secret"
        old = IdentityKey((await admin.http.get(path)).json()["secret"], DEMO_SITE_KEY)
        now = datetime.now(UTC)

        # A token with a jti is accepted once; its replay, from another browser, is refused.
        customer = f"cust-{client_id()[:8]}"
        token = issue_identity_token(old, customer, issued_at=now, jti=f"jti-{client_id()}")
        first = await identify(server, await Visitor(server).start(), token)
        assert first.status_code == 200, first.text
        intruder = await Visitor(server).start()
        replay = await identify(server, intruder, token)
        assert replay.status_code == 403
        assert "already used" in replay.json()["detail"]

        # Rotation with a grace: tokens of the old secret still verify, and the new one's.
        r = await admin.change("POST", path + "/rotate", params={"grace_hours": 2})
        assert r.status_code == 200, r.text
        assert r.json()["previous_valid_until"] is not None
        new = IdentityKey(r.json()["secret"], DEMO_SITE_KEY)
        for key in (old, new):
            ok = await identify(
                server,
                await Visitor(server).start(),
                issue_identity_token(key, customer, issued_at=now),
            )
            assert ok.status_code == 200, ok.text
        # A leaked secret: rotated with no grace, the previous one stops at once.
        r = await admin.change("POST", path + "/rotate", params={"grace_hours": 0})
        assert r.status_code == 200 and r.json()["previous_valid_until"] is None
        refused = await identify(
            server,
            await Visitor(server).start(),
            issue_identity_token(new, customer, issued_at=now),
        )
        assert refused.status_code == 403 and "bad signature" in refused.json()["detail"]
        too_long = await admin.change("POST", path + "/rotate", params={"grace_hours": 169})
        assert too_long.status_code == 422
    finally:
        await admin.close()
