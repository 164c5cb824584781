"""A visit carries on when the visitor's next page reaches another node (through Redis)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from hovor.core.ratelimit import RateLimiter
from hovor.db.transaction import Database
from hovor.tracking.checkpoint import RedisCheckpoints
from hovor.tracking.live import LiveVisitor
from hovor.tracking.service import Tracking
from hovor.tracking.writer import EventLogWriter
from tests.support.factories import make_team
from tests.support.services import REDIS_URL, require
from tests.tracking.test_service import ev


@pytest.fixture
async def two_nodes(db: Database) -> AsyncIterator[tuple[Tracking, Tracking]]:
    require(REDIS_URL, "Redis")
    nodes = []
    for _ in range(2):
        node = Tracking(EventLogWriter(db), RateLimiter(), checkpoints=RedisCheckpoints(REDIS_URL))
        await node.writer.start()
        nodes.append(node)
    try:
        yield nodes[0], nodes[1]
    finally:
        for node in nodes:
            await node.writer.close()
            await node.checkpoints.close()


async def test_the_next_page_on_another_node_keeps_visit_cart_and_parts(
    db: Database, two_nodes: tuple[Tracking, Tracking]
) -> None:
    a, b = two_nodes
    team = await make_team(db)
    seen_on_b: list[Any] = []
    a.checkpoint_part("rules", lambda v: {"counted": v.visit.events if v.visit else 0})

    async with db.read() as session:
        on_a = await a.attach(session, team.workspace.id, "v_moving", None)
    await a.track(
        on_a, [ev("1", "page.view"), ev("2", "cart.add", id="tv", price=2499, quantity=1)]
    )
    a.visitors.detach(on_a)

    async with db.read() as session:
        on_b: LiveVisitor = await b.attach(session, team.workspace.id, "v_moving", None)
    assert on_b.visit is not None and on_a.visit is not None
    assert on_b.visit.id == on_a.visit.id and on_b.visit.events == 2
    assert on_b.cart_value == 2499
    assert on_b.restored == {"x:rules": {"counted": 2}}

    await b.track(on_b, [ev("3", "cart.remove", id="tv", price=2499, quantity=1)])
    seen_on_b.append(on_b.cart_value)
    assert seen_on_b == [0]
    assert on_b.visit.id == on_a.visit.id  # still the same visit
