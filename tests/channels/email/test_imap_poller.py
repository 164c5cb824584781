"""The IMAP poller against a real Dovecot: new mail, restarts, UIDVALIDITY, auto-replies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from hovor.channels.base import DeliveryFailed, InboxRef
from hovor.channels.email import imap_poller
from hovor.channels.email.imap_poller import ImapPoller
from hovor.channels.email.inbox_config import check_connection
from hovor.channels.email.models import ImapState
from hovor.conversations.models import Conversation, Delivery
from hovor.core.errors import InvalidInput
from hovor.core.ids import new_id
from hovor.db.transaction import Database
from tests.channels.email.dovecot import Dovecot, dovecot_server
from tests.channels.email.intake_support import mail, make_inbox, messages
from tests.support.factories import make_team
from tests.support.waiting import eventually


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    with dovecot_server() as server:
        yield server


async def mailbox_inbox(db: Database, dovecot: Dovecot, **extra: object) -> tuple[str, InboxRef]:
    """A workspace and an inbox reading a folder of its own (the server outlives tests)."""
    team = await make_team(db, agents=1)
    folder = f"Podpora-{new_id()[-10:]}"
    client = dovecot.client()
    client.create(folder)
    client.logout()
    inbox = await make_inbox(
        db,
        team.workspace.id,
        imap_host="127.0.0.1",
        imap_port=str(dovecot.port),
        imap_tls="none",
        imap_user=dovecot.user,
        imap_password=dovecot.password,
        imap_folder=folder,
        **extra,
    )
    return team.workspace.id, inbox


async def sync(db: Database, inbox: InboxRef) -> int:
    """One round of a fresh poller (a new node, as after a restart)."""
    poller = ImapPoller(db, poll_seconds=1)
    config = imap_poller.imap_config(inbox)
    assert config is not None
    client = await imap_poller.connect(config)
    try:
        assert await poller._hold(inbox)
        return await poller.sync(client, inbox, config.folder)
    finally:
        await imap_poller.logout(client)
        await poller.close()


async def test_new_mail_becomes_a_conversation_while_the_poller_idles(
    db: Database, dovecot: Dovecot
) -> None:
    workspace_id, inbox = await mailbox_inbox(db, dovecot)
    poller = ImapPoller(db, poll_seconds=5)
    await poller.start()
    try:
        await eventually("the poller holds the inbox", lambda: _holder(db, inbox.id))
        dovecot.append(mail("Dobrý den, kde je moje objednávka?"), inbox.config["imap_folder"])

        async def read() -> bool:
            # The mail is stored, then its UID recorded in a later transaction (a crash
            # between the two re-reads it and the Message-ID dedup drops it): wait for both.
            async with db.read() as session:
                state = await session.get(ImapState, inbox.id)
            return state is not None and state.last_uid == 1

        await eventually("the mail is stored and its UID recorded", read)
    finally:
        await poller.close()
    (message,) = await messages(db, workspace_id)
    assert message.body.startswith("Subject: Objednávka 1234")
    assert "kde je moje objednávka?" in message.body
    async with db.read() as session:
        conversation = await session.get(Conversation, message.conversation_id)
        state = await session.get(ImapState, inbox.id)
    assert conversation is not None and conversation.channel == "email"
    assert conversation.status == "open" and conversation.inbox_id == inbox.id
    assert state is not None and state.last_uid == 1 and state.holder is None  # released


async def _holder(db: Database, inbox_id: str) -> str | None:
    async with db.read() as session:
        state = await session.get(ImapState, inbox_id)
    return state.holder if state is not None else None


async def test_a_restart_neither_reads_twice_nor_misses(db: Database, dovecot: Dovecot) -> None:
    workspace_id, inbox = await mailbox_inbox(db, dovecot)
    folder = inbox.config["imap_folder"]
    dovecot.append(mail("první"), folder)
    dovecot.append(mail("druhá"), folder)
    assert await sync(db, inbox) == 2
    dovecot.append(mail("třetí, poslaná když poller stál"), folder)  # while stopped
    assert await sync(db, inbox) == 1
    assert await sync(db, inbox) == 0
    bodies = [m.body for m in await messages(db, workspace_id)]
    assert len(bodies) == 3
    assert "třetí, poslaná když poller stál" in bodies[2]


async def test_a_new_uidvalidity_reads_the_folder_again_without_duplicates(
    db: Database, dovecot: Dovecot
) -> None:
    workspace_id, inbox = await mailbox_inbox(db, dovecot)
    folder = inbox.config["imap_folder"]
    first = mail("první", message_id="<prvni@example.cz>")
    dovecot.append(first, folder)
    assert await sync(db, inbox) == 1
    async with db.read() as session:
        before = await session.get(ImapState, inbox.id)
    assert before is not None
    dovecot.recreate(folder)  # the mailbox was rebuilt: new UIDVALIDITY, UIDs from 1 again
    dovecot.append(first, folder)
    dovecot.append(mail("nová"), folder)
    assert await sync(db, inbox) == 2
    async with db.read() as session:
        after = await session.get(ImapState, inbox.id)
    assert after is not None and after.uidvalidity != before.uidvalidity
    assert after.last_uid == 2
    bodies = [m.body for m in await messages(db, workspace_id)]
    assert len(bodies) == 2  # the first one is stored once (dedup by Message-ID)
    assert "nová" in bodies[1]


async def test_an_auto_reply_is_stored_but_not_answered(db: Database, dovecot: Dovecot) -> None:
    workspace_id, inbox = await mailbox_inbox(db, dovecot)
    out_of_office = mail(
        "Jsem mimo kancelář do pondělí.",
        subject="Automatická odpověď: Objednávka 1234",
        headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
    )
    dovecot.append(out_of_office, inbox.config["imap_folder"])
    assert await sync(db, inbox) == 1
    (message,) = await messages(db, workspace_id)
    assert message.body.startswith("[Automatic reply, not answered: Auto-Submitted")
    async with db.read() as session:
        conversation = await session.get(Conversation, message.conversation_id)
        deliveries = (await session.scalars(select(Delivery))).all()
    assert conversation is not None and conversation.status == "closed"  # no routed task
    assert [d for d in deliveries if d.conversation_id == message.conversation_id] == []


async def test_two_nodes_never_read_one_inbox_at_once(db: Database, dovecot: Dovecot) -> None:
    _, inbox = await mailbox_inbox(db, dovecot)
    first = ImapPoller(db, node_id="node-a", lease=timedelta(seconds=60))
    second = ImapPoller(db, node_id="node-b", lease=timedelta(seconds=60))
    assert await first._hold(inbox)
    assert not await second._hold(inbox)
    assert await first._hold(inbox)  # renewing its own lease
    await first.close()  # releases it
    assert await second._hold(inbox)
    await second.close()


async def test_test_connection_logs_in_and_names_a_wrong_password(
    db: Database, dovecot: Dovecot
) -> None:
    _, inbox = await mailbox_inbox(db, dovecot)
    answer = await check_connection(inbox)
    assert answer == f"logged in as shop; {inbox.config['imap_folder']} holds 0 messages"
    wrong = InboxRef(
        inbox.id,
        inbox.workspace_id,
        "email",
        {**inbox.config, "imap_password": "spatne"},
        "",
    )
    with pytest.raises(DeliveryFailed, match="login refused"):
        await check_connection(wrong)


async def test_an_inbox_without_a_password_is_refused_naming_the_field(db: Database) -> None:
    team = await make_team(db, agents=0)
    with pytest.raises(InvalidInput) as refused:
        await make_inbox(db, team.workspace.id, imap_host="imap.example.cz", imap_user="shop")
    assert refused.value.errors == [
        {"loc": ["body", "config", "imap_password"], "msg": "the mailbox's password"}
    ]
