"""Telegram end to end on a real server (both databases): an admin adds a bot's inbox, the
webhook guide's sample updates arrive through the real webhook route with the secret-token
header, and agents' replies leave through the outbox to a local stand-in of the Bot API,
which records exactly what would have been sent to Telegram."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.channels.telegram.provider import TOKEN, BotApi, bot_api, fixture
from tests.support.clients import Desktop, client_id
from tests.support.server import ADMIN, ServerProcess
from tests.support.waiting import eventually

pytestmark = pytest.mark.storage


@pytest.fixture
def api() -> Iterator[BotApi]:
    with bot_api() as api:
        yield api


def update(name: str, chat_id: int) -> dict[str, Any]:
    """A fixture from this chat: the samples' ids are the same in every test run."""
    data = fixture(name)
    for field in ("message", "edited_message"):
        if field in data:
            data[field]["chat"]["id"] = data[field]["from"]["id"] = chat_id
    return data


async def post_update(
    inbox: dict[str, Any], body: dict[str, Any] | bytes, secret: str | None = None
) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    token = inbox["webhook_secret"] if secret is None else secret
    headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token else {}
    async with httpx.AsyncClient() as client:
        return await client.post(inbox["webhook_url"], content=content, headers=headers)


async def conversation_of(admin: Desktop, chat: str) -> dict[str, Any]:
    async def find() -> dict[str, Any] | None:
        items = (await admin.change("GET", "/v1/conversations?view=all")).json()["items"]
        return next((c for c in items if (c["last_message"] or {}).get("author_id") == chat), None)

    found = await eventually(f"the conversation of chat {chat}", find)
    assert found is not None
    return found


async def delivery(admin: Desktop, conversation_id: str, message_id: str, status: str) -> Any:
    async def check() -> dict[str, Any] | None:
        r = await admin.change("GET", f"/v1/conversations/{conversation_id}/deliveries")
        found = next(d for d in r.json() if d["message_id"] == message_id)
        return found if found["status"] == status else None

    return await eventually(f"the reply {status}", check)


async def reply(admin: Desktop, conversation_id: str, body: str) -> dict[str, Any]:
    r = await admin.change(
        "POST",
        f"/v1/conversations/{conversation_id}/messages",
        json={"body": body, "client_id": client_id()},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_a_telegram_bot_in_and_out(server: ServerProcess, api: BotApi) -> None:
    chat_id = 100_000_000 + secrets.randbelow(800_000_000)
    chat = str(chat_id)
    admin = await Desktop(server).login(ADMIN)
    channels = {c["kind"]: c for c in (await admin.change("GET", "/v1/channels")).json()}
    assert channels["telegram"]["display_name"] == "Telegram" and channels["telegram"]["realtime"]
    bad = await admin.change(
        "POST", "/v1/inboxes", json={"kind": "telegram", "name": "x", "config": {}}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"][-1] == "bot_token"
    r = await admin.change(
        "POST",
        "/v1/inboxes",
        json={
            "kind": "telegram",
            "name": "Shop bot",
            "config": {"bot_token": TOKEN, "api_url": api.url},
        },
    )
    assert r.status_code == 201, r.text
    inbox = r.json()
    assert inbox["config"] == {"bot_token": "…ew11", "api_url": api.url}  # the token masked
    test = await admin.change("POST", f"/v1/inboxes/{inbox['id']}/test")
    assert test.json() == {"ok": True, "detail": "bot @hovor_shop_bot"}
    assert api.calls[-1]["path"] == f"/bot{TOKEN}/getMe"

    # Not from Telegram: refused, nothing stored. Not an Update: 422 naming the field.
    async with httpx.AsyncClient() as client:
        assert (await client.get(inbox["webhook_url"])).status_code == 403
    start = update("text_start.json", chat_id)
    for secret in ("", "forged", inbox["webhook_secret"][:-1]):
        assert (await post_update(inbox, start, secret=secret)).status_code == 403
    malformed = await post_update(inbox, {"update_id": 1, "message": {"message_id": 1}})
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["loc"] == ["body", "message", "chat"]

    # /start opens the conversation; Telegram's redelivery of the same update is stored once.
    first = await post_update(inbox, start)
    assert first.status_code == 200 and first.json() == {"received": 1, "receipts": 0}
    assert (await post_update(inbox, start)).json() == {"received": 0, "receipts": 0}
    ignored = await post_update(inbox, fixture("callback_query.json"))
    assert ignored.status_code == 200 and ignored.json() == {"received": 0, "receipts": 0}
    for name in ("photo.json", "document.json", "edited_message.json", "edited_message.json"):
        await post_update(inbox, update(name, chat_id))
    conversation = await conversation_of(admin, chat)
    assert conversation["channel"] == "telegram"
    assert conversation["contact"]["name"] == "Test Firstname Test Lastname"
    messages = await admin.change("GET", f"/v1/conversations/{conversation['id']}/messages")
    assert [m["body"] for m in messages.json()["items"]] == [
        "/start",
        "[photo] The parcel arrived damaged",
        "[document: Testfile.pdf]",
        "(edited) Edited text",
    ]
    contact = (await admin.change("GET", f"/v1/contacts/{conversation['contact']['id']}")).json()
    assert [(i["kind"], i["value"]) for i in contact["identities"]] == [("telegram", chat)]

    # The agent's reply: exactly one sendMessage to the chat, through the outbox.
    calls = len(api.calls)
    answer = await reply(admin, conversation["id"], "Zásilka dorazí zítra.")
    sent = await delivery(admin, conversation["id"], answer["id"], "sent")
    assert sent["attempts"] == 1
    (call,) = api.calls[calls:]
    assert call["path"] == f"/bot{TOKEN}/sendMessage"
    assert call["json"] == {"chat_id": chat_id, "text": "Zásilka dorazí zítra."}

    # The customer blocked the bot: final at once, with Telegram's reason.
    api.fail = (403, fixture("error_blocked.json"))
    blocked = await reply(admin, conversation["id"], "Ještě něco?")
    failed = await delivery(admin, conversation["id"], blocked["id"], "failed")
    assert failed["last_error"] == "Telegram refused (403): Forbidden: bot was blocked by the user"
    assert failed["attempts"] == 1
    r = await admin.change("POST", f"/v1/conversations/{conversation['id']}/close")
    assert r.status_code == 200, r.text
