"""Routing through the database: tasks, the node's decisions, restarts (SQLite and PostgreSQL)."""

from __future__ import annotations

from hovor.auth import service as auth
from hovor.conversations import service as conversations
from hovor.db.transaction import Database
from hovor.bus import MemoryBus
from hovor.routing import listeners
from hovor.routing.node import LocalLease, RoutingNode
from tests.support.factories import make_team, visitor_writes


def _routed(db: Database) -> Database:
    listeners.register(db.dispatcher, db, RoutingNode(db, MemoryBus(), LocalLease()))
    return db


async def assignee_of(db: Database, workspace_id: str, conversation_id: str) -> str | None:
    async with db.read() as session:
        conv = await conversations.access_conversation(session, workspace_id, conversation_id)
        return conv.assignee_id


async def test_new_chat_goes_to_the_least_occupied_online_agent(db: Database) -> None:
    db = _routed(db)
    team = await make_team(db, agents=2, online=True, capacity=2)
    ws = team.workspace.id
    got = [
        await assignee_of(db, ws, (await visitor_writes(db, ws, f"v_{i}", "hi")).conversation_id)
        for i in range(4)
    ]
    assert sorted(got) == sorted([a.id for a in team.agents] * 2)  # type: ignore[arg-type]
    # Everyone is full now: the fifth chat waits.
    fifth = await visitor_writes(db, ws, "v_5", "hi")
    assert await assignee_of(db, ws, fifth.conversation_id) is None


async def test_offline_agents_get_nothing_until_they_come_online(db: Database) -> None:
    db = _routed(db)
    team = await make_team(db, agents=1, online=False)
    ws = team.workspace.id
    waiting = [(await visitor_writes(db, ws, f"v_{i}", "hi")).conversation_id for i in range(2)]
    assert [await assignee_of(db, ws, c) for c in waiting] == [None, None]
    async with db.transaction() as tx:
        agent = await auth.access_user(tx.session, ws, team.agents[0].id)
        await auth.do_set_presence(tx, agent, "online")
    assert [await assignee_of(db, ws, c) for c in waiting] == [team.agents[0].id] * 2


async def test_closing_a_chat_frees_capacity_for_the_next(db: Database) -> None:
    db = _routed(db)
    team = await make_team(db, agents=1, online=True, capacity=1)
    ws = team.workspace.id
    first = (await visitor_writes(db, ws, "v_1", "hi")).conversation_id
    second = (await visitor_writes(db, ws, "v_2", "hi")).conversation_id
    assert await assignee_of(db, ws, second) is None
    async with db.transaction() as tx:
        conv = await conversations.access_conversation(tx.session, ws, first)
        await conversations.do_close_conversation(tx, conv)
    assert await assignee_of(db, ws, second) == team.agents[0].id


async def test_agents_of_other_workspaces_are_never_chosen(db: Database) -> None:
    db = _routed(db)
    await make_team(db, "Busy Co", agents=1, online=True)
    lonely = await make_team(db, "Lonely Co", agents=1, online=False)
    conv = (await visitor_writes(db, lonely.workspace.id, "v_x", "hi")).conversation_id
    assert await assignee_of(db, lonely.workspace.id, conv) is None
