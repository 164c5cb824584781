"""The simulation's report: a table on the terminal and an HTML page with a chart."""

from __future__ import annotations

import html

from hovor.routing.erlang import average_speed_of_answer, service_level
from hovor.routing.simulation import Result, Scenario

BUCKET_SECONDS = 10
BUCKETS = 30


def rows(s: Scenario, r: Result) -> list[tuple[str, str, str]]:
    """(metric, simulated, Erlang C) rows; Erlang C only where it applies (no abandonment)."""
    erlang = s.patience_seconds is None
    sl = service_level(s.agents, s.traffic, s.handle_seconds, s.target_seconds)
    asa = average_speed_of_answer(s.agents, s.traffic, s.handle_seconds)
    return [
        ("contacts offered", f"{r.offered}", ""),
        (
            f"service level ({s.target_seconds:.0f} s)",
            f"{r.service_level:.1%}",
            f"{sl:.1%}" if erlang else "n/a",
        ),
        (
            "average speed of answer",
            f"{r.average_speed_of_answer:.1f} s",
            f"{asa:.1f} s" if erlang else "n/a",
        ),
        ("abandonment", f"{r.abandonment:.1%}", "0.0%" if erlang else "n/a"),
        ("occupancy", f"{r.occupancy:.1%}", f"{s.traffic / s.agents:.1%}"),
    ]


def table(s: Scenario, r: Result) -> str:
    lines = [f"{'metric':<28} {'simulated':>12} {'Erlang C':>12}"]
    lines += [f"{m:<28} {a:>12} {b:>12}" for m, a, b in rows(s, r)]
    return "\n".join(lines)


def histogram(r: Result) -> list[int]:
    counts = [0] * (BUCKETS + 1)
    for wait in r.waits:
        counts[min(BUCKETS, int(wait // BUCKET_SECONDS))] += 1
    return counts


def html_report(s: Scenario, r: Result) -> str:
    counts = histogram(r)
    top = max(counts) or 1
    width, height, bar = 640, 220, 640 / len(counts)
    bars = "".join(
        f'<rect x="{i * bar:.1f}" y="{height - 20 - (c / top) * (height - 40):.1f}" '
        f'width="{bar - 2:.1f}" height="{(c / top) * (height - 40):.1f}" '
        f'fill="{"#16a34a" if i * BUCKET_SECONDS < s.target_seconds else "#f59e0b"}">'
        f"<title>{i * BUCKET_SECONDS}-{(i + 1) * BUCKET_SECONDS} s: {c}</title></rect>"
        for i, c in enumerate(counts)
    )
    axis = "".join(
        f'<text x="{i * bar:.1f}" y="{height - 4}" font-size="10">{i * BUCKET_SECONDS}s</text>'
        for i in range(0, len(counts), 5)
    )
    body = "".join(
        f"<tr><td>{html.escape(m)}</td><td>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>"
        for m, a, b in rows(s, r)
    )
    return f"""<!doctype html><meta charset="utf-8"><title>Hovor contact-centre simulation</title>
<style>body{{font:14px system-ui;margin:2em;color:#111}}td,th{{padding:4px 12px;text-align:right}}
td:first-child,th:first-child{{text-align:left}}</style>
<h1>Contact-centre simulation</h1>
<p>{s.agents} agents, {s.arrivals_per_hour:.0f} contacts/hour, mean handle time {s.handle_seconds:.0f} s
(traffic {s.traffic:.2f} Erlangs), {s.hours:.0f} simulated hours, seed {s.seed}.</p>
<table><tr><th>metric</th><th>simulated</th><th>Erlang C</th></tr>{body}</table>
<h2>Waiting time of answered contacts</h2>
<svg width="{width}" height="{height}" role="img" aria-label="waiting time histogram">{bars}{axis}</svg>
<p>Green: answered within the {s.target_seconds:.0f} s target. The last bar collects
{BUCKETS * BUCKET_SECONDS} s and more.</p>
"""
