"""Widget protocol v1: the web chat's frames on the visitor socket, and the visitor's
typing on the agents' (see docs/widget-protocol.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from hovor.conversations.schemas import MessageOut
from hovor.core.frames import ClientFrame, ServerFrame

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 16 * 1024


# -- visitor → server ----------------------------------------------------------------------


class MessageSend(ClientFrame):
    type: Literal["message.send"]
    client_id: str = Field(min_length=1, max_length=64)
    body: str = Field(min_length=1, max_length=4000)


class Typing(ClientFrame):
    type: Literal["typing"]
    state: bool


# -- server → visitor ----------------------------------------------------------------------


class ConversationStatus(BaseModel):
    id: str
    status: Literal["open", "closed"]


class HelloFrame(ServerFrame):
    """Right after connecting: the visitor's latest conversation and last messages."""

    type: Literal["hello"] = "hello"
    v: int = PROTOCOL_VERSION
    visitor_id: str
    conversation: ConversationStatus | None
    messages: list[MessageOut] = Field(description="the last ones, oldest first")


class MessageAckFrame(ServerFrame):
    """The visitor's own message is stored."""

    type: Literal["message.ack"] = "message.ack"
    client_id: str
    message: MessageOut


class MessageFrame(ServerFrame):
    """Any other new message of the visitor's (agent, system, or their own from another tab)."""

    type: Literal["message"] = "message"
    message: MessageOut


class AgentTypingFrame(ServerFrame):
    type: Literal["typing"] = "typing"
    author_type: Literal["agent"] = "agent"
    author_name: str
    state: bool


class ConversationFrame(ServerFrame):
    """The visitor's conversation was opened, closed or reopened."""

    type: Literal["conversation"] = "conversation"
    conversation: ConversationStatus


# -- server → agents -----------------------------------------------------------------------


class VisitorTypingFrame(ServerFrame):
    type: Literal["typing"] = "typing"
    conversation_id: str
    author_type: Literal["visitor"] = "visitor"
    state: bool
