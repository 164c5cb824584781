"""Domain events leave only after the commit; a rollback tells nobody anything."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, func, insert, select

from hovor.auth.models import Workspace
from hovor.auth.service import do_create_workspace
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database, Tx


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


async def test_an_event_published_first_is_dispatched_before_the_others(db: Database) -> None:
    dispatched: list[str] = []
    written: list[str] = []

    @db.dispatcher.on("a", "b", "c")
    async def listener(event: DomainEvent) -> None:
        dispatched.append(event.name)

    @db.dispatcher.within("a", "b", "c")
    async def writer(_tx: object, event: DomainEvent) -> None:
        written.append(event.name)

    async with db.transaction() as tx:
        tx.publish_on_commit(DomainEvent("a", "w", {}))
        tx.publish_on_commit(DomainEvent("b", "w", {}))
        tx.publish_on_commit(DomainEvent("c", "w", {}), first=True)
    assert written == ["a", "b", "c"]  # in-transaction writers keep the queue's order
    assert dispatched == ["c", "a", "b"]


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


async def test_writers_run_inside_the_transaction_and_fail_it(db: Database) -> None:
    """A ``within`` writer's rows commit with the event's rows, and its failure rolls both back."""

    @db.dispatcher.within("workspace.wanted")
    async def write_twin(tx: Tx, event: DomainEvent) -> None:
        if event.payload["name"] == "Broken":
            raise RuntimeError("writer failed")
        await do_create_workspace(tx, event.payload["name"] + " twin")
        if event.payload["name"] == "W":  # an event a writer queues gets its writers too
            tx.publish_on_commit(DomainEvent("workspace.wanted", "w", {"name": "W2"}))

    async with db.transaction() as tx:
        await do_create_workspace(tx, "W")
        tx.publish_on_commit(DomainEvent("workspace.wanted", "w", {"name": "W"}))
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await do_create_workspace(tx, "Broken")
            tx.publish_on_commit(DomainEvent("workspace.wanted", "w", {"name": "Broken"}))
    async with db.read() as session:
        names = set((await session.scalars(select(Workspace.name))).all())
    assert names == {"W", "W twin", "W2 twin"}


async def test_write_at_once_publishes_after_its_commit(db: Database) -> None:
    table = Workspace.__table__
    seen: list[int] = []

    @db.dispatcher.on("workspace.written")
    async def listener(_event: DomainEvent) -> None:
        async with db.read() as session:
            seen.append(await session.scalar(select(func.count()).select_from(Workspace)) or 0)

    def one_row(conn: Connection) -> list[DomainEvent]:
        conn.execute(insert(table), [{"id": "w_once_1", "name": "Once"}])
        assert seen == []  # nothing is published before the commit
        return [DomainEvent("workspace.written", "w_once_1", {})]

    await db.write_at_once(one_row)
    assert seen == [1]


async def test_write_at_once_refuses_an_event_with_in_transaction_writers(db: Database) -> None:
    """Its work is synchronous, so an async ``within`` writer could not run in it: the write
    fails and rolls back instead of skipping the writer."""
    table = Workspace.__table__
    published: list[DomainEvent] = []

    @db.dispatcher.within("workspace.audited")
    async def audit(_tx: Tx, _event: DomainEvent) -> None:
        raise AssertionError("never called")

    @db.dispatcher.on("workspace.audited")
    async def listener(event: DomainEvent) -> None:
        published.append(event)

    def one_row(conn: Connection) -> list[DomainEvent]:
        conn.execute(insert(table), [{"id": "w_once_2", "name": "Audited"}])
        return [DomainEvent("workspace.audited", "w_once_2", {})]

    with pytest.raises(RuntimeError, match=r"workspace\.audited has in-transaction writers"):
        await db.write_at_once(one_row)
    assert published == []
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Workspace)) == 0
