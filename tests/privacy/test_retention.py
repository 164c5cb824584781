"""Retention deletes only raw web data older than the setting, in batches, in every workspace."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from hovor.core import clock
from hovor.db.transaction import Database
from hovor.privacy import retention
from hovor.privacy.retention import EventRetention, Purged, run_purge
from hovor.tracking.models import TrackedEvent, WebSession
from tests.support.factories import make_team

pytestmark = pytest.mark.storage


async def add_visit(
    db: Database, workspace_id: str, visitor_id: str, days_ago: float, n: int
) -> None:
    at = clock.now() - timedelta(days=days_ago)
    async with db.transaction() as tx:
        session = WebSession(
            workspace_id=workspace_id,
            visitor_id=visitor_id,
            started_at=at,
            last_seen_at=at + timedelta(minutes=n),
            events=n,
        )
        tx.session.add(session)
        await tx.session.flush()
        for i in range(n):
            tx.session.add(
                TrackedEvent(
                    workspace_id=workspace_id,
                    visitor_id=visitor_id,
                    session_id=session.id,
                    event_id=f"{visitor_id}-{i}",
                    type="page.view",
                    ts=at + timedelta(minutes=i),
                    received_at=at + timedelta(minutes=i),
                    props={},
                    page={},
                )
            )


async def test_purge_deletes_only_old_events_and_sessions(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(retention, "BATCH", 4)  # several batches per workspace
    acme = await make_team(db, "Acme")
    globex = await make_team(db, "Globex")
    await add_visit(db, acme.workspace.id, "v_old", days_ago=120, n=10)
    await add_visit(db, globex.workspace.id, "v_old_too", days_ago=91, n=3)
    await add_visit(db, acme.workspace.id, "v_recent", days_ago=10, n=5)

    with caplog.at_level("INFO", logger="hovor.privacy.retention"):
        purged = await run_purge(db, days=90)

    assert purged == Purged(tracked_events=13, web_sessions=2)
    assert "deleted 13 tracked events and 2 web sessions" in caplog.text
    async with db.read() as session:
        left = {e.visitor_id for e in (await session.scalars(select(TrackedEvent))).all()}
        sessions = {s.visitor_id for s in (await session.scalars(select(WebSession))).all()}
    assert left == {"v_recent"} and sessions == {"v_recent"}
    assert await run_purge(db, days=90) == Purged()  # nothing left to do
    assert await run_purge(db, days=0) == Purged()  # 0 keeps everything


async def test_the_periodic_job_runs_and_stops(db: Database) -> None:
    team = await make_team(db)
    await add_visit(db, team.workspace.id, "v_old", days_ago=200, n=2)
    job = EventRetention(db, days=90, interval=0.01)
    await job.start()
    try:
        for _ in range(200):
            if job.runs >= 2:
                break
            await asyncio.sleep(0.01)
    finally:
        await job.close()
    assert job.runs >= 2
    async with db.read() as session:
        assert (await session.scalars(select(TrackedEvent))).all() == []
    off = EventRetention(db, days=0)
    await off.start()
    await off.close()
    assert off.runs == 0
