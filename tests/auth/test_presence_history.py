"""Presence history for occupancy: a change ends the open period (one row per UTC hour),
and the hourly cut ends periods still open, once even when two nodes cut at once."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hovor.analytics import reports, rollups
from hovor.auth.models import PresencePeriod
from hovor.auth.presence_history import do_end_past_hours
from hovor.db.transaction import Database
from tests.analytics.world import T0, World
from tests.support.events import CaptureEvents

pytestmark = pytest.mark.storage
MIN = timedelta(minutes=1)


async def periods(db: Database, workspace_id: str) -> list[tuple[int, int | None, str]]:
    """(start, end) in minutes after T0, and status, in order."""
    async with db.read() as session:
        rows = (
            await session.scalars(
                select(PresencePeriod)
                .where(PresencePeriod.workspace_id == workspace_id)
                .order_by(PresencePeriod.started_at)
            )
        ).all()
    return [
        (
            int((r.started_at - T0) / MIN),
            None if r.ended_at is None else int((r.ended_at - T0) / MIN),
            r.status,
        )
        for r in rows
    ]


async def test_open_periods_are_cut_at_the_hour_once(
    db: Database, capture_events: CaptureEvents
) -> None:
    w = await World.create(db)
    await w.presence("online", T0 + 10 * MIN)
    with capture_events(db) as captured:
        async with db.transaction() as tx:
            assert await do_end_past_hours(tx, T0 + 185 * MIN) == 1
        async with db.transaction() as tx:  # another node, a moment later: nothing left
            assert await do_end_past_hours(tx, T0 + 186 * MIN) == 0
    assert await periods(db, w.workspace_id) == [
        (10, 60, "online"),
        (60, 120, "online"),
        (120, 180, "online"),
        (180, None, "online"),
    ]
    (event,) = captured.payloads("presence.hours_ended")
    assert len(event["periods"]) == 4
    await w.presence("away", T0 + 200 * MIN)
    assert (await periods(db, w.workspace_id))[-2:] == [(180, 200, "online"), (200, None, "away")]
    await rollups.rebuild(db)
    period = reports.Period(T0.date(), T0.date(), ZoneInfo("UTC"))
    async with db.read() as session:
        (row,) = await reports.service_report(session, w.workspace_id, period, "all")
    assert row["staffed_minutes"] == 190.0 and row["occupancy"] == 0.0
