"""Endpoints of analytics: reports from the rollups, CSV export (supervisors and admins)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.analytics import reports
from hovor.analytics.facts import ATTRIBUTION_WINDOW
from hovor.analytics.schemas import (
    EngagementDim,
    EngagementReportOut,
    OverviewOut,
    PeriodOut,
    ServiceDim,
    ServiceReportOut,
    WeeklyReportOut,
)
from hovor.analytics.weekly import last_week, week_of
from hovor.analytics.weekly_send import WeeklyMail, WeeklyReports, build_mail
from hovor.auth.deps import ActorDep
from hovor.auth.service import require_role, users_by_ids
from hovor.core import clock
from hovor.core.errors import Conflict, field_error
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import Runtime, RuntimeDep

router = APIRouter(prefix="/v1/analytics", tags=["analytics"], responses=PROBLEM_RESPONSES)

DEFAULT_TZ = "Europe/Prague"
MAX_DAYS = 366
FromQ = Annotated[
    date | None, Query(alias="from", description="first day (default: 6 days before to)")
]
ToQ = Annotated[date | None, Query(description="last day, inclusive (default: today)")]
TzQ = Annotated[str, Query(description="IANA time zone the days and hours are in")]


def check_period(start: date | None, end: date | None, tz: str) -> reports.Period:
    """The period asked for; 422 naming the parameter when it makes no sense."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise field_error(["query", "tz"], "not an IANA time zone (e.g. Europe/Prague)") from None
    end = end or clock.now().astimezone(zone).date()
    start = start or end - timedelta(days=6)
    if start > end:
        raise field_error(["query", "from"], "must not be after to")
    if (end - start).days >= MAX_DAYS:
        raise field_error(["query", "from"], f"the period is at most {MAX_DAYS} days")
    return reports.Period(start, end, zone)


def _period_out(period: reports.Period) -> PeriodOut:
    return PeriodOut(start=period.start, end=period.end, tz=period.tz.key)


async def _service_rows(
    session: AsyncSession, workspace_id: str, period: reports.Period, dim: str
) -> list[dict[str, Any]]:
    rows = await reports.service_report(session, workspace_id, period, dim)
    names: dict[str, str] = {}
    if dim == "agent":
        users = await users_by_ids(session, {r["key"] for r in rows})
        names = {uid: u.name for uid, u in users.items() if u.workspace_id == workspace_id}
    # key and label first: the CSV's first columns
    return [{"key": r["key"], "label": names.get(r["key"], r["key"]), **r} for r in rows]


