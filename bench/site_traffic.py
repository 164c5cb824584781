"""A real site's shape: thousands of visitor sockets, each sending one event per frame.

``engagement_pipeline`` pushes batches of 50 events through 20 sockets; a shop's live
traffic is the opposite (issue 14). This benchmark opens BENCH_SOCKETS visitor sockets
(default 5,000, from many loopback addresses as real visitors come from many), then:

- cold start: BENCH_COLD visitors (default 1,000) connect and send their first frame at the
  same moment, against freshly saved rules; the time until every first frame is acked;
- steady state, open loop: single-event frames at BENCH_RATE events/s in total (default
  2,000), each socket a Poisson process, events drawn from a visit (pages, products, cart);
  ack latency measured from when a frame was due (no coordinated omission), event → offer
  latency from probe visitors whose event a probe rule answers, and the server's CPU per
  frame;
- a rule saved every 2 s in the second half: the event → offer p99 then against before;
- memory: the server's resident memory per open socket.

The yardstick, in the same run with the same client: a bare uvicorn WebSocket server that
parses each frame and acknowledges it (``bench/_echo.py``), under the same sockets and rate.
``BENCH_DATABASE=postgresql`` runs Hovor on PostgreSQL + Redis instead of SQLite.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets

from bench.engagement_pipeline import (
    DATABASE,
    REDIS_URL,
    _rules,
    cpu_seconds,
    now_iso,
    random_event,
    rss_bytes,
)
from bench.postgres import scratch_database
from bench.report import Metric, percentile, report
from tests.support.clients import Desktop
from tests.support.server import ADMIN, DEMO_SITE_KEY, ServerProcess, free_port, run_server

SOCKETS = int(os.environ.get("BENCH_SOCKETS", "5000"))
RATE = float(os.environ.get("BENCH_RATE", "2000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
COLD = min(SOCKETS, int(os.environ.get("BENCH_COLD", "1000")))
PROBES = 4  # probe visitors, each with one probe event in flight at a time
PER_ADDRESS = 400  # sockets per loopback address (Hovor allows 500 per address)
RULE_EVERY = 2.0  # seconds between rule saves in the second half


@dataclass
class Socket:
    ws: websockets.ClientConnection
    due: dict[str, float] = field(default_factory=dict)  # event id → when it was due


@dataclass
class Fleet:
    """The open sockets and what their acks said."""

    sockets: list[Socket] = field(default_factory=list)
    acks: list[tuple[float, float]] = field(default_factory=list)  # (acked at, latency ms)
    readers: list[asyncio.Task[None]] = field(default_factory=list)

    def watch(self, socket: Socket) -> None:
        self.sockets.append(socket)
        self.readers.append(asyncio.create_task(self._read(socket)))

    async def _read(self, socket: Socket) -> None:
        try:
            async for raw in socket.ws:
                frame = json.loads(raw)
                if frame.get("type") != "events.ack":
                    continue
                now = time.perf_counter()
                for event_id in frame.get("accepted", ()):
                    due = socket.due.pop(event_id, None)
                    if due is not None:
                        self.acks.append((now, (now - due) * 1000))
        except websockets.ConnectionClosed:
            pass

    async def close(self) -> None:
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*(s.ws.close() for s in self.sockets), return_exceptions=True)
        await asyncio.gather(*self.readers, return_exceptions=True)


def address(n: int) -> str:
    return f"127.0.{1 + n // (PER_ADDRESS * 250)}.{2 + (n // PER_ADDRESS) % 250}"


def single_event_frame(due: float, socket: Socket) -> str:
    event = random_event()
    event["id"] = uuid.uuid4().hex
    event["ts"] = now_iso()
    socket.due[event["id"]] = due
    return json.dumps({"type": "events", "events": [event]})


async def visitor_tokens(base_url: str, origin: str, count: int) -> list[tuple[int, str]]:
    """``count`` widget sessions, each from the address its socket will use."""
    tokens: list[tuple[int, str]] = []
    clients: dict[str, httpx.AsyncClient] = {}
    limit = asyncio.Semaphore(50)

    async def one(n: int) -> None:
        host = address(n)
        client = clients.get(host)
        if client is None:
            transport = httpx.AsyncHTTPTransport(local_address=host)
            client = clients[host] = httpx.AsyncClient(base_url=base_url, transport=transport)
        async with limit:
            r = await client.post(
                "/v1/widget/session",
                json={"site_key": DEMO_SITE_KEY, "token": None},
                headers={"origin": origin},
            )
        r.raise_for_status()
        tokens.append((n, r.json()["token"]))

    try:
        await asyncio.gather(*(one(n) for n in range(count)))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients.values()))
    return tokens


async def connect(ws_url: str, origin: str, n: int, token: str) -> Socket:
    ws = await websockets.connect(
        f"{ws_url}/v1/visitor?site={DEMO_SITE_KEY}&token={token}",
        additional_headers={"origin": origin},
        local_addr=(address(n), 0),
        compression=None,
        open_timeout=60,
        max_queue=None,
    )
    hello = json.loads(await ws.recv())
    assert hello["type"] == "hello", hello
    return Socket(ws)


async def connect_all(
    ws_url: str, origin: str, tokens: list[tuple[int, str]], fleet: Fleet
) -> None:
    limit = asyncio.Semaphore(100)

    async def one(n: int, token: str) -> None:
        async with limit:
            fleet.watch(await connect(ws_url, origin, n, token))

    await asyncio.gather(*(one(n, t) for n, t in tokens))


async def open_loop(fleet: Fleet, rate: float, seconds: float) -> int:
    """Single-event frames at ``rate`` in total, each socket a Poisson process (their sum is
    one Poisson process of the total rate, a random socket each time). Returns frames sent."""
    sent, start = 0, time.perf_counter()
    due = start
    end = start + seconds
    while due < end:
        due += random.expovariate(rate)
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        socket = random.choice(fleet.sockets)
        try:
            await socket.ws.send(single_event_frame(due, socket))
        except websockets.ConnectionClosed:
            continue
        sent += 1
    return sent


async def cold_start(ws_url: str, origin: str, tokens: list[tuple[int, str]]) -> float:
    """Every visitor connects, then all send their first frame at once: seconds until the
    last of those frames is acked."""
    fleet = Fleet()
    await connect_all(ws_url, origin, tokens, fleet)
    start = time.perf_counter()
    await asyncio.gather(*(s.ws.send(single_event_frame(start, s)) for s in fleet.sockets))
    while len(fleet.acks) < len(fleet.sockets):
        if time.perf_counter() - start > 60:
            break
        await asyncio.sleep(0.005)
    took = max((at for at, _ in fleet.acks), default=time.perf_counter()) - start
    await fleet.close()
    return took


@dataclass
class Probes:
    """Probe visitors: an event the probe rule answers, the offer's arrival, a decline."""

    latencies: list[tuple[float, float]] = field(default_factory=list)  # (sent at, ms)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, ws_url: str, origin: str, token: str, n: int) -> None:
        socket = await connect(ws_url, origin, n, token)
        ws, k = socket.ws, 0
        try:
            while not self.stop.is_set():
                k += 1
                sent = time.perf_counter()
                event = {"id": uuid.uuid4().hex, "ts": now_iso(), "type": "bench.probe"}
                await ws.send(
                    json.dumps({"type": "events", "events": [{**event, "props": {"n": k}}]})
                )
                offer = await _next(ws, "offer")
                self.latencies.append((sent, (time.perf_counter() - sent) * 1000))
                await ws.send(
                    json.dumps({"type": "offer.declined", "offer_id": offer["offer"]["id"]})
                )
                await _next(ws, "offer.updated")
                await asyncio.sleep(random.uniform(0.05, 0.15))
        finally:
            await ws.close()


