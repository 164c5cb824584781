"""The page's way from the visitor's widget to the agents who joined, through the gateway.

The widget sends each batch of rrweb events as JSON text in parts (``cobrowse.events``),
each part within the socket's frame limit. Per visitor socket a ``VisitorRelay`` puts the
parts together, refuses a batch over ``MAX_BATCH_BYTES`` (``snapshot_too_large``, said
before the parts are sent when the widget announces the size), checks that the session is
this visitor's and active, counts the bytes against the session's rate limit and publishes
the batch on the session's topic. The ``cobrowse.ack`` it answers is the widget's
backpressure: the widget keeps only a few batches unacknowledged and merges the rest.
Nothing is stored unless the workspace records co-browse sessions.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError

from hovor.auth.models import User
from hovor.bus.topics import visitor_topic
from hovor.cobrowse import service
from hovor.cobrowse.frames import (
    CobrowseAckFrame,
    CobrowseBatchFrame,
    CobrowseConsent,
    CobrowseControlFrame,
    CobrowseEvents,
    CobrowseInput,
    CobrowsePoint,
    CobrowsePointerFrame,
    CobrowseResume,
    CobrowseSnapshotFrame,
    CobrowseStateFrame,
    CobrowseStop,
    CobrowseVisitorView,
    VisitorCobrowseFrame,
    session_topic,
)
from hovor.cobrowse.models import CobrowseChunk, CobrowseSession
from hovor.core.errors import Conflict, Forbidden, HovorError, InvalidInput, RateLimited
from hovor.runtime import Runtime

MAX_BATCH_BYTES = 2 * 1024 * 1024  # one batch, a full snapshot of a page included
BYTES_LIMIT = "20000000/minute"  # per session: a busy page is far below (docs/cobrowse.md)
BATCH_LIMIT = "1200/minute"  # per session: the widget sends at most ~10 batches a second
POINTER_LIMIT = "600/minute"  # per agent socket: highlights and control input together
CHECK_SECONDS = 1.0  # how long a socket trusts that a session is active without asking


class SnapshotTooLarge(HovorError):
    status = 413
    code = "snapshot_too_large"
    title = "Snapshot too large"


def too_large(size: int) -> SnapshotTooLarge:
    return SnapshotTooLarge(
        f"the page is too large to share: {size / 1_048_576:.1f} MB in one batch, "
        f"co-browsing takes at most {MAX_BATCH_BYTES // 1_048_576} MB"
    )


def parse_events(text: str) -> list[dict[str, Any]]:
    """A batch's JSON text: a non-empty list of rrweb events (``type`` and ``timestamp``)."""
    if "\\u0000" in text:
        raise InvalidInput("events: NUL characters are not accepted")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidInput("events: the batch is not valid JSON") from None
    if not isinstance(data, list) or not data:
        raise InvalidInput("events: a batch is a non-empty list of rrweb events")
    for event in data:
        if (
            not isinstance(event, dict)
            or type(event.get("type")) is not int
            or not isinstance(event.get("timestamp"), int | float)
        ):
            raise InvalidInput("events: each event needs an integer type and a timestamp")
    return data


@dataclass
class _Batch:
    seq: int
    parts: int
    size: int
    texts: list[str] = field(default_factory=list)
    received: int = 0


