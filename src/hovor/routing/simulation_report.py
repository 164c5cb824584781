"""The simulation's report: tables on the terminal and an HTML page with charts."""

from __future__ import annotations

import html

from hovor.routing.erlang import average_speed_of_answer, service_level
from hovor.routing.simulation import Result, Scenario, StreamResult

BUCKET_SECONDS = 10
BUCKETS = 30


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def rows(s: Scenario, r: Result) -> list[tuple[str, str, str]]:
    """(metric, simulated, Erlang C) rows. Erlang C where it applies (one queue of
    single-skill agents, one task at a time, exponential handling), "n/a" where it would
    but customers abandon (Erlang C assumes nobody does), else blank."""
    inputs = s.erlang_inputs()
    erlang = {"sl": "", "asa": "", "abandonment": "", "occupancy": ""}
    if inputs is not None and any(x.patience_seconds for x in s.streams):
        erlang = dict.fromkeys(erlang, "n/a")
    elif inputs is not None:
        agents, traffic, handle, within = inputs
        erlang = {
            "sl": f"{service_level(agents, traffic, handle, within):.1%}",
            "asa": f"{average_speed_of_answer(agents, traffic, handle):.1f} s",
            "abandonment": "0.0%",
            "occupancy": f"{traffic / agents:.1%}",
        }
    targets = sorted({x.target_seconds for x in r.streams if x.realtime})
    target = _seconds(targets[0]) if len(targets) == 1 else "real-time, per stream"
    return [
        ("contacts offered", f"{r.offered}", ""),
        (f"service level ({target})", f"{r.service_level:.1%}", erlang["sl"]),
        ("average speed of answer", f"{r.average_speed_of_answer:.1f} s", erlang["asa"]),
        ("abandonment", f"{r.abandonment:.1%}", erlang["abandonment"]),
        ("occupancy", f"{r.occupancy:.1%}", erlang["occupancy"]),
        ("slot utilisation", f"{r.slot_utilisation:.1%}", ""),
        ("callbacks within 5 min", _percent(r.callbacks_within_target), ""),
    ]


def stream_rows(r: Result) -> list[tuple[str, ...]]:
    """Per stream: name, offered, service level (target), ASA, abandoned, overflowed."""
    return [
        (
            x.name,
            f"{x.offered}",
            f"{x.service_level:.1%} ({_seconds(x.target_seconds)})",
            f"{x.average_speed_of_answer:.1f} s",
            f"{x.abandonment:.1%}",
            f"{x.overflowed}",
        )
        for x in r.streams
    ]


STREAM_HEADINGS = ("stream", "offered", "service level", "ASA", "abandoned", "overflowed")


def _seconds(value: float) -> str:
    return f"{value / 3600:.0f} h" if value >= 3600 else f"{value:.0f} s"


def describe(s: Scenario) -> str:
    streams = ", ".join(f"{x.name} {x.arrivals_per_hour:g}/h" for x in s.streams)
    return (
        f"{s.title}: {s.agent_count} agents, {len(s.queues)} queue(s), {streams}; "
        f"{s.hours:g} simulated hours (first {s.warmup_hours:g} h not counted), seed {s.seed}"
    )


def _line(cells: tuple[str, ...], widths: tuple[int, ...]) -> str:
    first, *rest = zip(cells, widths, strict=True)
    return " ".join([f"{first[0]:<{first[1]}}", *(f"{c:>{w}}" for c, w in rest)])


def table(s: Scenario, r: Result) -> str:
    lines = [describe(s), ""]
    if len(r.streams) > 1:
        widths = (20, 8, 18, 9, 10, 11)
        lines.append(_line(STREAM_HEADINGS, widths))
        lines += [_line(row, widths) for row in stream_rows(r)]
        lines.append("")
    lines.append(_line(("metric", "simulated", "Erlang C"), (36, 12, 12)))
    lines += [_line(row, (36, 12, 12)) for row in rows(s, r)]
    return "\n".join(lines)


def histogram(x: StreamResult) -> list[int]:
    counts = [0] * (BUCKETS + 1)
    for wait in x.waits:
        counts[min(BUCKETS, int(wait // BUCKET_SECONDS))] += 1
    return counts


def _chart(x: StreamResult) -> str:
    counts = histogram(x)
    top = max(counts) or 1
    width, height, bar = 640, 220, 640 / len(counts)
    bars = "".join(
        f'<rect x="{i * bar:.1f}" y="{height - 20 - (c / top) * (height - 40):.1f}" '
        f'width="{bar - 2:.1f}" height="{(c / top) * (height - 40):.1f}" '
        f'fill="{"#16a34a" if i * BUCKET_SECONDS < x.target_seconds else "#f59e0b"}">'
        f"<title>{i * BUCKET_SECONDS}-{(i + 1) * BUCKET_SECONDS} s: {c}</title></rect>"
        for i, c in enumerate(counts)
    )
    axis = "".join(
        f'<text x="{i * bar:.1f}" y="{height - 4}" font-size="10">{i * BUCKET_SECONDS}s</text>'
        for i in range(0, len(counts), 5)
    )
    name = html.escape(x.name)
    return (
        f"<h3>{name}: waiting time of answered contacts</h3>"
        f'<svg width="{width}" height="{height}" role="img" '
        f'aria-label="waiting time histogram, {name}">{bars}{axis}</svg>'
    )


def _html_table(headings: tuple[str, ...], body: list[tuple[str, ...]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headings)
    rows_ = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in body
    )
    return f"<table><tr>{head}</tr>{rows_}</table>"


def html_report(s: Scenario, r: Result) -> str:
    charts = "".join(_chart(x) for x in r.streams if x.realtime)
    summary = _html_table(("metric", "simulated", "Erlang C"), list(rows(s, r)))
    streams = _html_table(STREAM_HEADINGS, stream_rows(r))
    return f"""<!doctype html><meta charset="utf-8"><title>Hovor contact-centre simulation</title>
<style>body{{font:14px system-ui;margin:2em;color:#111}}td,th{{padding:4px 12px;text-align:right}}
td:first-child,th:first-child{{text-align:left}}</style>
<h1>Contact-centre simulation</h1>
<p>{html.escape(describe(s))}. Every assignment was made by Hovor's router.</p>
{summary}
<h2>Streams</h2>
{streams}
<h2>Waiting times</h2>
{charts}
<p>Green: answered within the stream's target. The last bar collects
{BUCKETS * BUCKET_SECONDS} s and more.</p>
"""
