"""A channel added as one folder, reached by the generic webhook route, answered through the
durable outbox; a server killed while a reply is being sent sends it exactly once after restart.

The channel is the test-only echo channel (tests/channels/echo), registered by one line:
``HOVOR_CHANNEL_ADAPTERS``. Its provider is a local stand-in that delivers each
``Idempotency-Key`` once.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.channels.echo.adapter import sign
from tests.channels.echo.provider import Provider, echo_provider
from tests.support.clients import Desktop, client_id
from tests.support.server import ADMIN, ServerProcess, run_server
from tests.support.services import REDIS_URL, require
from tests.support.waiting import eventually

pytestmark = pytest.mark.storage

ECHO = "tests.channels.echo.adapter:create"


@pytest.fixture
def provider() -> Iterator[Provider]:
    with echo_provider() as provider:
        yield provider


@pytest.fixture
def services(database_url: str) -> tuple[str, str | None]:
    if database_url.startswith("postgresql"):
        require(REDIS_URL, "Redis")
        return database_url, REDIS_URL
    return database_url, None


@contextmanager
def echo_server(
    tmp: Path, services: tuple[str, str | None], port: int | None = None
) -> Iterator[ServerProcess]:
    url, redis_url = services
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(os.environ, "HOVOR_CHANNEL_ADAPTERS", ECHO)
        patch.setitem(os.environ, "HOVOR_OUTBOX_CLAIM_SECONDS", "5")
        with run_server(tmp, database_url=url, redis_url=redis_url, port=port) as server:
            yield server


async def add_inbox(admin: Desktop, provider: Provider) -> dict[str, Any]:
    r = await admin.change(
        "POST",
        "/v1/inboxes",
        json={"kind": "echo", "name": "Echo", "config": {"url": provider.url}},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def post_webhook(
    server: ServerProcess,
    inbox: dict[str, Any],
    messages: list[dict[str, str]],
    secret: str = "",
    statuses: list[dict[str, str]] | None = None,
) -> httpx.Response:
    body = json.dumps({"messages": messages, "statuses": statuses or []}).encode()
    signature = sign(secret or inbox["webhook_secret"], body)
    async with httpx.AsyncClient() as client:
        return await client.post(
            inbox["webhook_url"], content=body, headers={"X-Echo-Signature": signature}
        )


async def echo_conversation(admin: Desktop, source: str) -> dict[str, Any]:
    async def find() -> dict[str, Any] | None:
        r = await admin.change("GET", "/v1/conversations?view=all")
        items = r.json()["items"]
        return next(
            (c for c in items if (c["last_message"] or {}).get("author_id") == source), None
        )

    return await eventually(f"a conversation from {source}", find)


async def delivery_of(admin: Desktop, conversation_id: str, message_id: str) -> dict[str, Any]:
    r = await admin.change("GET", f"/v1/conversations/{conversation_id}/deliveries")
    assert r.status_code == 200, r.text
    return next(d for d in r.json() if d["message_id"] == message_id)


async def test_a_new_channel_in_and_out_through_the_registry_and_the_outbox(
    tmp_path: Path, services: tuple[str, str | None], provider: Provider
) -> None:
    source = f"echo-user-{os.urandom(4).hex()}"
    with echo_server(tmp_path, services) as server:
        admin = await Desktop(server).login(ADMIN)
        channels = {c["kind"]: c for c in (await admin.change("GET", "/v1/channels")).json()}
        assert channels["echo"]["inboxes"] and channels["echo"]["display_name"] == "Echo (test)"
        assert not channels["email"]["realtime"] and not channels["callback"]["outbound"]
        inbox = await add_inbox(admin, provider)
        assert inbox["webhook_url"].endswith(f"/v1/channels/echo/{inbox['id']}/webhook")
        token_inbox = await admin.change(
            "POST",
            "/v1/inboxes",
            json={
                "kind": "echo",
                "name": "T",
                "config": {"url": provider.url, "token": "abcd1234"},
            },
        )
        assert token_inbox.json()["config"]["token"] == "…1234"  # a secret is never shown whole
        await admin.change("DELETE", f"/v1/inboxes/{token_inbox.json()['id']}")
        bad = await admin.change(
            "POST", "/v1/inboxes", json={"kind": "echo", "name": "x", "config": {"url": "ftp://"}}
        )
        assert bad.status_code == 422 and bad.json()["errors"][0]["loc"][-1] == "url"
        async with httpx.AsyncClient() as client:
            token = inbox["webhook_secret"]
            ok = await client.get(f"{inbox['webhook_url']}?token={token}&challenge=c-42")
            assert (ok.status_code, ok.text) == (200, "c-42")
            wrong = await client.get(f"{inbox['webhook_url']}?token=nope&challenge=c-42")
            assert wrong.status_code == 403
            other_kind = inbox["webhook_url"].replace("/echo/", "/email/")
            assert (await client.get(other_kind)).status_code == 404
        message = {
            "id": "m1",
            "from": source,
            "name": "Eva Echo",
            "text": "Dobrý den, kde je zásilka?",
        }
        assert (await post_webhook(server, inbox, [message], secret="forged")).status_code == 403
        malformed = await post_webhook(server, inbox, [{"id": "m2", "from": source}])
        assert malformed.status_code == 422 and malformed.json()["errors"][0]["loc"][-1] == "text"
        first = await post_webhook(server, inbox, [message])
        assert first.status_code == 200 and first.json() == {"received": 1, "receipts": 0}
        again = await post_webhook(server, inbox, [message])  # the provider's resend
        assert again.json() == {"received": 0, "receipts": 0}
        conversation = await echo_conversation(admin, source)
        assert conversation["channel"] == "echo" and conversation["contact"]["name"] == "Eva Echo"
        r = await admin.change(
            "POST",
            f"/v1/conversations/{conversation['id']}/messages",
            json={"body": "Zásilka dorazí zítra.", "client_id": client_id()},
        )
        assert r.status_code == 201, r.text
        reply = r.json()
        note = await admin.change(
            "POST",
            f"/v1/conversations/{conversation['id']}/messages",
            json={"body": "internal", "private": True, "client_id": client_id()},
        )
        assert note.status_code == 201
        await eventually("the reply sent", lambda: _sent(admin, conversation["id"], reply["id"]))
        delivery = await delivery_of(admin, conversation["id"], reply["id"])
        assert delivery["status"] == "sent" and delivery["attempts"] == 1
        assert [c["text"] for c in provider.calls] == ["Zásilka dorazí zítra."]  # no note
        assert provider.calls[0]["key"] == delivery["id"] and provider.calls[0]["to"] == source
        # The provider reports it read, then (late) delivered: the later report does not undo.
        receipt = await post_webhook(
            server,
            inbox,
            [],
            statuses=[{"id": "echo-1", "status": "read"}, {"id": "echo-1", "status": "delivered"}],
        )
        assert receipt.json() == {"received": 0, "receipts": 2}
        assert (await delivery_of(admin, conversation["id"], reply["id"]))["status"] == "read"
        test = await admin.change("POST", f"/v1/inboxes/{inbox['id']}/test")
        assert test.json() == {"ok": True, "detail": "the provider answered 204"}
        # A refusal is final with the provider's reason; "retry now" sends it again.
        provider.fail_status = 400
        r = await admin.change(
            "POST",
            f"/v1/conversations/{conversation['id']}/messages",
            json={"body": "Druhá", "client_id": client_id()},
        )
        second = r.json()
        failed = await eventually(
            "the refused reply failed",
            lambda: _in_status(admin, conversation["id"], second["id"], "failed"),
        )
        assert "400" in failed["last_error"]
        provider.fail_status = None
        r = await admin.change("POST", f"/v1/deliveries/{failed['id']}/retry")
        assert r.status_code == 200 and r.json()["status"] == "pending"
        await eventually(
            "the retried reply sent",
            lambda: _in_status(admin, conversation["id"], second["id"], "sent"),
        )
        again_sent = await admin.change("POST", f"/v1/deliveries/{failed['id']}/retry")
        assert again_sent.status_code == 409
        await close(admin, conversation["id"])


async def close(admin: Desktop, conversation_id: str) -> None:
    """An echo chat left waiting in the demo's queues would be routed to the agents of this
    module's later tests."""
    r = await admin.change("POST", f"/v1/conversations/{conversation_id}/close")
    assert r.status_code == 200, r.text


