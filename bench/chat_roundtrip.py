"""Web chat through a real server process on SQLite (the embedded default).

Two phases, one agent desktop socket listening to everything:
- steady: VISITORS visitors arrive over ARRIVALS seconds and each writes a message every
  INTERVAL seconds (up to VISITORS / INTERVAL messages/s and VISITORS / ARRIVALS new chats/s,
  far above a busy human contact centre); measures the
  acknowledgement latency (the message is stored before the ack) and the delivery latency
  to the agent's desktop.
- burst: the same visitors write back-to-back; measures the most messages/s one node stores.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import tempfile
import time
from pathlib import Path

from bench.report import Metric, percentile, report
from tests.support.clients import Desktop, Visitor, client_id, receive
from tests.support.server import ALICE, ServerProcess, run_server

VISITORS = int(os.environ.get("BENCH_VISITORS", "100"))
INTERVAL = 2.0  # seconds between one visitor's messages in the steady phase
ARRIVALS = 10.0  # visitors start chatting over this many seconds: 10 new chats/s
STEADY_MESSAGES = 5  # per visitor
BURST_MESSAGES = 5  # per visitor


async def run() -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        with run_server(Path(tmp), database_url=url) as server:
            return await _measure(server)


async def _measure(server: ServerProcess) -> bool:
    desk = await Desktop(server).login(ALICE)
    agent_ws = await desk.socket()
    sent_at: dict[str, float] = {}
    delivered: dict[str, float] = {}
    ack_ms: list[float] = []
    first_ack_ms: list[float] = []  # a visitor's first message also opens the conversation

    async def agent_listener() -> None:
        while True:
            frame = json.loads(await agent_ws.recv())
            if frame["type"] == "message.created":
                delivered[frame["message"]["client_id"]] = time.perf_counter()

    async def visitor_run(messages: int, pause: float, record: bool) -> None:
        await asyncio.sleep(random.uniform(0, ARRIVALS) if record else 0)
        visitor = await Visitor(server).start()
        async with await visitor.connect() as ws:
            await receive(ws, "hello")
            for i in range(messages):
                cid = client_id()
                started = time.perf_counter()
                sent_at[cid] = started
                await ws.send(
                    json.dumps({"type": "message.send", "client_id": cid, "body": f"m{i}"})
                )
                await receive(ws, "message.ack", within=60)
                if record:
                    (first_ack_ms if i == 0 else ack_ms).append(
                        (time.perf_counter() - started) * 1000
                    )
                await asyncio.sleep(pause)

    listener = asyncio.create_task(agent_listener())
    await asyncio.gather(*(visitor_run(STEADY_MESSAGES, INTERVAL, True) for _ in range(VISITORS)))
    steady_ids = set(sent_at)
    started = time.perf_counter()
    await asyncio.gather(*(visitor_run(BURST_MESSAGES, 0, False) for _ in range(VISITORS)))
    burst_rate = VISITORS * BURST_MESSAGES / (time.perf_counter() - started)
    await asyncio.sleep(1)
    listener.cancel()
    await agent_ws.close()
    await desk.close()

    delivery_ms = [(delivered[c] - sent_at[c]) * 1000 for c in steady_ids if c in delivered]
    lost = len(sent_at) - len(delivered)
    return report(
        "chat_roundtrip",
        [
            Metric("steady_peak_offered_rate", VISITORS / INTERVAL, "msg/s", ">= 50"),
            Metric("steady_ack_p50", percentile(ack_ms, 50), "ms", "<= 25"),
            Metric("steady_ack_p99", percentile(ack_ms, 99), "ms", "<= 100"),
            Metric("new_conversation_ack_p99", percentile(first_ack_ms, 99), "ms", "<= 250"),
            Metric("steady_agent_delivery_p99", percentile(delivery_ms, 99), "ms", "<= 100"),
            Metric("burst_messages_per_second", burst_rate, "msg/s", ">= 50"),
            Metric("messages_not_delivered_to_agent", lost, "msgs", "<= 0"),
        ],
        notes=f"{VISITORS} visitors arriving over {ARRIVALS:.0f} s, SQLite + memory bus, one agent socket",
    )
