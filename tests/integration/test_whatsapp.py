"""WhatsApp end to end on a real server (both databases): an admin adds a number's inbox, Meta
verifies the URL, the fixtures arrive signed through the real webhook route, agents' replies
leave through the outbox to a local stand-in of the Cloud API that records exactly what would
have been sent, statuses move the replies on; outside the 24-hour window free text is refused
(409) and an approved template, listed from the stand-in, goes out instead."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from hovor.channels.meta.webhook import sign
from hovor.conversations.models import Message
from hovor.core import clock
from hovor.core.dispatch import Dispatcher
from hovor.db.transaction import Database
from tests.channels.whatsapp.cloud_api import (
    APP_SECRET,
    BUSINESS_ACCOUNT_ID,
    PHONE_NUMBER_ID,
    TOKEN,
    CloudApi,
    cloud_api,
    config,
    fixture_bytes,
)
from tests.support.clients import Desktop
from tests.support.conversations import agent_reply, conversation_of, delivery_in
from tests.support.server import ADMIN, ServerProcess

pytestmark = pytest.mark.storage

SAMPLE_WA_ID = "16505551234"  # the fixtures' customer


@pytest.fixture
def api() -> Iterator[CloudApi]:
    with cloud_api() as api:
        api.wamid_prefix = f"wamid.{secrets.token_hex(6)}-"  # unique in a shared database
        yield api


def from_customer(name: str, wa_id: str, wamid: str | None = None) -> bytes:
    """A fixture as this run's customer sent it (the samples' ids repeat across runs)."""
    body = fixture_bytes(name).replace(SAMPLE_WA_ID.encode(), wa_id.encode())
    if wamid is not None:
        statuses = json.loads(body)
        for change in statuses["entry"][0]["changes"]:
            for status in change["value"]["statuses"]:
                status["id"] = wamid
        body = json.dumps(statuses, indent=2).encode()
    return body


async def post(inbox: dict[str, Any], body: bytes, signature: str | None = None) -> httpx.Response:
    header = sign(APP_SECRET, body) if signature is None else signature
    headers = {"X-Hub-Signature-256": header, "Content-Type": "application/json"}
    async with httpx.AsyncClient() as client:
        return await client.post(
            inbox["webhook_url"], content=body, headers={k: v for k, v in headers.items() if v}
        )


async def test_a_whatsapp_number_in_and_out(server: ServerProcess, api: CloudApi) -> None:
    wa_id = f"420777{secrets.randbelow(10**6):06d}"
    phone = f"+{wa_id}"
    admin = await Desktop(server).login(ADMIN)
    channels = {c["kind"]: c for c in (await admin.change("GET", "/v1/channels")).json()}
    whatsapp = channels["whatsapp"]
    assert (whatsapp["identity_kinds"], whatsapp["realtime"], whatsapp["inboxes"]) == (
        ["phone"],
        True,
        True,
    )
    assert (whatsapp["default_sla_seconds"], whatsapp["default_capacity"]) == (300.0, 3)
    r = await admin.change(
        "POST", "/v1/inboxes", json={"kind": "whatsapp", "name": "Shop", "config": config(api.url)}
    )
    assert r.status_code == 201, r.text
    inbox = r.json()
    assert inbox["config"]["access_token"] == f"…{TOKEN[-4:]}"
    assert inbox["config"]["app_secret"] == f"…{APP_SECRET[-4:]}"
    assert inbox["config"]["phone_number_id"] == PHONE_NUMBER_ID

    # Meta's verification of the callback URL.
    verify = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
    async with httpx.AsyncClient() as client:
        ok = await client.get(
            inbox["webhook_url"], params={**verify, "hub.verify_token": inbox["webhook_secret"]}
        )
        assert (ok.status_code, ok.text) == (200, "1158201444")
        wrong = await client.get(inbox["webhook_url"], params={**verify, "hub.verify_token": "x"})
        assert wrong.status_code == 403

    # Refused calls store nothing.
    text = from_customer("text.json", wa_id)
    assert (await post(inbox, text, signature="")).status_code == 403
    assert (await post(inbox, text, signature=sign("not the app secret", text))).status_code == 403
    not_whatsapp = text.replace(b'"whatsapp_business_account"', b'"page"')
    refused = await post(inbox, not_whatsapp)
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == ["body", "object"]

    first = await post(inbox, text)
    assert first.status_code == 200 and first.json() == {"received": 1, "receipts": 0}
    assert (await post(inbox, text)).json() == {"received": 0, "receipts": 0}  # Meta's retry
    for name in ("image.json", "document.json", "location.json", "interactive_list.json"):
        got = await post(inbox, from_customer(name, wa_id))
        assert got.json() == {"received": 1, "receipts": 0}, name
    ignored = await post(inbox, from_customer("unsupported.json", wa_id))
    assert ignored.status_code == 200 and ignored.json() == {"received": 0, "receipts": 0}

    conversation = await conversation_of(admin, phone)
    assert conversation["channel"] == "whatsapp"
    assert conversation["contact"]["name"] == "Sheena Nelson"
    r = await admin.change("GET", f"/v1/conversations/{conversation['id']}/messages")
    assert [m["body"] for m in r.json()["items"]] == [
        "Does it come in another color?",
        "[photo] New TV!",
        "[document: lucky-shrub-invoice.pdf] Lucky Shrub Invoice",
        "[location] 37.483307,-122.148981 Main Street Beach, 1 Hacker Way, Menlo Park, CA 94025",
        "Express Shipping",
    ]
    contact = (await admin.change("GET", f"/v1/contacts/{conversation['contact']['id']}")).json()
    assert {"kind": "phone", "value": phone} in [
        {"kind": i["kind"], "value": i["value"]} for i in contact["identities"]
    ]

    # A reply goes to the Cloud API; statuses move it on.
    answer = await agent_reply(admin, conversation["id"], "Yes, in green.")
    sent = await delivery_in(admin, conversation["id"], answer["id"], "sent")
    (call,) = api.wait_for_calls(1)
    assert (call["method"], call["path"]) == ("POST", f"/v26.0/{PHONE_NUMBER_ID}/messages")
    assert call["json"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": phone,
        "type": "text",
        "text": {"body": "Yes, in green."},
        "biz_opaque_callback_data": sent["id"],
    }
    assert call["headers"]["authorization"] == f"Bearer {TOKEN}"
    statuses = await post(inbox, from_customer("statuses.json", wa_id, call["answered"]))
    assert statuses.json() == {"received": 0, "receipts": 2}  # delivered, read; "sent" skipped
    await delivery_in(admin, conversation["id"], answer["id"], "read")

    second = await agent_reply(admin, conversation["id"], "Shall I reserve one?")
    await delivery_in(admin, conversation["id"], second["id"], "sent")
    wamid = api.wait_for_calls(2)[1]["answered"]
    failed = await post(inbox, from_customer("status_failed.json", wa_id, wamid))
    assert failed.json() == {"received": 0, "receipts": 1}
    reported = await delivery_in(admin, conversation["id"], second["id"], "failed")
    assert reported["last_error"].startswith("131047 Re-engagement message: Message failed")

    test = await admin.change("POST", f"/v1/inboxes/{inbox['id']}/test")
    assert test.json() == {"ok": True, "detail": "+1 555-078-3881 (Lucky Shrub)"}

    window = (await admin.change("GET", f"/v1/conversations/{conversation['id']}/whatsapp")).json()
    assert window["free_text"] is True
    assert datetime.fromisoformat(window["closes_at"]) - datetime.fromisoformat(
        window["last_customer_message_at"]
    ) == timedelta(hours=24)

    # A day later the window is closed: free text is refused at once (409) and nothing is
    # stored or sent; an approved template goes out instead.
    db = Database(server.database_url, Dispatcher())
    try:
        async with db.transaction() as tx:
            await tx.session.execute(
                update(Message)
                .where(Message.conversation_id == conversation["id"])
                .values(created_at=clock.now() - timedelta(hours=25))
            )
    finally:
        await db.dispose()
    path = f"/v1/conversations/{conversation['id']}"
    window = (await admin.change("GET", f"{path}/whatsapp")).json()
    assert window["free_text"] is False
    late = await admin.change(
        "POST", f"{path}/messages", json={"body": "Are you still there?", "client_id": "late-1"}
    )
    assert late.status_code == 409, late.text
    assert "outside WhatsApp's 24-hour window" in late.json()["detail"]
    assert "only an approved template can be sent" in late.json()["detail"]
    stored = (await admin.change("GET", f"{path}/messages")).json()["items"]
    assert "Are you still there?" not in [m["body"] for m in stored]

    templates = await admin.change("GET", f"{path}/whatsapp/templates")
    assert templates.status_code == 200, templates.text
    offered = [(t["name"], t["language"], t["parameters"]) for t in templates.json()]
    assert offered == [("follow_up", "en_US", 1), ("order_shipped", "en_US", 3)]
    lists = [c for c in api.calls if c["path"].endswith("/message_templates")]
    assert [c["path"] for c in lists] == [f"/v26.0/{BUSINESS_ACCOUNT_ID}/message_templates"] * 2
    assert (await admin.change("GET", f"{path}/whatsapp/templates")).json() == templates.json()
    refreshed = await admin.change("POST", f"{path}/whatsapp/templates/refresh")
    assert refreshed.json() == templates.json()
    assert len([c for c in api.calls if c["path"].endswith("/message_templates")]) == 4

    wrong = await admin.change(
        "POST",
        f"{path}/whatsapp/templates/send",
        json={"name": "follow_up", "language": "en_US", "parameters": [], "client_id": "t-0"},
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["loc"] == ["body", "parameters"]
    r = await admin.change(
        "POST",
        f"{path}/whatsapp/templates/send",
        json={
            "name": "follow_up",
            "language": "en_US",
            "parameters": ["Sheena"],
            "client_id": "t-1",
        },
    )
    assert r.status_code == 201, r.text
    template = r.json()
    assert template["body"].startswith("Hello Sheena, we have an answer to your question.")
    delivered = await delivery_in(admin, conversation["id"], template["id"], "sent")
    posts = [c for c in api.calls if c["method"] == "POST"]
    assert len(posts) == 3
    assert posts[-1]["path"] == f"/v26.0/{PHONE_NUMBER_ID}/messages"
    assert posts[-1]["json"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": phone,
        "type": "template",
        "template": {
            "name": "follow_up",
            "language": {"code": "en_US"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": "Sheena"}]}],
        },
        "biz_opaque_callback_data": delivered["id"],
    }
    # Not a WhatsApp conversation, or another workspace's: 404.
    other = await admin.change("GET", "/v1/conversations/01NOSUCHCONVERSATION00000/whatsapp")
    assert other.status_code == 404
    r = await admin.change("POST", f"/v1/conversations/{conversation['id']}/close")
    assert r.status_code == 200, r.text  # other tests' servers share the PostgreSQL database
