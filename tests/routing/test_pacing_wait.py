"""Engagement pacing reads routing: free web-chat slots and the estimated wait of a new chat."""

from __future__ import annotations

from hovor.bus import MemoryBus
from hovor.db.transaction import Database
from hovor.engagement.pacing import MAX_WAIT_SECONDS, check_pacing
from hovor.routing import listeners
from hovor.routing.lease import LocalLease
from hovor.routing.node import RoutingNode
from tests.routing.channels import CHANNELS
from tests.support.factories import make_team, visitor_writes


async def test_offers_stop_when_a_new_chat_would_wait_too_long(db: Database) -> None:
    node = RoutingNode(db, MemoryBus(), LocalLease(), CHANNELS)
    listeners.register(db.dispatcher, db, node)
    team = await make_team(db, agents=1, online=True, capacity=2)
    ws = team.workspace.id
    assert node.estimated_wait(ws) == 0.0  # an agent is free: no wait
    async with db.read() as session:
        fresh = await check_pacing(session, ws, node.estimated_wait(ws))
        # With free slots, a long estimated wait alone (e.g. another queue's backlog) says no.
        slow = await check_pacing(session, ws, MAX_WAIT_SECONDS + 1)
    assert fresh.allowed and fresh.free == 2
    assert slow.free == 2 and not slow.allowed

    for i in range(3):  # two chats fill the agent, the third waits
        await visitor_writes(db, ws, f"v_{i}", "hi")
    wait = node.estimated_wait(ws)
    assert wait is not None and wait > MAX_WAIT_SECONDS  # (1 + 1) * 300 s / 2 slots
    async with db.read() as session:
        full = await check_pacing(session, ws, wait)
    assert (full.free, full.waiting, full.allowed) == (0, 1, False)
    assert "estimated wait 300 s" in full.reason
