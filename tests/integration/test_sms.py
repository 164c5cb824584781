"""SMS end to end on a real server behind a proxy (both databases): the server runs with
HOVOR_PUBLIC_URL=https://hovor.example.org, Twilio signs that URL, and the fixtures arrive
through the real webhook route; agents' replies leave through the outbox to a local stand-in
of Twilio's REST API that records exactly what would have been sent, status callbacks move
them on, and after STOP a reply fails with the reason and nothing is sent."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from hovor.channels.sms.opt_out import OPTED_OUT
from tests.channels.sms.twilio_api import (
    AUTH_TOKEN,
    NUMBER,
    SENT_SID,
    TwilioApi,
    config,
    fixture_bytes,
    signed,
    twilio_api,
)
from tests.support.clients import Desktop
from tests.support.conversations import agent_reply, conversation_of, delivery_in
from tests.support.server import ADMIN, ServerProcess, run_server
from tests.support.services import REDIS_URL, require

pytestmark = pytest.mark.storage

PUBLIC_URL = "https://hovor.example.org"
SAMPLE_FROM = b"From=%2B14017122661"


@pytest.fixture
def api() -> Iterator[TwilioApi]:
    with twilio_api() as api:
        api.fresh_sids = True  # unique in a shared database
        yield api


@pytest.fixture
def proxied_server(tmp_path: Path, database_url: str) -> Iterator[ServerProcess]:
    redis_url = None
    if database_url.startswith("postgresql"):
        require(REDIS_URL, "Redis")
        redis_url = REDIS_URL
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(os.environ, "HOVOR_PUBLIC_URL", PUBLIC_URL)
        with run_server(tmp_path, database_url=database_url, redis_url=redis_url) as server:
            yield server


def from_customer(name: str, phone: str) -> bytes:
    """A fixture as this run's customer sent it, with fresh SIDs (the samples' repeat)."""
    body = fixture_bytes(name).replace(SAMPLE_FROM, b"From=%2B" + phone[1:].encode())
    sid = body.split(b"MessageSid=")[1][:34]
    return body.replace(sid, sid[:2] + secrets.token_hex(16).encode())


def status_of(name: str, sid: str) -> bytes:
    return fixture_bytes(name).replace(SENT_SID.encode(), sid.encode())


async def post(
    server: ServerProcess, inbox: dict[str, Any], body: bytes, signed_url: str | None = None
) -> httpx.Response:
    """POST as Twilio does through the proxy: to the server, signed over the public URL."""
    public = inbox["webhook_url"]
    headers = signed(signed_url or public, body)
    async with httpx.AsyncClient() as client:
        return await client.post(
            server.base_url + urlsplit(public).path, content=body, headers=headers
        )


async def test_an_sms_number_in_and_out_behind_a_proxy(
    proxied_server: ServerProcess, api: TwilioApi
) -> None:
    server = proxied_server
    phone = f"+1401712{secrets.randbelow(10**4):04d}"
    admin = await Desktop(server).login(ADMIN)
    channels = {c["kind"]: c for c in (await admin.change("GET", "/v1/channels")).json()}
    sms = channels["sms"]
    assert (sms["display_name"], sms["identity_kinds"], sms["realtime"], sms["inboxes"]) == (
        "SMS",
        ["phone"],
        True,
        True,
    )
    assert (sms["default_sla_seconds"], sms["default_capacity"]) == (300.0, 3)
    r = await admin.change(
        "POST", "/v1/inboxes", json={"kind": "sms", "name": "Shop", "config": config(api.url)}
    )
    assert r.status_code == 201, r.text
    inbox = r.json()
    assert inbox["webhook_url"] == f"{PUBLIC_URL}/v1/channels/sms/{inbox['id']}/webhook"
    assert inbox["config"]["auth_token"] == f"…{AUTH_TOKEN[-4:]}"
    assert inbox["config"]["phone_number"] == NUMBER
    async with httpx.AsyncClient() as client:  # Twilio verifies no URL
        handshake = await client.get(server.base_url + urlsplit(inbox["webhook_url"]).path)
        assert handshake.status_code == 403

    # Refused calls store nothing: no signature, the URL the server sees, another token.
    text = from_customer("text.txt", phone)
    local_url = server.base_url + urlsplit(inbox["webhook_url"]).path
    assert (await post(server, inbox, text, signed_url=local_url)).status_code == 403
    async with httpx.AsyncClient() as client:
        unsigned = await client.post(
            local_url, content=text, headers={"content-type": "application/x-www-form-urlencoded"}
        )
        assert unsigned.status_code == 403
    no_sender = text.replace(b"From=%2B", b"From=x")
    refused = await post(server, inbox, no_sender)
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == ["body", "From"]

    first = await post(server, inbox, text)
    assert first.status_code == 200 and first.json() == {"received": 1, "receipts": 0}
    assert (await post(server, inbox, text)).json() == {"received": 0, "receipts": 0}  # resent
    mms = await post(server, inbox, from_customer("mms.txt", phone))
    assert mms.json() == {"received": 1, "receipts": 0}

    conversation = await conversation_of(admin, phone)
    assert conversation["channel"] == "sms"
    r = await admin.change("GET", f"/v1/conversations/{conversation['id']}/messages")
    assert [m["body"] for m in r.json()["items"]] == [
        "Do you have the green jacket in size M?",
        "[photo] Is this the one?",
    ]
    contact = (await admin.change("GET", f"/v1/contacts/{conversation['contact']['id']}")).json()
    assert {"kind": "phone", "value": phone} in [
        {"kind": i["kind"], "value": i["value"]} for i in contact["identities"]
    ]

    # A reply goes to Twilio, reporting to the public webhook URL; callbacks move it on.
    answer = await agent_reply(admin, conversation["id"], "Yes, we have it in M.")
    await delivery_in(admin, conversation["id"], answer["id"], "sent")
    (call,) = api.wait_for_calls(1)
    assert call["form"] == {
        "To": phone,
        "From": NUMBER,
        "Body": "Yes, we have it in M.",
        "StatusCallback": inbox["webhook_url"],
    }
    assert call["headers"]["authorization"].startswith("Basic ")
    sent = await post(server, inbox, status_of("status_sent.txt", call["answered"]))
    assert sent.json() == {"received": 0, "receipts": 0}  # in flight: nothing to apply
    delivered = await post(server, inbox, status_of("status_delivered.txt", call["answered"]))
    assert delivered.json() == {"received": 0, "receipts": 1}
    await delivery_in(admin, conversation["id"], answer["id"], "delivered")

    second = await agent_reply(admin, conversation["id"], "Shall I reserve one?")
    await delivery_in(admin, conversation["id"], second["id"], "sent")
    sid = api.wait_for_calls(2)[1]["answered"]
    failed = await post(server, inbox, status_of("status_undelivered.txt", sid))
    assert failed.json() == {"received": 0, "receipts": 1}
    reported = await delivery_in(admin, conversation["id"], second["id"], "failed")
    assert reported["last_error"] == "Twilio error 30003"

    test = await admin.change("POST", f"/v1/inboxes/{inbox['id']}/test")
    assert test.json() == {"ok": True, "detail": "Lucky Shrub (active)"}

    # STOP: stored, and the next reply fails with the reason; nothing more is sent.
    stop = await post(server, inbox, from_customer("stop.txt", phone))
    assert stop.json() == {"received": 1, "receipts": 0}
    late = await agent_reply(admin, conversation["id"], "We have a discount for you")
    refused_reply = await delivery_in(admin, conversation["id"], late["id"], "failed")
    assert refused_reply["last_error"] == OPTED_OUT and refused_reply["attempts"] == 1
    assert len([c for c in api.calls if c["method"] == "POST"]) == 2
    r = await admin.change("POST", f"/v1/conversations/{conversation['id']}/close")
    assert r.status_code == 200, r.text  # other tests' servers share the PostgreSQL database
