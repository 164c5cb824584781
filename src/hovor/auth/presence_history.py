"""The agents' presence over time (occupancy's staffed time, docs/analytics.md).

``do_set_presence`` calls ``record_presence`` in its transaction: the agent's open period
ends at the change, stored as one row per UTC hour it touched (so the hourly analytics
rollups need no splitting), and a period of the new presence starts. A period still open
counts nowhere until it ends.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hovor.auth.models import PresencePeriod
from hovor.db.transaction import Tx

STAFFED = ("online", "busy")  # logged in and working: occupancy's available time
HOUR = timedelta(hours=1)


def next_hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0) + HOUR


async def record_presence(
    tx: Tx, workspace_id: str, user_id: str, status: str, at: datetime
) -> list[str]:
    """End the open period at ``at`` and start one of ``status``; the ids of the rows
    written (the ended period's hours and the new one)."""
    session = tx.session
    open_rows = (
        await session.scalars(
            select(PresencePeriod).where(
                PresencePeriod.workspace_id == workspace_id,
                PresencePeriod.user_id == user_id,
                PresencePeriod.ended_at.is_(None),
            )
        )
    ).all()
    rows = list(open_rows)
    for row in open_rows:
        row.ended_at = min(at, next_hour(row.started_at))
        start = row.ended_at
        while start < at:
            part = PresencePeriod(
                workspace_id=workspace_id,
                user_id=user_id,
                status=row.status,
                started_at=start,
                ended_at=min(at, next_hour(start)),
            )
            rows.append(part)
            start = next_hour(start)
    rows.append(
        PresencePeriod(workspace_id=workspace_id, user_id=user_id, status=status, started_at=at)
    )
    session.add_all(rows)
    await session.flush()
    return [row.id for row in rows]
