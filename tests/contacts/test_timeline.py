"""The timeline: fed by committed events, newest first, paged by (occurred_at, id), by kind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hovor.contacts import listeners, timeline
from hovor.conversations.service import access_conversation, do_close_conversation
from hovor.core.errors import InvalidInput
from hovor.db.transaction import Database
from tests.support.factories import make_team, visitor_writes

pytestmark = pytest.mark.storage


async def test_conversations_reach_the_timeline_once(db: Database) -> None:
    listeners.register(db.dispatcher, db)
    team = await make_team(db)
    ws = team.workspace.id
    first = await visitor_writes(db, ws, "v_1", "hello")
    await visitor_writes(db, ws, "v_1", "anyone?")  # same conversation: no new entry
    async with db.transaction() as tx:
        conversation = await access_conversation(tx.session, ws, first.conversation_id)
        await do_close_conversation(tx, conversation)
    async with db.read() as session:
        entries, cursor = await timeline.list_entries(session, ws, conversation.contact_id)
    assert [e.kind for e in entries] == ["conversation.closed", "conversation.started"]
    assert entries[1].summary == "Conversation started (webchat)" and cursor is None
    assert entries[1].data["conversation_id"] == conversation.id


async def test_pages_and_kinds(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    first = await visitor_writes(db, ws, "v_1", "hello")
    async with db.read() as session:
        contact_id = (await access_conversation(session, ws, first.conversation_id)).contact_id
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    async with db.transaction() as tx:
        for i in range(7):
            kind = "order.placed" if i % 2 else "offer.accepted"
            # Two entries share each timestamp: the id breaks the tie.
            await timeline.do_record(
                tx, ws, contact_id, kind, t0 + timedelta(hours=i // 2), "t", f"r{i}", f"n{i}"
            )
    seen: list[str] = []
    cursor = None
    async with db.read() as session:
        while True:
            page, cursor = await timeline.list_entries(
                session, ws, contact_id, before=cursor, limit=3
            )
            seen += [e.ref_id for e in page]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 7
        orders, _ = await timeline.list_entries(session, ws, contact_id, kinds=["order.placed"])
        assert [e.ref_id for e in orders] == ["r5", "r3", "r1"]
        other = await make_team(db, "Other")
        nothing, _ = await timeline.list_entries(session, other.workspace.id, contact_id)
        assert nothing == []
        with pytest.raises(InvalidInput):
            await timeline.list_entries(session, ws, contact_id, before="garbage!")
    assert seen[0] == "r6"