async def _next(ws: websockets.ClientConnection, type_: str) -> dict[str, Any]:
    async def wait() -> dict[str, Any]:
        while True:
            frame: dict[str, Any] = json.loads(await ws.recv())
            if frame["type"] == type_:
                return frame

    return await asyncio.wait_for(wait(), 30)


async def save_rules(server: ServerProcess, stop: asyncio.Event, saved_at: list[float]) -> None:
    """Save a rule every RULE_EVERY seconds, as a manager editing under load would."""
    admin = await Desktop(server).login(ADMIN)
    n = 0
    try:
        while not stop.is_set():
            n += 1
            rule = {
                "key": f"edited-{n}",
                "name": f"Edited under load {n}",
                "trigger": {"events": ["cart.add"]},
                "condition": "double(event.props.price) > 100000.0",
                "action": {"type": "message", "text": "Never shown"},
            }
            r = await admin.change("POST", "/v1/rules", json={"data": rule})
            assert r.status_code == 201, r.text
            saved_at.append(time.perf_counter())
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RULE_EVERY)
    finally:
        await admin.close()


@dataclass
class Steady:
    window: tuple[float, float]  # when the measured load ran (perf_counter)
    cpu_per_frame_us: float
    sent_per_second: float
    ack_p50: float
    ack_p99: float
    rss_per_socket_kib: float


async def steady(
    ws_url: str,
    origin: str,
    tokens: list[tuple[int, str]],
    pid: int,
    seconds: float,
    measuring: asyncio.Event | None = None,
) -> tuple[Steady, Fleet]:
    """Connect the sockets, warm up, then the open loop for ``seconds`` (``measuring`` is
    set as it starts)."""
    before = rss_bytes(pid)
    fleet = Fleet()
    await connect_all(ws_url, origin, tokens, fleet)
    per_socket = (rss_bytes(pid) - before) / max(1, len(fleet.sockets)) / 1024
    await open_loop(fleet, RATE, 1.0)  # warm up
    fleet.acks.clear()
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    if measuring is not None:
        measuring.set()
    sent = await open_loop(fleet, RATE, seconds)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0.5)  # the last acks
    used = cpu_seconds(pid) - cpu
    latencies = [ms for _, ms in fleet.acks]
    result = Steady(
        window=(started, started + elapsed),
        cpu_per_frame_us=used / max(1, sent) * 1e6,
        sent_per_second=sent / elapsed,
        ack_p50=percentile(latencies, 50),
        ack_p99=percentile(latencies, 99),
        rss_per_socket_kib=per_socket,
    )
    return result, fleet


