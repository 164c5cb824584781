"""Messenger and Instagram Direct through a real server: Meta's verification handshake, its
sample payloads signed as Meta signs them and replayed through the generic webhook route,
replies sent through the outbox to a local stand-in of the Graph API (exactly what would
have gone to Meta), and Meta's delivery and read receipts applied to them."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hovor.channels.meta.webhook import sign
from tests.channels.meta.graph_api import (
    APP_SECRET,
    IG_ACCOUNT_ID,
    PAGE_ID,
    TOKEN,
    GraphApi,
    fixture_bytes,
    graph_api,
)
from tests.conftest import BACKENDS, server_storage
from tests.support.clients import Desktop
from tests.support.conversations import agent_reply, conversation_of, delivery_in
from tests.support.server import ADMIN, ServerProcess, run_server

pytestmark = pytest.mark.storage

PSID = "6729541283714562"  # the fixtures' customers
IGSID = "1914283958963178"


@pytest.fixture
def api() -> Iterator[GraphApi]:
    with graph_api() as api:
        yield api


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    url, redis_url = server_storage(request.param, tmp_path)
    with run_server(tmp_path, database_url=url, redis_url=redis_url) as server:
        yield server


def customer(fixture: str, *ids: str) -> tuple[bytes, list[str]]:
    """A fixture as a new customer sends it: the sample's scoped ids and message ids made
    unique (this module's tests share a server), the shape untouched."""
    body = fixture_bytes(fixture)
    fresh = []
    for old in ids:
        new = str(int(old) + secrets.randbelow(10**9) + 1)
        body = body.replace(old.encode(), new.encode())
        fresh.append(new)
    return body.replace(b'"mid": "m_', f'"mid": "m_{secrets.token_hex(3)}'.encode()), fresh


async def add_inbox(admin: Desktop, kind: str, account: dict[str, str], api: GraphApi) -> Any:
    config = {**account, "page_access_token": TOKEN, "app_secret": APP_SECRET, "api_base": api.url}
    r = await admin.change(
        "POST", "/v1/inboxes", json={"kind": kind, "name": kind, "config": config}
    )
    assert r.status_code == 201, r.text
    inbox = r.json()
    assert inbox["webhook_url"].endswith(f"/v1/channels/{kind}/{inbox['id']}/webhook")
    assert inbox["config"]["page_access_token"] == f"…{TOKEN[-4:]}"  # secrets never shown whole
    assert inbox["config"]["app_secret"] == f"…{APP_SECRET[-4:]}"
    return inbox


async def post(inbox: dict[str, Any], body: bytes, secret: str = APP_SECRET) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(
            inbox["webhook_url"],
            content=body,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(secret, body)},
        )


async def reply(admin: Desktop, conversation: dict[str, Any], body: str) -> dict[str, Any]:
    return await agent_reply(admin, conversation["id"], body)


async def delivery(admin: Desktop, conversation: dict[str, Any], message: dict[str, Any]) -> Any:
    r = await admin.change("GET", f"/v1/conversations/{conversation['id']}/deliveries")
    return next(d for d in r.json() if d["message_id"] == message["id"])


def in_status(
    admin: Desktop, conversation: dict[str, Any], message: dict[str, Any], status: str
) -> Awaitable[dict[str, Any]]:
    return delivery_in(admin, conversation["id"], message["id"], status)


async def close(admin: Desktop, *conversations: dict[str, Any]) -> None:
    for conversation in conversations:
        r = await admin.change("POST", f"/v1/conversations/{conversation['id']}/close")
        assert r.status_code == 200, r.text


def receipt(fixture: str, psid: str, mid: str) -> bytes:
    payload = json.loads(fixture_bytes(fixture))
    item = payload["entry"][0]["messaging"][0]
    item["sender"]["id"] = psid
    if "delivery" in item:
        item["delivery"]["mids"] = [mid]
    else:
        item["read"] = {"mid": mid}
    return json.dumps(payload, indent=2).encode()


def watermarked(fixture: str, psid: str, watermark: int | None = None) -> bytes:
    """Meta's sample read (or delivery, then without ``mids``) from ``psid``."""
    payload = json.loads(fixture_bytes(fixture))
    item = payload["entry"][0]["messaging"][0]
    item["sender"]["id"] = psid
    mark = item.get("read") or item["delivery"]
    mark.pop("mids", None)
    if watermark is not None:
        mark["watermark"] = watermark
    return json.dumps(payload).encode()


