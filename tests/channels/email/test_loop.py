"""Loop protection: which messages are automatic, and why."""

from __future__ import annotations

import pytest

from hovor.channels.email.loop import automatic_reason
from tests.channels.email.intake_support import mail

DSN = (
    b"From: MAILER-DAEMON@mx.example.cz\r\nTo: podpora@obchod.example.cz\r\n"
    b"Subject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
    b"--b\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n--b--\r\n"
)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Auto-Submitted: auto-replied"),
        ({"Auto-Submitted": "auto-generated; owner-email=x@y.cz"}, "Auto-Submitted"),
        ({"X-Autoreply": "yes"}, "X-Autoreply"),
        ({"X-Auto-Response-Suppress": "All"}, "X-Auto-Response-Suppress: all"),
        ({"Precedence": "bulk"}, "Precedence: bulk"),
        ({"Precedence": "junk"}, "Precedence: junk"),
        ({"Precedence": "list"}, "Precedence: list"),
        ({"Return-Path": "<>"}, "a null return path (Return-Path: <>)"),
    ],
)
def test_automatic_mail_is_recognised(headers: dict[str, str], reason: str) -> None:
    found = automatic_reason(mail(headers=headers))
    assert found is not None and found.startswith(reason)


def test_a_delivery_status_report_and_a_null_envelope_sender_are_automatic() -> None:
    assert automatic_reason(DSN) == "a delivery status report (multipart/report)"
    assert automatic_reason(mail(), envelope_from="") == "a null return path (MAIL FROM:<>)"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Auto-Submitted": "no"},
        {"Precedence": "first-class"},
        {"Return-Path": "<jana.novakova@example.cz>"},
        {"X-Auto-Response-Suppress": "None"},
    ],
)
def test_a_persons_mail_is_not_automatic(headers: dict[str, str]) -> None:
    assert automatic_reason(mail(headers=headers), envelope_from="jana@example.cz") is None
