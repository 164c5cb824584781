"""The SMTP receiver over a real socket: forwarded mail stored, 550 and 552 refusals."""

from __future__ import annotations

import asyncio
import smtplib
from collections.abc import AsyncIterator

import pytest

from hovor.channels.email.smtp_receiver import SmtpReceiver
from hovor.db.transaction import Database
from tests.channels.email.intake_support import (
    ADDRESS,
    count_conversations,
    mail,
    make_inbox,
    messages,
)
from tests.support.factories import make_team

MAX_BYTES = 64 * 1024


@pytest.fixture
async def receiver(db: Database) -> AsyncIterator[SmtpReceiver]:
    server = SmtpReceiver(db, "127.0.0.1", 0, MAX_BYTES)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


def send(port: int, raw: bytes, to: str = ADDRESS, mail_from: str = "forwarder@example.cz") -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.sendmail(mail_from, [to], raw)


async def test_a_forwarded_message_is_stored_once(db: Database, receiver: SmtpReceiver) -> None:
    team = await make_team(db, agents=1)
    inbox = await make_inbox(db, team.workspace.id)
    raw = mail("Dobrý den, přeposílám dotaz zákazníka.", message_id="<fwd-1@example.cz>")
    await asyncio.to_thread(send, receiver.port, raw)
    await asyncio.to_thread(send, receiver.port, raw)  # the forwarder resends: stored once
    (message,) = await messages(db, team.workspace.id)
    assert "přeposílám dotaz zákazníka" in message.body
    assert message.author_type == "visitor"
    assert await count_conversations(db, inbox.workspace_id) == 1


async def test_an_unknown_recipient_is_refused_with_550(
    db: Database, receiver: SmtpReceiver
) -> None:
    team = await make_team(db, agents=1)
    await make_inbox(db, team.workspace.id)
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        await asyncio.to_thread(send, receiver.port, mail(), "nikdo@obchod.example.cz")
    (code, _), *_ = refused.value.recipients.values()
    assert code == 550
    assert await messages(db, team.workspace.id) == []


async def test_a_message_over_the_limit_is_refused_with_552(
    db: Database, receiver: SmtpReceiver
) -> None:
    team = await make_team(db, agents=1)
    await make_inbox(db, team.workspace.id)
    with pytest.raises(smtplib.SMTPException) as refused:
        await asyncio.to_thread(send, receiver.port, mail("x" * (MAX_BYTES * 2)))
    assert "552" in str(refused.value)
    assert await messages(db, team.workspace.id) == []


async def test_a_bounce_is_stored_closed_and_a_malformed_message_refused(
    db: Database, receiver: SmtpReceiver
) -> None:
    team = await make_team(db, agents=1)
    await make_inbox(db, team.workspace.id)
    bounce = mail("Delivery to the following recipient failed permanently.", subject="Undelivered")
    await asyncio.to_thread(send, receiver.port, bounce, ADDRESS, "")  # MAIL FROM:<>
    (message,) = await messages(db, team.workspace.id)
    assert message.body.startswith("[Automatic reply, not answered: a null return path")
    with pytest.raises(smtplib.SMTPDataError) as refused:
        await asyncio.to_thread(send, receiver.port, b"Subject: no sender\r\n\r\nhello\r\n")
    assert refused.value.smtp_code == 550
    assert b"from" in refused.value.smtp_error.lower()
