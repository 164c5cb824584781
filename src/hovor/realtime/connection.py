"""One WebSocket's life: pump bus frames out, read client frames in, never crash on bad input."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from hovor.bus import Subscription
from hovor.core.edge import may_be_unstorable, unstorable
from hovor.core.errors import HovorError
from hovor.core.frames import error_frame
from hovor.core.jsontext import JsonTooDeep, compact_json, parse_json

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 16 * 1024
# What the server reads of one message at all: a frame over MAX_FRAME_BYTES and up to this
# size gets a frame_too_large error frame and the socket stays open; a larger one closes the
# socket with 1009 (message too big) before it is read.
WS_MAX_MESSAGE_BYTES = 1024 * 1024
MAX_PENDING_REPLIES = 4  # replies still being prepared while the socket reads on
PENDING_ON_CLOSE_SECONDS = 10.0
# Open sockets: a visitor's tabs, and everyone behind one address (offices, mobile
# carriers), on all nodes together when they share Redis (socket_quota); past these a new
# socket is refused with CLOSE_TOO_MANY.
MAX_SOCKETS_PER_VISITOR = 20
MAX_SOCKETS_PER_ADDRESS = 500
CLOSE_TOO_MANY = 4429
F = TypeVar("F", bound=BaseModel)
Reply = dict[str, Any] | None


@dataclass(frozen=True)
class Later:
    """A reply that is ready when ``reply`` completes (e.g. an ack once the events are
    stored). The socket reads the client's next frames meanwhile, up to
    ``MAX_PENDING_REPLIES`` unanswered ones, so one client's throughput is not one
    database commit per frame."""

    reply: Awaitable[Reply]
    ref: dict[str, Any] = field(default_factory=dict)  # echoed in an error frame


def describe_errors(errors: list[dict[str, Any]]) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'frame'}: {e['msg']}" for e in errors[:5])


def describe_validation(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"] if not isinstance(p, int)) or "frame"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


async def send_safely(websocket: WebSocket, frame: dict[str, Any]) -> bool:
    if websocket.application_state != WebSocketState.CONNECTED:
        return False
    try:
        await websocket.send_text(compact_json(frame))
    except (WebSocketDisconnect, RuntimeError, OSError):
        return False
    return True


async def pump(websocket: WebSocket, subscription: Subscription) -> None:
    async for _topic, frame in subscription:
        if not await send_safely(websocket, frame):
            return


async def serve(
    websocket: WebSocket,
    subscription: Subscription,
    adapter: TypeAdapter[F],
    handle: Callable[[F], Awaitable[Reply | Later]],
) -> None:
    """Run until the client leaves: bus → socket in one task, socket → ``handle`` here."""
    pumping = asyncio.create_task(pump(websocket, subscription))
    pending: deque[asyncio.Task[None]] = deque()
    try:
        while not pumping.done():
            while pending and pending[0].done():
                pending.popleft()
            if len(pending) >= MAX_PENDING_REPLIES:
                await asyncio.wait([pending[0]])  # backpressure: read no more until then
                continue
            try:
                received = await websocket.receive()
            except (WebSocketDisconnect, RuntimeError):
                return
            if received["type"] == "websocket.disconnect":
                return
            text = received.get("text")
            if text is None:
                await send_safely(websocket, error_frame("invalid_frame", "send JSON text frames"))
                continue
            if len(text.encode()) > MAX_FRAME_BYTES:
                await send_safely(
                    websocket,
                    error_frame(
                        "frame_too_large", f"frames are limited to {MAX_FRAME_BYTES} bytes"
                    ),
                )
                continue
            reply = await _handle_text(text, adapter, handle)
            if isinstance(reply, Later) or (reply is not None and pending):
                # Replies go out in the order of the frames they answer.
                after = pending[-1] if pending else None
                pending.append(asyncio.create_task(_reply_in_turn(websocket, reply, after)))
            elif reply is not None:
                await send_safely(websocket, reply)
    finally:
        pumping.cancel()
        with suppress(asyncio.CancelledError):
            await pumping
        if pending:
            # What the client sent is being stored either way; wait a while so that the
            # work (checkpoints, failures) after the store completes with the socket.
            await asyncio.wait(pending, timeout=PENDING_ON_CLOSE_SECONDS)


async def _reply_in_turn(
    websocket: WebSocket, reply: dict[str, Any] | Later, after: asyncio.Task[None] | None
) -> None:
    if isinstance(reply, Later):
        try:
            ready = await reply.reply
        except HovorError as exc:
            ready = error_frame(exc.code, exc.detail, **reply.ref)
        except Exception:
            log.exception("frame handler failed")
            ready = error_frame(
                "internal_error", "the server could not handle this frame", **reply.ref
            )
    else:
        ready = reply
    if after is not None:
        await asyncio.wait([after])
    if ready is not None:
        await send_safely(websocket, ready)


async def _handle_text(
    text: str, adapter: TypeAdapter[F], handle: Callable[[F], Awaitable[Reply | Later]]
) -> Reply | Later:
    try:
        data = parse_json(text)
    except JsonTooDeep as exc:
        return error_frame("invalid_json", str(exc))
    except ValueError:
        return error_frame("invalid_json", "the frame is not valid JSON")
    client_id = data.get("client_id") if isinstance(data, dict) else None
    ref = {"client_id": client_id} if isinstance(client_id, str) and "\x00" not in client_id else {}
    if may_be_unstorable(text) and (errors := unstorable(data, [])):
        return error_frame("invalid_frame", describe_errors(errors), **ref)
    try:
        frame = adapter.validate_python(data)
    except ValidationError as exc:
        return error_frame("invalid_frame", describe_validation(exc), **ref)
    try:
        reply = await handle(frame)
    except HovorError as exc:
        return error_frame(exc.code, exc.detail, **ref)
    except Exception:
        log.exception("frame handler failed")
        return error_frame("internal_error", "the server could not handle this frame", **ref)
    return Later(reply.reply, ref) if isinstance(reply, Later) else reply