async def test_messenger_in_and_out(server: ServerProcess, api: GraphApi) -> None:
    admin = await Desktop(server).login(ADMIN)
    channels = {c["kind"]: c for c in (await admin.change("GET", "/v1/channels")).json()}
    assert channels["messenger"]["realtime"] and channels["messenger"]["inboxes"]
    inbox = await add_inbox(admin, "messenger", {"page_id": PAGE_ID}, api)
    async with httpx.AsyncClient() as client:
        query = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
        ok = await client.get(
            inbox["webhook_url"], params={**query, "hub.verify_token": inbox["webhook_secret"]}
        )
        assert (ok.status_code, ok.text) == (200, "1158201444")
        wrong = await client.get(inbox["webhook_url"], params={**query, "hub.verify_token": "x"})
        assert wrong.status_code == 403
    body, (psid,) = customer("messenger_text.json", PSID)
    assert (await post(inbox, body, secret="another app's secret")).status_code == 403
    malformed = await post(inbox, body.replace(b'"mid"', b'"id"'))
    assert malformed.status_code == 422 and malformed.json()["errors"][0]["loc"][-1] == "mid"
    first = await post(inbox, body)
    assert first.status_code == 200 and first.json() == {"received": 1, "receipts": 0}
    assert (await post(inbox, body)).json() == {"received": 0, "receipts": 0}  # Meta's retry
    # A batch: two messages and a postback; the page's echo, a delivery of a message that is
    # not ours and a read watermark are acknowledged and change nothing.
    batch, (psid2, other) = customer("messenger_batched.json", PSID, "5198436201975311")
    assert (await post(inbox, batch)).json() == {"received": 3, "receipts": 0}
    assert (await post(inbox, batch)).json() == {"received": 0, "receipts": 0}
    conversation = await conversation_of(admin, psid)
    assert conversation["channel"] == "messenger"
    assert conversation["contact"]["name"] == f"Messenger user {psid[-4:]}"
    second = await conversation_of(admin, psid2)
    assert second["last_message"]["body"] == "[image]"
    started = await conversation_of(admin, other)
    assert started["last_message"]["body"] == "Get Started"

    message = await reply(admin, conversation, "Zásilka dorazí zítra.")
    sent = await in_status(admin, conversation, message, "sent")
    assert sent["attempts"] == 1
    (call,) = api.calls
    assert (call["method"], call["path"], call["query"]) == ("POST", "/v21.0/me/messages", {})
    assert call["json"] == {
        "messaging_type": "RESPONSE",
        "recipient": {"id": psid},
        "message": {"text": "Zásilka dorazí zítra."},
    }
    assert call["headers"]["authorization"] == f"Bearer {TOKEN}"
    mid = f"m_{api.run}_1"
    delivered = await post(inbox, receipt("messenger_delivery.json", psid, mid))
    assert delivered.json() == {"received": 0, "receipts": 1}
    assert (await delivery(admin, conversation, message))["status"] == "delivered"
    # Read watermarks: the sample's (2016) is before our reply; another customer's covers
    # nothing of this one's; a watermark after the send marks it read.
    old = await post(inbox, watermarked("messenger_read.json", psid))
    assert old.json() == {"received": 0, "receipts": 0}
    now = int(time.time() * 1000) + 1000
    others = await post(inbox, watermarked("messenger_read.json", other, now))
    assert others.json() == {"received": 0, "receipts": 0}
    read = await post(inbox, watermarked("messenger_read.json", psid, now))
    assert read.json() == {"received": 0, "receipts": 1}
    assert (await delivery(admin, conversation, message))["status"] == "read"
    assert (await post(inbox, watermarked("messenger_read.json", psid, now))).json()[
        "receipts"
    ] == 0  # a repeat: nothing behind the watermark any more
    assert (await delivery(admin, conversation, message))["status"] == "read"
    # A delivery without mids (older Messenger clients): its watermark covers the reply.
    later = await reply(admin, second, "Fotka dorazila.")
    await in_status(admin, second, later, "sent")
    mark = int(time.time() * 1000) + 1000
    bare = await post(inbox, watermarked("messenger_delivery.json", psid2, mark))
    assert bare.json() == {"received": 0, "receipts": 1}
    assert (await delivery(admin, second, later))["status"] == "delivered"

    api.fail = (400, json.loads(fixture_bytes("send_error_blocked.json")))
    refused = await reply(admin, conversation, "Jste tam?")
    failed = await in_status(admin, conversation, refused, "failed")
    assert "(#551) This person isn't available right now." in failed["last_error"]
    assert failed["attempts"] == 1  # final at once
    api.fail = None
    test = await admin.change("POST", f"/v1/inboxes/{inbox['id']}/test")
    assert test.json() == {"ok": True, "detail": "connected to Demo Shop"}
    await close(admin, conversation, second, started)


async def test_instagram_in_and_out(server: ServerProcess, api: GraphApi) -> None:
    admin = await Desktop(server).login(ADMIN)
    inbox = await add_inbox(admin, "instagram", {"account_id": IG_ACCOUNT_ID}, api)
    body, (igsid,) = customer("instagram_text.json", IGSID)
    body = body.replace(b'"mid": "aWdf', f'"mid": "{secrets.token_hex(3)}aWdf'.encode())
    assert (await post(inbox, body)).json() == {"received": 1, "receipts": 0}
    assert (await post(inbox, body)).json() == {"received": 0, "receipts": 0}
    media, (igsid2,) = customer("instagram_media_echo.json", IGSID)
    assert (await post(inbox, media)).json() == {"received": 1, "receipts": 0}
    conversation = await conversation_of(admin, igsid)
    assert conversation["channel"] == "instagram"
    assert conversation["contact"]["name"] == f"Instagram user {igsid[-4:]}"
    message = await reply(admin, conversation, "Ano, máme.")
    await in_status(admin, conversation, message, "sent")
    (call,) = api.calls
    assert call["path"] == "/v21.0/me/messages"
    assert call["json"] == {"recipient": {"id": igsid}, "message": {"text": "Ano, máme."}}
    seen = await post(inbox, receipt("instagram_seen.json", igsid, f"m_{api.run}_1"))
    assert seen.json() == {"received": 0, "receipts": 1}
    assert (await delivery(admin, conversation, message))["status"] == "read"
    await close(admin, conversation, await conversation_of(admin, igsid2))
