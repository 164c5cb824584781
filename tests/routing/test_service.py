"""Routing through the database: tasks, the node's decisions, restarts (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from hovor.auth import service as auth
from hovor.bus import MemoryBus
from hovor.conversations import service as conversations
from hovor.conversations.models import Conversation
from hovor.core import clock
from hovor.core.clock import ManualClock
from hovor.core.dispatch import Dispatcher
from hovor.core.errors import Conflict, InvalidInput
from hovor.db.transaction import Database
from hovor.routing import agents, events, handover, listeners, queues, tasks
from hovor.routing.lease import LocalLease
from hovor.routing.models import RoutingQueue, RoutingTask
from hovor.routing.node import RoutingNode
from hovor.routing.service_level import service_level_today
from tests.routing.channels import CHANNELS, EMAIL
from tests.support.events import CaptureEvents
from tests.support.factories import make_team, visitor_writes


def _routed(db: Database) -> Database:
    _node(db)
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


# Queues, reservations, restarts ------------------------------------------------------------


@pytest.fixture
def manual_clock() -> Iterator[ManualClock]:
    """A clock that moves only when the test says (timers: reservations, steps, SLA)."""
    # Noon today: tests that look at "today" never cross midnight.
    fixed = ManualClock(datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0))
    previous = clock.set_clock(fixed)
    try:
        yield fixed
    finally:
        clock.set_clock(previous)


def _node(db: Database) -> RoutingNode:
    node = RoutingNode(db, MemoryBus(), LocalLease(), CHANNELS)
    listeners.register(db.dispatcher, db, node)
    return node


async def _queue(db: Database, ws: str, **changes: object) -> RoutingQueue:
    spec = queues.QueueSpec(name="Sales", steps=[{"target": ""}], channels=["webchat"])
    for key, value in changes.items():
        setattr(spec, key, value)
    async with db.transaction() as tx:
        return await queues.do_create_queue(tx, ws, spec, CHANNELS)


async def _task(db: Database, conversation_id: str) -> RoutingTask:
    async with db.read() as session:
        task = await tasks.active_task(session, conversation_id)
    assert task is not None
    return task


async def test_a_reservation_is_accepted_or_goes_to_the_next_agent_on_timeout(
    db: Database, manual_clock: ManualClock
) -> None:
    node = _node(db)
    team = await make_team(db, agents=2, online=True)
    ws = team.workspace.id
    await _queue(db, ws, auto_accept=False, reservation_seconds=20)
    first = (await visitor_writes(db, ws, "v_1", "hi")).conversation_id
    task = await _task(db, first)
    assert task.status == "reserved" and task.reservation_expires_at is not None
    held_by = task.agent_id
    assert await assignee_of(db, ws, first) is None  # offered, not yet taken

    manual_clock.advance(21)
    await node.tick()
    task = await _task(db, first)
    assert task.status == "reserved" and task.agent_id not in (None, held_by)
    assert task.rejected == [held_by]

    async with db.transaction() as tx:
        row = await tasks.access_task(tx.session, ws, task.id)
        agent = await auth.access_user(tx.session, ws, task.agent_id or "")
        await handover.do_accept(tx, row, agent)
    assert await assignee_of(db, ws, first) == task.agent_id
    assert (await _task(db, first)).status == "assigned"
    # The reservation is gone: a late accept by the first agent is refused.
    async with db.transaction() as tx:
        row = await tasks.access_task(tx.session, ws, task.id)
        late = await auth.access_user(tx.session, ws, held_by or "")
        with pytest.raises(Conflict):
            await handover.do_accept(tx, row, late)


async def test_a_restart_keeps_reservations_and_assigns_exactly_once(
    db: Database, manual_clock: ManualClock
) -> None:
    _node(db)
    team = await make_team(db, agents=2, online=True)
    ws = team.workspace.id
    await _queue(db, ws, auto_accept=False, reservation_seconds=30)
    conversation_id = (await visitor_writes(db, ws, "v_1", "hi")).conversation_id
    before = await _task(db, conversation_id)
    assert before.status == "reserved"

    # "Restart": a new dispatcher and node read everything back from the database.
    db.dispatcher = Dispatcher()
    node = _node(db)
    await node.kick(ws, "reload", "")
    assert node.routers[ws].tasks[before.id].status == "reserved"
    again = await _task(db, conversation_id)
    assert (again.status, again.agent_id, again.version) == (
        "reserved",
        before.agent_id,
        before.version,
    )

    manual_clock.advance(31)  # the re-armed reservation timer fires once
    await node.tick()
    await node.tick()
    moved = await _task(db, conversation_id)
    assert moved.status == "reserved" and moved.agent_id != before.agent_id
    async with db.transaction() as tx:
        row = await tasks.access_task(tx.session, ws, moved.id)
        agent = await auth.access_user(tx.session, ws, moved.agent_id or "")
        await handover.do_accept(tx, row, agent)
    async with db.read() as session:
        rows = (
            await session.scalars(
                select(RoutingTask).where(RoutingTask.conversation_id == conversation_id)
            )
        ).all()
    assert [(t.status, t.agent_id) for t in rows] == [("assigned", moved.agent_id)]


async def test_a_wrap_up_outlives_a_leader_change(db: Database, manual_clock: ManualClock) -> None:
    _node(db)
    team = await make_team(db, agents=1, online=True, capacity=1)
    ws = team.workspace.id
    agent_id = team.agents[0].id
    await _queue(db, ws, wrap_up_seconds=40)
    first = (await visitor_writes(db, ws, "v_1", "hi")).conversation_id
    second = (await visitor_writes(db, ws, "v_2", "hi")).conversation_id
    assert await assignee_of(db, ws, first) == agent_id
    assert await assignee_of(db, ws, second) is None
    manual_clock.advance(5)
    async with db.transaction() as tx:
        conversation = await conversations.access_conversation(tx.session, ws, first)
        await conversations.do_close_conversation(tx, conversation)
    assert await assignee_of(db, ws, second) is None  # the agent wraps up

    # Another leader: a new dispatcher and node rebuild everything from the database.
    db.dispatcher = Dispatcher()
    node = _node(db)
    await node.kick(ws, "reload", "")
    manual_clock.advance(39)
    await node.tick()
    assert await assignee_of(db, ws, second) is None  # a second of wrap-up left
    manual_clock.advance(1)
    await node.tick()
    assert await assignee_of(db, ws, second) == agent_id


async def test_a_task_nobody_can_take_is_reported_until_someone_can(
    db: Database, capture_events: CaptureEvents
) -> None:
    node = _node(db)
    team = await make_team(db, agents=1, online=True)
    ws = team.workspace.id
    await _queue(db, ws, steps=[{"target": "has(skills.fridges) && skills.fridges >= 3"}])
    with capture_events(db) as captured:
        conversation_id = (await visitor_writes(db, ws, "v_1", "fridge?")).conversation_id
    task = await _task(db, conversation_id)
    assert task.unroutable and task.status == "waiting"
    (reported,) = captured.payloads(events.TASK_MARKED_UNROUTABLE)
    assert reported["task"]["id"] == task.id and reported["task"]["unroutable"] is True
    assert events.TASK_MARKED_UNROUTABLE == "task.marked_unroutable"
    snapshot = node.snapshot(ws)
    assert snapshot is not None
    assert [q["unroutable"] for q in snapshot["queues"] if q["name"] == "Sales"] == [1]

    with capture_events(db) as captured:
        async with db.transaction() as tx:
            agent = await auth.access_user(tx.session, ws, team.agents[0].id)
            await agents.do_set_profile(tx, agent, CHANNELS, skills={"fridges": 4})
    task = await _task(db, conversation_id)
    assert not task.unroutable and task.status == "assigned"
    assert await assignee_of(db, ws, conversation_id) == team.agents[0].id
    assert [p["task"]["status"] for p in captured.payloads("task.changed")][-1] == "assigned"


async def test_transfer_to_a_queue_keeps_the_deadline_and_frees_the_agent(db: Database) -> None:
    _node(db)
    team = await make_team(db, agents=1, online=True, capacity=1)
    ws = team.workspace.id
    await _queue(db, ws)
    experts = await _queue(
        db, ws, name="Experts", channels=[], steps=[{"target": "has(skills.expert)"}]
    )
    first = (await visitor_writes(db, ws, "v_1", "hi")).conversation_id
    second = (await visitor_writes(db, ws, "v_2", "hi")).conversation_id
    before = await _task(db, first)
    assert before.status == "assigned" and await assignee_of(db, ws, second) is None
    async with db.transaction() as tx:
        row = await tasks.access_task(tx.session, ws, before.id)
        await handover.do_transfer_to_queue(tx, row, experts)
    moved = await _task(db, first)
    assert (moved.queue_id, moved.status, moved.deadline) == (
        experts.id,
        "waiting",
        before.deadline,
    )
    assert moved.unroutable  # nobody has the skill: said, not silent
    assert await assignee_of(db, ws, first) is None
    assert await assignee_of(db, ws, second) == team.agents[0].id  # the freed slot


async def test_bad_queues_and_profiles_get_field_errors(db: Database) -> None:
    team = await make_team(db, agents=1)
    ws = team.workspace.id
    async with db.transaction() as tx:
        with pytest.raises(InvalidInput) as bad:
            await queues.do_create_queue(
                tx,
                ws,
                queues.QueueSpec(
                    name="X",
                    steps=[{"target": "skills.a >"}, {"target": "agent.x", "timeout_seconds": -1}],
                    channels=["web chat"],
                    overflow_queue_id="nope",
                    sla_seconds={"fax": 60},
                ),
                CHANNELS,
            )
    locs = [tuple(e["loc"]) for e in bad.value.errors or []]
    assert ("steps", 0, "target") in locs and ("steps", 1, "target") in locs
    assert ("steps", 1, "timeout_seconds") in locs and ("overflow_queue_id",) in locs
    assert ("channels",) in locs and ("sla_seconds", "fax") in locs
    async with db.transaction() as tx:
        agent = await auth.access_user(tx.session, ws, team.agents[0].id)
        with pytest.raises(InvalidInput) as bad:
            await agents.do_set_profile(
                tx, agent, CHANNELS, skills={"fridges": 9}, capacity={"fax": 1, "email": 99}
            )
    # A channel the catalogue does not know is refused, however well-formed its name.
    assert {(tuple(e["loc"]), e["msg"]) for e in bad.value.errors or []} == {
        (("skills", "fridges"), "level must be between 1 and 5"),
        (("capacity", "fax"), "no such channel"),
        (("capacity", "email"), "must be between 0 and 50"),
    }


async def test_default_capacities_are_the_channels_own(db: Database) -> None:
    team = await make_team(db, agents=1, capacity=2)
    ws = team.workspace.id
    async with db.transaction() as tx:
        agent = await auth.access_user(tx.session, ws, team.agents[0].id)
        profile = await agents.do_set_profile(tx, agent, CHANNELS, capacity={"callback": 0})
        capacity = agents.capacity_of(agent, profile, CHANNELS)
    # Web chat: the user's own chat capacity (ADR 0005); the rest: profile over defaults.
    assert capacity == {"webchat": 2, "callback": 0, "email": EMAIL.default_capacity}


async def test_manual_assignment_counts_against_capacity(db: Database) -> None:
    _node(db)
    team = await make_team(db, agents=2, online=True, capacity=1)
    ws = team.workspace.id
    first = (await visitor_writes(db, ws, "v_1", "hi")).conversation_id
    holder = await assignee_of(db, ws, first)
    other = next(a.id for a in team.agents if a.id != holder)
    async with db.transaction() as tx:
        conv = await conversations.access_conversation(tx.session, ws, first)
        await conversations.do_assign_conversation(tx, conv, other)
    task = await _task(db, first)
    assert (task.status, task.agent_id) == ("assigned", other)
    # The first holder is free again and takes the next chat; the other is full.
    second = (await visitor_writes(db, ws, "v_2", "hi")).conversation_id
    assert await assignee_of(db, ws, second) == holder


async def test_a_task_whose_conversation_closed_unseen_is_ended_not_handed_out(
    db: Database,
) -> None:
    node = _node(db)
    team = await make_team(db, agents=1, online=False, capacity=1)
    ws = team.workspace.id
    lost = (await visitor_writes(db, ws, "v_1", "hi")).conversation_id
    # The conversation closes without its event reaching routing (a crashed listener).
    async with db.transaction() as tx:
        await tx.session.execute(
            update(Conversation).where(Conversation.id == lost).values(status="closed")
        )
    async with db.transaction() as tx:
        agent = await auth.access_user(tx.session, ws, team.agents[0].id)
        await auth.do_set_presence(tx, agent, "online")
    async with db.read() as session:
        rows = (
            await session.scalars(select(RoutingTask).where(RoutingTask.conversation_id == lost))
        ).all()
    assert [(t.status, t.end_reason) for t in rows] == [("cancelled", "closed")]
    assert lost not in node.routers[ws].tasks
    # Her one slot is free for the next chat.
    fresh = (await visitor_writes(db, ws, "v_2", "hi")).conversation_id
    assert await assignee_of(db, ws, fresh) == team.agents[0].id


async def test_oversized_attributes_and_bad_weight_skills_are_refused(db: Database) -> None:
    team = await make_team(db, agents=1)
    ws = team.workspace.id
    async with db.transaction() as tx:
        agent = await auth.access_user(tx.session, ws, team.agents[0].id)
        with pytest.raises(InvalidInput) as bad:
            await agents.do_set_profile(tx, agent, CHANNELS, attributes={"notes": "x" * 5000})
    assert [tuple(e["loc"]) for e in bad.value.errors or []] == [("attributes",)]
    async with db.transaction() as tx:
        with pytest.raises(InvalidInput) as bad:
            await queues.do_create_queue(
                tx,
                ws,
                queues.QueueSpec(
                    name="W", steps=[{"target": ""}], channels=[], weight_skill="TV Sets"
                ),
                CHANNELS,
            )
    assert [tuple(e["loc"]) for e in bad.value.errors or []] == [("weight_skill",)]


async def test_service_level_today_counts_only_decided_tasks(
    db: Database, manual_clock: ManualClock
) -> None:
    node = _node(db)
    team = await make_team(db, agents=1, online=True, capacity=1)
    ws = team.workspace.id
    queue = await _queue(db, ws, sla_seconds={"webchat": 30})
    fast = (await visitor_writes(db, ws, "v_1", "hi")).conversation_id  # answered at once
    slow = (await visitor_writes(db, ws, "v_2", "hi")).conversation_id  # waits: agent full
    gone = (await visitor_writes(db, ws, "v_3", "hi")).conversation_id  # will give up
    manual_clock.advance(10)
    async with db.transaction() as tx:
        await conversations.do_close_conversation(
            tx, await conversations.access_conversation(tx.session, ws, gone)
        )
    async with db.read() as session:
        early = await service_level_today(session, ws)
    sales = next(f for f in early if f["queue_id"] == queue.id)
    # The slow chat is still within its 30 s: not decided, not counted.
    assert (sales["offered"], sales["answered"], sales["abandoned"]) == (2, 1, 1)
    manual_clock.advance(40)  # 50 s: the fast one closes, the slow one is answered late
    await node.tick()
    async with db.transaction() as tx:
        await conversations.do_close_conversation(
            tx, await conversations.access_conversation(tx.session, ws, fast)
        )
    assert await assignee_of(db, ws, slow) == team.agents[0].id
    async with db.read() as session:
        late = await service_level_today(session, ws)
    sales = next(f for f in late if f["queue_id"] == queue.id)
    assert sales == {
        "queue_id": queue.id,
        "offered": 3,
        "answered": 2,
        "answered_in_sla": 1,
        "abandoned": 1,
        "sla_percent": 33.3,
        "average_answer_seconds": 25.0,  # (0 s + 50 s) / 2
    }
