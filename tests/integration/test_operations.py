"""Operations over a real server process on PostgreSQL and a throwaway Redis we stop and start:
readiness, metrics, request ids, and quiet degradation while Redis is down."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.support.clients import Visitor, client_id, receive, send
from tests.support.redis_server import redis_server, require_redis_server
from tests.support.server import ServerProcess, free_port, run_server

pytestmark = pytest.mark.storage


def event(type_: str = "page.view") -> dict[str, object]:
    return {"id": client_id(), "ts": datetime.now(UTC).isoformat(), "type": type_, "props": {}}


async def ready(server: ServerProcess, want: int, within: float = 20.0) -> dict[str, object]:
    deadline = asyncio.get_running_loop().time() + within
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        while True:
            r = await http.get("/readyz")
            if r.status_code == want or asyncio.get_running_loop().time() > deadline:
                assert r.status_code == want, r.text
                body: dict[str, object] = r.json()
                return body
            await asyncio.sleep(0.2)


@pytest.fixture(scope="module")
def redis_port() -> int:
    require_redis_server()
    return free_port()


@pytest.fixture
def pg_url() -> str:
    from tests.conftest import postgres_url

    return postgres_url()


async def test_a_redis_outage_degrades_quietly(
    tmp_path: Path, redis_port: int, pg_url: str
) -> None:
    url = f"redis://127.0.0.1:{redis_port}/0"
    with (
        redis_server(redis_port) as first,
        run_server(tmp_path, database_url=pg_url, redis_url=url) as server,
    ):
        assert (await ready(server, 200))["down"] == []
        visitor = await Visitor(server).start()
        async with await visitor.connect() as ws:
            await receive(ws, "hello")
            before = [event()]
            await send(ws, {"type": "events", "events": before})
            assert (await receive(ws, "events.ack"))["accepted"] == [before[0]["id"]]

            first.terminate()
            first.wait(10)
            body = await ready(server, 503)
            assert body["down"] == ["redis"]
            for _ in range(5):  # stored and acked while Redis is down, no error frame
                during = [event(), event()]
                await send(ws, {"type": "events", "events": during})
                ack = await receive(ws, "events.ack", within=10)
                assert ack["accepted"] == [e["id"] for e in during]

            with redis_server(redis_port):
                await ready(server, 200, within=40)
                after = [event()]
                await send(ws, {"type": "events", "events": after})
                assert (await receive(ws, "events.ack"))["accepted"] == [after[0]["id"]]
        log = server.log()
    assert "Traceback" not in log, log
    assert log.count("redis is unreachable") >= 1
    assert "internal_error" not in log


async def test_metrics_and_request_ids(tmp_path: Path) -> None:
    with run_server(tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path / 'h.db'}") as server:
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            r = await http.get("/healthz")
            assert r.status_code == 200 and len(r.headers["x-request-id"]) == 16
            mine = await http.get("/healthz", headers={"X-Request-ID": "edge-42"})
            assert mine.headers["x-request-id"] == "edge-42"  # loopback is the operator's own
            bad = await http.get("/healthz", headers={"X-Request-ID": "no\tgood"})
            assert bad.headers["x-request-id"] != "no\tgood"
            ready_body = (await http.get("/readyz")).json()
            assert ready_body == {"status": "ok", "down": [], "checks": {"database": "ok"}}
            visitor = await Visitor(server).start()
            async with await visitor.connect() as ws:
                await receive(ws, "hello")
                metrics = (await http.get("/metrics")).text
                assert 'hovor_open_sockets{kind="visitor"} 1.0' in metrics
            assert "hovor_outbox_deliveries" in metrics
            assert 'hovor_problems_total{code="not_found"}' not in metrics
