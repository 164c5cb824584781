"""Today's service level per queue, from the stored tasks."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core import clock
from hovor.routing.models import ACTIVE_TASK_STATUSES, RoutingTask
from hovor.routing.queues import list_queues


async def service_level_today(session: AsyncSession, workspace_id: str) -> list[dict[str, Any]]:
    """Per queue, tasks that became ready today (UTC) and are decided: answered (in SLA if
    by their deadline), abandoned (cancelled unanswered) or still waiting past the deadline.
    Those still waiting within their target are not counted yet."""
    now = clock.now()
    midnight = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
    rows = (
        await session.execute(
            select(
                RoutingTask.queue_id,
                RoutingTask.status,
                RoutingTask.ready_at,
                RoutingTask.assigned_at,
                RoutingTask.deadline,
            ).where(
                RoutingTask.workspace_id == workspace_id,
                RoutingTask.ready_at >= midnight,
                RoutingTask.ready_at <= now,
            )
        )
    ).all()
    counts = {
        q.id: {"offered": 0, "answered": 0, "in_sla": 0, "abandoned": 0, "waited": 0.0}
        for q in await list_queues(session, workspace_id)
    }
    for queue_id, status, ready, assigned, deadline in rows:
        figures = counts.setdefault(
            queue_id, {"offered": 0, "answered": 0, "in_sla": 0, "abandoned": 0, "waited": 0.0}
        )
        if assigned is None and status in ACTIVE_TASK_STATUSES and deadline > now:
            continue
        figures["offered"] += 1
        if assigned is not None:
            figures["answered"] += 1
            figures["waited"] += max(0.0, (assigned - ready).total_seconds())
            figures["in_sla"] += assigned <= deadline
        elif status == "cancelled":
            figures["abandoned"] += 1
    return [
        {
            "queue_id": queue_id,
            "offered": f["offered"],
            "answered": f["answered"],
            "answered_in_sla": f["in_sla"],
            "abandoned": f["abandoned"],
            "sla_percent": round(100 * f["in_sla"] / f["offered"], 1) if f["offered"] else None,
            "average_answer_seconds": (
                round(f["waited"] / f["answered"], 1) if f["answered"] else None
            ),
        }
        for queue_id, f in counts.items()
    ]
