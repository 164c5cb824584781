"""Callbacks as routing tasks: ready at the preferred time, due 5 minutes later, retried."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from hovor.bus import MemoryBus
from hovor.channels.voice import service as voice
from hovor.conversations import service as conversations
from hovor.core import clock
from hovor.core.clock import ManualClock
from hovor.core.errors import Conflict, InvalidInput
from hovor.db.transaction import Database
from hovor.routing import listeners, tasks
from hovor.routing.lease import LocalLease
from hovor.routing.node import RoutingNode
from tests.routing.channels import CHANNELS
from tests.support.factories import make_team


@pytest.fixture
def manual_clock() -> Iterator[ManualClock]:
    fixed = ManualClock(datetime.now(UTC).replace(microsecond=0))
    previous = clock.set_clock(fixed)
    try:
        yield fixed
    finally:
        clock.set_clock(previous)


async def _request(db: Database, ws: str, preferred: datetime | None = None) -> str:
    async with db.transaction() as tx:
        conversation, _ = await voice.do_request_callback(
            tx,
            ws,
            visitor_id="v_cb",
            phone="+420 601 234 567",
            preferred_at=preferred,
            reason="cart abandoned",
            context={},
        )
        return conversation.id


async def _status(db: Database, conversation_id: str) -> tuple[str | None, str | None]:
    async with db.read() as session:
        task = await tasks.active_task(session, conversation_id)
    return (task.status, task.agent_id) if task else (None, None)


async def test_a_callback_waits_for_its_preferred_time_then_is_due_within_5_minutes(
    db: Database, manual_clock: ManualClock
) -> None:
    node = RoutingNode(db, MemoryBus(), LocalLease(), CHANNELS)
    listeners.register(db.dispatcher, db, node)
    team = await make_team(db, agents=1, online=True)
    ws = team.workspace.id
    preferred = clock.now() + timedelta(hours=1)
    conversation_id = await _request(db, ws, preferred)
    async with db.read() as session:
        task = await tasks.active_task(session, conversation_id)
    assert task is not None and task.status == "waiting"
    assert (task.ready_at, task.deadline) == (preferred, preferred + timedelta(minutes=5))
    snapshot = node.snapshot(ws)
    assert snapshot is not None and sum(q["scheduled"] for q in snapshot["queues"]) == 1

    manual_clock.advance(3599)
    await node.tick()
    assert await _status(db, conversation_id) == ("waiting", None)
    manual_clock.advance(2)
    await node.tick()
    assert await _status(db, conversation_id) == ("assigned", team.agents[0].id)


async def test_no_answer_is_retried_twice_then_the_callback_fails(
    db: Database, manual_clock: ManualClock
) -> None:
    node = RoutingNode(db, MemoryBus(), LocalLease(), CHANNELS)
    listeners.register(db.dispatcher, db, node)
    team = await make_team(db, agents=1, online=True)
    ws = team.workspace.id
    conversation_id = await _request(db, ws)
    assert await _status(db, conversation_id) == ("assigned", team.agents[0].id)

    for attempt in (1, 2):
        async with db.transaction() as tx:
            conv = await conversations.access_conversation(tx.session, ws, conversation_id)
            callback = await voice.do_record_outcome(tx, conv, "no_answer", agent_name="Agent")
        assert (callback.status, callback.attempts) == ("pending", attempt)
        assert await _status(db, conversation_id) == ("waiting", None)  # not before 10 minutes
        manual_clock.advance(9 * 60)
        await node.tick()
        assert await _status(db, conversation_id) == ("waiting", None)
        manual_clock.advance(61)
        await node.tick()
        assert await _status(db, conversation_id) == ("assigned", team.agents[0].id)

    async with db.transaction() as tx:
        conv = await conversations.access_conversation(tx.session, ws, conversation_id)
        callback = await voice.do_record_outcome(tx, conv, "busy", agent_name="Agent")
    assert (callback.status, callback.attempts, callback.last_outcome) == ("failed", 3, "busy")
    assert await _status(db, conversation_id) == (None, None)  # the conversation closed
    async with db.transaction() as tx:
        conv = await conversations.access_conversation(tx.session, ws, conversation_id)
        assert conv.status == "closed"
        with pytest.raises(Conflict):
            await voice.do_record_outcome(tx, conv, "reached", agent_name="Agent")
        with pytest.raises(InvalidInput):
            await voice.do_record_outcome(tx, conv, "maybe", agent_name="Agent")
