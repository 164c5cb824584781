"""Reports read from the hourly rollups only (never the rows): engagement funnel and uplift,
service metrics, trends, distributions and the hour x weekday heat map."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.analytics.definitions import occupancy
from hovor.analytics.facts import FRT_BUCKETS, RESOLUTION_BUCKETS
from hovor.analytics.models import DailyRollup, Rollup
from hovor.analytics.uplift import Sample, Uplift, conversion_uplift, mean_uplift
from hovor.engagement.guarded import REASONS

ENGAGEMENT_DIMS = ("rule", "kind", "page")
SERVICE_DIMS = ("channel", "queue", "team", "agent")
FUNNEL = ("t.offers", "c.offers", "t.shown", "t.accepted", "t.conversation", "t.converted")
GUARDED = tuple(f"g.{reason}" for reason in REASONS)  # matches stopped, per reason
ENGAGEMENT_MEASURES = (
    *FUNNEL,
    *GUARDED,
    "c.converted",
    "t.revenue",
    "c.revenue",
    "t.agent_seconds",
    "t.conv_orders",
)
SERVICE_MEASURES = (
    "conversations",
    "frt",
    "resolution",
    "fcr",
    "repeat",
    "csat",
    "csat_sat",
    "tasks",
    "asa",
    "abandoned",
    "sl",
    "handle",
    "callbacks",
    "cb_reached",
    "staffed",
)
TREND_MEASURES = {
    "engagement": ("t.offers", "t.accepted", "t.converted"),
    "service": ("conversations", "fcr", "frt"),
}


@dataclass(frozen=True)
class Period:
    """A date range in the workspace's time zone, ``start`` to ``end`` inclusive."""

    start: date
    end: date
    tz: ZoneInfo

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time(), self.tz)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), self.tz)


Cells = dict[str, dict[str, Sample]]  # key -> measure -> sample


def split(
    period: Period,
) -> tuple[list[tuple[datetime, datetime]], tuple[datetime, datetime] | None]:
    """The period as hour ranges at its edges and one range of whole UTC days between them
    (read from the daily rollups); a period shorter than a UTC day is all hours."""
    since, until = period.since.astimezone(UTC), period.until.astimezone(UTC)
    first = since.replace(hour=0, minute=0, second=0, microsecond=0)
    if first < since:
        first += timedelta(days=1)
    last = until.replace(hour=0, minute=0, second=0, microsecond=0)
    if last <= first:
        return [(since, until)], None
    edges = [(a, b) for a, b in ((since, first), (last, until)) if a < b]
    return edges, (first, last)


async def sums(
    session: AsyncSession, workspace_id: str, period: Period, dim: str, measures: Sequence[str]
) -> Cells:
    """Count, sum and sum of squares per dimension value and measure over the period."""
    edges, days = split(period)
    ranges: list[tuple[type[Rollup] | type[DailyRollup], datetime, datetime]] = [
        (Rollup, a, b) for a, b in edges
    ]
    if days is not None:
        ranges.append((DailyRollup, *days))
    out: Cells = defaultdict(dict)
    for table, since, until in ranges:
        rows = await session.execute(
            select(
                table.key,
                table.measure,
                func.sum(table.n),
                func.sum(table.total),
                func.sum(table.sumsq),
            )
            .where(
                table.workspace_id == workspace_id,
                table.dim == dim,
                table.measure.in_(measures),
                table.hour >= since,
                table.hour < until,
            )
            .group_by(table.key, table.measure)
        )
        for key, measure, n, total, sumsq in rows:
            prev = out[key].get(measure, Sample(0, 0, 0))
            out[key][measure] = Sample(
                prev.n + float(n or 0),
                prev.total + float(total or 0),
                prev.sumsq + float(sumsq or 0),
            )
    return out


def _total(cell: dict[str, Sample], measure: str) -> float:
    sample = cell.get(measure)
    return round(sample.total, 6) if sample else 0.0


