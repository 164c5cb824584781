"""Matches the guards or pacing stopped, counted for the analytics funnel (matched →
guarded → offered).

The runtime decides in memory, per match, and must stay fast: a stopped match only adds one
to a ``Counter`` keyed by (workspace, hour, rule, offer type, page, reason). The engagement
ticker hands the counts to ``do_record_guarded`` every few seconds (and at shutdown), which
adds them to ``engagement_guard_counts`` (one row per key; several nodes add to the same
row) and emits ``matches.guarded`` naming the rows, so the analytics rollups refresh them.
Counts of a node that dies between two flushes are lost (a few seconds of them).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from hovor.core.events import DomainEvent
from hovor.core.ids import new_id
from hovor.db.transaction import Tx
from hovor.engagement import events
from hovor.engagement.models import GuardCount

NO_PAGE = "(none)"
GuardKey = tuple[str, datetime, str, str, str, str]  # workspace, hour, rule, kind, page, reason

# The guards' and the runtime's reasons as short, stable codes (docs/analytics.md).
OFFER_OPEN = "offer_open"
VISITOR_LEFT = "visitor_left"
PACING = "pacing"
OTHER = "other"
_PREFIXES = (
    ("outside business hours", "business_hours"),
    ("quiet period", "quiet_period"),
    ("another offer was made too recently", "min_interval"),
)

REASONS = (
    OFFER_OPEN,
    VISITOR_LEFT,
    *(code for _prefix, code in _PREFIXES),
    "per_session_cap",
    "per_day_cap",
    PACING,
    OTHER,
)


def reason_code(reason: str) -> str:
    """The code of a guard's reason (``rules/guards.py`` words them for people)."""
    if reason.startswith("already offered"):
        return "per_session_cap" if "session" in reason else "per_day_cap"
    for prefix, code in _PREFIXES:
        if reason.startswith(prefix):
            return code
    return OTHER


def page_path(url: object) -> str:
    """The path of a page (no query: it may carry personal data); the analytics ``page``."""
    if not isinstance(url, str) or not url:
        return NO_PAGE
    return (urlsplit(url).path or "/")[:128]


def hour_of(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


async def do_record_guarded(tx: Tx, counts: Counter[GuardKey]) -> list[str]:
    """Add the counts to the stored rows and name the rows in ``matches.guarded`` (one
    event per workspace). Returns the ids of the rows touched."""
    touched: list[str] = []
    if not counts:
        return touched
    insert = (
        postgresql.insert if tx.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    rows = [
        {
            "id": new_id(),
            "workspace_id": ws,
            "hour": hour,
            "rule_key": rule[:64],
            "kind": kind[:16],
            "page": page[:128],
            "reason": reason[:32],
            "count": n,
        }
        for (ws, hour, rule, kind, page, reason), n in sorted(counts.items())
    ]
    stmt = insert(GuardCount)
    stmt = stmt.on_conflict_do_update(
        index_elements=["workspace_id", "hour", "rule_key", "kind", "page", "reason"],
        set_={"count": GuardCount.count + stmt.excluded.count},
    )
    await tx.session.execute(stmt, rows)
    wanted: dict[str, set[tuple[datetime, str, str, str, str]]] = defaultdict(set)
    for ws, hour, rule, kind, page, reason in counts:
        wanted[ws].add((hour, rule[:64], kind[:16], page[:128], reason[:32]))
    for workspace_id, keys in wanted.items():
        found = await tx.session.execute(
            select(
                GuardCount.id,
                GuardCount.hour,
                GuardCount.rule_key,
                GuardCount.kind,
                GuardCount.page,
                GuardCount.reason,
            ).where(
                GuardCount.workspace_id == workspace_id,
                GuardCount.hour.in_({k[0] for k in keys}),
            )
        )
        ids = sorted(row_id for row_id, *key in found if tuple(key) in keys)
        tx.publish_on_commit(DomainEvent(events.MATCHES_GUARDED, workspace_id, {"ids": ids}))
        touched += ids
    return touched
