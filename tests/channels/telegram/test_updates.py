"""Telegram updates: the webhook guide's sample updates parsed, the secret header checked,
what Hovor ignores acknowledged, and bodies that are not Updates refused naming the field."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest

from hovor.channels.base import InboxRef, RawInbound
from hovor.channels.telegram.adapter import SECRET_TOKEN, TelegramAdapter
from hovor.core.errors import Forbidden, InvalidInput
from tests.channels.telegram.provider import TOKEN, fixture

SECRET = secrets.token_urlsafe(24)  # what inboxes get (channels.inboxes.service)
INBOX = InboxRef("inbox-1", "ws-1", "telegram", {"bot_token": TOKEN}, SECRET)
adapter = TelegramAdapter()


def raw(body: bytes | dict[str, Any], secret: str | None = SECRET) -> RawInbound:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"x-telegram-bot-api-secret-token": secret} if secret is not None else {}
    return RawInbound(payload=None, headers=headers, inbox=INBOX, body=data)


def parsed(name: str) -> list[tuple[str, str, str | None, str | None]]:
    call = raw(fixture(name))
    adapter.verify(call)
    return [
        (m.source_id, m.body, m.provider_message_id, m.contact_name) for m in adapter.parse(call)
    ]


def test_inbox_secrets_are_valid_telegram_secret_tokens() -> None:
    # setWebhook accepts 1-256 characters of A-Z a-z 0-9 _ -; token_urlsafe uses only those.
    assert all(SECRET_TOKEN.fullmatch(secrets.token_urlsafe(24)) for _ in range(200))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("text_start.json", ("/start", "telegram:1111111:1365")),
        ("text.json", ("Bold and italics", "telegram:1111111:1366")),
        ("edited_message.json", ("(edited) Edited text", "telegram:1111111:1365:e1441646600")),
        ("document.json", ("[document: Testfile.pdf]", "telegram:1111111:1367")),
        ("photo.json", ("[photo] The parcel arrived damaged", "telegram:1111111:1368")),
        ("voice.json", ("[voice message]", "telegram:1111111:1369")),
    ],
)
def test_private_messages_become_one_inbound_each(name: str, expected: tuple[str, str]) -> None:
    body, message_id = expected
    assert parsed(name) == [("1111111", body, message_id, "Test Firstname Test Lastname")]
    (inbound,) = adapter.parse(raw(fixture(name)))
    assert (inbound.channel, inbound.identity_kind) == ("telegram", "telegram")
    assert (inbound.workspace_id, inbound.inbox_id) == ("ws-1", "inbox-1")


def test_the_name_falls_back_to_the_username() -> None:
    update = fixture("text.json")
    update["message"]["from"] = {"id": 1111111, "is_bot": False, "username": "eva_k"}
    assert parsed_update(update)[0].contact_name == "@eva_k"
    update["message"]["from"] = {"id": 1111111, "is_bot": False, "first_name": "Eva"}
    assert parsed_update(update)[0].contact_name == "Eva"


def parsed_update(update: dict[str, Any]) -> list[Any]:
    return adapter.parse(raw(update))


@pytest.mark.parametrize("name", ["callback_query.json", "group_message.json"])
def test_updates_that_are_not_private_messages_are_ignored(name: str) -> None:
    assert parsed(name) == []


def test_service_messages_and_other_bots_are_ignored() -> None:
    update = fixture("text.json")
    del update["message"]["text"]
    update["message"]["pinned_message"] = {"message_id": 1, "date": 1, "chat": {"id": 1}}
    assert parsed_update(update) == []
    bot = fixture("text.json")
    bot["message"]["from"]["is_bot"] = True
    assert parsed_update(bot) == []


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET[:-1], SECRET + "x", "žluť"])
def test_a_missing_or_wrong_secret_token_is_forbidden(secret: str | None) -> None:
    with pytest.raises(Forbidden, match="X-Telegram-Bot-Api-Secret-Token"):
        adapter.verify(raw(fixture("text.json"), secret=secret))


def _loc(body: bytes | dict[str, Any]) -> list[str | int]:
    with pytest.raises(InvalidInput) as caught:
        adapter.parse(raw(body))
    assert caught.value.errors is not None
    return list(caught.value.errors[0]["loc"])


def test_bodies_that_are_not_updates_are_refused_naming_the_field() -> None:
    assert _loc(b"not json") == ["body"]
    assert _loc(b"[]") == ["body"]
    assert _loc({"message": fixture("text.json")["message"]}) == ["body", "update_id"]
    update = fixture("text.json")
    update["message"]["chat"] = {"type": "private"}
    assert _loc(update) == ["body", "message", "chat", "id"]
    update = fixture("text.json")
    update["message"]["text"] = 42
    assert _loc(update) == ["body", "message", "text"]
    edited = fixture("edited_message.json")
    del edited["edited_message"]["edit_date"]
    assert _loc(edited) == ["body", "edited_message", "edit_date"]
    assert _loc({"update_id": 1, "message": "hi"}) == ["body", "message"]


def test_telegram_has_no_handshake_and_no_receipts() -> None:
    assert adapter.handshake(raw(b"", secret=SECRET)) is None
    assert adapter.receipts(raw(fixture("text.json"))) == []


def test_inbox_settings() -> None:
    assert adapter.check_config({"bot_token": f" {TOKEN} "}) == {
        "bot_token": TOKEN,
        "api_url": "https://api.telegram.org",
    }
    local = adapter.check_config({"bot_token": TOKEN, "api_url": "http://127.0.0.1:8081/"})
    assert local["api_url"] == "http://127.0.0.1:8081"
    refused: list[tuple[dict[str, Any], str]] = [
        ({}, "bot_token"),
        ({"bot_token": "not a token"}, "bot_token"),
        ({"bot_token": TOKEN, "api_url": "http://api.telegram.org"}, "api_url"),
        ({"bot_token": TOKEN, "api_url": "ftp://x"}, "api_url"),
        ({"bot_token": TOKEN, "api_url": 5}, "api_url"),
    ]
    for config, field in refused:
        with pytest.raises(InvalidInput) as caught:
            adapter.check_config(config)
        assert caught.value.errors is not None and caught.value.errors[0]["loc"][-1] == field
    names = [(f.name, f.secret, f.required) for f in adapter.config_fields]
    assert names == [("bot_token", True, True), ("api_url", False, False)]
