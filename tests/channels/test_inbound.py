"""The shared inbound path: contact and conversation found or created, resends deduplicated."""

from __future__ import annotations

from sqlalchemy import func, select

from hovor.contacts.models import Contact, ContactIdentity
from hovor.conversations import service
from hovor.db.transaction import Database
from tests.support.factories import make_team, visitor_writes


async def test_first_message_creates_contact_and_conversation(db: Database) -> None:
    team = await make_team(db)
    first = await visitor_writes(db, team.workspace.id, "v_new", "Hi")
    second = await visitor_writes(db, team.workspace.id, "v_new", "Still there?")
    assert first.conversation_id == second.conversation_id
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Contact)) == 1
        identity = await session.scalar(select(ContactIdentity))
        assert identity is not None and (identity.kind, identity.value) == ("visitor", "v_new")


async def test_a_closed_conversation_is_not_reused(db: Database) -> None:
    team = await make_team(db)
    first = await visitor_writes(db, team.workspace.id, "v_back", "Question one")
    async with db.transaction() as tx:
        conv = await service.access_conversation(
            tx.session, team.workspace.id, first.conversation_id
        )
        await service.do_close_conversation(tx, conv)
    later = await visitor_writes(db, team.workspace.id, "v_back", "Question two")
    assert later.conversation_id != first.conversation_id
    # Without a client id every message is new, and it joins the newest conversation.
    resent = await visitor_writes(db, team.workspace.id, "v_back", "Question one", client_id=None)
    assert resent.conversation_id == later.conversation_id


async def test_resend_after_close_does_not_duplicate(db: Database) -> None:
    team = await make_team(db)
    first = await visitor_writes(db, team.workspace.id, "v_r", "Once", client_id="c1")
    async with db.transaction() as tx:
        conv = await service.access_conversation(
            tx.session, team.workspace.id, first.conversation_id
        )
        await service.do_close_conversation(tx, conv)
    again = await visitor_writes(db, team.workspace.id, "v_r", "Once", client_id="c1")
    assert not again.created and again.message.id == first.message.id
