"""The WebSocket gateway: the only code that holds sockets. Contexts publish, this delivers."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket
from sqlalchemy.exc import IntegrityError

from hovor.auth import visitors
from hovor.auth.deps import SESSION_COOKIE
from hovor.auth.service import get_session_user
from hovor.bus import Subscription
from hovor.bus.topics import agents_topic, visitor_topic
from hovor.channels.webchat import service as webchat
from hovor.channels.webchat.adapter import WebChatAdapter
from hovor.channels.webchat.frames import (
    ConversationStatus,
    HelloFrame,
    MessageAckFrame,
    Typing,
)
from hovor.cobrowse.frames import (
    CobrowseInput,
    CobrowseJoin,
    CobrowseLeave,
    CobrowsePoint,
    VisitorCobrowseFrame,
    session_topic,
)
from hovor.cobrowse.relay import AgentRelay, VisitorRelay
from hovor.conversations.models import Conversation, Message
from hovor.conversations.schemas import MessageOut
from hovor.conversations.service import access_conversation
from hovor.core import metrics
from hovor.core.errors import Forbidden, HovorError, RateLimited, Unauthorized
from hovor.core.frames import Ping, PongFrame, error_frame
from hovor.engagement.frames import OfferAccepted, OfferDeclined, OfferShown
from hovor.engagement.runtime import Engagement
from hovor.realtime.agent_frames import AgentFrame, agent_frame
from hovor.realtime.connection import (
    CLOSE_TOO_MANY,
    MAX_SOCKETS_PER_ADDRESS,
    MAX_SOCKETS_PER_VISITOR,
    Later,
    serve,
)
from hovor.realtime.socket_quota import SocketQuotas
from hovor.realtime.visitor_frames import EventsAckFrame, VisitorFrame, visitor_frame
from hovor.runtime import Runtime
from hovor.tracking.schemas import EventsFrame
from hovor.tracking.service import Submitted, Tracking

log = logging.getLogger(__name__)
router = APIRouter()

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
HISTORY_ON_CONNECT = 50
VISITOR_MESSAGE_LIMIT = "20/10second"
VISITOR_TYPING_LIMIT = "60/minute"


async def _refuse(websocket: WebSocket, exc: HovorError) -> None:
    code = CLOSE_UNAUTHORIZED if isinstance(exc, Unauthorized) else CLOSE_FORBIDDEN
    if isinstance(exc, RateLimited):
        code = CLOSE_TOO_MANY
    await websocket.accept()
    await websocket.send_json(error_frame(exc.code, exc.detail))
    await websocket.close(code=code, reason=exc.detail[:120])


@router.websocket("/v1/visitor")
async def visitor_socket(websocket: WebSocket, site: str = "", token: str = "") -> None:
    runtime: Runtime = websocket.app.state.runtime
    try:
        async with runtime.db.read() as session:
            claims = await visitors.authenticate_visitor(
                session,
                runtime.visitor_tokens,
                site_key=site,
                token=token,
                origin=websocket.headers.get("origin"),
            )
            latest, messages, _ = await webchat.visitor_history(
                session, claims, limit=HISTORY_ON_CONNECT, before=None
            )
    except (Forbidden, Unauthorized) as exc:
        await _refuse(websocket, exc)
        return
    adapter = WebChatAdapter(runtime.bus)
    visitor = claims.visitor_id
    tracking: Tracking = websocket.app.state.tracking
    engagement: Engagement = websocket.app.state.engagement
    try:
        release = await _sockets(websocket).acquire(
            ("visitor", visitor, MAX_SOCKETS_PER_VISITOR),
            ("address", _address(websocket), MAX_SOCKETS_PER_ADDRESS),
        )
    except RateLimited as exc:
        await _refuse(websocket, exc)
        return
    try:
        async with runtime.db.read() as session:
            live = await tracking.attach(
                session, claims.workspace_id, visitor, websocket.headers.get("user-agent")
            )
    except BaseException:
        await release()
        raise

    cobrowse = VisitorRelay(runtime, claims.workspace_id, visitor)

    async def handle(frame: VisitorFrame) -> dict[str, Any] | Later | None:
        metrics.VISITOR_FRAMES.inc()
        if isinstance(frame, Ping):
            return PongFrame().data()
        if isinstance(frame, VisitorCobrowseFrame):
            return await cobrowse.handle(frame)
        if isinstance(frame, EventsFrame):
            # Rules and offers run now; the ack follows once the events are stored.
            metrics.EVENTS.inc(len(frame.events))
            arrived = metrics.EVENTS_ARRIVED.set(time.perf_counter())
            try:
                submitted = await tracking.submit(live, frame.events)
            finally:
                metrics.EVENTS_ARRIVED.reset(arrived)
            return Later(_events_ack(tracking, submitted))
        if isinstance(frame, OfferShown | OfferDeclined | OfferAccepted):
            return await engagement.handle_frame(live, frame)
        if isinstance(frame, Typing):
            if await runtime.limiter.hit(VISITOR_TYPING_LIMIT, "visitor-typing", visitor):
                async with runtime.db.read() as session:
                    await webchat.relay_visitor_typing(session, runtime.bus, claims, frame.state)
            return None
        await runtime.limiter.check(VISITOR_MESSAGE_LIMIT, "visitor-msg", visitor, what="messages")
        for attempt in (1, 2):
            try:
                async with runtime.db.transaction() as tx:
                    received = await webchat.receive_visitor_message(tx, adapter, claims, frame)
                break
            except IntegrityError:
                # The same message raced in from another tab; the retry finds it stored.
                if attempt == 2:
                    raise
        return MessageAckFrame(
            client_id=frame.client_id, message=MessageOut.model_validate(received.message)
        ).data()

    try:
        async with runtime.bus.subscribe(visitor_topic(claims.workspace_id, visitor)) as sub:
            await websocket.accept()
            await websocket.send_json(_hello(visitor, latest, messages))
            metrics.VISITOR_SOCKETS.inc()
            try:
                await serve(websocket, sub, visitor_frame, handle)
            finally:
                metrics.VISITOR_SOCKETS.dec()
    finally:
        tracking.visitors.detach(live)
        await release()


def _sockets(websocket: WebSocket) -> SocketQuotas:
    quota: SocketQuotas = websocket.app.state.sockets
    return quota


def _address(websocket: WebSocket) -> str:
    return websocket.client.host if websocket.client else "unknown"


async def _events_ack(tracking: Tracking, submitted: Submitted) -> dict[str, Any]:
    ack = await tracking.stored(submitted)
    return EventsAckFrame(accepted=ack.accepted, rejected=ack.rejected).data()


def _hello(visitor_id: str, latest: Conversation | None, messages: list[Message]) -> dict[str, Any]:
    return HelloFrame(
        visitor_id=visitor_id,
        conversation=ConversationStatus.model_validate(latest, from_attributes=True)
        if latest
        else None,
        messages=[MessageOut.model_validate(m) for m in messages],
    ).data()


def _same_origin(websocket: WebSocket) -> bool:
    origin = websocket.headers.get("origin")
    if origin is None:
        return False  # browsers always send it; a cookie without it is not the desktop
    return urlsplit(origin).netloc.lower() == websocket.headers.get("host", "").lower()


@router.websocket("/v1/agent/ws")
async def agent_socket(websocket: WebSocket) -> None:
    runtime: Runtime = websocket.app.state.runtime
    if not _same_origin(websocket):
        await _refuse(
            websocket, Forbidden("the desktop socket needs an Origin header of its own origin")
        )
        return
    raw = websocket.cookies.get(SESSION_COOKIE)
    async with runtime.db.read() as session:
        found = await get_session_user(session, raw) if raw else None
    if found is None:
        await _refuse(websocket, Unauthorized("log in first"))
        return
    user, _ = found
    try:
        release = await _sockets(websocket).acquire(
            ("address", _address(websocket), MAX_SOCKETS_PER_ADDRESS)
        )
    except RateLimited as exc:
        await _refuse(websocket, exc)
        return

    cobrowse = AgentRelay(runtime, user)
    subscribed: Subscription | None = None

    async def handle(frame: AgentFrame) -> dict[str, Any] | None:
        metrics.AGENT_FRAMES.inc()
        if isinstance(frame, CobrowseJoin | CobrowseLeave):
            assert subscribed is not None  # frames are read once the socket is subscribed
            if isinstance(frame, CobrowseLeave):
                await subscribed.remove(session_topic(user.workspace_id, frame.session_id))
                return None
            # The session's page comes on this socket from now on; then the full snapshot.
            await subscribed.add(await cobrowse.check_join(frame.session_id))
            await cobrowse.joined(frame.session_id)
            return None
        if isinstance(frame, CobrowsePoint | CobrowseInput):
            await cobrowse.point(frame)
            return None
        if isinstance(frame, Ping):
            # The desktop pings every 25 s: a session ended by log-out or expiry ends the socket.
            async with runtime.db.read() as session:
                still = await get_session_user(session, raw) if raw else None
            if still is None:
                await websocket.close(code=CLOSE_UNAUTHORIZED, reason="the session has ended")
                return None
            return PongFrame().data()
        async with runtime.db.read() as session:
            conversation = await access_conversation(
                session, user.workspace_id, frame.conversation_id
            )
        await webchat.relay_agent_typing(runtime.bus, conversation, user.name, frame.state)
        return None

    try:
        async with runtime.bus.subscribe(agents_topic(user.workspace_id)) as sub:
            subscribed = sub
            await websocket.accept()
            metrics.AGENT_SOCKETS.inc()
            try:
                await serve(websocket, sub, agent_frame, handle)
            finally:
                metrics.AGENT_SOCKETS.dec()
    finally:
        await release()
