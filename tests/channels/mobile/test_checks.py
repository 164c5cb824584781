"""The mobile API's checks and mappings, without a server: push tokens, provider refusals,
notification text, uploads and signed URLs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hovor.channels.base import DeliveryFailed
from hovor.channels.mobile import attachments
from hovor.channels.mobile.adapter import PushProviders
from hovor.channels.mobile.apns import Apns
from hovor.channels.mobile.fcm import Fcm
from hovor.channels.mobile.notification import Notification, TokenGone
from hovor.channels.mobile.schemas import PushTokenIn
from hovor.channels.mobile.tokens import check_push_token
from hovor.config import Settings
from hovor.core.errors import InvalidInput

P256 = "B" + "A" * 86  # 65 bytes in base64url
AUTH = "A" * 22  # 16 bytes


def settings(**extra: Any) -> Settings:
    return Settings(
        fcm_credentials="fcm.json",
        apns_key_file="k.p8",
        apns_key_id="K",
        apns_team_id="T",
        apns_topic="cz.shop.app",
        vapid_private_key="v.pem",
        webpush_endpoints="https://fcm.googleapis.com/,https://updates.push.services.mozilla.com/",
        **extra,
    )


def loc(body: dict[str, Any], config: Settings | None = None) -> list[Any]:
    with pytest.raises(InvalidInput) as refused:
        config = config or settings()
        platforms = PushProviders(config).platforms()
        check_push_token(config, platforms, PushTokenIn.model_validate(body))
    assert refused.value.errors is not None
    return list(refused.value.errors[0]["loc"])


def test_each_platform_is_offered_only_with_its_credentials() -> None:
    assert PushProviders(Settings()).platforms() == set()
    assert PushProviders(settings()).platforms() == {"fcm", "apns", "webpush"}
    assert PushProviders(Settings(apns_key_file="k.p8", apns_key_id="K")).platforms() == set()
    assert loc({"platform": "fcm", "token": "x" * 40}, Settings()) == ["body", "platform"]


def test_tokens_of_the_wrong_form_are_refused_naming_the_field() -> None:
    assert loc({"platform": "fcm"}) == ["body", "token"]
    assert loc({"platform": "fcm", "token": "short"}) == ["body", "token"]
    assert loc({"platform": "fcm", "token": "a b" * 10}) == ["body", "token"]
    assert loc({"platform": "apns", "token": "zz" * 32}) == ["body", "token"]
    assert loc({"platform": "webpush", "token": "x" * 40}) == ["body", "subscription"]
    web = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": {"p256dh": P256}}
    assert loc(
        {"platform": "webpush", "subscription": {**web, "keys": {"p256dh": P256, "auth": "AA"}}}
    ) == [
        "body",
        "subscription",
        "keys",
        "auth",
    ]
    assert loc(
        {"platform": "webpush", "subscription": {**web, "keys": {"p256dh": "AA", "auth": AUTH}}}
    ) == ["body", "subscription", "keys", "p256dh"]
    foreign = {
        "endpoint": "https://fcm.googleapis.com.evil.example/x",
        "keys": {"p256dh": P256, "auth": AUTH},
    }
    assert loc({"platform": "webpush", "subscription": foreign}) == [
        "body",
        "subscription",
        "endpoint",
    ]


def test_good_tokens_are_kept_as_the_provider_knows_them() -> None:
    config = settings()
    apns = PushTokenIn(platform="apns", token="AB" * 32)
    ready = PushProviders(config).platforms()
    assert check_push_token(config, ready, apns) == ("ab" * 32, None)
    fcm = PushTokenIn(platform="fcm", token="dGVzdA:APA91b-" + "x" * 60)
    assert check_push_token(config, ready, fcm) == (fcm.token, None)
    sub = {
        "endpoint": "https://updates.push.services.mozilla.com/wpush/v2/x",
        "keys": {"p256dh": P256, "auth": AUTH},
    }
    web = PushTokenIn.model_validate({"platform": "webpush", "subscription": sub})
    assert check_push_token(config, ready, web) == (sub["endpoint"], {"p256dh": P256, "auth": AUTH})


def fcm_error(
    status: int, code: str | None, message: str = "x", status_name: str = "X"
) -> httpx.Response:
    details = (
        [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": code}]
        if code
        else []
    )
    body = {
        "error": {"code": status, "message": message, "status": status_name, "details": details}
    }
    return httpx.Response(status, json=body)


def fcm_refusal(response: httpx.Response) -> DeliveryFailed:
    with pytest.raises(DeliveryFailed) as refused:
        Fcm("unused.json", "https://fcm.test")._refused(response)
    return refused.value


def test_fcm_refusals_map_to_gone_retried_or_failed() -> None:
    assert isinstance(fcm_refusal(fcm_error(404, "UNREGISTERED")), TokenGone)
    assert isinstance(fcm_refusal(fcm_error(403, "SENDER_ID_MISMATCH")), TokenGone)
    invalid_token = fcm_error(
        400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token"
    )
    assert isinstance(fcm_refusal(invalid_token), TokenGone)
    other_invalid = fcm_refusal(fcm_error(400, "INVALID_ARGUMENT", "Invalid JSON payload"))
    assert not isinstance(other_invalid, TokenGone) and other_invalid.permanent
    for status, code in (
        (429, "QUOTA_EXCEEDED"),
        (503, "UNAVAILABLE"),
        (500, "INTERNAL"),
        (401, None),
    ):
        refused = fcm_refusal(fcm_error(status, code))
        assert not refused.permanent, (status, code)
    assert "UNREGISTERED" in fcm_refusal(fcm_error(404, "UNREGISTERED")).reason


def apns_refusal(status: int, reason: str) -> DeliveryFailed:
    apns = Apns("k.p8", "K", "T", "cz.shop.app", "https://apns.test")
    with pytest.raises(DeliveryFailed) as refused:
        apns._refused(httpx.Response(status, json={"reason": reason}))
    return refused.value


def test_apns_refusals_map_to_gone_retried_or_failed() -> None:
    for status, reason in (
        (410, "Unregistered"),
        (400, "BadDeviceToken"),
        (400, "DeviceTokenNotForTopic"),
    ):
        assert isinstance(apns_refusal(status, reason), TokenGone), reason
    for status, reason in (
        (403, "ExpiredProviderToken"),
        (429, "TooManyRequests"),
        (503, "ServiceUnavailable"),
    ):
        assert not apns_refusal(status, reason).permanent, reason
    payload = apns_refusal(400, "PayloadTooLarge")
    assert payload.permanent and not isinstance(payload, TokenGone)


def test_a_notification_shows_the_agent_and_the_start_of_the_reply() -> None:
    message = {
        "id": "m1",
        "conversation_id": "c1",
        "author_name": "Alice",
        "body": "Dobrý  den\n" + "á" * 300,
    }
    note = Notification.of_reply(message)
    assert note.title == "Alice" and note.body.startswith("Dobrý den á") and len(note.body) == 180
    assert note.body.endswith("…")
    assert Notification.of_reply({**message, "author_name": None}).title == "New reply"
    assert note.data() == {"hovor": "message", "conversation_id": "c1", "message_id": "m1"}


def upload_error(filename: str, kind: str, data: bytes) -> list[Any]:
    with pytest.raises(InvalidInput) as refused:
        attachments.check_upload(filename, kind, data, 1024 * 1024)
    assert refused.value.errors is not None
    return list(refused.value.errors[0]["loc"])


def test_uploads_are_checked_by_type_content_size_and_name() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"x" * 10
    ok = attachments.check_upload("../../etc/faktura.png", "image/png; charset=x", png, 100)
    assert ok.filename == "_.._etc_faktura.png" and ok.content_type == "image/png"
    assert upload_error("a.png", "image/svg+xml", b"<svg/>") == ["header", "content-type"]
    assert upload_error("a.png", "image/png", b"<html>") == ["body"]
    assert upload_error("a.webp", "image/webp", b"RIFF0000WAVE") == ["body"]
    assert upload_error("a.txt", "text/plain", b"\xff\xfe") == ["body"]
    assert upload_error("a.txt", "text/plain", b"a\x00b") == ["body"]
    assert upload_error("a.txt", "text/plain", b"") == ["body"]
    assert upload_error("  ", "text/plain", b"hi") == ["query", "filename"]
    with pytest.raises(attachments.TooLarge):
        attachments.check_upload("a.png", "image/png", png, 10)
    assert attachments.check_upload("č.txt", "text/plain", "Příliš žluťoučký".encode(), 100).data


async def test_a_bus_that_cannot_tell_whether_a_socket_is_open_leads_to_a_push() -> None:
    from hovor.bus import MemoryBus
    from hovor.channels.mobile.listeners import _is_heard

    class Broken(MemoryBus):
        async def is_heard(self, topic: str) -> bool:
            raise RuntimeError("unexpected answer")

    bus = MemoryBus()
    async with bus.subscribe("ws:w:visitor:v"):
        assert await _is_heard(bus, "ws:w:visitor:v")
    assert not await _is_heard(bus, "ws:w:visitor:v")
    assert not await _is_heard(Broken(), "ws:w:visitor:v")
