"""Meta's Send API as the outbox uses it: what is sent (URL, JSON, headers) to a local
stand-in of the Graph API, Meta's errors mapped to final or retried failures, and "test
connection"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from hovor.channels.base import DeliveryFailed, InboxRef, Outbound
from hovor.channels.meta.adapter import InstagramAdapter, MessengerAdapter
from tests.channels.meta.graph_api import (
    APP_SECRET,
    IG_ACCOUNT_ID,
    PAGE_ID,
    PAGE_NAME,
    TOKEN,
    GraphApi,
    fixture,
    graph_api,
)
from tests.support.server import free_port

PSID = "6729541283714562"


@pytest.fixture
def api() -> Iterator[GraphApi]:
    with graph_api() as api:
        yield api


def inbox(api_base: str, kind: str = "messenger") -> InboxRef:
    account = {"page_id": PAGE_ID} if kind == "messenger" else {"account_id": IG_ACCOUNT_ID}
    config = {**account, "page_access_token": TOKEN, "app_secret": APP_SECRET}
    return InboxRef("inbox-1", "ws-1", kind, {**config, "api_base": api_base}, "verify")


def outbound(
    api_base: str, body: str = "Zásilka dorazí zítra.", kind: str = "messenger"
) -> Outbound:
    return Outbound(
        workspace_id="ws-1",
        channel=kind,
        source_id=PSID,
        conversation_id="c-1",
        message={"id": "msg-1", "body": body},
        delivery_id="d-1",
        inbox=inbox(api_base, kind),
    )


async def test_a_messenger_reply_is_a_response_message_to_the_psid(api: GraphApi) -> None:
    sent = await MessengerAdapter().send(outbound(api.url))
    assert sent.provider_message_id == f"m_{api.run}_1"
    (call,) = api.calls
    assert (call["method"], call["path"], call["query"]) == ("POST", "/v21.0/me/messages", {})
    assert call["json"] == {
        "messaging_type": "RESPONSE",
        "recipient": {"id": PSID},
        "message": {"text": "Zásilka dorazí zítra."},
    }
    assert call["headers"]["authorization"] == f"Bearer {TOKEN}"  # never in the URL
    assert call["headers"]["content-type"] == "application/json"


async def test_an_instagram_reply_has_no_messaging_type(api: GraphApi) -> None:
    sent = await InstagramAdapter().send(outbound(api.url, "Ano, máme.", kind="instagram"))
    assert sent.provider_message_id == f"m_{api.run}_1"
    assert api.calls[0]["json"] == {"recipient": {"id": PSID}, "message": {"text": "Ano, máme."}}


@pytest.mark.parametrize(
    ("status", "body", "permanent", "reason"),
    [
        (
            400,
            fixture("send_error_blocked.json"),
            True,
            "isn't available right now. (code 551/1545041)",
        ),
        (400, fixture("send_error_rate_limit.json"), False, "exceeded the rate limit. (code 613)"),
        (429, {"error": {"message": "Too many", "code": 80006}}, False, "Too many (code 80006)"),
        (503, "<html>down</html>", False, 'Meta answered 503: "<html>down</html>"'),
        (
            401,
            {
                "error": {
                    "message": "Error validating access token",
                    "type": "OAuthException",
                    "code": 190,
                }
            },
            True,
            "Error validating access token (code 190)",
        ),
    ],
)
async def test_metas_errors_fail_for_good_or_are_retried(
    api: GraphApi, status: int, body: Any, permanent: bool, reason: str
) -> None:
    api.fail = (status, body)
    with pytest.raises(DeliveryFailed) as failed:
        await MessengerAdapter().send(outbound(api.url))
    assert failed.value.permanent is permanent
    assert failed.value.reason.startswith(f"Meta answered {status}: ")
    assert failed.value.reason.endswith(reason)


async def test_a_provider_that_does_not_answer_is_retried() -> None:
    with pytest.raises(DeliveryFailed) as failed:
        await MessengerAdapter().send(outbound(f"http://127.0.0.1:{free_port()}/v21.0"))
    assert not failed.value.permanent and "did not answer" in failed.value.reason


async def test_a_reply_too_long_for_the_channel_fails_without_a_call(api: GraphApi) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        await MessengerAdapter().send(outbound(api.url, "x" * 2001))
    assert failed.value.permanent and "at most 2000 characters" in failed.value.reason
    await MessengerAdapter().send(outbound(api.url, "x" * 2000))
    with pytest.raises(DeliveryFailed) as failed:  # Instagram counts bytes: 2 for "ž"
        await InstagramAdapter().send(outbound(api.url, "ž" * 501, kind="instagram"))
    assert "at most 1000 bytes (UTF-8); this reply has 1002" in failed.value.reason
    assert len(api.calls) == 1


async def test_a_reply_whose_inbox_was_removed_fails_for_good(api: GraphApi) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        await MessengerAdapter().send(replace(outbound(api.url), inbox=None))
    assert failed.value.permanent and not api.calls


async def test_test_connection_names_the_page(api: GraphApi) -> None:
    assert await MessengerAdapter().check_connection(inbox(api.url)) == f"connected to {PAGE_NAME}"
    (call,) = api.calls
    assert (call["method"], call["path"], call["query"]) == ("GET", "/v21.0/me", {"fields": "name"})
    assert call["headers"]["authorization"] == f"Bearer {TOKEN}"
    api.fail = (400, {"error": {"message": "Invalid OAuth access token.", "code": 190}})
    with pytest.raises(DeliveryFailed, match="Invalid OAuth access token"):
        await InstagramAdapter().check_connection(inbox(api.url, "instagram"))
