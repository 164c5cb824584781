"""A restart loses nothing: what was acknowledged before is there after."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.clients import Visitor, client_id, receive, send
from tests.support.server import run_server
from tests.support.services import REDIS_URL, require

pytestmark = pytest.mark.storage


async def test_history_survives_a_restart(database_url: str, tmp_path: Path) -> None:
    url, redis_url = database_url, None
    if url.startswith("postgresql"):
        require(REDIS_URL, "Redis")
        redis_url = REDIS_URL
    bodies = [f"before restart {i}" for i in range(3)]
    with run_server(tmp_path, database_url=url, redis_url=redis_url) as server:
        visitor = await Visitor(server).start()
        async with await visitor.connect() as ws:
            await receive(ws, "hello")
            for body in bodies:
                await send(ws, {"type": "message.send", "client_id": client_id(), "body": body})
                await receive(ws, "message.ack")
        port = int(server.base_url.rsplit(":", 1)[1])
    # Same address, so the demo site key's allowed origin still matches the visitor.
    with run_server(tmp_path, database_url=url, redis_url=redis_url, port=port) as server:
        visitor.server = server
        async with await visitor.connect() as ws:
            hello = await receive(ws, "hello")
    assert [m["body"] for m in hello["messages"]] == bodies
