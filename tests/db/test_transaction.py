"""Domain events leave only after the commit; a rollback tells nobody anything."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, func, insert, select

from hovor.auth.models import Workspace
from hovor.auth.service import do_create_workspace
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database


async def test_events_are_dispatched_after_commit(db: Database) -> None:
    seen: list[tuple[str, int]] = []

    @db.dispatcher.on("thing.happened")
    async def listener(event: DomainEvent) -> None:
        async with db.read() as session:
            count = await session.scalar(select(func.count()).select_from(Workspace))
        seen.append((event.payload["name"], count or 0))

    async with db.transaction() as tx:
        await do_create_workspace(tx, "W")
        tx.publish_on_commit(DomainEvent("thing.happened", "w", {"name": "W"}))
        assert seen == []
    assert seen == [("W", 1)]  # the listener already sees the committed row


async def test_rollback_publishes_nothing_and_keeps_nothing(db: Database) -> None:
    seen: list[DomainEvent] = []

    @db.dispatcher.on("thing.happened")
    async def listener(event: DomainEvent) -> None:
        seen.append(event)

    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await do_create_workspace(tx, "Doomed")
            tx.publish_on_commit(DomainEvent("thing.happened", "w", {}))
            raise RuntimeError("boom")
    assert seen == []
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Workspace)) == 0


async def test_a_failing_listener_does_not_stop_the_others(db: Database) -> None:
    seen: list[str] = []

    @db.dispatcher.on("x")
    async def broken(_event: DomainEvent) -> None:
        raise ValueError("listener bug")

    @db.dispatcher.on("x")
    async def fine(_event: DomainEvent) -> None:
        seen.append("fine")

    async with db.transaction() as tx:
        tx.publish_on_commit(DomainEvent("x", "w", {}))
    assert seen == ["fine"]


async def test_run_batch_commits_its_work_as_one_transaction(db: Database) -> None:
    table = Workspace.__table__

    def two_rows(conn: Connection) -> int:
        conn.execute(
            insert(table), [{"id": "w_batch_1", "name": "A"}, {"id": "w_batch_2", "name": "B"}]
        )
        return 2

    def half_done(conn: Connection) -> None:
        conn.execute(insert(table), [{"id": "w_batch_3", "name": "C"}])
        raise RuntimeError("the work failed after its first statement")

    assert await db.run_batch(two_rows) == 2
    with pytest.raises(RuntimeError):
        await db.run_batch(half_done)
    async with db.read() as session:
        names = (await session.scalars(select(Workspace.name).order_by(Workspace.name))).all()
    assert names == ["A", "B"]  # the failed work left nothing behind
