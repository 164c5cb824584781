"""A real server reads a Dovecot mailbox and runs the SMTP receiver; an agent answers."""

from __future__ import annotations

import asyncio
import os
import smtplib
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import make_msgid
from typing import Any

import httpx
import pytest

from tests.channels.email.dovecot import Dovecot, dovecot_server
from tests.channels.email.intake_support import mail
from tests.channels.email.smtp_sink import Sink, smtp_sink
from tests.channels.email.test_parse import fixture
from tests.conftest import BACKENDS, server_storage
from tests.integration.test_cross_workspace import OTHER_PASSWORD, create_other_admin
from tests.support.clients import Desktop
from tests.support.server import ADMIN, ServerProcess, free_port, run_server
from tests.support.waiting import eventually


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    with dovecot_server() as server:
        yield server


@pytest.fixture(scope="module")
def sink() -> Iterator[Sink]:
    with smtp_sink() as (sink, _port):
        yield sink


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sink: Sink
) -> Iterator[ServerProcess]:
    tmp = tmp_path_factory.mktemp("email-intake-server")
    url, redis_url = server_storage(request.param, tmp)
    receiver_port = free_port()
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(os.environ, "HOVOR_SMTP_URL", f"smtp://127.0.0.1:{sink.port}")
        patch.setitem(os.environ, "HOVOR_SMTP_RECEIVER_PORT", str(receiver_port))
        patch.setitem(os.environ, "HOVOR_IMAP_POLL_SECONDS", "0.5")
        patch.setitem(os.environ, "HOVOR_EMAIL_ATTACHMENT_MAX_BYTES", "4096")
        with run_server(tmp, database_url=url, redis_url=redis_url) as process:
            process.smtp_receiver_port = receiver_port  # type: ignore[attr-defined]
            yield process


async def conversation_from(admin: Desktop, sender: str, status: str = "open") -> dict[str, Any]:
    async def find() -> dict[str, Any] | None:
        r = await admin.change("GET", f"/v1/conversations?view=all&status={status}")
        return next(
            (c for c in r.json()["items"] if (c["last_message"] or {}).get("author_id") == sender),
            None,
        )

    return await eventually(f"a conversation from {sender}", find, within=20)


def send(port: int, raw: bytes, to: str, mail_from: str = "mx@obchod.example.cz") -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.sendmail(mail_from, [to], raw)


