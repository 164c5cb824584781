"""Meta webhooks: Meta's sample payloads parsed for Messenger and Instagram, the signature
checked over the exact bytes, the verification handshake, receipts, and bodies that are not
what Meta sends refused naming the field."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest

from hovor.channels.base import InboxRef, RawInbound, Receipt
from hovor.channels.meta import webhook
from hovor.channels.meta.adapter import InstagramAdapter, MessengerAdapter
from hovor.channels.meta.webhook import message_key, sign
from hovor.core.errors import Forbidden, InvalidInput
from tests.channels.meta.graph_api import (
    APP_SECRET,
    IG_ACCOUNT_ID,
    PAGE_ID,
    TOKEN,
    fixture,
    fixture_bytes,
)

VERIFY_TOKEN = secrets.token_urlsafe(24)
CONFIG = {"page_access_token": TOKEN, "app_secret": APP_SECRET, "api_base": "http://x"}
PAGE = InboxRef("inbox-m", "ws-1", "messenger", {"page_id": PAGE_ID, **CONFIG}, VERIFY_TOKEN)
IG = InboxRef("inbox-i", "ws-1", "instagram", {"account_id": IG_ACCOUNT_ID, **CONFIG}, VERIFY_TOKEN)
messenger = MessengerAdapter()
instagram = InstagramAdapter()
PSID = "6729541283714562"
IGSID = "1914283958963178"


def raw(inbox: InboxRef, body: bytes | dict[str, Any], signature: str | None = None) -> RawInbound:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    header = sign(APP_SECRET, data) if signature is None else signature
    return RawInbound(payload=None, headers={"x-hub-signature-256": header}, inbox=inbox, body=data)


def test_a_messenger_text_becomes_one_inbound_from_the_psid() -> None:
    call = raw(PAGE, fixture_bytes("messenger_text.json"))
    messenger.verify(call)
    (inbound,) = messenger.parse(call)
    mid = fixture("messenger_text.json")["entry"][0]["messaging"][0]["message"]["mid"]
    assert (inbound.workspace_id, inbound.channel, inbound.inbox_id) == (
        "ws-1",
        "messenger",
        "inbox-m",
    )
    assert (inbound.source_id, inbound.identity_kind) == (PSID, "messenger")
    assert inbound.body == "Dobrý den, kdy dorazí moje objednávka?"
    assert inbound.contact_name == "Messenger user 4562"
    assert inbound.provider_message_id == message_key("messenger", mid)
    assert messenger.receipts(call) == []


def test_a_batch_yields_messages_and_receipts_and_skips_echoes_and_watermarks() -> None:
    call = raw(PAGE, fixture_bytes("messenger_batched.json"))
    messenger.verify(call)
    assert [(m.source_id, m.body) for m in messenger.parse(call)] == [
        (PSID, "hello, world!"),
        (PSID, "[image]"),  # media are not stored yet
        ("5198436201975311", "Get Started"),  # a postback: the button's title
    ]
    # The delivery names its mid; the read has only a watermark and is not applied.
    assert messenger.receipts(call) == [
        Receipt("ws-1", "messenger", "mid.1458668856218:ed81099e15d3f4f233", "delivered")
    ]
    assert messenger.receipts(raw(PAGE, fixture_bytes("messenger_read.json"))) == []


def test_watermarks_are_read_only_where_no_message_is_named() -> None:
    batch = fixture("messenger_batched.json")
    events = list(webhook.events(batch, PAGE_ID))
    assert [webhook.delivery_watermark(e) for e in events] == [None] * 6  # two entries
    assert [webhook.read_mark(e) for e in events][4] == (None, 1458668856253)
    bare = fixture("messenger_delivery.json")
    del bare["entry"][0]["messaging"][0]["delivery"]["mids"]
    (event,) = webhook.events(bare, PAGE_ID)
    assert webhook.delivery_watermark(event) == 1458668856253
    assert messenger.receipts(raw(PAGE, bare)) == []  # resolved with the database


def test_message_keys_are_prefixed_and_fit_the_column() -> None:
    short = message_key("messenger", "m_1457764197618:41d102a3e1ae206a38")
    assert short == "messenger:m_1457764197618:41d102a3e1ae206a38"
    long_mid = fixture("messenger_text.json")["entry"][0]["messaging"][0]["message"]["mid"]
    key = message_key("messenger", long_mid)
    assert key.startswith("messenger:sha256:") and len(key) == 64
    assert key == message_key("messenger", long_mid)  # a redelivery: the same key
    assert key != message_key("messenger", long_mid[:-1] + "Q")
    assert len(message_key("instagram", "x" * 200)) == 64


def test_entries_of_another_page_are_not_this_inboxs() -> None:
    call = raw(PAGE, fixture_bytes("messenger_other_page.json"))
    assert messenger.parse(call) == [] and messenger.receipts(call) == []


def test_instagram_media_echoes_and_unsupported_messages() -> None:
    text = raw(IG, fixture_bytes("instagram_text.json"))
    instagram.verify(text)
    (inbound,) = instagram.parse(text)
    assert (inbound.channel, inbound.identity_kind, inbound.source_id) == (
        "instagram",
        "instagram",
        IGSID,
    )
    assert inbound.body == "Máte tuhle bundu i ve velikosti M?"
    assert inbound.contact_name == "Instagram user 3178"
    assert inbound.provider_message_id is not None
    assert inbound.provider_message_id.startswith("instagram:")
    media = instagram.parse(raw(IG, fixture_bytes("instagram_media_echo.json")))
    assert [m.body for m in media] == ["[image] [video]"]  # not the unsupported, not the echo


def test_instagram_seen_names_the_message_read() -> None:
    call = raw(IG, fixture_bytes("instagram_seen.json"))
    assert instagram.parse(call) == []
    assert instagram.receipts(call) == [
        Receipt("ws-1", "instagram", "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUechoOfOurReply", "read")
    ]


def test_a_payload_of_the_other_kind_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        instagram.parse(raw(IG, fixture_bytes("messenger_text.json")))
    assert refused.value.errors == [{"loc": ["body", "object"], "msg": "'instagram'"}]


@pytest.mark.parametrize(
    "signature",
    [
        "",
        sign("another-app-secret", fixture_bytes("messenger_text.json")),
        sign(APP_SECRET, fixture_bytes("messenger_text.json")).removeprefix("sha256="),
        "sha1=" + "0" * 40,
    ],
)
def test_a_call_without_metas_signature_is_forbidden(signature: str) -> None:
    with pytest.raises(Forbidden):
        messenger.verify(raw(PAGE, fixture_bytes("messenger_text.json"), signature=signature))


def test_the_signature_is_over_the_exact_bytes_not_the_json() -> None:
    body = fixture_bytes("messenger_text.json")
    reserialised = json.dumps(json.loads(body)).encode()  # the same JSON, other bytes
    assert reserialised != body
    call = RawInbound(
        payload=None,
        headers={"x-hub-signature-256": sign(APP_SECRET, body)},
        inbox=PAGE,
        body=reserialised,
    )
    with pytest.raises(Forbidden):
        messenger.verify(call)


def handshake(adapter: MessengerAdapter | InstagramAdapter, **query: str) -> str | None:
    inbox = PAGE if adapter is messenger else IG
    return adapter.handshake(RawInbound(payload=None, inbox=inbox, query=query))


def test_the_verification_handshake_echoes_the_challenge_for_the_inbox_token() -> None:
    good = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    assert handshake(messenger, **good) == "1158201444"
    assert handshake(instagram, **good) == "1158201444"
    assert handshake(messenger, **{**good, "hub.verify_token": "guess"}) is None
    assert handshake(messenger, **{**good, "hub.mode": "unsubscribe"}) is None
    assert handshake(messenger, **{"hub.mode": "subscribe", "hub.challenge": "1"}) is None


def edited(change: Any) -> dict[str, Any]:
    payload = fixture("messenger_text.json")
    change(payload)
    return payload


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        (b"not json", ["body"]),
        (b"[]", ["body"]),
        (edited(lambda p: p.pop("entry")), ["body", "entry"]),
        (edited(lambda p: p["entry"].__setitem__(0, "x")), ["body", "entry", 0]),
        (
            edited(lambda p: p["entry"][0].__setitem__("messaging", {})),
            ["body", "entry", 0, "messaging"],
        ),
        (
            edited(lambda p: p["entry"][0]["messaging"][0].pop("sender")),
            ["body", "entry", 0, "messaging", 0, "sender", "id"],
        ),
        (
            edited(lambda p: p["entry"][0]["messaging"][0]["message"].pop("mid")),
            ["body", "entry", 0, "messaging", 0, "message", "mid"],
        ),
        (
            edited(
                lambda p: p["entry"][0]["messaging"][0]["message"].__setitem__(
                    "attachments", [{"payload": {}}]
                )
            ),
            ["body", "entry", 0, "messaging", 0, "message", "attachments", 0, "type"],
        ),
    ],
)
def test_bodies_that_meta_does_not_send_are_refused_naming_the_field(
    payload: bytes | dict[str, Any], loc: list[str | int]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        messenger.parse(raw(PAGE, payload))
    assert refused.value.errors is not None and refused.value.errors[0]["loc"] == loc


def test_inbox_settings_are_checked_and_the_api_base_defaults() -> None:
    config = {"page_id": 106385782374655, "page_access_token": TOKEN, "app_secret": APP_SECRET}
    assert messenger.check_config(config) == {
        "page_id": PAGE_ID,
        "page_access_token": TOKEN,
        "app_secret": APP_SECRET,
        "api_base": "https://graph.facebook.com/v21.0",
    }
    assert (
        instagram.check_config(
            {**config, "account_id": IG_ACCOUNT_ID, "api_base": "http://127.0.0.1:9/v21.0/"}
        )["api_base"]
        == "http://127.0.0.1:9/v21.0"
    )
    for broken, field in [
        ({**config, "page_id": "my page"}, "page_id"),
        ({**config, "app_secret": ""}, "app_secret"),
        ({k: v for k, v in config.items() if k != "page_access_token"}, "page_access_token"),
        ({**config, "api_base": "ftp://graph"}, "api_base"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            messenger.check_config(broken)
        errors = refused.value.errors or []
        assert [e["loc"] for e in errors] == [["body", "config", field]]
    with pytest.raises(InvalidInput):
        instagram.check_config(config)  # an Instagram inbox names its account, not a page