def _count(cell: dict[str, Sample], measure: str) -> int:
    sample = cell.get(measure)
    return round(sample.n) if sample else 0


def _mean(cell: dict[str, Sample], measure: str) -> float | None:
    sample = cell.get(measure)
    return sample.total / sample.n if sample and sample.n > 0 else None


def _uplift(u: Uplift) -> dict[str, Any]:
    return {
        "uplift": u.uplift,
        "ci_low": u.ci_low,
        "ci_high": u.ci_high,
        "p_value": u.p_value,
        "significant": u.significant,
        "too_small": u.too_small,
    }


def engagement_row(key: str, cell: dict[str, Sample]) -> dict[str, Any]:
    """One rule's (offer type's, page's) funnel, uplift, revenue and cost."""
    t_n, c_n = _count(cell, "t.offers"), _count(cell, "c.offers")
    t_conv, c_conv = round(_total(cell, "t.converted")), round(_total(cell, "c.converted"))
    conversion = conversion_uplift(t_n, t_conv, c_n, c_conv)
    empty = Sample(0, 0, 0)
    value = mean_uplift(cell.get("t.revenue", empty), cell.get("c.revenue", empty))
    orders_won = round(_total(cell, "t.conv_orders"))
    agent_minutes = _total(cell, "t.agent_seconds") / 60
    by_reason = {m[2:]: round(_total(cell, m)) for m in GUARDED}  # every reason: CSV columns
    guarded = sum(by_reason.values())
    return {
        "key": key,
        "funnel": {
            "matched": guarded + t_n + c_n,
            "guarded": guarded,
            "guarded_by_reason": by_reason,
            "eligible": t_n + c_n,
            "held_out": c_n,
            "offered": t_n,
            "shown": round(_total(cell, "t.shown")),
            "accepted": round(_total(cell, "t.accepted")),
            "conversation": round(_total(cell, "t.conversation")),
            "order": t_conv,
        },
        "treated": {
            "n": t_n,
            "conversions": t_conv,
            "rate": t_conv / t_n if t_n else None,
            "order_value": _mean(cell, "t.revenue"),
        },
        "control": {
            "n": c_n,
            "conversions": c_conv,
            "rate": c_conv / c_n if c_n else None,
            "order_value": _mean(cell, "c.revenue"),
        },
        "conversion_uplift": _uplift(conversion),
        "order_value_uplift": _uplift(value),
        "revenue_attributed": _total(cell, "t.revenue"),
        "agent_minutes": round(agent_minutes, 2),
        "agent_minutes_per_order": round(agent_minutes / orders_won, 2) if orders_won else None,
    }


def service_row(key: str, cell: dict[str, Sample]) -> dict[str, Any]:
    """One channel's (queue's, team's, agent's) service metrics (docs/analytics.md)."""
    handle = _total(cell, "handle")
    return {
        "key": key,
        "conversations": _count(cell, "conversations"),
        "first_response_seconds": _mean(cell, "frt"),
        "resolution_seconds": _mean(cell, "resolution"),
        "fcr_rate": _mean(cell, "fcr"),
        "repeat_rate": _mean(cell, "repeat"),
        "csat_average": _mean(cell, "csat"),
        "csat_rate": _mean(cell, "csat_sat"),
        "ratings": _count(cell, "csat"),
        "tasks": _count(cell, "tasks"),
        "asa_seconds": _mean(cell, "asa"),
        "abandonment_rate": _mean(cell, "abandoned"),
        "service_level": _mean(cell, "sl"),
        "callbacks": _count(cell, "callbacks"),
        "callbacks_reached_rate": _mean(cell, "cb_reached"),
        "handle_minutes": round(handle / 60, 2),
        "staffed_minutes": round(_total(cell, "staffed") / 60, 2),
        "occupancy": occupancy(handle, _total(cell, "staffed")),
    }


