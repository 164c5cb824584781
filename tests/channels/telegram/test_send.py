"""Sending through the Bot API, against a local stand-in: what exactly goes out, and how
Telegram's refusals become permanent or retried failures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from hovor.channels.base import DeliveryFailed, InboxRef, Outbound, Sent
from hovor.channels.telegram import bot_api
from hovor.channels.telegram.adapter import MAX_TEXT, TelegramAdapter, split_text
from tests.channels.telegram.provider import TOKEN, BotApi, fixture
from tests.channels.telegram.provider import bot_api as bot_api_stand_in

adapter = TelegramAdapter()


@pytest.fixture
def api() -> Iterator[BotApi]:
    with bot_api_stand_in() as api:
        yield api


def inbox(api: BotApi) -> InboxRef:
    config = adapter.check_config({"bot_token": TOKEN, "api_url": api.url})
    return InboxRef("inbox-1", "ws-1", "telegram", config, "secret")


def outbound(api: BotApi, body: str, to: str = "1111111") -> Outbound:
    return Outbound(
        workspace_id="ws-1",
        channel="telegram",
        source_id=to,
        conversation_id="c-1",
        message={"id": "m-1", "body": body},
        delivery_id="d-1",
        inbox=inbox(api),
    )


async def test_a_reply_is_one_send_message_to_the_chat(api: BotApi) -> None:
    sent = await adapter.send(outbound(api, "Your parcel ships tomorrow."))
    assert sent == Sent("1111111:2001")  # message ids are per chat
    (call,) = api.calls
    assert call["path"] == f"/bot{TOKEN}/sendMessage"
    assert call["json"] == {"chat_id": 1111111, "text": "Your parcel ships tomorrow."}
    assert call["headers"]["Content-Type"] == "application/json"


async def test_a_long_reply_goes_out_in_parts_within_telegrams_limit(api: BotApi) -> None:
    text = ("Řádek s diakritikou. " * 200 + "\n") * 3  # 12,603 characters
    sent = await adapter.send(outbound(api, text))
    parts = [c["json"]["text"] for c in api.calls]
    assert len(parts) == 4 and all(len(p) <= MAX_TEXT for p in parts)
    assert " ".join(parts).split() == text.split()  # nothing lost, cut between words
    assert sent == Sent("1111111:2004")


def test_split_text() -> None:
    assert split_text("short") == ["short"]
    assert split_text("") == []
    assert split_text("a" * 10, limit=4) == ["aaaa", "aaaa", "aa"]  # no space: hard cut
    assert split_text("ab cd ef gh", limit=5) == ["ab cd", "ef gh"]


@pytest.mark.parametrize(
    ("status", "answer", "permanent", "reason"),
    [
        (403, "error_blocked.json", True, "Telegram refused (403): Forbidden: bot was blocked"),
        (401, "error_unauthorized.json", True, "Telegram refused (401): Unauthorized"),
        (
            429,
            "error_too_many_requests.json",
            False,
            "Telegram refused (429): Too Many Requests: retry after 35 (retry after 35 s)",
        ),
        (502, None, False, "Telegram answered 502 without a Bot API body"),
        (
            400,
            {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
            True,
            "Telegram refused (400): Bad Request: chat not found",
        ),
    ],
)
async def test_refusals_are_permanent_unless_a_retry_can_help(
    api: BotApi, status: int, answer: str | dict[str, Any] | None, permanent: bool, reason: str
) -> None:
    # None: a proxy's page, not a Bot API object
    api.fail = (status, fixture(answer) if isinstance(answer, str) else answer or [])
    with pytest.raises(DeliveryFailed) as caught:
        await adapter.send(outbound(api, "Hello"))
    assert caught.value.permanent is permanent
    assert caught.value.reason.startswith(reason)
    assert TOKEN not in caught.value.reason


async def test_a_timeout_or_no_server_is_retried_without_naming_the_token(
    api: BotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot_api, "TIMEOUT", httpx.Timeout(0.2))
    api.hang = True
    with pytest.raises(DeliveryFailed) as caught:
        await adapter.send(outbound(api, "Hello"))
    assert not caught.value.permanent and "did not answer in time" in caught.value.reason
    closed = InboxRef(
        "i", "ws-1", "telegram", {"bot_token": TOKEN, "api_url": "http://127.0.0.1:9"}, "s"
    )
    with pytest.raises(DeliveryFailed) as caught:
        await adapter.check_connection(closed)
    assert not caught.value.permanent and "could not be reached" in caught.value.reason
    assert TOKEN not in caught.value.reason


async def test_a_reply_without_its_inbox_fails_at_once(api: BotApi) -> None:
    gone = Outbound("ws-1", "telegram", "1111111", "c-1", {"body": "Hi"}, "d-1", inbox=None)
    with pytest.raises(DeliveryFailed) as caught:
        await adapter.send(gone)
    assert caught.value.permanent and api.calls == []
    with pytest.raises(DeliveryFailed, match="empty") as caught:
        await adapter.send(outbound(api, "   "))
    assert caught.value.permanent and api.calls == []


async def test_check_connection_names_the_bot(api: BotApi) -> None:
    assert await adapter.check_connection(inbox(api)) == "bot @hovor_shop_bot"
    assert api.calls[0]["path"] == f"/bot{TOKEN}/getMe"
    api.fail = (401, fixture("error_unauthorized.json"))
    with pytest.raises(DeliveryFailed, match="Unauthorized"):
        await adapter.check_connection(inbox(api))
