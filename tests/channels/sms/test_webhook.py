"""Twilio's webhook calls as it sends them (the fixtures): the signature over the public URL
and every parameter, messages and media as text from E.164 phone senders, status callbacks
as receipts, and bodies that are not what Twilio sends refused naming the field."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from hovor.channels.base import Inbound, RawInbound, Receipt
from hovor.channels.sms.adapter import SmsAdapter
from hovor.channels.sms.rest_api import DEFAULT_API_BASE
from hovor.core.dispatch import Dispatcher
from hovor.core.errors import Forbidden, InvalidInput
from hovor.db.transaction import Database
from tests.channels.sms.twilio_api import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CUSTOMER,
    NUMBER,
    SENT_SID,
    config,
    fixture_bytes,
    form_of,
    inbox_ref,
    signed,
)

URL = "https://hovor.example.org/v1/channels/sms/inbox-1/webhook"


@pytest.fixture
def adapter() -> SmsAdapter:
    # Reading webhooks never touches the database; sending does (test_send.py).
    return SmsAdapter(Database("sqlite+aiosqlite:///:memory:", Dispatcher()), "https://x.test")


def call(body: bytes, *, url: str = URL, headers: dict[str, str] | None = None) -> RawInbound:
    return RawInbound(
        payload=None,
        headers=signed(url, body) if headers is None else headers,
        workspace_id="ws-1",
        inbox=inbox_ref("http://127.0.0.1:9"),
        body=body,
        url=url,
    )


def parsed(adapter: SmsAdapter, body: bytes) -> list[Inbound]:
    raw = call(body)
    adapter.verify(raw)
    return adapter.parse(raw)


def test_twilio_verifies_no_url(adapter: SmsAdapter) -> None:
    assert adapter.handshake(call(b"")) is None


def test_only_the_auth_token_signature_of_this_url_and_every_parameter_passes(
    adapter: SmsAdapter,
) -> None:
    body = fixture_bytes("text.txt")
    adapter.verify(call(body))
    # The URL as the server sees it behind a proxy is not the URL Twilio signed.
    with pytest.raises(Forbidden):
        local = "http://127.0.0.1:8000/v1/channels/sms/inbox-1/webhook"
        adapter.verify(call(body, url=local, headers=signed(URL, body)))
    with pytest.raises(Forbidden):  # another account's token
        adapter.verify(call(body, headers=signed(URL, body, "0" * 32)))
    with pytest.raises(Forbidden):  # a parameter added after signing
        adapter.verify(call(body + b"&Body=Send+it+free", headers=signed(URL, body)))
    with pytest.raises(Forbidden):  # a value changed
        adapter.verify(call(body.replace(b"size+M", b"size+L"), headers=signed(URL, body)))
    with pytest.raises(Forbidden):
        adapter.verify(call(body, headers={"content-type": "application/x-www-form-urlencoded"}))
    # The URL with its default port is the same URL to Twilio's validator.
    adapter.verify(call(body, url=URL, headers=signed(URL.replace(".org/", ".org:443/"), body)))


def test_a_text_is_a_phone_contact_keyed_by_the_message_sid(adapter: SmsAdapter) -> None:
    (message,) = parsed(adapter, fixture_bytes("text.txt"))
    assert (message.source_id, message.identity_kind) == (CUSTOMER, "phone")
    assert message.body == "Do you have the green jacket in size M?"
    assert message.contact_name is None  # SMS carries no name
    assert (message.channel, message.inbox_id, message.workspace_id) == ("sms", "inbox-1", "ws-1")
    sid = form_of(fixture_bytes("text.txt"))["MessageSid"]
    assert message.provider_message_id == f"sms:{sid}" and len(f"sms:{sid}") <= 64
    assert adapter.receipts(call(fixture_bytes("text.txt"))) == []


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("mms.txt", "[photo] Is this the one?"),
        ("mms_pdf_only.txt", "[file: application/pdf]"),
        ("stop.txt", "Stop"),
    ],
)
def test_media_become_text_and_keywords_are_stored_as_sent(
    adapter: SmsAdapter, name: str, body: str
) -> None:
    (message,) = parsed(adapter, fixture_bytes(name))
    assert message.body == body and message.source_id == CUSTOMER


def test_a_message_to_another_number_or_without_content_is_acknowledged_and_skipped(
    adapter: SmsAdapter,
) -> None:
    other = fixture_bytes("text.txt").replace(b"To=%2B15017122661", b"To=%2B15017122662")
    assert parsed(adapter, other) == []
    empty = fixture_bytes("text.txt").replace(
        b"Body=Do+you+have+the+green+jacket+in+size+M%3F", b"Body="
    )
    assert parsed(adapter, empty) == []


@pytest.mark.parametrize(
    ("name", "receipt"),
    [
        ("status_sent.txt", None),
        ("status_delivered.txt", Receipt("ws-1", "sms", SENT_SID, "delivered")),
        (
            "status_undelivered.txt",
            Receipt("ws-1", "sms", SENT_SID, "failed", "Twilio error 30003"),
        ),
        ("status_failed.txt", Receipt("ws-1", "sms", SENT_SID, "failed", "Twilio error 30007")),
    ],
)
def test_status_callbacks_are_receipts_for_the_final_states_only(
    adapter: SmsAdapter, name: str, receipt: Receipt | None
) -> None:
    raw = call(fixture_bytes(name))
    adapter.verify(raw)
    assert adapter.parse(raw) == []
    assert adapter.receipts(raw) == ([receipt] if receipt else [])


def _without(name: str, field: str) -> bytes:
    params = form_of(fixture_bytes(name))
    del params[field]
    return urlencode(params).encode()


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (_without("text.txt", "From"), ["body", "From"]),
        (_without("text.txt", "MessageSid"), ["body", "MessageSid"]),
        (fixture_bytes("text.txt").replace(b"From=%2B1401", b"From=abc"), ["body", "From"]),
        (fixture_bytes("text.txt").replace(b"NumMedia=0", b"NumMedia=many"), ["body", "NumMedia"]),
        (_without("mms.txt", "MediaUrl0"), ["body", "MediaUrl0"]),
        (
            fixture_bytes("status_sent.txt").replace(b"MessageStatus=sent", b"MessageStatus=lost"),
            ["body", "MessageStatus"],
        ),
        (b"Body=%FF%FE", ["body"]),
    ],
)
def test_bodies_twilio_does_not_send_are_refused_naming_the_field(
    adapter: SmsAdapter, body: bytes, loc: list[str]
) -> None:
    raw = call(body)
    with pytest.raises(InvalidInput) as refused:
        adapter.verify(raw)
        adapter.parse(raw)
        adapter.receipts(raw)
    assert refused.value.errors[0]["loc"] == loc


def test_a_json_body_is_not_what_twilio_posts(adapter: SmsAdapter) -> None:
    raw = call(b'{"From": "+14017122661"}', headers={"content-type": "application/json"})
    with pytest.raises(InvalidInput) as refused:
        adapter.verify(raw)
    assert refused.value.errors[0]["loc"] == ["headers", "content-type"]


def test_settings_are_checked_naming_the_field(adapter: SmsAdapter) -> None:
    checked = adapter.check_config({**config(""), "phone_number": "+1 501 712 2661"})
    assert checked == {
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "phone_number": NUMBER,
        "api_base": DEFAULT_API_BASE,
    }
    for field, value in [
        ("account_sid", "SK3f1e9a7c5b2d4e6f8a0b1c2d3e4f5a6b"),
        ("auth_token", " "),
        ("phone_number", "501 712 2661"),
        ("api_base", "ftp://twilio"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            adapter.check_config({**config("https://api.twilio.com"), field: value})
        assert refused.value.errors[0]["loc"] == ["body", "config", field]
