"""The one-statement batch of the event log on PostgreSQL (stored values: test_service)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hovor.tracking.models import WebSession
from hovor.tracking.postgres_log import BATCH_SQL, fold_touches
from hovor.tracking.writer import EVENT_COLUMNS


def _flat(sql: str) -> str:
    return " ".join(sql.split())


def _columns(table: str) -> list[str]:
    found = re.search(rf"INSERT INTO {table} \(([^)]*)\)", _flat(BATCH_SQL))
    assert found is not None
    return [c.strip() for c in found.group(1).split(",")]


def test_the_statement_names_the_columns_the_rows_carry() -> None:
    assert _columns("tracked_events") == list(EVENT_COLUMNS)  # rows are read by position
    assert sorted(_columns("web_sessions")) == sorted(c.name for c in WebSession.__table__.columns)


def test_touches_of_new_visits_are_folded_into_their_rows() -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    later = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
    new = {"id": "s_new", "last_seen_at": at, "events": 0}
    folded, rest = fold_touches([new], {"s_new": (later, 3), "s_old": (later, 2)})
    assert folded == [{"id": "s_new", "last_seen_at": later, "events": 3}]
    assert rest == [{"id": "s_old", "at": later, "n": 2}]
    assert new["events"] == 0  # the caller's row is left as it was
