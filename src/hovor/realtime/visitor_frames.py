"""Every frame on a visitor's socket /v1/visitor: chat, tracking, offers (see
docs/widget-protocol.md and docs/tracker-protocol.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from hovor.channels.webchat.frames import (
    AgentTypingFrame,
    ConversationFrame,
    HelloFrame,
    MessageAckFrame,
    MessageFrame,
    MessageSend,
    Typing,
)
from hovor.cobrowse.frames import (
    CobrowseAckFrame,
    CobrowseConsent,
    CobrowseControlFrame,
    CobrowseEvents,
    CobrowsePointerFrame,
    CobrowseResume,
    CobrowseSnapshotFrame,
    CobrowseStateFrame,
    CobrowseStop,
)
from hovor.core.frames import ErrorFrame, Ping, PongFrame, ServerFrame
from hovor.engagement.frames import (
    OfferAccepted,
    OfferDeclined,
    OfferMadeFrame,
    OfferShown,
    OfferUpdatedFrame,
)
from hovor.tracking.schemas import EventsFrame, Rejected

# -- visitor → server ----------------------------------------------------------------------

VisitorFrame = (
    MessageSend
    | Typing
    | Ping
    | EventsFrame
    | OfferShown
    | OfferDeclined
    | OfferAccepted
    | CobrowseConsent
    | CobrowseEvents
    | CobrowseStop
    | CobrowseResume
)
visitor_frame = TypeAdapter[VisitorFrame](Annotated[VisitorFrame, Field(discriminator="type")])

# -- server → visitor ----------------------------------------------------------------------


class EventsAckFrame(ServerFrame):
    """The answer to `events`, once the accepted events are stored."""

    type: Literal["events.ack"] = "events.ack"
    accepted: list[str]
    rejected: list[Rejected]


ToVisitorFrame = (
    HelloFrame
    | MessageAckFrame
    | MessageFrame
    | AgentTypingFrame
    | ConversationFrame
    | OfferMadeFrame
    | OfferUpdatedFrame
    | EventsAckFrame
    | CobrowseStateFrame
    | CobrowseAckFrame
    | CobrowseSnapshotFrame
    | CobrowsePointerFrame
    | CobrowseControlFrame
    | ErrorFrame
    | PongFrame
)
to_visitor_frame = TypeAdapter[ToVisitorFrame](
    Annotated[ToVisitorFrame, Field(discriminator="type")]
)
