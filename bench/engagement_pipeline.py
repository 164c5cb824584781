"""Tracker events through a real server: ingestion, 50 rules, offers over WebSocket.

- throughput: visitors send batches of 50 events as fast as the server acknowledges them
  (an ack means validated, evaluated against 50 rules and stored); events/s.
- latency at load: while others send about TARGET_RATE events/s, a probe visitor sends an
  event that one rule answers with an offer; the time from sending it to receiving the
  ``offer`` frame, p50 and p99.
- memory: the server's resident memory per active visitor (state for tracking and rules).

The default run is one server process on SQLite with the in-process bus. A variant runs the
server on PostgreSQL and Redis (the several-node set-up, here with one node):

    BENCH_DATABASE=postgresql make bench NAME=engagement_pipeline

It creates (and drops) its own database next to HOVOR_TEST_POSTGRES_URL and uses Redis at
BENCH_REDIS_URL (default redis://127.0.0.1:6379/14, not the tests' database 15, which test
runs empty). The notes give the CPU time per event of the server, of the load generator and,
on PostgreSQL, of the backends serving the bench's database (Redis's is not counted).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import make_url

from bench.postgres import scratch_database
from bench.report import Metric, percentile, report
from tests.support.clients import Desktop, Visitor, receive
from tests.support.server import ADMIN, ServerProcess, run_server

LOAD_VISITORS = int(os.environ.get("BENCH_LOAD_VISITORS", "20"))
BATCH = 50
THROUGHPUT_SECONDS = 8.0
TARGET_RATE = 5000  # events/s offered during the latency phase
PROBES = 200
MEMORY_VISITORS = 500
DATABASE = os.environ.get("BENCH_DATABASE", "sqlite")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

TEMPLATE_VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("cart_abandoned", {}),
    ("cart_emptied", {}),
    ("payment_stuck", {}),
    ("terms_revisited", {}),
    ("coupon_failed", {}),
    ("login_failures", {}),
    ("high_value_removed", {}),
    ("compared_back_and_forth", {}),
    ("idle_on_product", {}),
    ("no_add_after_product", {}),
]
PRODUCTS = [
    {
        "id": f"p{i}",
        "name": f"Product {i}",
        "category": random.choice(["fridges", "tvs", "kettles"]),
        "price": random.choice([39, 899, 1249, 2499]),
    }
    for i in range(40)
]


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def random_event() -> dict[str, Any]:
    product = random.choice(PRODUCTS)
    kind = random.random()
    if kind < 0.4:
        return {
            "id": uuid.uuid4().hex,
            "ts": now_iso(),
            "type": "page.view",
            "props": {"path": f"/shop/{product['id']}"},
            "page": {"url": "https://s.example.org/x"},
        }
    if kind < 0.75:
        return {"id": uuid.uuid4().hex, "ts": now_iso(), "type": "product.view", "props": product}
    if kind < 0.9:
        return {
            "id": uuid.uuid4().hex,
            "ts": now_iso(),
            "type": "cart.add",
            "props": {**product, "quantity": 1},
        }
    return {
        "id": uuid.uuid4().hex,
        "ts": now_iso(),
        "type": "cart.remove",
        "props": {**product, "quantity": 1},
    }


async def run() -> bool:
    if DATABASE not in ("sqlite", "postgresql"):
        raise SystemExit(f"BENCH_DATABASE must be sqlite or postgresql, not {DATABASE!r}")
    with tempfile.TemporaryDirectory() as tmp:
        limits = {
            "HOVOR_TRACKER_EVENTS_PER_MINUTE": "10000000",
            "HOVOR_WIDGET_SESSIONS_PER_MINUTE": "100000",
        }
        os.environ.update(limits)
        try:
            if DATABASE == "sqlite":
                url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
                with run_server(Path(tmp), database_url=url) as server:
                    return await _measure(server)
            async with scratch_database() as url:
                with run_server(Path(tmp), database_url=url, redis_url=REDIS_URL) as server:
                    return await _measure(server)
        finally:
            for name in limits:
                os.environ.pop(name, None)


async def _rules(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    n = 0
    while n < 50:
        template, params = TEMPLATE_VARIANTS[n % len(TEMPLATE_VARIANTS)]
        built = await admin.change(
            "POST",
            f"/v1/rule-templates/{template}/build",
            json={"params": {"key": f"r{n}", "action": "message", **params}},
        )
        await admin.change("POST", "/v1/rules", json={"data": built.json()["data"]})
        n += 1
    probe = {
        "key": "probe",
        "name": "Benchmark probe",
        "trigger": {"events": ["bench.probe"]},
        "condition": "event.props.n >= 0",
        "action": {"type": "message", "text": "probe {{event.props.n}}"},
        "guards": {"max_per_session": None},
    }
    r = await admin.change("POST", "/v1/rules", json={"data": probe})
    assert r.status_code == 201, r.text
    await admin.close()


def server_pids(pid: int) -> list[int]:
    """The server process and any processes it started."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo.extend(children.get(p, []))
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server's processes so far."""
    total = 0
    for p in server_pids(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds(database_url: str) -> float:
    """CPU time so far of the PostgreSQL backends serving the bench's own database (0 on
    SQLite, whose work is in the server's process)."""
    if DATABASE == "sqlite":
        return 0.0
    name = make_url(database_url).database
    total = 0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if not cmdline.startswith("postgres:") or f" {name} " not in cmdline:
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    total = 0
    for p in server_pids(pid):
        try:
            lines = Path(f"/proc/{p}/status").read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


ID_MARK, TS_MARK = "@@ID@@", "@@TS@@"
_TEMPLATES: list[str] = []
_frames_sent = [0]


def _frame_templates() -> list[str]:
    """Frames of random events, encoded once: the generator must not starve the server of
    CPU. Each frame sent gets fresh ids (a unique prefix) and the current time."""
    if not _TEMPLATES:
        for _ in range(200):
            events = [random_event() for _ in range(BATCH)]
            for i, event in enumerate(events):
                event["id"], event["ts"] = f"{ID_MARK}{i:02d}", TS_MARK
            _TEMPLATES.append(json.dumps({"type": "events", "events": events}))
    return _TEMPLATES


def next_frame() -> str:
    _frames_sent[0] += 1
    n = _frames_sent[0]
    template = _TEMPLATES[n % len(_TEMPLATES)]
    return template.replace(ID_MARK, f"{uuid.uuid4().hex[:20]}{n:010d}").replace(TS_MARK, now_iso())


async def _sender(
    server: ServerProcess, stop: asyncio.Event, rate: float | None, counts: list[int]
) -> None:
    _frame_templates()
    visitor = await Visitor(server).start()
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        in_flight = asyncio.Semaphore(4)

        async def reader() -> None:
            async for raw in ws:
                frame = json.loads(raw)
                if frame["type"] == "events.ack":
                    counts[0] += len(frame["accepted"])
                    in_flight.release()

        reading = asyncio.create_task(reader())
        next_at = time.perf_counter()
        while not stop.is_set():
            await in_flight.acquire()
            await ws.send(next_frame())
            if rate:
                next_at += BATCH / rate
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        reading.cancel()


async def _measure(server: ServerProcess) -> bool:
    await _rules(server)
    # Throughput.
    stop, counts = asyncio.Event(), [0]
    senders = [
        asyncio.create_task(_sender(server, stop, None, counts)) for _ in range(LOAD_VISITORS)
    ]
    await asyncio.sleep(1.0)  # warm up
    start_count, started = counts[0], time.perf_counter()
    cpu_before = cpu_seconds(server.process.pid)
    client_before, db_before = time.process_time(), database_cpu_seconds(server.database_url)
    await asyncio.sleep(THROUGHPUT_SECONDS)
    throughput = (counts[0] - start_count) / (time.perf_counter() - started)
    ingested = max(1, counts[0] - start_count)
    server_cpu_per_event = (cpu_seconds(server.process.pid) - cpu_before) / ingested
    client_cpu_per_event = (time.process_time() - client_before) / ingested
    db_cpu_per_event = (database_cpu_seconds(server.database_url) - db_before) / ingested
    stop.set()
    await asyncio.gather(*senders, return_exceptions=True)

    # Latency at TARGET_RATE.
    stop, counts = asyncio.Event(), [0]
    per_sender = TARGET_RATE / LOAD_VISITORS
    senders = [
        asyncio.create_task(_sender(server, stop, per_sender, counts)) for _ in range(LOAD_VISITORS)
    ]
    await asyncio.sleep(1.0)
    latencies: list[float] = []
    load_started, load_count = time.perf_counter(), counts[0]
    probe = await Visitor(server).start()
    async with await probe.connect() as ws:
        await receive(ws, "hello")
        for n in range(PROBES):
            sent = time.perf_counter()
            await ws.send(
                json.dumps(
                    {
                        "type": "events",
                        "events": [
                            {
                                "id": uuid.uuid4().hex,
                                "ts": now_iso(),
                                "type": "bench.probe",
                                "props": {"n": n},
                            }
                        ],
                    }
                )
            )
            offer = await receive(ws, "offer", within=10)
            latencies.append((time.perf_counter() - sent) * 1000)
            await ws.send(json.dumps({"type": "offer.declined", "offer_id": offer["offer"]["id"]}))
            await receive(ws, "offer.updated", within=10)
            await asyncio.sleep(0.02)
    achieved = (counts[0] - load_count) / (time.perf_counter() - load_started)
    stop.set()
    await asyncio.gather(*senders, return_exceptions=True)

    # Memory per active visitor.
    await asyncio.sleep(0.5)
    before = rss_bytes(server.process.pid)
    sockets = []
    for _ in range(MEMORY_VISITORS):
        visitor = await Visitor(server).start()
        ws = await visitor.connect()
        await receive(ws, "hello")
        await ws.send(json.dumps({"type": "events", "events": [random_event() for _ in range(20)]}))
        await receive(ws, "events.ack")
        sockets.append(ws)
    per_visitor = (rss_bytes(server.process.pid) - before) / MEMORY_VISITORS
    for ws in sockets:
        await ws.close()

    setup = "SQLite" if DATABASE == "sqlite" else "PostgreSQL + Redis"
    return report(
        "engagement_pipeline",
        [
            Metric("ingest_events_per_second", throughput, "events/s", ">= 20000"),
            Metric("load_events_per_second", achieved, "events/s", ">= 4500"),
            Metric("event_to_offer_p50", percentile(latencies, 50), "ms", "<= 10"),
            Metric("event_to_offer_p99", percentile(latencies, 99), "ms", "<= 25"),
            Metric("memory_per_active_visitor", per_visitor / 1024, "KiB", "<= 64"),
        ],
        notes=f"{setup}, 51 rules, {LOAD_VISITORS} load sockets, batches of {BATCH}; "
        "client on the same 2 cores; "
        f"CPU per ingested event: server {server_cpu_per_event * 1e6:.0f} µs, "
        f"load generator {client_cpu_per_event * 1e6:.0f} µs"
        + (f", PostgreSQL {db_cpu_per_event * 1e6:.0f} µs" if DATABASE != "sqlite" else "")
        + "; "
        f"load average {os.getloadavg()[0]:.1f}",
    )
