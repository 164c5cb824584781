"""Parsing each fixture: sender, subject, text, thread ids, attachments; malformed → 422."""

from __future__ import annotations

from pathlib import Path

import pytest

from hovor.channels.email.parse import html_to_text, parse_email, strip_quoted
from hovor.core.errors import InvalidInput

FIXTURES = Path(__file__).parents[3] / "src/hovor/channels/email/fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_plain() -> None:
    email = parse_email(fixture("plain.eml"))
    assert (email.sender, email.sender_name) == ("jane.doe@example.com", "Jane Doe")
    assert email.message_id == "CAF1a2b3c4d5e6@mail.example.com"
    assert email.subject == "Order 1042 has not arrived"
    assert "support@acme.example.org" in email.recipients
    assert email.text.startswith("Hello,") and email.text.endswith("Jane")  # signature cut
    assert email.attachments == () and email.in_reply_to is None


def test_html_only_is_stripped_of_tags_scripts_and_styles() -> None:
    email = parse_email(fixture("html_only.eml"))
    assert email.text == "Guten Tag,\n\nbitte senden Sie mir die Rechnung für Bestellung 77."


def test_multipart_prefers_plain_and_lists_attachments() -> None:
    email = parse_email(fixture("multipart_attachment.eml"))
    assert email.text == "The mug arrived broken. A photo is attached."
    [attachment] = email.attachments
    assert (attachment.filename, attachment.size, attachment.content_type) == (
        "mug.png",
        2048,
        "image/png",
    )


def test_reply_drops_quoted_text_and_keeps_thread_ids() -> None:
    email = parse_email(fixture("reply_quoted.eml"))
    assert email.text == "Great, thank you! It arrived just now."
    assert email.in_reply_to == "REPLACED-BY-TEST@acme.example.org"
    assert email.thread_ids == [
        "REPLACED-BY-TEST@acme.example.org",
        "CAF1a2b3c4d5e6@mail.example.com",
    ]


def test_non_utf8_charset_is_decoded() -> None:
    email = parse_email(fixture("latin1.eml"))
    assert email.sender_name == "François Léger"
    assert email.subject == "Problème de livraison"
    assert email.text == "Bonjour, le colis est arrivé abîmé. Merci de répondre."


@pytest.mark.parametrize(
    ("raw", "loc"),
    [
        (fixture("missing_from.eml"), "from"),
        (b"", "message"),
        (b"From: not an address\r\nTo: a@b.org\r\n\r\nhi", "from"),
        (b"From: a@b.org, c@d.org\r\nTo: x@y.org\r\n\r\nhi", "from"),
    ],
)
def test_malformed_messages_name_the_reason(raw: bytes, loc: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_email(raw)
    assert caught.value.errors and caught.value.errors[0]["loc"] == [loc]


def test_missing_message_id_gets_a_stable_one() -> None:
    raw = b"From: a@example.org\r\nTo: s@example.org\r\nSubject: x\r\n\r\nhi"
    assert parse_email(raw).message_id == parse_email(raw).message_id


def test_quote_stripping_heuristics() -> None:
    assert strip_quoted("New\n-----Original Message-----\nold") == "New"
    assert strip_quoted("> only quoted") == "> only quoted"  # nothing left: keep it all
    assert html_to_text("<p>a</p><blockquote>old</blockquote><p>b</p>") == "a\n\nb"
