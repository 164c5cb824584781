"""The e-mail inbound path (threading, dedup, isolation, contacts) and SMTP delivery."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from hovor.channels.base import ChannelRegistry, RawInbound
from hovor.channels.email import service
from hovor.channels.email.adapter import EmailAdapter, EmailPayload
from hovor.channels.email.parse import parse_email
from hovor.channels.email.service import EmailReceived
from hovor.channels.email.smtp import SmtpServer
from hovor.channels.outbox import service as outbox
from hovor.channels.outbox.worker import OutboxWorker
from hovor.contacts import service as contacts
from hovor.conversations import service as conversations
from hovor.conversations.models import Delivery
from hovor.core import clock
from hovor.core.errors import Forbidden
from hovor.db.transaction import Database
from tests.channels.email.smtp_sink import smtp_sink
from tests.support.factories import make_team, visitor_writes

FIXTURES = Path(__file__).parents[3] / "src/hovor/channels/email/fixtures"
SUPPORT = "support@acme.example.org"


async def configure(db: Database, workspace_id: str, address: str = SUPPORT) -> None:
    async with db.transaction() as tx:
        await service.do_set_settings(
            tx, workspace_id, support_address=address, display_name="Acme Support"
        )


async def receive(
    db: Database, adapter: EmailAdapter, workspace_id: str, raw: bytes
) -> EmailReceived:
    email = parse_email(raw)
    async with db.read() as session:
        settings = await service.get_settings(session, workspace_id)
    payload = EmailPayload(email, settings.support_address if settings else None)
    inbound = RawInbound(payload=payload, workspace_id=workspace_id)
    adapter.verify(inbound)
    (parsed,) = adapter.parse(inbound)
    async with db.transaction() as tx:
        return await service.do_receive_email(tx, parsed, email)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


async def test_new_mail_opens_a_conversation_and_a_reply_threads_into_it(db: Database) -> None:
    team = await make_team(db)
    await configure(db, team.workspace.id)
    adapter = EmailAdapter(db, None)
    first = await receive(db, adapter, team.workspace.id, fixture("plain.eml"))
    assert first.received.created and not first.threaded
    assert first.received.message.body.startswith("Subject: Order 1042 has not arrived\n\nHello,")
    # The customer answers the first mail (References) with a new Message-ID.
    reply = await receive(db, adapter, team.workspace.id, fixture("reply_quoted.eml"))
    assert reply.threaded and reply.received.conversation_id == first.received.conversation_id
    assert reply.received.message.body == "Great, thank you! It arrived just now."
    # Another new mail from the same sender, without thread ids, is a new conversation.
    other = fixture("plain.eml").replace(b"CAF1a2b3c4d5e6", b"another-one")
    third = await receive(db, adapter, team.workspace.id, other)
    assert third.received.conversation_id != first.received.conversation_id
    async with db.read() as session:
        conv = await conversations.access_conversation(
            session, team.workspace.id, first.received.conversation_id
        )
        contact = await contacts.access_contact(session, team.workspace.id, conv.contact_id)
    assert (conv.channel, conv.source_id, contact.name) == (
        "email",
        "jane.doe@example.com",
        "Jane Doe",
    )


async def test_a_resent_message_id_is_stored_once(db: Database) -> None:
    team = await make_team(db)
    await configure(db, team.workspace.id)
    adapter = EmailAdapter(db, None)
    first = await receive(db, adapter, team.workspace.id, fixture("html_only.eml"))
    again = await receive(db, adapter, team.workspace.id, fixture("html_only.eml"))
    assert not again.received.created and again.received.message.id == first.received.message.id


async def test_mail_must_be_addressed_to_the_workspace_and_stays_in_it(db: Database) -> None:
    acme = await make_team(db, "Acme")
    other = await make_team(db, "Other")
    adapter = EmailAdapter(db, None)
    with pytest.raises(Forbidden, match="support address first"):
        await receive(db, adapter, acme.workspace.id, fixture("plain.eml"))
    await configure(db, acme.workspace.id)
    await configure(db, other.workspace.id, "help@other.example.org")
    with pytest.raises(Forbidden, match="not addressed to help@other"):
        await receive(db, adapter, other.workspace.id, fixture("plain.eml"))
    mine = await receive(db, adapter, acme.workspace.id, fixture("plain.eml"))
    # The same thread ids posted to another workspace do not reach Acme's conversation.
    raw = fixture("reply_quoted.eml").replace(SUPPORT.encode(), b"help@other.example.org")
    theirs = await receive(db, adapter, other.workspace.id, raw)
    assert not theirs.threaded
    assert theirs.received.conversation_id != mine.received.conversation_id


async def test_the_contact_with_that_email_identity_gets_the_mail(db: Database) -> None:
    team = await make_team(db)
    await configure(db, team.workspace.id)
    chat = await visitor_writes(db, team.workspace.id, "v_jane", "Hi from the shop")
    async with db.transaction() as tx:
        conv = await conversations.access_conversation(
            tx.session, team.workspace.id, chat.conversation_id
        )
        contact = await contacts.access_contact(tx.session, team.workspace.id, conv.contact_id)
        await contacts.do_add_identity(tx, contact, "email", "JANE.DOE@example.com", verified=True)
    got = await receive(db, EmailAdapter(db, None), team.workspace.id, fixture("plain.eml"))
    async with db.read() as session:
        mail_conv = await conversations.access_conversation(
            session, team.workspace.id, got.received.conversation_id
        )
    assert mail_conv.contact_id == conv.contact_id and mail_conv.channel == "email"


async def agent_replies(db: Database, team_agent_id: str, workspace_id: str, conv_id: str) -> str:
    async with db.transaction() as tx:
        conv = await conversations.access_conversation(tx.session, workspace_id, conv_id)
        message, _ = await conversations.do_send_message(
            tx,
            conv,
            author_type="agent",
            author_id=team_agent_id,
            author_name="Agent 0",
            body="Your parcel is out for delivery today.",
        )
    return message.id


def outbox_with(db: Database, adapter: EmailAdapter) -> OutboxWorker:
    """The outbox as the app wires it, with only the e-mail channel."""
    registry = ChannelRegistry()
    registry.add(adapter)
    outbox.register(db.dispatcher, registry.catalogue)
    return OutboxWorker(db, registry)


async def only_delivery(db: Database) -> Delivery:
    async with db.read() as session:
        (delivery,) = (await session.scalars(select(Delivery))).all()
    return delivery


async def test_agent_reply_goes_out_by_smtp_and_the_answer_threads(db: Database) -> None:
    team = await make_team(db)
    await configure(db, team.workspace.id)
    with smtp_sink() as (sink, port):
        adapter = EmailAdapter(db, SmtpServer("127.0.0.1", port, None, None, False, False))
        worker = outbox_with(db, adapter)
        first = await receive(db, adapter, team.workspace.id, fixture("plain.eml"))
        reply_id = await agent_replies(
            db, team.agents[0].id, team.workspace.id, first.received.conversation_id
        )
        assert await worker.run_once() == 1
    [sent] = sink.messages
    assert sent["To"] == "jane.doe@example.com"
    assert sent["From"].addresses[0].addr_spec == SUPPORT
    assert sent["Subject"] == "Re: Order 1042 has not arrived"
    assert sent["In-Reply-To"] == "<CAF1a2b3c4d5e6@mail.example.com>"
    assert sent.get_content().strip() == "Your parcel is out for delivery today."
    delivery = await only_delivery(db)
    assert delivery.message_id == reply_id and delivery.channel == "email"
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.provider_message_id == sent["Message-ID"].strip("<>")
    # The customer's answer to our reply threads by its In-Reply-To.
    answer = (
        fixture("reply_quoted.eml")
        .replace(b"REPLACED-BY-TEST@acme.example.org", sent["Message-ID"].strip("<>").encode())
        .replace(b"<CAF1a2b3c4d5e6@mail.example.com> ", b"")
    )
    got = await receive(db, adapter, team.workspace.id, answer)
    assert got.threaded and got.received.conversation_id == first.received.conversation_id


async def test_a_failed_delivery_backs_off_then_fails_with_the_reason(db: Database) -> None:
    team = await make_team(db)
    await configure(db, team.workspace.id)
    closed_port = SmtpServer("127.0.0.1", 9, None, None, False, False)  # nothing listens
    worker = outbox_with(db, EmailAdapter(db, closed_port))
    first = await receive(db, EmailAdapter(db, None), team.workspace.id, fixture("plain.eml"))
    await agent_replies(db, team.agents[0].id, team.workspace.id, first.received.conversation_id)
    manual = clock.ManualClock(clock.now())
    previous = clock.set_clock(manual)
    try:
        for attempt, wait in enumerate((*outbox.RETRY_DELAYS, None), start=1):
            assert await worker.run_once() == 1
            assert await worker.run_once() == 0  # not due again before its back-off
            delivery = await only_delivery(db)
            assert delivery.attempts == attempt and delivery.last_error
            if wait is None:
                assert delivery.status == "failed"
            else:
                assert delivery.status == "pending"
                assert delivery.next_attempt_at == manual.now() + wait
                manual.advance(wait.total_seconds())
    finally:
        clock.set_clock(previous)


async def test_without_smtp_the_reply_is_kept_and_fails_with_the_reason(db: Database) -> None:
    team = await make_team(db)
    await configure(db, team.workspace.id)
    adapter = EmailAdapter(db, None)
    worker = outbox_with(db, adapter)
    first = await receive(db, adapter, team.workspace.id, fixture("plain.eml"))
    await agent_replies(db, team.agents[0].id, team.workspace.id, first.received.conversation_id)
    assert await worker.run_once() == 1
    delivery = await only_delivery(db)
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error and "no SMTP configured" in delivery.last_error