class VisitorRelay:
    """The co-browse frames of one visitor socket."""

    def __init__(self, runtime: Runtime, workspace_id: str, visitor_id: str) -> None:
        self.runtime = runtime
        self.workspace_id = workspace_id
        self.visitor_id = visitor_id
        self._batches: dict[str, _Batch] = {}
        self._checked: dict[str, tuple[float, bool]] = {}  # session → (until, recorded)

    async def handle(self, frame: VisitorCobrowseFrame) -> dict[str, Any] | None:
        if isinstance(frame, CobrowseEvents):
            return await self._events(frame)
        if isinstance(frame, CobrowseResume):
            async with self.runtime.db.read() as session:
                row = await self._own(session, frame.session_id)
            return CobrowseStateFrame(
                session=CobrowseVisitorView.model_validate(row, from_attributes=True)
            ).data()
        async with self.runtime.db.transaction() as tx:
            row = await self._own(tx.session, frame.session_id)
            if isinstance(frame, CobrowseStop):
                self._checked.pop(row.id, None)
                self._batches.pop(row.id, None)
                await service.do_end(tx, row, by="visitor")
            elif isinstance(frame, CobrowseConsent):
                await service.do_consent(tx, row, accepted=frame.accepted, control=frame.control)
        return None

    async def _own(self, session: Any, session_id: str) -> CobrowseSession:
        return await service.visitor_session(
            session, self.workspace_id, self.visitor_id, session_id
        )

    async def _events(self, frame: CobrowseEvents) -> dict[str, Any] | None:
        if frame.size > MAX_BATCH_BYTES:
            self._batches.pop(frame.session_id, None)
            raise too_large(frame.size)
        recorded = await self._active(frame.session_id)
        batch = self._batches.get(frame.session_id)
        if frame.part == 0 or batch is None or batch.seq != frame.seq:
            if frame.part != 0:
                raise InvalidInput(f"part {frame.part} of batch {frame.seq} came without part 0")
            batch = self._batches[frame.session_id] = _Batch(frame.seq, frame.parts, frame.size)
        if frame.part != len(batch.texts) or frame.parts != batch.parts:
            self._batches.pop(frame.session_id, None)
            raise InvalidInput(f"batch {frame.seq}: parts out of order")
        batch.texts.append(frame.data)
        batch.received += len(frame.data.encode())
        if batch.received > MAX_BATCH_BYTES:
            self._batches.pop(frame.session_id, None)
            raise too_large(batch.received)
        if len(batch.texts) < batch.parts:
            return None
        del self._batches[frame.session_id]
        events = parse_events("".join(batch.texts))
        limiter = self.runtime.limiter
        await limiter.check(BATCH_LIMIT, "cobrowse-batch", frame.session_id, what="page updates")
        if not await limiter.hit(
            BYTES_LIMIT, "cobrowse-bytes", frame.session_id, cost=batch.received
        ):
            raise RateLimited("too many page bytes; try again in 5 s", retry_after=5)
        await self.runtime.bus.publish(
            session_topic(self.workspace_id, frame.session_id),
            CobrowseBatchFrame(session_id=frame.session_id, seq=frame.seq, events=events).data(),
        )
        if recorded:
            await self._store(frame.session_id, frame.seq, events)
        return CobrowseAckFrame(session_id=frame.session_id, seq=frame.seq).data()

    async def _active(self, session_id: str) -> bool:
        """Whether the session (this visitor's and active) is recorded; refused otherwise."""
        now = time.monotonic()
        checked = self._checked.get(session_id)
        if checked is not None and checked[0] > now:
            return checked[1]
        async with self.runtime.db.read() as session:
            row = await self._own(session, session_id)
        if row.status != "active":
            self._checked.pop(session_id, None)
            raise Conflict(f"the co-browse session is {row.status}, not active")
        self._checked[session_id] = (now + CHECK_SECONDS, row.recorded)
        return row.recorded

    async def _store(self, session_id: str, seq: int, events: list[dict[str, Any]]) -> None:
        try:
            async with self.runtime.db.transaction() as tx:
                tx.session.add(
                    CobrowseChunk(
                        workspace_id=self.workspace_id,
                        session_id=session_id,
                        seq=seq,
                        events=events,
                    )
                )
        except IntegrityError:
            pass  # the same batch again (a resend after a reconnect): stored once


class AgentRelay:
    """The co-browse frames of one agent's desktop socket (joining is the gateway's part:
    it holds the socket and subscribes it to the session's topic)."""

    def __init__(self, runtime: Runtime, user: User) -> None:
        self.runtime = runtime
        self.user = user

    async def check_join(self, session_id: str) -> str:
        """The topic to subscribe to, once the session is the agent's and not over."""
        async with self.runtime.db.read() as session:
            row = await service.access_session(session, self.user.workspace_id, session_id)
        service.check_agent(row, self.user)
        if row.status not in service.LIVE:
            raise Conflict(f"the co-browse session is {row.status}")
        return session_topic(row.workspace_id, row.id)

    async def joined(self, session_id: str) -> None:
        """Ask the visitor's page for a full snapshot for the agent who just joined."""
        row = await self._live(session_id)
        await self._to_visitor(row, CobrowseSnapshotFrame(session_id=row.id).data())

    async def point(self, frame: CobrowsePoint | CobrowseInput) -> None:
        await self.runtime.limiter.check(
            POINTER_LIMIT, "cobrowse-pointer", self.user.id, what="pointer frames"
        )
        row = await self._live(frame.session_id)
        if isinstance(frame, CobrowsePoint):
            out = CobrowsePointerFrame(
                session_id=row.id, node_id=frame.node_id, x=frame.x, y=frame.y
            ).data()
        else:
            if row.control != "granted":
                raise Forbidden("the visitor has not allowed control; ask first")
            out = CobrowseControlFrame(
                session_id=row.id, kind=frame.kind, node_id=frame.node_id, x=frame.x, y=frame.y
            ).data()
        await self._to_visitor(row, out)

    async def _live(self, session_id: str) -> CobrowseSession:
        async with self.runtime.db.read() as session:
            row = await service.access_session(session, self.user.workspace_id, session_id)
        service.check_agent(row, self.user)
        if row.status != "active":
            raise Conflict(f"the co-browse session is {row.status}, not active")
        return row

    async def _to_visitor(self, row: CobrowseSession, frame: dict[str, Any]) -> None:
        await self.runtime.bus.publish(visitor_topic(row.workspace_id, row.visitor_id), frame)
