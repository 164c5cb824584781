"""Issue 21: with Redis, the socket limits are the cluster's. A visitor's sockets on two
server processes (one PostgreSQL, one Redis) count together."""

from __future__ import annotations

import json
from contextlib import AsyncExitStack
from pathlib import Path

from hovor.realtime.connection import MAX_SOCKETS_PER_VISITOR
from tests.conftest import fresh_redis, postgres_url
from tests.support.clients import Visitor, receive
from tests.support.server import run_server
from tests.support.services import POSTGRES_URL, require
from tests.support.waiting import eventually


async def test_a_visitors_sockets_on_two_nodes_count_together(tmp_path: Path) -> None:
    require(POSTGRES_URL, "PostgreSQL")
    redis_url, url = fresh_redis(), postgres_url()
    with (
        run_server(tmp_path, database_url=url, redis_url=redis_url) as one,
        run_server(tmp_path, database_url=url, redis_url=redis_url) as two,
    ):
        visitor = await Visitor(one).start()
        on_two = Visitor(two)
        on_two.token, on_two.visitor_id = visitor.token, visitor.visitor_id
        async with AsyncExitStack() as stack:
            sockets = []
            for i in range(MAX_SOCKETS_PER_VISITOR):  # half on each node
                ws = await stack.enter_async_context(await (visitor if i % 2 else on_two).connect())
                await receive(ws, "hello")
                sockets.append(ws)
            for node in (visitor, on_two):
                async with await node.connect() as refused:
                    frame = json.loads(await refused.recv())
                    assert frame["code"] == "rate_limited" and "sockets" in frame["detail"]
            await sockets[0].close()  # a socket on node two frees a place on node one

            async def one_more_on_node_one() -> bool:
                async with await visitor.connect() as again:
                    return bool(json.loads(await again.recv())["type"] == "hello")

            await eventually("a place freed on the other node", one_more_on_node_one)