@router.get("/engagement", response_model=EngagementReportOut)
async def engagement(
    actor: ActorDep,
    runtime: RuntimeDep,
    dim: EngagementDim = "rule",
    start: FromQ = None,
    to: ToQ = None,
    tz: TzQ = DEFAULT_TZ,
) -> EngagementReportOut:
    """Funnel, conversion and order-value uplift against the control group (95 % CI), revenue
    attributed and agent minutes per order won, per rule, offer type or page."""
    require_role(actor.user, "admin", "supervisor")
    period = check_period(start, to, tz)
    async with runtime.db.read() as session:
        rows = await reports.engagement_report(session, actor.workspace_id, period, dim)
    return EngagementReportOut.model_validate(
        {
            "period": _period_out(period),
            "dim": dim,
            "attribution_hours": int(ATTRIBUTION_WINDOW.total_seconds() // 3600),
            "rows": rows,
        }
    )


@router.get("/service", response_model=ServiceReportOut)
async def service(
    actor: ActorDep,
    runtime: RuntimeDep,
    dim: ServiceDim = "channel",
    start: FromQ = None,
    to: ToQ = None,
    tz: TzQ = DEFAULT_TZ,
) -> ServiceReportOut:
    """FCR, resolution and first response time, CSAT, repeat contacts, ASA, abandonment,
    service level, callbacks reached within 5 minutes, per channel, queue, team or agent."""
    require_role(actor.user, "admin", "supervisor")
    period = check_period(start, to, tz)
    async with runtime.db.read() as session:
        rows = await _service_rows(session, actor.workspace_id, period, dim)
    return ServiceReportOut.model_validate(
        {"period": _period_out(period), "dim": dim, "rows": rows}
    )


async def overview_of(
    session: AsyncSession, workspace_id: str, period: reports.Period
) -> dict[str, Any]:
    engagement_rows = await reports.engagement_report(session, workspace_id, period, "all")
    service_rows = await _service_rows(session, workspace_id, period, "all")
    return {
        "period": _period_out(period),
        "engagement": engagement_rows[0] if engagement_rows else None,
        "service": service_rows[0] if service_rows else None,
        "trend": await reports.trend(
            session,
            workspace_id,
            period,
            ("t.offers", "t.accepted", "t.converted", "conversations", "fcr", "frt"),
        ),
        "heat_map": await reports.heat_map(session, workspace_id, period, "conversations"),
        "first_response": await reports.distribution(
            session, workspace_id, period, "first_response"
        ),
        "resolution": await reports.distribution(session, workspace_id, period, "resolution"),
    }


@router.get("/overview", response_model=OverviewOut)
async def overview(
    actor: ActorDep,
    runtime: RuntimeDep,
    start: FromQ = None,
    to: ToQ = None,
    tz: TzQ = DEFAULT_TZ,
) -> OverviewOut:
    """What the dashboard draws: totals, daily trend, the hour x weekday heat map of
    conversations opened, and the distributions of first response and resolution time."""
    require_role(actor.user, "admin", "supervisor")
    period = check_period(start, to, tz)
    async with runtime.db.read() as session:
        return OverviewOut.model_validate(await overview_of(session, actor.workspace_id, period))


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    flat = [_flatten(r) for r in rows]
    out = io.StringIO()
    if flat:
        writer = csv.DictWriter(out, fieldnames=list(flat[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(flat)
    return out.getvalue()


CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "the report's rows, one column per figure"}
}


@router.get("/{area}.csv", response_class=Response, responses=CSV_RESPONSE)
async def export_csv(
    area: Literal["engagement", "service"],
    actor: ActorDep,
    runtime: RuntimeDep,
    dim: Annotated[
        str, Query(description="as the report: rule, kind, page; channel, queue, team, agent")
    ] = "all",
    start: FromQ = None,
    to: ToQ = None,
    tz: TzQ = DEFAULT_TZ,
) -> Response:
    """The engagement or service report as CSV (same parameters as the report)."""
    require_role(actor.user, "admin", "supervisor")
    dims = ("all", *(reports.ENGAGEMENT_DIMS if area == "engagement" else reports.SERVICE_DIMS))
    if dim not in dims:
        raise field_error(["query", "dim"], f"must be one of {', '.join(dims)}")
    period = check_period(start, to, tz)
    async with runtime.db.read() as session:
        if area == "engagement":
            rows = await reports.engagement_report(session, actor.workspace_id, period, dim)
        else:
            rows = await _service_rows(session, actor.workspace_id, period, dim)
    name = f"{area}-{dim}-{period.start}-{period.end}.csv"
    return Response(
        to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


WeekQ = Annotated[
    date | None, Query(description="a day of the week to report (default: last week)")
]


async def _weekly_mail(
    runtime: Runtime, workspace_id: str, week: date | None
) -> tuple[WeeklyReports, date, WeeklyMail]:
    reports_ = WeeklyReports.from_settings(runtime.db, runtime.settings)
    monday = week_of(week) if week else last_week(clock.now(), reports_.tz)
    mail = await build_mail(
        runtime.db, workspace_id, monday, reports_.tz, reports_.origin, reports_.sender
    )
    return reports_, monday, mail


def _weekly_out(monday: date, mail: WeeklyMail, sent: bool) -> WeeklyReportOut:
    return WeeklyReportOut(
        week=monday,
        recipients=mail.recipients,
        subject=mail.subject,
        text=mail.text,
        html=mail.html,
        sent=sent,
    )


@router.get("/weekly-report", response_model=WeeklyReportOut)
async def weekly_report_preview(
    actor: ActorDep, runtime: RuntimeDep, week: WeekQ = None
) -> WeeklyReportOut:
    """The weekly e-mail report as it would go out (nothing is sent), in
    HOVOR_WEEKLY_REPORT_TZ (docs/analytics.md, "Weekly report")."""
    require_role(actor.user, "admin", "supervisor")
    _reports, monday, mail = await _weekly_mail(runtime, actor.workspace_id, week)
    return _weekly_out(monday, mail, False)


@router.post("/weekly-report/send", response_model=WeeklyReportOut)
async def weekly_report_send(
    actor: ActorDep, runtime: RuntimeDep, week: WeekQ = None
) -> WeeklyReportOut:
    """Send the weekly report now to the workspace's admins and supervisors (besides the
    Monday one, which still goes out once); 409 without HOVOR_SMTP_URL."""
    require_role(actor.user, "admin")
    reports_, monday, mail = await _weekly_mail(runtime, actor.workspace_id, week)
    if reports_.smtp is None:
        raise Conflict("no SMTP server is configured (HOVOR_SMTP_URL)")
    if mail.recipients:
        await reports_.smtp.send(mail.message)
    return _weekly_out(monday, mail, True)
