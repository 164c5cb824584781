"""Every frame on the agent desktop's socket /v1/agent/ws (see docs/api.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from hovor.auth.schemas import Presence
from hovor.channels.outbox.schemas import DeliveryUpdatedFrame
from hovor.channels.voice.telephony.schemas import CallUpdatedFrame
from hovor.channels.webchat.frames import VisitorTypingFrame
from hovor.cobrowse.frames import (
    CobrowseBatchFrame,
    CobrowseInput,
    CobrowseJoin,
    CobrowseLeave,
    CobrowsePoint,
    CobrowseUpdatedFrame,
)
from hovor.conversations.schemas import ConversationOut, MessageOut
from hovor.core.frames import ClientFrame, ErrorFrame, Ping, PongFrame, ServerFrame
from hovor.routing.frames import RoutingAlertFrame, RoutingStatsFrame, RoutingTaskFrame

# -- agent → server ------------------------------------------------------------------------


class AgentTyping(ClientFrame):
    type: Literal["typing"]
    conversation_id: str = Field(min_length=1, max_length=64)
    state: bool


AgentFrame = AgentTyping | Ping | CobrowseJoin | CobrowseLeave | CobrowsePoint | CobrowseInput
agent_frame = TypeAdapter[AgentFrame](Annotated[AgentFrame, Field(discriminator="type")])

# -- server → agent ------------------------------------------------------------------------


class ConversationCreatedFrame(ServerFrame):
    type: Literal["conversation.created"] = "conversation.created"
    conversation: ConversationOut


class ConversationUpdatedFrame(ServerFrame):
    type: Literal["conversation.updated"] = "conversation.updated"
    conversation: ConversationOut


class MessageCreatedFrame(ServerFrame):
    """Desktops derive the inbox row (last message, unread count, activity) from it."""

    type: Literal["message.created"] = "message.created"
    message: MessageOut


class PresenceChangedFrame(ServerFrame):
    type: Literal["presence.changed"] = "presence.changed"
    user_id: str
    status: Presence
    reason: str | None


class TicketChangedFrame(ServerFrame):
    """A hint, not the data: desktops refetch what they show of the ticket."""

    type: Literal["ticket.changed"] = "ticket.changed"
    ticket_id: str
    contact_id: str | None


class ContactChangedFrame(ServerFrame):
    """A hint (profile, identities, merge, a new order): refetch these contacts."""

    type: Literal["contact.changed"] = "contact.changed"
    contact_ids: list[str]


ToAgentFrame = (
    ConversationCreatedFrame
    | ConversationUpdatedFrame
    | MessageCreatedFrame
    | DeliveryUpdatedFrame
    | CallUpdatedFrame
    | VisitorTypingFrame
    | PresenceChangedFrame
    | TicketChangedFrame
    | ContactChangedFrame
    | RoutingStatsFrame
    | RoutingTaskFrame
    | RoutingAlertFrame
    | CobrowseUpdatedFrame
    | CobrowseBatchFrame
    | ErrorFrame
    | PongFrame
)
to_agent_frame = TypeAdapter[ToAgentFrame](Annotated[ToAgentFrame, Field(discriminator="type")])
