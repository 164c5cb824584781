"""What the sockets really carry is what the frames' schema (and so the generated
TypeScript) says: every frame of a chat, a tracked batch, an offer and its answer, typing,
pings and refusals, on the visitor's socket and the agents', read back through the
server's unions of frames and compared with what they give back."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import websockets
from pydantic import TypeAdapter

from hovor.realtime.agent_frames import to_agent_frame
from hovor.realtime.visitor_frames import to_visitor_frame
from tests.support.clients import Desktop, Visitor, client_id, send
from tests.support.server import ALICE, ServerProcess

pytestmark = pytest.mark.storage


class Recorder:
    """Every frame a socket receives, in order, and a way to wait for one of a type."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.frames: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self._reading = asyncio.create_task(self._read(ws))

    async def _read(self, ws: websockets.ClientConnection) -> None:
        async for text in ws:
            self.frames.append(json.loads(text))
            self._arrived.set()

    async def wait_for(self, type_: str, count: int = 1, within: float = 5.0) -> dict[str, Any]:
        async def wait() -> dict[str, Any]:
            while True:
                seen = [f for f in self.frames if f["type"] == type_]
                if len(seen) >= count:
                    return seen[count - 1]
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(wait(), within)

    async def stop(self) -> None:
        self._reading.cancel()
        await asyncio.gather(self._reading, return_exceptions=True)


def assert_described(adapter: TypeAdapter[Any], frames: list[dict[str, Any]]) -> None:
    for frame in frames:
        assert adapter.validate_python(frame).model_dump(mode="json") == frame, frame


async def test_every_frame_on_both_sockets_is_as_the_schema_says(server: ServerProcess) -> None:
    desk = await Desktop(server).login(ALICE)
    agent = Recorder(await desk.socket())
    visitor = await Visitor(server).start()
    ws = await visitor.connect()
    seen = Recorder(ws)
    try:
        await seen.wait_for("hello")
        event = {
            "id": client_id(),
            "ts": datetime.now(UTC).isoformat(),
            "type": "page.view",
            "props": {},
            "page": {"url": "https://shop.example/tv"},
        }
        await send(ws, {"type": "events", "events": [event, {"id": "bad", "type": "x"}]})
        ack = await seen.wait_for("events.ack")
        assert ack["accepted"] == [event["id"]] and ack["rejected"][0]["id"] == "bad"

        await send(ws, {"type": "message.send", "client_id": "k1", "body": ""})
        refused = await seen.wait_for("error")
        assert refused["client_id"] == "k1"
        await send(ws, {"type": "nonsense"})
        assert "client_id" not in await seen.wait_for("error", count=2)

        await send(ws, {"type": "message.send", "client_id": client_id(), "body": "Hello?"})
        conversation_id = (await seen.wait_for("message.ack"))["message"]["conversation_id"]
        await agent.wait_for("conversation.created")
        await agent.wait_for("message.created")
        await send(ws, {"type": "typing", "state": True})
        await agent.wait_for("typing")
        await send(ws, {"type": "ping"})
        await seen.wait_for("pong")

        await send(agent.ws, {"type": "typing", "conversation_id": conversation_id, "state": True})
        await seen.wait_for("typing")
        await send(agent.ws, {"type": "ping"})
        await agent.wait_for("pong")
        reply = {"body": "Hi, how can I help?", "client_id": client_id()}
        r = await desk.change("POST", f"/v1/conversations/{conversation_id}/messages", json=reply)
        assert r.status_code == 201
        await seen.wait_for("message")

        r = await desk.change(
            "POST",
            f"/v1/visitors/{visitor.visitor_id}/invite",
            json={"kind": "chat", "text": "Anything else?"},
        )
        assert r.status_code == 201, r.text
        offer = (await seen.wait_for("offer"))["offer"]
        await send(ws, {"type": "offer.shown", "offer_id": offer["id"]})
        await send(ws, {"type": "offer.declined", "offer_id": offer["id"]})
        assert (await seen.wait_for("offer.updated"))["status"] == "declined"

        r = await desk.change("POST", f"/v1/conversations/{conversation_id}/close")
        assert r.status_code == 200
        await seen.wait_for("conversation")
        await agent.wait_for("conversation.updated")
    finally:
        await ws.close()
        await agent.ws.close()
        await seen.stop()
        await agent.stop()
        await desk.close()

    assert_described(to_visitor_frame, seen.frames)
    assert_described(to_agent_frame, agent.frames)
    assert {"hello", "events.ack", "error", "message.ack", "pong", "typing", "message"} <= {
        f["type"] for f in seen.frames
    }
