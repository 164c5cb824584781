"""Keep the hourly rollups equal to the sum of the stored rows' contributions.

``do_refresh`` recomputes the facts of the named rows, and in the same transaction applies
(new fact - stored contribution) to the rollups and stores the new contribution. It is
idempotent (a second refresh adds nothing) and independent of the order events arrive in,
because a fact depends only on the stored rows. On PostgreSQL refreshes of one workspace
take a transaction-level advisory lock, so two nodes never apply one difference twice;
SQLite has one writer at a time anyway.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.analytics.facts import LOADERS, SOURCE_ROWS, Fact
from hovor.analytics.models import Contribution, DailyRollup, Rollup
from hovor.db.transaction import Database, Tx

Key = tuple[datetime, str, str, str]  # hour, dim, key, measure
Delta = dict[Key, list[float]]  # n, total, sumsq
EVENT_SOURCES = ("csat",)  # facts only an event carries: kept by a full rebuild
BATCH = 500


def cells(fact: Fact) -> Iterable[tuple[Key, float]]:
    """Each rollup cell a fact adds to: every measure under every dimension and ``all``."""
    dims = [("all", "all"), *fact.dims.items()]
    for measure, value in fact.measures.items():
        for dim, key in dims:
            yield (fact.hour, dim, key, measure), value


def add(delta: Delta, fact: Fact | None, sign: float) -> None:
    if fact is None:
        return
    for cell, value in cells(fact):
        acc = delta.setdefault(cell, [0.0, 0.0, 0.0])
        acc[0] += sign
        acc[1] += sign * value
        acc[2] += sign * value * value


def _fact(row: Contribution) -> Fact:
    return Fact(row.hour, dict(row.dims), {k: float(v) for k, v in row.measures.items()})


async def _lock(tx: Tx, workspace_id: str) -> None:
    if tx.session.get_bind().dialect.name == "postgresql":
        await tx.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"hovor:analytics:{workspace_id}"},
        )


def _insert(session: AsyncSession) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def by_day(delta: Delta) -> Delta:
    """The same differences per UTC day (the daily rollups)."""
    days: Delta = {}
    for (hour, dim, key, measure), (n, total, sumsq) in delta.items():
        acc = days.setdefault((hour.replace(hour=0), dim, key, measure), [0.0, 0.0, 0.0])
        acc[0] += n
        acc[1] += total
        acc[2] += sumsq
    return days


async def apply_delta(session: AsyncSession, workspace_id: str, delta: Delta) -> None:
    """Add the differences to the hourly and the daily rollups."""
    for table, cells in ((Rollup, delta), (DailyRollup, by_day(delta))):
        await _upsert_cells(session, workspace_id, table, cells)


async def _upsert_cells(
    session: AsyncSession, workspace_id: str, table: type[Rollup] | type[DailyRollup], delta: Delta
) -> None:
    rows = [
        {
            "workspace_id": workspace_id,
            "hour": hour,
            "dim": dim,
            "key": key[:128],
            "measure": measure,
            "n": n,
            "total": total,
            "sumsq": sumsq,
        }
        for (hour, dim, key, measure), (n, total, sumsq) in sorted(delta.items())
        if n or total or sumsq
    ]
    if not rows:
        return
    # One statement run for many parameter sets: compiled once (and cached), sent in batches.
    stmt = _insert(session)(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["workspace_id", "hour", "dim", "key", "measure"],
        set_={
            "n": table.n + stmt.excluded.n,
            "total": table.total + stmt.excluded.total,
            "sumsq": table.sumsq + stmt.excluded.sumsq,
        },
    )
    await session.execute(stmt, rows)


async def do_refresh(tx: Tx, workspace_id: str, keys: Mapping[str, Iterable[str]]) -> int:
    """Recompute the facts of the rows named per source and bring the rollups in line.
    Returns how many rows' contributions changed."""
    await _lock(tx, workspace_id)
    session, delta, changed = tx.session, Delta(), 0
    for source, wanted in keys.items():
        ids = sorted(set(wanted))
        if not ids or source not in LOADERS:
            continue
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            changed += await _refresh_chunk(session, workspace_id, source, chunk, delta)
    await apply_delta(session, workspace_id, delta)
    return changed


async def _refresh_chunk(
    session: AsyncSession, workspace_id: str, source: str, ids: Sequence[str], delta: Delta
) -> int:
    old = {
        row.source_id: row
        for row in (
            await session.scalars(
                select(Contribution).where(
                    Contribution.workspace_id == workspace_id,
                    Contribution.source == source,
                    Contribution.source_id.in_(ids),
                )
            )
        ).all()
    }
    new = await LOADERS[source](session, workspace_id, ids)
    gone, upserts, changed = [], [], 0
    for source_id in ids:
        before, after = old.get(source_id), new.get(source_id)
        previous = _fact(before) if before is not None else None
        if previous == after:
            continue
        changed += 1
        add(delta, previous, -1.0)
        add(delta, after, 1.0)
        if after is None:
            gone.append(source_id)
        else:
            upserts.append(
                {
                    "workspace_id": workspace_id,
                    "source": source,
                    "source_id": source_id,
                    "hour": after.hour,
                    "dims": after.dims,
                    "measures": after.measures,
                }
            )
    if gone:
        await session.execute(
            delete(Contribution).where(
                Contribution.workspace_id == workspace_id,
                Contribution.source == source,
                Contribution.source_id.in_(gone),
            )
        )
    if upserts:
        stmt = _insert(session)(Contribution)
        stmt = stmt.on_conflict_do_update(
            index_elements=["workspace_id", "source", "source_id"],
            set_={
                "hour": stmt.excluded.hour,
                "dims": stmt.excluded.dims,
                "measures": stmt.excluded.measures,
            },
        )
        await session.execute(stmt, upserts)
    return changed


