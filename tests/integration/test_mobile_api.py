"""The mobile API end to end, through the reference client (hovor.sdk) against a real server:
a visitor chats over the socket, registers an FCM, an APNs and a Web Push device, closes the
socket, and the agent's next reply reaches each device through the outbox, signed as each
provider documents; a device the provider calls gone is removed; files go up and come down;
the privacy erase removes the visitor's devices and files. SQLite + memory bus, and
PostgreSQL + Redis (where a socket on any node counts as open).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest

from hovor.sdk import HovorClient, HovorError
from tests.channels.mobile.push_services import (
    ACCESS_TOKEN,
    GONE_FCM,
    KEY_ID,
    PROJECT,
    TEAM_ID,
    TOPIC,
    PushServices,
    browser,
    push_services,
)
from tests.conftest import BACKENDS, server_storage
from tests.support.clients import Desktop
from tests.support.conversations import agent_reply, delivery_in
from tests.support.server import ADMIN, DEMO_SITE_KEY, ServerProcess, run_server
from tests.support.waiting import eventually

pytestmark = pytest.mark.storage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(64)


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PushServices]:
    with push_services(tmp_path_factory.mktemp("push")) as found:
        yield found


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    services: PushServices,
) -> Iterator[ServerProcess]:
    tmp: Path = tmp_path_factory.mktemp("mobile")
    url, redis_url = server_storage(request.param, tmp)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in services.env.items():
            patch.setitem(os.environ, name, value)
        patch.setitem(os.environ, "HOVOR_DATA_DIR", str(tmp / "data"))
        with run_server(tmp, database_url=url, redis_url=redis_url) as process:
            yield process


def stored(server: ServerProcess, attachment_id: str) -> list[Path]:
    """The attachment's file under the server's data dir (with its final name)."""
    return list(Path(server.env["HOVOR_DATA_DIR"]).glob(f"attachments/*/{attachment_id}"))


async def identity_token(admin: Desktop, customer_id: str) -> str:
    """What the shop's back-end hands its signed-in customer: a JWT with the site's secret."""
    keys = (await admin.change("GET", "/v1/site-keys")).json()
    site = next(k for k in keys if k["key"] == DEMO_SITE_KEY)
    r = await admin.change("GET", f"/v1/site-keys/{site['id']}/identity-secret")
    assert r.status_code == 200, r.text
    now = int(time.time())
    claims = {"sub": customer_id, "aud": DEMO_SITE_KEY, "iat": now, "exp": now + 600}
    return jwt.encode(claims, r.json()["secret"], algorithm="HS256")


def sdk(server: ServerProcess) -> HovorClient:
    return HovorClient(server.base_url, DEMO_SITE_KEY, origin=server.origin)


async def deliveries(admin: Desktop, conversation_id: str, message_id: str) -> list[Any]:
    r = await admin.change("GET", f"/v1/conversations/{conversation_id}/deliveries")
    assert r.status_code == 200, r.text
    return [d for d in r.json() if d["message_id"] == message_id]


async def test_a_conversation_with_pushes_while_the_socket_is_closed(
    server: ServerProcess, services: PushServices
) -> None:
    admin = await Desktop(server).login(ADMIN)
    fcm_token = "fcm-" + os.urandom(20).hex()
    apns_token = os.urandom(32).hex()
    web = browser(services)
    fcm_before, apns_before = len(services.fcm_sends()), len(services.apns.calls)
    api_before = len(services.api.calls)
    async with sdk(server) as client:
        visitor_id = await client.start_session()
        # The customer signs in to the app: the shop's back-end signs who they are.
        identified = await client.identify(await identity_token(admin, "cust-1042"), name="Jana")
        assert identified["verified"] is True
        async with client.connect() as chat:
            assert chat.hello["visitor_id"] == visitor_id
            await chat.ping()
            await chat.typing(True)
            mine = await chat.send("Dobrý den, kde je moje objednávka č. 1042?")
            conversation_id = mine["conversation_id"]
            live = await agent_reply(admin, conversation_id, "Hned se podívám.")
            got = await chat.receive("message", where=lambda f: f["message"]["id"] == live["id"])
            assert got["message"]["body"] == "Hned se podívám."
            # Devices registered while the socket is open: a reply seen live is not pushed.
            fcm = await client.register_push("fcm", token=fcm_token, locale="cs-CZ")
            apns = await client.register_push("apns", token=apns_token, app_id=TOPIC)
            webpush = await client.register_push("webpush", subscription=web.subscription())
            seen = await agent_reply(admin, conversation_id, "Ještě jednou: vidíte mě?")
            await chat.receive("message", where=lambda f: f["message"]["id"] == seen["id"])
            await delivery_in(admin, conversation_id, seen["id"], "sent")
            assert [d["channel"] for d in await deliveries(admin, conversation_id, seen["id"])] == [
                "webchat"
            ]
        assert {t["id"] for t in await client.push_tokens()} == {
            fcm["id"],
            apns["id"],
            webpush["id"],
        }

        # The socket is closed: the reply goes to every device, one delivery each.
        reply = await agent_reply(admin, conversation_id, "Objednávka odešla dnes ráno 🚚")

        async def all_sent() -> list[Any] | None:
            found = await deliveries(admin, conversation_id, reply["id"])
            pushed = [d for d in found if d["channel"] == "push"]
            return found if len(pushed) == 3 and all(d["status"] == "sent" for d in found) else None

        await eventually("three pushes sent", all_sent)

        (sent,) = services.fcm_sends()[fcm_before:]
        assert sent["headers"]["authorization"] == f"Bearer {ACCESS_TOKEN}"
        message = sent["json"]["message"]
        assert message["token"] == fcm_token
        assert message["notification"]["body"] == "Objednávka odešla dnes ráno 🚚"
        assert message["data"] == {
            "hovor": "message",
            "conversation_id": conversation_id,
            "message_id": reply["id"],
        }
        # The server's token grant: asked once and cached (the stand-in serves both backends'
        # servers of this module, so earlier grants are the other server's).
        grants = [c for c in services.api.calls if c["path"] == "/token"]
        assert len([c for c in services.api.calls[api_before:] if c["path"] == "/token"]) <= 1
        grant = grants[-1]
        assert grant["form"]["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
        claims = jwt.decode(
            grant["form"]["assertion"],
            services.fcm_key.public_key(),
            algorithms=["RS256"],
            audience=f"{services.api.origin}/token",
        )
        assert claims["scope"] == "https://www.googleapis.com/auth/firebase.messaging"
        assert sent["path"] == f"/v1/projects/{PROJECT}/messages:send"

        (push,) = services.apns.calls[apns_before:]
        assert push["http_version"] == "2" and push["path"] == f"/3/device/{apns_token}"
        assert push["headers"]["apns-topic"] == TOPIC
        assert push["headers"]["apns-push-type"] == "alert"
        bearer = push["headers"]["authorization"].removeprefix("bearer ")
        assert jwt.get_unverified_header(bearer)["kid"] == KEY_ID
        assert jwt.decode(bearer, services.apns_key.public_key(), algorithms=["ES256"])["iss"] == (
            TEAM_ID
        )
        assert push["json"]["aps"]["alert"]["body"] == "Objednávka odešla dnes ráno 🚚"
        assert push["json"]["message_id"] == reply["id"]

        (delivered,) = [c for c in services.web_pushes() if c["path"] == web.endpoint[-22:]]
        assert delivered["headers"]["content-encoding"] == "aes128gcm"
        assert delivered["headers"]["authorization"].startswith("vapid t=")
        assert web.decrypt(delivered["body"])["body"] == "Objednávka odešla dnes ráno 🚚"

        # Reconnecting, the app reads what it missed.
        page = await client.history()
        assert [m["body"] for m in page["items"]][-1] == "Objednávka odešla dnes ráno 🚚"

        # Signed out on this phone: no more pushes to it.
        await client.unregister_push(fcm["id"])
        assert fcm["id"] not in {t["id"] for t in await client.push_tokens()}
        with pytest.raises(HovorError) as refused:
            await client.unregister_push(fcm["id"])
        assert refused.value.status == 404
    await admin.close()


async def test_a_device_the_provider_calls_gone_is_removed(
    server: ServerProcess, services: PushServices
) -> None:
    admin = await Desktop(server).login(ADMIN)
    async with sdk(server) as client:
        await client.start_session()
        async with client.connect() as chat:
            mine = await chat.send("Haló?")
        gone = await client.register_push("fcm", token=GONE_FCM)
        dead = await client.register_push("apns", token="dead" + os.urandom(30).hex())
        reply = await agent_reply(admin, mine["conversation_id"], "Jsme tu.")

        async def both_failed() -> list[Any] | None:
            found = await deliveries(admin, mine["conversation_id"], reply["id"])
            pushed = [d for d in found if d["channel"] == "push"]
            return (
                pushed
                if len(pushed) == 2 and all(d["status"] == "failed" for d in pushed)
                else None
            )

        failed = await eventually("both pushes failed", both_failed)
        reasons = sorted(d["last_error"] for d in failed)
        assert "Unregistered" in reasons[0] and "UNREGISTERED" in reasons[1], reasons
        assert all(d["attempts"] == 1 for d in failed)  # permanent: not retried
        assert {t["id"] for t in await client.push_tokens()} & {gone["id"], dead["id"]} == set()
    await admin.close()


async def test_push_tokens_are_checked(server: ServerProcess) -> None:
    async with sdk(server) as client:
        await client.start_session()
        cases: list[tuple[dict[str, Any], list[Any]]] = [
            ({"platform": "apns", "token": "not-hex"}, ["body", "token"]),
            ({"platform": "fcm"}, ["body", "token"]),
            ({"platform": "webpush"}, ["body", "subscription"]),
            (
                {
                    "platform": "webpush",
                    "subscription": {
                        "endpoint": "https://evil.example/push/1",
                        "keys": {"p256dh": "AA", "auth": "AA"},
                    },
                },
                ["body", "subscription", "endpoint"],
            ),
        ]
        for body, loc in cases:
            with pytest.raises(HovorError) as refused:
                await client.register_push(**body)
            assert refused.value.status == 422
            assert refused.value.problem["errors"][0]["loc"] == loc, refused.value.problem
        assert await client.push_tokens() == []
    anonymous = sdk(server)
    anonymous.token = "forged"
    with pytest.raises(HovorError) as refused:
        await anonymous.push_tokens()
    assert refused.value.status == 401
    await anonymous.close()


async def test_attachments_up_and_down(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    async with sdk(server) as client:
        await client.start_session()
        sent = await client.upload("účtenka.png", "image/png", PNG, client_id="upload-1")
        assert sent["size"] == len(PNG) and sent["content_type"] == "image/png"
        assert await client.download(sent["url"]) == PNG
        (path,) = stored(server, sent["id"])
        assert path.read_bytes() == PNG
        again = await client.upload("účtenka.png", "image/png", PNG, client_id="upload-1")
        assert again["id"] == sent["id"]  # a resend is stored once
        page = await client.history()
        (message,) = [m for m in page["items"] if m["id"] == sent["message_id"]]
        assert message["body"].startswith("📎 účtenka.png") and message["author_type"] == "visitor"
        # The agent opens the link in the message with their session.
        link = message["body"].splitlines()[-1]
        r = await admin.change("GET", link)
        assert r.status_code == 200 and r.content == PNG
        assert r.headers["content-type"] == "image/png"

        with pytest.raises(HovorError) as refused:
            await client.download(sent["url"].replace("signature=", "signature=0"))
        assert refused.value.status in (403, 422)
        with pytest.raises(HovorError) as refused:
            await client.upload("page.png", "image/png", b"<html>not a png</html>")
        assert refused.value.status == 422 and refused.value.problem["errors"][0]["loc"] == ["body"]
        with pytest.raises(HovorError) as refused:
            await client.upload("a.html", "text/html", b"<script>")
        assert refused.value.problem["errors"][0]["loc"] == ["header", "content-type"]
        with pytest.raises(HovorError) as refused:
            await client.upload("big.pdf", "application/pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024))
        assert refused.value.status == 413
        assert [a["id"] for a in await client.attachments()] == [sent["id"]]
    await admin.close()


async def test_erasing_the_contact_removes_devices_and_files(
    server: ServerProcess, services: PushServices
) -> None:
    admin = await Desktop(server).login(ADMIN)
    async with sdk(server) as client:
        await client.start_session()
        async with client.connect() as chat:
            mine = await chat.send("Smažte mě, prosím.")
        await client.register_push("fcm", token="fcm-" + os.urandom(20).hex())
        sent = await client.upload("note.txt", "text/plain", "Příliš žluťoučký kůň".encode())
        assert stored(server, sent["id"])
        r = await admin.change("GET", f"/v1/conversations/{mine['conversation_id']}")
        contact = r.json()["contact"]
        r = await admin.change(
            "POST", f"/v1/contacts/{contact['id']}/erase", json={"mode": "delete", "reason": "T-1"}
        )
        assert r.status_code == 200, r.text
        assert r.json()["counts"].get("push_tokens") == 1, r.json()
        assert r.json()["counts"].get("attachments") == 1, r.json()
        assert await client.push_tokens() == []
        with pytest.raises(HovorError) as refused:
            await client.download(sent["url"])
        assert refused.value.status == 404
        assert stored(server, sent["id"]) == []  # the file is gone from disk too
    await admin.close()
