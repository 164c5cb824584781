"""WhatsApp webhook calls as Meta sends them (the fixtures): the handshake, the signature over
the exact bytes, every message kind read as one line of text, statuses as receipts, and
bodies that are not what Meta sends refused naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hovor.channels.base import Inbound, RawInbound, Receipt
from hovor.channels.meta.webhook import sign
from hovor.channels.whatsapp.adapter import DEFAULT_API_BASE, WhatsAppAdapter
from hovor.core.dispatch import Dispatcher
from hovor.core.errors import Forbidden, InvalidInput
from hovor.db.transaction import Database
from tests.channels.whatsapp.cloud_api import (
    APP_SECRET,
    CUSTOMER,
    PHONE_NUMBER_ID,
    TOKEN,
    VERIFY_TOKEN,
    fixture,
    fixture_bytes,
    inbox_ref,
)


@pytest.fixture
def adapter() -> WhatsAppAdapter:
    # Reading webhooks never touches the database; sending does (test_send.py).
    return WhatsAppAdapter(Database("sqlite+aiosqlite:///:memory:", Dispatcher()))


def call(body: bytes, *, signature: str | None = None, **query: str) -> RawInbound:
    header = sign(APP_SECRET, body) if signature is None else signature
    return RawInbound(
        payload=None,
        headers={"x-hub-signature-256": header} if header else {},
        workspace_id="ws-1",
        inbox=inbox_ref("http://127.0.0.1:9/v26.0"),
        body=body,
        query=query,
    )


def parsed(adapter: WhatsAppAdapter, name: str) -> list[Inbound]:
    raw = call(fixture_bytes(name))
    adapter.verify(raw)
    return adapter.parse(raw)


def test_the_handshake_echoes_the_challenge_only_for_the_inbox_verify_token(
    adapter: WhatsAppAdapter,
) -> None:
    good = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    assert adapter.handshake(call(b"", **good)) == "1158201444"
    assert adapter.handshake(call(b"", **{**good, "hub.verify_token": "guess"})) is None
    assert adapter.handshake(call(b"", **{**good, "hub.mode": "unsubscribe"})) is None
    assert adapter.handshake(call(b"", **{"hub.challenge": "1"})) is None


def test_only_the_app_secret_signature_of_the_exact_bytes_passes(adapter: WhatsAppAdapter) -> None:
    body = fixture_bytes("text.json")
    adapter.verify(call(body))
    reserialised = json.dumps(json.loads(body)).encode()  # same JSON, other bytes
    with pytest.raises(Forbidden):
        adapter.verify(call(reserialised, signature=sign(APP_SECRET, body)))
    with pytest.raises(Forbidden):
        adapter.verify(call(body, signature=sign("another app's secret", body)))
    with pytest.raises(Forbidden):
        adapter.verify(call(body, signature=""))
    with pytest.raises(Forbidden):  # the bare hex without Meta's "sha256=" prefix
        adapter.verify(call(body, signature=sign(APP_SECRET, body).removeprefix("sha256=")))


def test_a_text_message_is_a_phone_contact_named_from_the_profile(
    adapter: WhatsAppAdapter,
) -> None:
    (message,) = parsed(adapter, "text.json")
    assert message.source_id == CUSTOMER and message.identity_kind == "phone"
    assert message.body == "Does it come in another color?"
    assert message.contact_name == "Sheena Nelson"
    assert (message.channel, message.inbox_id, message.workspace_id) == (
        "whatsapp",
        "inbox-1",
        "ws-1",
    )
    key = message.provider_message_id
    assert key is not None and key.startswith("whatsapp:") and len(key) <= 64
    assert parsed(adapter, "text.json")[0].provider_message_id == key  # a resend: the same key


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("image.json", "[photo] New TV!"),
        ("document.json", "[document: lucky-shrub-invoice.pdf] Lucky Shrub Invoice"),
        (
            "location.json",
            "[location] 37.483307,-122.148981 Main Street Beach, 1 Hacker Way, Menlo Park, CA 94025",
        ),
        ("interactive_button.json", "Cancel"),
        ("interactive_list.json", "Express Shipping"),
    ],
)
def test_media_locations_and_replies_become_one_line_of_text(
    adapter: WhatsAppAdapter, name: str, body: str
) -> None:
    (message,) = parsed(adapter, name)
    assert message.body == body and message.source_id == CUSTOMER


def test_a_batched_call_gives_every_message_with_its_own_sender(adapter: WhatsAppAdapter) -> None:
    messages = parsed(adapter, "batched.json")
    assert [(m.source_id, m.contact_name, m.body) for m in messages] == [
        (CUSTOMER, "Sheena Nelson", "Hi, is the order shipped?"),
        (CUSTOMER, "Sheena Nelson", "Order 1042"),
        ("+16315551181", "Pablo Morales", "Hello"),
    ]
    assert len({m.provider_message_id for m in messages}) == 3


def test_reactions_and_unsupported_messages_are_acknowledged_and_ignored(
    adapter: WhatsAppAdapter,
) -> None:
    raw = call(fixture_bytes("unsupported.json"))
    assert adapter.parse(raw) == [] and adapter.receipts(raw) == []


def test_statuses_are_receipts_and_sent_is_left_to_the_outbox(adapter: WhatsAppAdapter) -> None:
    wamid = fixture("send_response.json")["messages"][0]["id"]
    raw = call(fixture_bytes("statuses.json"))
    assert adapter.parse(raw) == []
    assert adapter.receipts(raw) == [
        Receipt("ws-1", "whatsapp", wamid, "delivered"),
        Receipt("ws-1", "whatsapp", wamid, "read"),
    ]
    (failed,) = adapter.receipts(call(fixture_bytes("status_failed.json")))
    assert (failed.provider_message_id, failed.status) == (wamid, "failed")
    assert failed.error == (
        "131047 Re-engagement message: Message failed to send because more than 24 hours "
        "have passed since the customer last replied to this number."
    )


def test_another_numbers_changes_are_left_to_its_own_inbox(adapter: WhatsAppAdapter) -> None:
    payload = fixture("text.json")
    payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999000111"
    assert adapter.parse(call(json.dumps(payload).encode())) == []


def _broken(change: Any) -> bytes:
    payload = fixture("text.json")
    change(payload)
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (b"not json", ["body"]),
        (_broken(lambda p: p.update(object="page")), ["body", "object"]),
        (_broken(lambda p: p.update(entry={})), ["body", "entry"]),
        (
            _broken(lambda p: p["entry"][0]["changes"][0]["value"]["messages"][0].pop("from")),
            ["body", "entry", 0, "changes", 0, "value", "messages", 0, "from"],
        ),
        (
            _broken(lambda p: p["entry"][0]["changes"][0]["value"]["messages"][0].pop("text")),
            ["body", "entry", 0, "changes", 0, "value", "messages", 0, "text"],
        ),
        (
            _broken(
                lambda p: p["entry"][0]["changes"][0]["value"]["messages"][0].update({"from": "12"})
            ),
            ["body", "entry", 0, "changes", 0, "value", "messages", 0, "from"],
        ),
        (
            _broken(lambda p: p["entry"][0]["changes"][0]["value"].pop("metadata")),
            ["body", "entry", 0, "changes", 0, "value", "metadata"],
        ),
    ],
)
def test_a_body_meta_would_not_send_is_refused_naming_the_field(
    adapter: WhatsAppAdapter, body: bytes, loc: list[str | int]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        adapter.parse(call(body))
    assert refused.value.errors is not None and refused.value.errors[0]["loc"] == loc


def test_the_inbox_settings_are_checked_and_the_api_base_defaults(
    adapter: WhatsAppAdapter,
) -> None:
    given = {"phone_number_id": PHONE_NUMBER_ID, "access_token": TOKEN, "app_secret": APP_SECRET}
    assert adapter.check_config(given) == {**given, "api_base": DEFAULT_API_BASE}
    for name, value in [
        ("phone_number_id", "+1 555 078 3881"),
        ("access_token", ""),
        ("app_secret", None),
        ("api_base", "ftp://graph"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            adapter.check_config({**given, name: value})
        assert refused.value.errors is not None
        assert refused.value.errors[0]["loc"] == ["body", "config", name]
    secrets = {f.name for f in adapter.config_fields if f.secret}
    assert secrets == {"access_token", "app_secret"}