async def test_a_mailbox_and_the_smtp_receiver_feed_the_inbox(
    server: ServerProcess, dovecot: Dovecot, sink: Sink
) -> None:
    run = os.urandom(4).hex()  # the server and its database are shared by this module's tests
    address = f"podpora-{run}@obchod.example.cz"
    folder = f"Podpora-{run}"
    client = dovecot.client()
    client.create(folder)
    client.logout()
    admin = await Desktop(server).login(ADMIN)
    r = await admin.change("PUT", "/v1/channels/email/settings", json={"support_address": address})
    assert r.status_code == 200, r.text
    config = {
        "address": address,
        "imap_host": "127.0.0.1",
        "imap_port": str(dovecot.port),
        "imap_tls": "none",
        "imap_user": dovecot.user,
        "imap_folder": folder,
    }
    bad = await admin.change(
        "POST", "/v1/inboxes", json={"kind": "email", "name": "Podpora", "config": config}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"][-1] == "imap_password"
    r = await admin.change(
        "POST",
        "/v1/inboxes",
        json={
            "kind": "email",
            "name": "Podpora",
            "config": {**config, "imap_password": dovecot.password},
        },
    )
    assert r.status_code == 201, r.text
    inbox = r.json()
    try:
        await _use(server, dovecot, sink, admin, inbox, address, folder, run)
    finally:  # the server and its database are shared by this module's tests: other tests count inboxes
        await admin.change("DELETE", f"/v1/inboxes/{inbox['id']}")
        await admin.http.aclose()


async def _use(
    server: ServerProcess,
    dovecot: Dovecot,
    sink: Sink,
    admin: Desktop,
    inbox: dict[str, Any],
    address: str,
    folder: str,
    run: str,
) -> None:
    assert inbox["config"]["imap_password"] != dovecot.password  # masked
    tested = await admin.change("POST", f"/v1/inboxes/{inbox['id']}/test")
    assert tested.json() == {"ok": True, "detail": f"logged in as shop; {folder} holds 0 messages"}

    # A mail in the mailbox becomes a conversation; the agent's reply leaves by SMTP.
    customer = f"jana-{run}@example.cz"
    await asyncio.to_thread(dovecot.append, mail("Kde je balík?", sender=customer), folder)
    conversation = await conversation_from(admin, customer)
    assert conversation["channel"] == "email"
    before = len(sink.messages)
    r = await admin.change(
        "POST",
        f"/v1/conversations/{conversation['id']}/messages",
        json={"body": "Balík je na cestě.", "client_id": f"reply-{run}"},
    )
    assert r.status_code in (200, 201), r.text
    sent = await sink.received(before + 1)
    assert sent["To"] == customer and sent["Subject"] == "Re: Objednávka 1234"

    # Forwarded to the SMTP receiver: accepted for the inbox's address, 550 otherwise.
    port = server.smtp_receiver_port  # type: ignore[attr-defined]
    forwarded_from = f"petr-{run}@example.cz"
    await asyncio.to_thread(send, port, mail("Přeposláno", sender=forwarded_from), address)
    forwarded = await conversation_from(admin, forwarded_from)
    assert forwarded["channel"] == "email"
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        await asyncio.to_thread(send, port, mail(), f"nikdo-{run}@obchod.example.cz")

    # An out-of-office reply is stored in a closed conversation and never answered.
    robot = f"robot-{run}@example.cz"
    auto = mail("Jsem na dovolené.", sender=robot, headers={"Auto-Submitted": "auto-replied"})
    await asyncio.to_thread(dovecot.append, auto, folder)
    stored = await conversation_from(admin, robot, status="closed")
    assert stored["status"] == "closed"
    assert stored["last_message"]["body"].startswith("[Automatic reply, not answered")


def with_attachments(raw: bytes, sender: str, address: str) -> bytes:
    """The Apple Mail fixture (HTML with a cid: image) from ``sender`` to ``address``, with a
    PDF, an HTML page and a file over the server's 4 KiB limit attached."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    for name, value in (("From", sender), ("To", address), ("Message-ID", make_msgid())):
        message.replace_header(name, value)
    message.make_mixed()
    message.add_attachment(b"%PDF-1.4\n%%EOF\n", "application", "pdf", filename="faktura.pdf")
    message.add_attachment("<script>alert(1)</script>", "html", filename="page.html")
    message.add_attachment(b"\0" * 5000, "application", "zip", filename="velky.zip")
    return message.as_bytes(policy=policy.SMTP)  # CRLF: SMTP's line length counts


async def test_a_forwarded_mail_keeps_its_html_and_files_for_the_agents_only(
    server: ServerProcess,
) -> None:
    run = os.urandom(4).hex()
    address = f"soubory-{run}@obchod.example.cz"
    admin = await Desktop(server).login(ADMIN)
    r = await admin.change(
        "POST",
        "/v1/inboxes",
        json={"kind": "email", "name": "Soubory", "config": {"address": address}},
    )
    assert r.status_code == 201, r.text
    inbox = r.json()
    try:
        sender = f"petra-{run}@example.cz"
        raw = with_attachments(fixture("inline_cid_image.eml"), sender, address)
        await asyncio.to_thread(send, server.smtp_receiver_port, raw, address)  # type: ignore[attr-defined]
        conversation = await conversation_from(admin, sender)
        assert "📎 velky.zip (5 KB) — not stored: too large" in conversation["last_message"]["body"]

        r = await admin.change(
            "GET", f"/v1/channels/email/conversations/{conversation['id']}/parts"
        )
        assert r.status_code == 200, r.text
        [part] = r.json()["items"]
        assert part["message_id"] == conversation["last_message"]["id"]
        assert (
            "<b>poškozený</b>" in part["html"]
            and "cid:part1.4C8A2F@mail.example.cz" in part["html"]
        )
        files = {f["filename"]: f for f in part["attachments"]}
        assert sorted(files) == ["faktura.pdf", "obal.png", "page.html"]
        assert files["obal.png"]["preview"] and files["obal.png"]["content_id"]
        assert part["not_stored"] == [
            {
                "filename": "velky.zip",
                "content_type": "application/zip",
                "size": 5000,
                "reason": "too large",
            }
        ]

        # The signed URL needs no session; a page is a download that cannot run.
        async with httpx.AsyncClient() as anyone:
            pdf = await anyone.get(files["faktura.pdf"]["url"])
            assert pdf.status_code == 200 and pdf.content == b"%PDF-1.4\n%%EOF\n"
            assert pdf.headers["content-disposition"] == 'attachment; filename="faktura.pdf"'
            page = await anyone.get(files["page.html"]["url"])
            assert page.headers["content-type"] == "application/octet-stream"
            assert page.headers["content-disposition"].startswith("attachment;")
            assert "sandbox" in page.headers["content-security-policy"]
            image = await anyone.get(files["obal.png"]["url"])
            assert image.headers["content-disposition"].startswith("inline;")
            forged = await anyone.get(
                files["faktura.pdf"]["url"].replace("signature=", "signature=0")
            )
            assert forged.status_code in (403, 422)

        # Another workspace's agents see neither the parts nor the files.
        other = await Desktop(server).login(await create_other_admin(server), OTHER_PASSWORD)
        try:
            r = await other.change(
                "GET", f"/v1/channels/email/conversations/{conversation['id']}/parts"
            )
            assert r.status_code == 404
            r = await other.change("GET", f"/v1/attachments/{files['faktura.pdf']['id']}")
            assert r.status_code == 404
        finally:
            await other.http.aclose()
    finally:
        await admin.change("DELETE", f"/v1/inboxes/{inbox['id']}")
        await admin.http.aclose()
