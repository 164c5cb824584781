"""A real server reads a Dovecot mailbox and runs the SMTP receiver; an agent answers."""

from __future__ import annotations

import asyncio
import os
import smtplib
from collections.abc import Iterator
from typing import Any

import pytest

from tests.channels.email.dovecot import Dovecot, dovecot_server
from tests.channels.email.intake_support import mail
from tests.channels.email.smtp_sink import Sink, smtp_sink
from tests.conftest import BACKENDS, server_storage
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