async def engagement_report(
    session: AsyncSession, workspace_id: str, period: Period, dim: str
) -> list[dict[str, Any]]:
    cells = await sums(session, workspace_id, period, dim, ENGAGEMENT_MEASURES)
    rows = [engagement_row(key, cell) for key, cell in cells.items()]
    return sorted(rows, key=lambda r: (-r["funnel"]["matched"], r["key"]))


async def service_report(
    session: AsyncSession, workspace_id: str, period: Period, dim: str
) -> list[dict[str, Any]]:
    cells = await sums(session, workspace_id, period, dim, SERVICE_MEASURES)
    rows = [service_row(key, cell) for key, cell in cells.items()]
    return sorted(rows, key=lambda r: (-r["conversations"] - r["tasks"], r["key"]))


async def _hours(
    session: AsyncSession, workspace_id: str, period: Period, measures: Sequence[str]
) -> list[tuple[datetime, str, Sample]]:
    rows = await session.execute(
        select(Rollup.hour, Rollup.measure, Rollup.n, Rollup.total, Rollup.sumsq).where(
            Rollup.workspace_id == workspace_id,
            Rollup.dim == "all",
            Rollup.measure.in_(measures),
            Rollup.hour >= period.since,
            Rollup.hour < period.until,
        )
    )
    return [(hour, measure, Sample(n, total, sumsq)) for hour, measure, n, total, sumsq in rows]


async def trend(
    session: AsyncSession, workspace_id: str, period: Period, measures: Sequence[str]
) -> list[dict[str, Any]]:
    """Per local day: each measure's count (for flags: the count of yes) or mean (times)."""
    days: dict[date, dict[str, Sample]] = defaultdict(dict)
    for hour, measure, sample in await _hours(session, workspace_id, period, measures):
        day = hour.astimezone(period.tz).date()
        prev = days[day].get(measure, Sample(0, 0, 0))
        days[day][measure] = Sample(
            prev.n + sample.n, prev.total + sample.total, prev.sumsq + sample.sumsq
        )
    out = []
    day = period.start
    while day <= period.end:
        cell = days.get(day, {})
        out.append({"day": day.isoformat(), **{m: _figure(m, cell.get(m)) for m in measures}})
        day += timedelta(days=1)
    return out


TIMES = ("frt", "resolution", "asa", "handle", "csat")


def _figure(measure: str, sample: Sample | None) -> float:
    if sample is None or sample.n <= 0:
        return 0.0
    return round(sample.mean, 2) if measure in TIMES else round(sample.total, 2)


async def heat_map(
    session: AsyncSession, workspace_id: str, period: Period, measure: str
) -> list[list[float]]:
    """7 x 24 (Monday first, local hours): the measure's count in each hour of the week."""
    grid = [[0.0] * 24 for _ in range(7)]
    for hour, _m, sample in await _hours(session, workspace_id, period, (measure,)):
        local = hour.astimezone(period.tz)
        grid[local.weekday()][local.hour] += sample.n
    return grid


def _bucket_labels(bounds: Sequence[int]) -> list[str]:
    def label(seconds: int) -> str:
        return (
            f"{seconds // 3600} h"
            if seconds >= 3600
            else (f"{seconds // 60} min" if seconds >= 60 else f"{seconds} s")
        )

    return [f"≤ {label(b)}" for b in bounds] + [f"> {label(bounds[-1])}"]


DISTRIBUTIONS = {"first_response": ("frt", FRT_BUCKETS), "resolution": ("res", RESOLUTION_BUCKETS)}


async def distribution(
    session: AsyncSession, workspace_id: str, period: Period, name: str
) -> list[dict[str, Any]]:
    prefix, bounds = DISTRIBUTIONS[name]
    measures = [f"{prefix}.b{i}" for i in range(len(bounds) + 1)]
    cells = await sums(session, workspace_id, period, "all", measures)
    cell = cells.get("all", {})
    return [
        {"bucket": label, "count": _count(cell, m)}
        for label, m in zip(_bucket_labels(bounds), measures, strict=True)
    ]
