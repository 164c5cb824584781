"""Conversations: storing messages once, inbox views, paging, unread counts, isolation."""

from __future__ import annotations

import pytest

from hovor.conversations import service
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.db.transaction import Database
from tests.support.events import CaptureEvents
from tests.support.factories import make_team, visitor_writes


async def test_resending_a_client_id_stores_one_message(db: Database) -> None:
    team = await make_team(db)
    first = await visitor_writes(db, team.workspace.id, "v_1", "Hello", client_id="c-1")
    again = await visitor_writes(db, team.workspace.id, "v_1", "Hello", client_id="c-1")
    assert first.created and not again.created
    assert again.message.id == first.message.id
    async with db.read() as session:
        messages, _ = await service.list_messages(
            session, [first.conversation_id], limit=10, before=None
        )
    assert [m.body for m in messages] == ["Hello"]


async def test_a_client_id_names_one_message_of_one_conversation(db: Database) -> None:
    team = await make_team(db)
    agent = team.agents[0]
    one = await visitor_writes(db, team.workspace.id, "v_1", "a")
    two = await visitor_writes(db, team.workspace.id, "v_2", "b")
    async with db.transaction() as tx:
        conv = await service.access_conversation(tx.session, team.workspace.id, one.conversation_id)
        await service.do_send_message(
            tx,
            conv,
            author_type="agent",
            author_id=agent.id,
            author_name=agent.name,
            body="hello",
            client_id="same",
        )
    with pytest.raises(Conflict, match="another conversation"):
        async with db.transaction() as tx:
            conv = await service.access_conversation(
                tx.session, team.workspace.id, two.conversation_id
            )
            await service.do_send_message(
                tx,
                conv,
                author_type="agent",
                author_id=agent.id,
                author_name=agent.name,
                body="hello",
                client_id="same",
            )


async def test_message_body_is_checked(db: Database) -> None:
    team = await make_team(db)
    with pytest.raises(InvalidInput, match="empty"):
        await visitor_writes(db, team.workspace.id, "v_1", "   ")
    with pytest.raises(InvalidInput, match="longer"):
        await visitor_writes(db, team.workspace.id, "v_1", "x" * 4001)


async def test_events_carry_the_api_shapes(db: Database, capture_events: CaptureEvents) -> None:
    team = await make_team(db)
    with capture_events(db) as captured:
        received = await visitor_writes(db, team.workspace.id, "v_9", "Hi", client_id="a")
    created, message = captured.of("conversation.created", "message.created")
    assert (created.name, message.name) == ("conversation.created", "message.created")
    assert created.payload["conversation"]["id"] == received.conversation_id
    assert created.payload["conversation"]["contact"]["name"] == "Visitor V_9"
    assert message.payload["message"]["body"] == "Hi"
    assert message.payload["message"]["conversation_id"] == received.conversation_id
    assert message.payload["source_id"] == "v_9"


async def test_views_unread_and_read(db: Database) -> None:
    team = await make_team(db)
    ws, agent = team.workspace.id, team.agents[0]
    a = await visitor_writes(db, ws, "v_a", "one")
    await visitor_writes(db, ws, "v_a", "two")
    b = await visitor_writes(db, ws, "v_b", "three")
    async with db.transaction() as tx:
        conv_b = await service.access_conversation(tx.session, ws, b.conversation_id)
        await service.do_assign_conversation(tx, conv_b, agent.id)

    async def view(name: str) -> dict[str, int]:
        async with db.read() as session:
            rows, _ = await service.list_conversations(
                session, ws, view=name, status="open", user_id=agent.id, limit=10, cursor=None
            )  # type: ignore[arg-type]
            described = await service.describe_conversations(session, rows)
        return {c.id: c.unread_count for c in described}

    assert await view("unassigned") == {a.conversation_id: 2}
    assert await view("mine") == {b.conversation_id: 1}
    assert set(await view("all")) == {a.conversation_id, b.conversation_id}

    async with db.transaction() as tx:
        conv_a = await service.access_conversation(tx.session, ws, a.conversation_id)
        await service.do_mark_read(tx, conv_a)
    assert (await view("unassigned"))[a.conversation_id] == 0


async def test_paging_by_cursor_visits_everything_once(db: Database) -> None:
    team = await make_team(db)
    ids = {
        (await visitor_writes(db, team.workspace.id, f"v_{i}", "hi")).conversation_id
        for i in range(7)
    }
    seen: list[str] = []
    cursor = None
    async with db.read() as session:
        while True:
            rows, cursor = await service.list_conversations(
                session,
                team.workspace.id,
                view="all",
                status="open",
                user_id=team.admin.id,
                limit=3,
                cursor=cursor,
            )
            seen += [r.id for r in rows]
            if cursor is None:
                break
    assert len(seen) == 7 and set(seen) == ids
    async with db.read() as session:
        with pytest.raises(InvalidInput, match="cursor"):
            await service.list_conversations(
                session,
                team.workspace.id,
                view="all",
                status="open",
                user_id=team.admin.id,
                limit=3,
                cursor="not-a-cursor",
            )


async def test_message_history_pages_backwards(db: Database) -> None:
    team = await make_team(db)
    conv = None
    for i in range(5):
        conv = (await visitor_writes(db, team.workspace.id, "v_h", f"m{i}")).conversation_id
    assert conv is not None
    async with db.read() as session:
        newest, more = await service.list_messages(session, [conv], limit=2, before=None)
        assert [m.body for m in newest] == ["m3", "m4"] and more
        older, more = await service.list_messages(session, [conv], limit=10, before=newest[0].id)
        assert [m.body for m in older] == ["m0", "m1", "m2"] and not more


async def test_other_workspaces_get_not_found(db: Database) -> None:
    ours = await make_team(db, "Ours")
    theirs = await make_team(db, "Theirs")
    received = await visitor_writes(db, theirs.workspace.id, "v_t", "secret")
    async with db.read() as session:
        with pytest.raises(NotFound):
            await service.access_conversation(session, ours.workspace.id, received.conversation_id)
        rows, _ = await service.list_conversations(
            session,
            ours.workspace.id,
            view="all",
            status="open",
            user_id=ours.admin.id,
            limit=50,
            cursor=None,
        )
    assert rows == []


async def test_close_and_reopen(db: Database) -> None:
    team = await make_team(db)
    received = await visitor_writes(db, team.workspace.id, "v_c", "bye")
    async with db.transaction() as tx:
        conv = await service.access_conversation(
            tx.session, team.workspace.id, received.conversation_id
        )
        await service.do_close_conversation(tx, conv)
    assert conv.status == "closed" and conv.closed_at is not None
    async with db.transaction() as tx:
        conv = await service.access_conversation(
            tx.session, team.workspace.id, received.conversation_id
        )
        await service.do_reopen_conversation(tx, conv)
    assert conv.status == "open" and conv.closed_at is None
