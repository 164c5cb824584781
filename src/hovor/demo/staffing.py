"""The demo's matches stopped by guards and its agents' presence history, so the analytics
funnel shows its guarded step and the service figures show occupancy on first start.

Stopped matches are derived from the simulated visits (``simulate.py``): a visitor who had
an offer on screen keeps matching the rule for a few events (``offer_open``), and a share
of moments meet pacing or the quiet period. Every agent works 07:00-15:00 UTC on each whole
day of the history, away for lunch 11:00-11:30. Rows are written as the running service
writes them (``engagement.guarded.do_record_guarded``, one presence row per hour).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from sqlalchemy import select

from hovor.auth.models import PresencePeriod, User
from hovor.db.transaction import Database
from hovor.demo.simulate import SimVisit
from hovor.engagement.guarded import (
    NO_PAGE,
    OFFER_OPEN,
    PACING,
    GuardKey,
    do_record_guarded,
    hour_of,
    page_path,
)

SHIFT_HOURS = range(7, 15)  # UTC
LUNCH_HOUR = 11
HALF = timedelta(minutes=30)


def guard_counts(workspace_id: str, visits: Sequence[SimVisit], seed: int) -> Counter[GuardKey]:
    rng = random.Random(seed)
    counts: Counter[GuardKey] = Counter()
    for v in visits:
        if v.moment is None or v.moment_at is None:
            continue
        page = page_path(v.pages[-1].url) if v.pages else NO_PAGE
        kind = "callback" if v.moment == "high_value_removed" else "chat"
        key = (workspace_id, hour_of(v.moment_at), v.moment, kind, page)
        if v.offer_outcome and not v.held_out:
            n = rng.randint(0, 3)  # the visit's later events while the offer was on screen
            if n:
                counts[(*key, OFFER_OPEN)] += n
        roll = rng.random()
        if roll < 0.12:
            counts[(*key, PACING)] += 1
        elif roll < 0.2:
            counts[(*key, "quiet_period")] += 1
    return counts


def presence_rows(
    workspace_id: str, agents: Sequence[str], first: datetime, end: datetime
) -> list[PresencePeriod]:
    """Whole UTC days from ``first`` to the day before ``end``: one row per agent and hour."""
    rows = []
    day = first.date()
    while day < end.date():
        midnight = datetime.combine(day, time(), end.tzinfo)
        for agent in agents:
            for h in SHIFT_HOURS:
                start = midnight + timedelta(hours=h)
                parts = (
                    [("away", start, start + HALF), ("online", start + HALF, start + 2 * HALF)]
                    if h == LUNCH_HOUR
                    else [("online", start, start + 2 * HALF)]
                )
                rows += [
                    PresencePeriod(
                        workspace_id=workspace_id,
                        user_id=agent,
                        status=status,
                        started_at=a,
                        ended_at=b,
                    )
                    for status, a, b in parts
                ]
        day += timedelta(days=1)
    return rows


async def write_staffing(
    db: Database, workspace_id: str, visits: Sequence[SimVisit], end: datetime, seed: int
) -> None:
    if not visits:
        return
    async with db.transaction() as tx:
        await do_record_guarded(tx, guard_counts(workspace_id, visits, seed))
        agents = (
            await tx.session.scalars(
                select(User.id).where(User.workspace_id == workspace_id, User.role == "agent")
            )
        ).all()
        first = min(v.started_at for v in visits)
        tx.session.add_all(presence_rows(workspace_id, list(agents), first, end))
