"""Keeps a visitor's open widgets in step with their conversation."""

from __future__ import annotations

from hovor.bus import Bus
from hovor.bus.topics import visitor_topic
from hovor.channels.webchat.adapter import KIND
from hovor.channels.webchat.frames import ConversationFrame, MessageFrame
from hovor.conversations import events
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent


def register(dispatcher: Dispatcher, bus: Bus) -> None:
    @dispatcher.on(events.MESSAGE_CREATED)
    async def echo_visitor_message_to_other_tabs(event: DomainEvent) -> None:
        # Agent and system messages leave through the outbound path (WebChatAdapter.send).
        if (
            event.payload["channel"] == KIND
            and event.payload["message"]["author_type"] == "visitor"
        ):
            await bus.publish(
                visitor_topic(event.workspace_id, event.payload["source_id"]),
                MessageFrame.model_validate({"message": event.payload["message"]}).data(),
            )

    @dispatcher.on(
        events.CONVERSATION_CREATED, events.CONVERSATION_CLOSED, events.CONVERSATION_REOPENED
    )
    async def tell_visitor_status(event: DomainEvent) -> None:
        conversation = event.payload["conversation"]
        if conversation["channel"] == KIND:
            await bus.publish(
                visitor_topic(event.workspace_id, event.payload["source_id"]),
                ConversationFrame.model_validate(
                    {"conversation": {"id": conversation["id"], "status": conversation["status"]}}
                ).data(),
            )