async def _in_status(
    admin: Desktop, conversation_id: str, message_id: str, status: str
) -> dict[str, Any] | None:
    delivery = await delivery_of(admin, conversation_id, message_id)
    return delivery if delivery["status"] == status else None


async def _sent(admin: Desktop, conversation_id: str, message_id: str) -> dict[str, Any] | None:
    return await _in_status(admin, conversation_id, message_id, "sent")


async def test_a_reply_in_flight_when_the_server_is_killed_goes_out_exactly_once(
    tmp_path: Path, services: tuple[str, str | None], provider: Provider
) -> None:
    source = f"echo-user-{os.urandom(4).hex()}"
    provider.hang = threading.Event()
    with echo_server(tmp_path, services) as server:
        port = int(server.base_url.rsplit(":", 1)[1])
        admin = await Desktop(server).login(ADMIN)
        inbox = await add_inbox(admin, provider)
        message = {"id": "k1", "from": source, "text": "Ahoj"}
        assert (await post_webhook(server, inbox, [message])).json()["received"] == 1
        conversation = await echo_conversation(admin, source)
        r = await admin.change(
            "POST",
            f"/v1/conversations/{conversation['id']}/messages",
            json={"body": "Jednou", "client_id": client_id()},
        )
        assert r.status_code == 201  # committed: the delivery is promised
        reply = r.json()
        provider.hang.set()  # the provider takes the call and does not answer
        provider.wait_for_calls(1)
        server.process.kill()  # kill -9 while the send is in flight, before it is recorded
        server.process.wait()
    provider.hang.clear()
    with echo_server(tmp_path, services, port=port) as server:
        admin = await Desktop(server).login(ADMIN)
        sent = await eventually(
            "the reply sent after the restart",
            lambda: _sent(admin, conversation["id"], reply["id"]),
            within=30,
        )
        assert sent["attempts"] == 2  # the claim's lease ran out; sent again
        # Before closing: a close sends the satisfaction survey, a delivery of its own.
        keys = [c["key"] for c in provider.calls]
        assert keys == [sent["id"], sent["id"]]  # the same idempotency key both times
        assert list(provider.delivered) == [sent["id"]]  # the customer got it once
        await close(admin, conversation["id"])