@asynccontextmanager
async def echo_server() -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    port = free_port()
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bench._echo", str(port))
    try:
        for _ in range(200):
            try:
                async with websockets.connect(f"ws://127.0.0.1:{port}/v1/visitor"):
                    break
            except OSError:
                await asyncio.sleep(0.05)
        yield f"ws://127.0.0.1:{port}", process
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 10)


async def run() -> bool:
    if DATABASE not in ("sqlite", "postgresql"):
        raise SystemExit(f"BENCH_DATABASE must be sqlite or postgresql, not {DATABASE!r}")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < SOCKETS * 2 + 500:
        raise SystemExit(f"open files limit {hard} is too low for {SOCKETS} sockets")
    limits = {
        "HOVOR_TRACKER_EVENTS_PER_MINUTE": "10000000",
        "HOVOR_WIDGET_SESSIONS_PER_MINUTE": "1000000",
    }
    os.environ.update(limits)
    try:
        with tempfile.TemporaryDirectory() as tmp:
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
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


async def _measure(server: ServerProcess) -> bool:
    client_cpu = time.process_time()
    # The yardstick first, with the same client, sockets and rate.
    async with echo_server() as (echo_url, echo):
        echo_tokens = [(n, "x") for n in range(SOCKETS)]
        echo_steady, echo_fleet = await steady(
            echo_url, "http://127.0.0.1", echo_tokens, echo.pid, SECONDS / 2
        )
        await echo_fleet.close()

    await _rules(server)
    pid = server.process.pid
    tokens = await visitor_tokens(server.base_url, server.origin, SOCKETS + COLD + PROBES)
    cold_tokens, probe_tokens = tokens[SOCKETS : SOCKETS + COLD], tokens[SOCKETS + COLD :]
    cold = await cold_start(server.ws_url, server.origin, cold_tokens)

    probes = Probes()
    probing = [
        asyncio.create_task(probes.run(server.ws_url, server.origin, token, n))
        for n, token in probe_tokens
    ]
    # First half: steady load; second half: the same with a rule saved every RULE_EVERY s.
    stop_saving, measuring = asyncio.Event(), asyncio.Event()
    saved_at: list[float] = []

    async def edit_later() -> None:
        await measuring.wait()
        await asyncio.sleep(SECONDS / 2)
        await save_rules(server, stop_saving, saved_at)

    editing = asyncio.create_task(edit_later())
    hovor, fleet = await steady(
        server.ws_url, server.origin, tokens[:SOCKETS], pid, SECONDS, measuring
    )
    stop_saving.set()
    probes.stop.set()
    await asyncio.gather(editing, *probing, return_exceptions=True)
    await fleet.close()
    client_cpu = time.process_time() - client_cpu

    start, end = hovor.window
    edits_from = saved_at[0] if saved_at else end
    quiet = [ms for at, ms in probes.latencies if start <= at < edits_from]
    edited = [ms for at, ms in probes.latencies if edits_from <= at <= end]
    p99_quiet, p99_edited = percentile(quiet, 99), percentile(edited, 99)
    setup = "SQLite" if DATABASE == "sqlite" else "PostgreSQL + Redis"
    return report(
        "site_traffic",
        [
            Metric("server_cpu_per_frame", hovor.cpu_per_frame_us, "µs", "<= 100"),
            Metric("echo_cpu_per_frame", echo_steady.cpu_per_frame_us, "µs", ">= 0"),
            Metric(
                "cpu_ratio_to_echo",
                hovor.cpu_per_frame_us / max(echo_steady.cpu_per_frame_us, 1e-9),
                "ratio",
                ">= 0",
            ),
            Metric("events_per_second", hovor.sent_per_second, "events/s", f">= {RATE * 0.95:g}"),
            Metric("ack_p50", hovor.ack_p50, "ms", "<= 10"),
            Metric("ack_p99", hovor.ack_p99, "ms", "<= 50"),
            Metric("echo_ack_p99", echo_steady.ack_p99, "ms", ">= 0"),
            Metric("event_to_offer_p50", percentile(quiet, 50), "ms", "<= 10"),
            Metric("event_to_offer_p99", p99_quiet, "ms", "<= 25"),
            Metric("event_to_offer_p99_rule_saves", p99_edited, "ms", ">= 0"),
            Metric("rule_save_p99_increase", p99_edited - p99_quiet, "ms", "<= 10"),
            Metric("cold_start_all_acked", cold, "s", "<= 1"),
            Metric("memory_per_socket", hovor.rss_per_socket_kib, "KiB", "<= 30"),
            Metric("echo_memory_per_socket", echo_steady.rss_per_socket_kib, "KiB", ">= 0"),
        ],
        notes=(
            f"{setup}, 51 rules, {SOCKETS} sockets, {RATE:g} single-event frames/s open loop, "
            f"{COLD} cold visitors, {len(quiet)}+{len(edited)} probes, {len(saved_at)} rule "
            f"saves; client CPU {client_cpu:.1f} s; load average {os.getloadavg()[0]:.1f}"
        ),
    )
