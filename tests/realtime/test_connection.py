"""One socket's life (``realtime.connection.serve``) against a scripted socket and a memory
bus: bad input answered with an error frame, replies in the order of the frames they answer,
bus frames pushed out, and work still running when the client leaves left to finish."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter
from starlette.websockets import WebSocket, WebSocketState

from hovor.bus import MemoryBus, Subscription
from hovor.core.errors import Conflict
from hovor.realtime.connection import MAX_FRAME_BYTES, Later, Reply, send_safely, serve


class Echo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["echo"]
    n: int
    client_id: str | None = None


adapter = TypeAdapter(Echo)


class ScriptedSocket:
    """What ``serve`` uses of a Starlette WebSocket: receive, send_text and its state."""

    def __init__(self) -> None:
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.application_state = WebSocketState.CONNECTED

    def text(self, data: Any) -> None:
        raw = data if isinstance(data, str) else json.dumps(data)
        self.incoming.put_nowait({"type": "websocket.receive", "text": raw})

    def binary(self, data: bytes) -> None:
        self.incoming.put_nowait({"type": "websocket.receive", "bytes": data})

    def leave(self) -> None:
        self.incoming.put_nowait({"type": "websocket.disconnect", "code": 1001})

    async def receive(self) -> dict[str, Any]:
        message = await self.incoming.get()
        if message["type"] == "websocket.disconnect":
            self.application_state = WebSocketState.DISCONNECTED
        return message

    async def send_text(self, text: str) -> None:
        if self.application_state != WebSocketState.CONNECTED:
            raise RuntimeError("the socket is closed")
        self.sent.put_nowait(json.loads(text))

    async def next_sent(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.sent.get(), timeout=5)


def as_websocket(socket: ScriptedSocket) -> WebSocket:
    return socket  # type: ignore[return-value]


@pytest.fixture
async def bus() -> AsyncIterator[MemoryBus]:
    instance = MemoryBus()
    await instance.start()
    yield instance
    await instance.close()


async def echo(frame: Echo) -> Reply | Later:
    if frame.n < 0:
        raise Conflict("negative numbers are refused")
    if frame.n == 13:
        raise RuntimeError("a bug in the handler")
    return {"type": "echoed", "n": frame.n}


async def run(socket: ScriptedSocket, sub: Subscription, handle: Any = echo) -> asyncio.Task[None]:
    return asyncio.create_task(serve(as_websocket(socket), sub, adapter, handle))


async def test_bad_input_is_answered_and_the_socket_reads_on(bus: MemoryBus) -> None:
    socket = ScriptedSocket()
    async with bus.subscribe("t") as sub:
        serving = await run(socket, sub)
        socket.text("{not json")
        socket.binary(b"\x00\x01")
        socket.text({"type": "echo", "n": 1, "pad": "x" * MAX_FRAME_BYTES})
        socket.text({"type": "echo", "n": "one", "client_id": "c1"})
        socket.text({"type": "echo", "n": -1, "client_id": "c2"})
        socket.text({"type": "echo", "n": 13})
        socket.text({"type": "echo", "n": 2})
        answers = [await socket.next_sent() for _ in range(7)]
        socket.leave()
        await asyncio.wait_for(serving, timeout=5)
    assert [(a["type"], a.get("code")) for a in answers] == [
        ("error", "invalid_json"),
        ("error", "invalid_frame"),
        ("error", "frame_too_large"),
        ("error", "invalid_frame"),
        ("error", "conflict"),
        ("error", "internal_error"),
        ("echoed", None),
    ]
    assert answers[3]["client_id"] == "c1"
    assert "n:" in answers[3]["detail"]
    assert answers[4] == {
        "type": "error",
        "code": "conflict",
        "detail": "negative numbers are refused",
        "client_id": "c2",
    }


async def test_later_replies_keep_the_order_of_the_frames(bus: MemoryBus) -> None:
    socket = ScriptedSocket()
    gates = {n: asyncio.get_running_loop().create_future() for n in (1, 2)}

    async def answer_when_opened(n: int) -> Reply:
        return await gates[n]  # type: ignore[no-any-return]

    async def handle(frame: Echo) -> Reply | Later:
        if frame.n in gates:
            return Later(answer_when_opened(frame.n))
        return {"type": "echoed", "n": frame.n}

    async with bus.subscribe("t") as sub:
        serving = await run(socket, sub, handle)
        for n in (1, 2, 3):
            socket.text({"type": "echo", "n": n, "client_id": f"c{n}"})
        gates[2].set_result({"type": "echoed", "n": 2})
        gates[1].set_exception(Conflict("stored elsewhere"))
        answers = [await socket.next_sent() for _ in range(3)]
        socket.leave()
        await asyncio.wait_for(serving, timeout=5)
    # The immediate reply to 3 waited behind the two later ones; 1's failure names its
    # frame by the client_id the frame carried.
    assert answers == [
        {"type": "error", "code": "conflict", "detail": "stored elsewhere", "client_id": "c1"},
        {"type": "echoed", "n": 2},
        {"type": "echoed", "n": 3},
    ]


async def test_bus_frames_go_out_until_the_client_leaves(bus: MemoryBus) -> None:
    socket = ScriptedSocket()
    async with bus.subscribe("t") as sub:
        serving = await run(socket, sub)
        await bus.publish("t", {"type": "offer", "n": 1})
        await bus.publish("other", {"type": "not for this socket"})
        await bus.publish("t", {"type": "offer", "n": 2})
        assert [await socket.next_sent() for _ in range(2)] == [
            {"type": "offer", "n": 1},
            {"type": "offer", "n": 2},
        ]
        socket.leave()
        await asyncio.wait_for(serving, timeout=5)
        await bus.publish("t", {"type": "offer", "n": 3})  # nobody pumps any more
    assert socket.sent.empty()


async def test_work_under_way_when_the_client_leaves_is_let_finish(bus: MemoryBus) -> None:
    socket = ScriptedSocket()
    gate, finished = asyncio.Event(), asyncio.Event()

    async def store() -> Reply:
        await gate.wait()
        finished.set()
        return {"type": "stored"}

    async def handle(frame: Echo) -> Reply | Later:
        return Later(store())

    async with bus.subscribe("t") as sub:
        serving = await run(socket, sub, handle)
        socket.text({"type": "echo", "n": 1})
        socket.leave()
        gate.set()
        await asyncio.wait_for(serving, timeout=5)
    assert finished.is_set()  # not cancelled with the socket
    assert socket.sent.empty()  # and its reply not sent to a closed socket


async def test_send_safely_says_whether_the_frame_left() -> None:
    socket = ScriptedSocket()
    assert await send_safely(as_websocket(socket), {"type": "a"})
    socket.application_state = WebSocketState.DISCONNECTED
    assert not await send_safely(as_websocket(socket), {"type": "b"})

    class Broken(ScriptedSocket):
        async def send_text(self, text: str) -> None:
            raise OSError("connection reset")

    assert not await send_safely(as_websocket(Broken()), {"type": "c"})
    assert [await socket.next_sent()] == [{"type": "a"}]
