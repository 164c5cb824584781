"""Parsing each fixture: sender, subject, text, thread ids, attachments; malformed → 422."""

from __future__ import annotations

from email.message import EmailMessage
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


# -- HTML for display and attachments with their bytes (real mailers' structures) ----------


def test_apple_mail_alternative_with_related_inline_image() -> None:
    email = parse_email(fixture("inline_cid_image.eml"))
    assert email.text.startswith("Dobrý den, obal přišel poškozený, viz fotka.")
    assert email.html is not None
    assert '<img src="cid:part1.4C8A2F@mail.example.cz" alt="obal.png"' in email.html
    assert "<style>" not in email.html and "Helvetica" not in email.html
    [image] = email.attachments
    assert (image.filename, image.content_type, image.content_id) == (
        "obal.png",
        "image/png",
        "part1.4C8A2F@mail.example.cz",
    )
    assert image.data.startswith(b"\x89PNG") and image.size == len(image.data)


def test_outlook_mixed_with_a_pdf_keeps_the_text_and_the_file() -> None:
    email = parse_email(fixture("mixed_pdf.eml"))
    assert "charges shipping twice" in email.text
    assert email.html is not None and "<b>shipping twice</b>" in email.html
    assert "MsoNormal" not in email.html and "<o:p>" not in email.html
    [pdf] = email.attachments
    assert (pdf.filename, pdf.content_type, pdf.size) == (
        "invoice-2026-117.pdf",
        "application/pdf",
        125,
    )
    assert pdf.data.startswith(b"%PDF-") and pdf.content_id is None


def test_malicious_html_is_disarmed_and_its_text_kept() -> None:
    email = parse_email(fixture("malicious_html.eml"))
    html = email.html
    assert html is not None
    for bad in (
        "<script", "alert", "onerror", "onload", "javascript", "data:", "<iframe", "<form",
        "<input", "<svg", "<meta", "style=", 'src="x"',
    ):  # fmt: skip
        assert bad not in html.lower(), bad
    assert '<a href="https://shop.example.cz/orders" rel="noopener noreferrer nofollow">' in html
    assert email.text.startswith("Please verify your account")
    # An attached HTML page is a file like any other (served as a download), not the body.
    [page] = email.attachments
    assert (page.filename, page.content_type) == ("invoice.html", "text/html")


def test_a_text_only_mail_has_no_html_and_an_unnamed_inline_image_is_a_file() -> None:
    assert parse_email(fixture("plain.eml")).html is None
    message = EmailMessage()
    message["From"] = "a@example.cz"
    message["Subject"] = "Foto"
    message.set_content("Viz obrázek")
    message.add_alternative('<p>Viz <img src="cid:img1@x"></p>', subtype="html")
    html_part = message.get_payload()[1]  # type: ignore[index]
    assert isinstance(html_part, EmailMessage)
    html_part.add_related(b"GIF89a...", "image", "gif", cid="<img1@x>")
    email = parse_email(message.as_bytes())
    [image] = email.attachments
    assert (image.filename, image.content_type, image.content_id) == (
        "image-1",
        "image/gif",
        "img1@x",
    )
