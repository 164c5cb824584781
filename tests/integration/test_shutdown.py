"""Stopping and scaling a real server process: SIGTERM drains sockets and stores what was
acknowledged; ``--workers 2`` serves from two processes on PostgreSQL + Redis."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import websockets

from tests.conftest import server_storage
from tests.support.clients import Visitor, client_id, receive, send
from tests.support.server import free_port, run_server

pytestmark = pytest.mark.storage


def events(n: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC).isoformat()
    return [{"id": client_id(), "ts": now, "type": "page.view", "props": {}} for _ in range(n)]


def stored_event_ids(sqlite_file: Path) -> set[str]:
    with sqlite3.connect(sqlite_file) as db:
        return {row[0] for row in db.execute("SELECT event_id FROM tracked_events")}


async def test_sigterm_closes_sockets_with_1012_and_stores_every_acknowledged_event(
    tmp_path: Path,
) -> None:
    url, _ = server_storage("sqlite", tmp_path)
    acked: set[str] = set()
    with run_server(tmp_path, database_url=url) as server:
        visitor = await Visitor(server).start()
        async with await visitor.connect() as ws:
            await receive(ws, "hello")
            first = events(5)
            await send(ws, {"type": "events", "events": first})
            acked.update((await receive(ws, "events.ack"))["accepted"])
            # Frames still in flight when the stop comes: the server may answer some of them.
            for _ in range(8):
                await send(ws, {"type": "events", "events": events(25)})
            server.process.send_signal(signal.SIGTERM)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    frame = await asyncio.wait_for(ws.recv(), 15)
                    if '"events.ack"' in str(frame):
                        acked.update(json.loads(frame)["accepted"])
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1012  # service restart: the widget reconnects
        # uvicorn ends by raising the signal it caught again, once the shutdown is done.
        assert server.process.wait(20) in (0, -signal.SIGTERM)
        log = server.log()
    assert "Traceback" not in log, log
    assert len(acked) >= 5
    assert acked <= stored_event_ids(Path(url.split("///", 1)[1]))


def test_several_workers_need_postgresql_and_redis(tmp_path: Path) -> None:
    url, _ = server_storage("sqlite", tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "hovor.cli", "run", "--workers", "2", "--port", str(free_port())],
        env={"HOVOR_DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "HOVOR_WORKERS=2 needs PostgreSQL" in done.stderr


def worker_pids(pid: int) -> list[int]:
    """The server's worker processes (uvicorn's supervisor spawns them with multiprocessing)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def running(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


async def test_two_workers_share_the_port_and_stop_together(tmp_path: Path) -> None:
    url, redis_url = server_storage("postgresql", tmp_path)
    with run_server(tmp_path, database_url=url, redis_url=redis_url, workers=2) as server:
        assert "with 2 processes" in server.log()
        pids = worker_pids(server.process.pid)
        assert len(pids) == 2, server.log()
        for _ in range(6):  # sockets land on either process; each serves them in full
            visitor = await Visitor(server).start()
            async with await visitor.connect() as ws:
                await receive(ws, "hello")
                sent = events(3)
                await send(ws, {"type": "events", "events": sent})
                ack = await receive(ws, "events.ack")
                assert ack["accepted"] == [e["id"] for e in sent]
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(30) in (0, -signal.SIGTERM)
        assert not [pid for pid in pids if running(pid)]
        log = server.log()
    assert "Traceback" not in log, log