async def do_record_fact(
    tx: Tx, workspace_id: str, source: str, source_id: str, fact: Fact
) -> None:
    """Store a fact that only an event carries (a CSAT rating) and apply its difference."""
    await _lock(tx, workspace_id)
    before = await tx.session.get(Contribution, (workspace_id, source, source_id))
    delta = Delta()
    add(delta, _fact(before) if before is not None else None, -1.0)
    add(delta, fact, 1.0)
    await apply_delta(tx.session, workspace_id, delta)
    stmt = _insert(tx.session)(Contribution).values(
        workspace_id=workspace_id,
        source=source,
        source_id=source_id,
        hour=fact.hour,
        dims=fact.dims,
        measures=fact.measures,
    )
    await tx.session.execute(
        stmt.on_conflict_do_update(
            index_elements=["workspace_id", "source", "source_id"],
            set_={"hour": fact.hour, "dims": fact.dims, "measures": fact.measures},
        )
    )


async def rebuild(db: Database, since: datetime | None = None) -> dict[str, int]:
    """Backfill from the stored rows: everything (``since`` None: the rollups are emptied and
    summed anew) or the rows created since a time (and the contributions of that period,
    so rows deleted meanwhile leave). Returns the rows refreshed per source."""
    counts: dict[str, int] = defaultdict(int)
    async with db.read() as session:
        wanted: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for source, (id_col, at_col, ws_col) in SOURCE_ROWS.items():
            query = select(ws_col, id_col)
            if since is not None:
                query = query.where(at_col >= since)
            for workspace_id, row_id in await session.execute(query):
                wanted[workspace_id][source].add(row_id)
        if since is not None:
            for workspace_id, source, row_id in await session.execute(
                select(Contribution.workspace_id, Contribution.source, Contribution.source_id)
                .where(Contribution.hour >= since)
                .where(Contribution.source.not_in(EVENT_SOURCES))
            ):
                wanted[workspace_id][source].add(row_id)
    if since is None:
        async with db.transaction() as tx:
            await tx.session.execute(delete(Rollup))
            await tx.session.execute(delete(DailyRollup))
            await tx.session.execute(
                delete(Contribution).where(Contribution.source.not_in(EVENT_SOURCES))
            )
            kept = (await tx.session.scalars(select(Contribution))).all()
            by_workspace: dict[str, Delta] = defaultdict(Delta)
            for row in kept:
                add(by_workspace[row.workspace_id], _fact(row), 1.0)
            for workspace_id, delta in by_workspace.items():
                await apply_delta(tx.session, workspace_id, delta)
    for workspace_id, sources in wanted.items():
        for source, ids in sources.items():
            ordered = sorted(ids)
            for start in range(0, len(ordered), 5 * BATCH):
                async with db.transaction() as tx:
                    await do_refresh(tx, workspace_id, {source: ordered[start : start + 5 * BATCH]})
            counts[source] += len(ordered)
    return dict(counts)


def parse_since(value: str) -> datetime:
    """``--since``: an ISO date or date and time, UTC unless it names its offset."""
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"hovor: --since {value!r} is not a date (2026-11-01) or time") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


async def recompute(session: AsyncSession, workspace_id: str) -> Delta:
    """The rollups as a full recomputation from the rows gives them (tests compare)."""
    delta = Delta()
    for source, (id_col, _at, ws_col) in SOURCE_ROWS.items():
        ids = list((await session.scalars(select(id_col).where(ws_col == workspace_id))).all())
        for start in range(0, len(ids), BATCH):
            facts = await LOADERS[source](session, workspace_id, ids[start : start + BATCH])
            for fact in facts.values():
                add(delta, fact, 1.0)
    for row in (
        await session.scalars(
            select(Contribution).where(
                Contribution.workspace_id == workspace_id,
                Contribution.source.in_(EVENT_SOURCES),
            )
        )
    ).all():
        add(delta, _fact(row), 1.0)
    return delta


async def stored(
    session: AsyncSession, workspace_id: str, table: type[Rollup] | type[DailyRollup] = Rollup
) -> Delta:
    """The rollups as stored (hourly, or ``DailyRollup``), cells with nothing in them left out."""
    rows = await session.execute(
        select(table.hour, table.dim, table.key, table.measure, table.n, table.total, table.sumsq)
        .where(table.workspace_id == workspace_id)
        .where(func.abs(table.n) > 0)
    )
    return {(h, d, k, m): [n, t, s] for h, d, k, m, n, t, s in rows}


__all__ = ["apply_delta", "do_record_fact", "do_refresh", "rebuild", "recompute", "stored"]
