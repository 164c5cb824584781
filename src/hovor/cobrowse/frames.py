"""Co-browse frames on the visitor socket and on the agent desktop's socket.

The page travels as rrweb events, recorded and masked in the visitor's browser. A batch of
events is JSON text split into parts that each fit a frame (``cobrowse.events``); the
gateway puts the parts together, checks the size, and relays the batch to the agents who
joined the session (``cobrowse.batch``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from hovor.cobrowse.schemas import CobrowseSessionOut, ControlState, EndedBy, SessionStatus
from hovor.core.frames import ClientFrame, ServerFrame

SessionId = Field(min_length=1, max_length=64)
MAX_PART_CHARS = 12_000  # JSON text of one part; escaped in the frame it stays < 16 KB
MAX_PARTS = 400

# -- visitor → server ----------------------------------------------------------------------


class CobrowseConsent(ClientFrame):
    """The visitor's answer to an agent's request to see the page (or to take control)."""

    type: Literal["cobrowse.consent"]
    session_id: str = SessionId
    accepted: bool
    control: bool = Field(default=False, description="the answer is about control")


class CobrowseEvents(ClientFrame):
    """One part of a batch of rrweb events: ``data`` is a slice of the batch's JSON text."""

    type: Literal["cobrowse.events"]
    session_id: str = SessionId
    seq: int = Field(ge=0, le=2**31)
    part: int = Field(ge=0, lt=MAX_PARTS)
    parts: int = Field(ge=1, le=MAX_PARTS)
    size: int = Field(ge=1, description="bytes of the whole batch's JSON text (UTF-8)")
    data: str = Field(max_length=MAX_PART_CHARS)
    client_id: str | None = Field(
        default=None, max_length=64, description="echoed in an error frame about this batch"
    )


class CobrowseStop(ClientFrame):
    type: Literal["cobrowse.stop"]
    session_id: str = SessionId


class CobrowseResume(ClientFrame):
    """Sent by a page that loads during a session (the visitor navigated): answered with
    ``cobrowse.state``; the page records again only if the session is still active."""

    type: Literal["cobrowse.resume"]
    session_id: str = SessionId


VisitorCobrowseFrame = CobrowseConsent | CobrowseEvents | CobrowseStop | CobrowseResume

# -- agent → server ------------------------------------------------------------------------


class CobrowseJoin(ClientFrame):
    """Start receiving the session's page (the visitor is asked for a full snapshot)."""

    type: Literal["cobrowse.join"]
    session_id: str = SessionId


class CobrowseLeave(ClientFrame):
    type: Literal["cobrowse.leave"]
    session_id: str = SessionId


class CobrowsePoint(ClientFrame):
    """Highlight an element of the visitor's page (rrweb node id) or a point of it."""

    type: Literal["cobrowse.point"]
    session_id: str = SessionId
    node_id: int | None = Field(default=None, ge=0)
    x: float = Field(ge=0, le=100_000)
    y: float = Field(ge=0, le=1_000_000)


class CobrowseInput(ClientFrame):
    """A click or a scroll replayed on the visitor's page: only with control granted."""

    type: Literal["cobrowse.input"]
    session_id: str = SessionId
    kind: Literal["click", "scroll"]
    node_id: int | None = Field(default=None, ge=0)
    x: float = Field(ge=0, le=100_000)
    y: float = Field(ge=0, le=1_000_000)


AgentCobrowseFrame = CobrowseJoin | CobrowseLeave | CobrowsePoint | CobrowseInput

# -- server → visitor ----------------------------------------------------------------------


class CobrowseVisitorView(BaseModel):
    """What the widget knows of a session: never more than the agent's name."""

    id: str
    status: SessionStatus
    control: ControlState
    agent_name: str
    ended_by: EndedBy | None


class CobrowseStateFrame(ServerFrame):
    """A request, a start, a control request or grant, an end: the session as it is now."""

    type: Literal["cobrowse.state"] = "cobrowse.state"
    session: CobrowseVisitorView


class CobrowseAckFrame(ServerFrame):
    """A batch was relayed: the widget may send more (at most a few batches unacknowledged)."""

    type: Literal["cobrowse.ack"] = "cobrowse.ack"
    session_id: str
    seq: int


class CobrowseSnapshotFrame(ServerFrame):
    """An agent joined: record a full snapshot of the page now."""

    type: Literal["cobrowse.snapshot"] = "cobrowse.snapshot"
    session_id: str


class CobrowsePointerFrame(ServerFrame):
    type: Literal["cobrowse.pointer"] = "cobrowse.pointer"
    session_id: str
    node_id: int | None
    x: float
    y: float


class CobrowseControlFrame(ServerFrame):
    type: Literal["cobrowse.control"] = "cobrowse.control"
    session_id: str
    kind: Literal["click", "scroll"]
    node_id: int | None
    x: float
    y: float


# -- server → agent ------------------------------------------------------------------------


class CobrowseBatchFrame(ServerFrame):
    """rrweb events of the visitor's page, in ``seq`` order, for the agent's replayer."""

    type: Literal["cobrowse.batch"] = "cobrowse.batch"
    session_id: str
    seq: int
    events: list[dict[str, Any]]


class CobrowseUpdatedFrame(ServerFrame):
    type: Literal["cobrowse.updated"] = "cobrowse.updated"
    session: CobrowseSessionOut


def session_topic(workspace_id: str, session_id: str) -> str:
    """The page of one co-browse session, for the agents who joined it."""
    return f"ws:{workspace_id}:cobrowse:{session_id}"
