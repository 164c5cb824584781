"""The supervisors' weekly report: last week's key figures as plain text and HTML.

The figures come from the same report functions as the dashboard and the API
(``reports.engagement_report`` per rule and for everything, ``reports.service_report`` for
everything), for the week Monday to Sunday in the report's time zone, so the mail and the
dashboard show the same numbers for the same week (docs/analytics.md, "Weekly report").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from hovor.analytics import reports

NONE = "\u2013"  # no figure, as the dashboard writes it
MAX_RULES = 10  # rules listed in the mail, most matched first


def week_of(day: date) -> date:
    """The Monday of the week ``day`` is in."""
    return day - timedelta(days=day.weekday())


def last_week(now: datetime, tz: ZoneInfo) -> date:
    """The Monday of the week before the one ``now`` is in (local time)."""
    return week_of(now.astimezone(tz).date()) - timedelta(days=7)


def week_period(monday: date, tz: ZoneInfo) -> reports.Period:
    return reports.Period(monday, monday + timedelta(days=6), tz)


@dataclass(frozen=True)
class WeeklyFigures:
    period: reports.Period
    engagement: dict[str, Any] | None  # the "all" row of the engagement report
    rules: list[dict[str, Any]]  # the engagement report per rule
    service: dict[str, Any] | None  # the "all" row of the service report


async def weekly_figures(
    session: AsyncSession, workspace_id: str, monday: date, tz: ZoneInfo
) -> WeeklyFigures:
    period = week_period(monday, tz)
    everything = await reports.engagement_report(session, workspace_id, period, "all")
    rules = await reports.engagement_report(session, workspace_id, period, "rule")
    service = await reports.service_report(session, workspace_id, period, "all")
    return WeeklyFigures(
        period,
        everything[0] if everything else None,
        rules[:MAX_RULES],
        service[0] if service else None,
    )


def _pct(value: float | None) -> str:
    return NONE if value is None else f"{value * 100:.1f} %"


def _seconds(value: float | None) -> str:
    if value is None:
        return NONE
    return f"{value:.0f} s" if value < 90 else f"{value / 60:.0f} min"


def _uplift(u: dict[str, Any]) -> str:
    """ "+18 % (95 % CI 6-31 %)", as the dashboard writes it, with its verdict."""
    if u.get("uplift") is None:
        return "no data"
    text = f"{u['uplift'] * 100:+.0f} %"
    if u.get("ci_low") is not None and u.get("ci_high") is not None:
        text += f" (95 % CI {u['ci_low'] * 100:.0f}-{u['ci_high'] * 100:.0f} %)"
    if u.get("too_small"):
        return text + ", sample too small to tell"
    return text + (", significant" if u.get("significant") else ", no clear difference")


def lines(figures: WeeklyFigures) -> list[tuple[str, list[tuple[str, str]]]]:
    """The report's sections: (title, [(label, value)]); text and HTML are drawn from it."""
    e, s = figures.engagement, figures.service
    funnel = e["funnel"] if e else {}
    engagement = [
        ("Matched", str(funnel.get("matched", 0))),
        ("Stopped by guards or pacing", str(funnel.get("guarded", 0))),
        ("Offers made", str(funnel.get("offered", 0))),
        ("Held out as control", str(funnel.get("held_out", 0))),
        ("Accepted", str(funnel.get("accepted", 0))),
        ("Orders won (conversions)", str(funnel.get("order", 0))),
        ("Revenue attributed", f"{e['revenue_attributed']:.2f}" if e else "0.00"),
    ]
    rules = [
        (
            r["key"],
            f"conversion {_uplift(r['conversion_uplift'])}; order value "
            f"{_uplift(r['order_value_uplift'])}; n = {r['treated']['n'] + r['control']['n']} "
            f"({r['treated']['n']} offered, {r['control']['n']} control), "
            f"{r['funnel']['order']} orders",
        )
        for r in figures.rules
    ]
    service = [
        ("Conversations", str(s["conversations"]) if s else "0"),
        ("First response (mean)", _seconds(s["first_response_seconds"]) if s else NONE),
        ("Resolution (mean)", _seconds(s["resolution_seconds"]) if s else NONE),
        ("First-contact resolution", _pct(s["fcr_rate"]) if s else NONE),
        ("Service level", _pct(s["service_level"]) if s else NONE),
        ("Abandoned", _pct(s["abandonment_rate"]) if s else NONE),
        ("Occupancy", _pct(s["occupancy"]) if s else NONE),
        (
            "CSAT",
            f"{_pct(s['csat_rate'])} satisfied of {s['ratings']} ratings" if s else NONE,
        ),
    ]
    return [
        ("Engagement", engagement),
        ("Uplift per rule against the control group", rules or [("(no rules)", "no offers")]),
        ("Service", service),
    ]


def render(figures: WeeklyFigures, workspace: str, dashboard_url: str) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the mail."""
    p = figures.period
    subject = f"{workspace}: the week {p.start:%d %b} - {p.end:%d %b %Y}"
    sections = lines(figures)
    text = [subject, f"({p.tz.key})", ""]
    for title, rows in sections:
        text += [title, "-" * len(title)]
        text += [f"{label}: {value}" for label, value in rows]
        text.append("")
    text.append(f"The dashboard: {dashboard_url}")
    html = [
        '<!doctype html><html><body style="font-family:sans-serif">',
        f'<h1 style="font-size:18px">{escape(subject)}</h1>',
        f'<p style="color:#666">{escape(p.tz.key)}</p>',
    ]
    for title, rows in sections:
        html.append(f'<h2 style="font-size:15px">{escape(title)}</h2><table>')
        html += [
            f'<tr><th style="text-align:left;padding-right:12px">{escape(label)}</th>'
            f"<td>{escape(value)}</td></tr>"
            for label, value in rows
        ]
        html.append("</table>")
    html.append(f'<p><a href="{escape(dashboard_url)}">Open the dashboard</a></p></body></html>')
    return subject, "\n".join(text) + "\n", "\n".join(html)
