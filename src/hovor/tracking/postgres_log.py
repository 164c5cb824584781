"""The event log's batch on PostgreSQL: one statement, outside a transaction block.

A batch is new visits, events and the visits' touches (last seen, event count). Sent as
separate statements inside a transaction, each waits for the server and then for a turn
of the event loop (asyncpg answers through it), and under tracker load a turn is
milliseconds long. One statement with data-modifying CTEs does all three in one round
trip and is atomic by itself. The rows travel as three JSON parameters.

A CTE's insert is not visible to the statement's own UPDATE, so the touches of visits
inserted by the same batch are folded into their inserted row (``fold_touches``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

BATCH_SQL = """
WITH new_sessions AS (
    INSERT INTO web_sessions (id, workspace_id, visitor_id, started_at, last_seen_at,
        landing_url, referrer, utm, user_agent, device, browser, os, returning_visitor, events)
    SELECT s->>'id', s->>'workspace_id', s->>'visitor_id', (s->>'started_at')::timestamptz,
        (s->>'last_seen_at')::timestamptz, s->>'landing_url', s->>'referrer', s->'utm',
        s->>'user_agent', s->>'device', s->>'browser', s->>'os',
        (s->>'returning_visitor')::boolean, (s->>'events')::integer
    FROM json_array_elements($1::json) AS s
    ON CONFLICT (id) DO NOTHING
), new_events AS (
    INSERT INTO tracked_events (id, workspace_id, visitor_id, session_id, event_id, type, ts,
        received_at, clock_skew, props, page)
    SELECT e->>0, e->>1, e->>2, e->>3, e->>4, e->>5, (e->>6)::timestamptz,
        (e->>7)::timestamptz, (e->>8)::boolean, (e->>9)::json, (e->>10)::json
    FROM json_array_elements($2::json) AS e
    ON CONFLICT (workspace_id, visitor_id, event_id) DO NOTHING
)
UPDATE web_sessions AS w
SET last_seen_at = (t->>'at')::timestamptz, events = w.events + (t->>'n')::integer
FROM json_array_elements($3::json) AS t
WHERE w.id = t->>'id'
"""


def fold_touches(
    sessions: list[dict[str, Any]], touches: dict[str, tuple[datetime, int]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """New visits with their touches applied, and the touches left for existing visits."""
    folded = []
    for row in sessions:
        touch = touches.get(row["id"])
        if touch is not None:
            row = {**row, "last_seen_at": touch[0], "events": row["events"] + touch[1]}
        folded.append(row)
    new = {row["id"] for row in sessions}
    rest = [{"id": i, "at": at, "n": n} for i, (at, n) in touches.items() if i not in new]
    return folded, rest


async def store_batch(
    engine: AsyncEngine,
    sessions: list[dict[str, Any]],
    rows: Sequence[tuple[Any, ...]],
    touches: dict[str, tuple[datetime, int]],
) -> None:
    """Store the batch in one statement (``rows`` as ``writer._driver_rows`` prepares them)."""
    new_sessions, existing = fold_touches(sessions, touches)
    parameters = tuple(orjson.dumps(part).decode() for part in (new_sessions, rows, existing))
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql(BATCH_SQL, parameters)
