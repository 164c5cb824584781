"""The one outbound path: an agent's or system's message goes out on its channel."""

from __future__ import annotations

import logging

from hovor.channels.base import ChannelRegistry, Outbound
from hovor.conversations import events
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent

log = logging.getLogger(__name__)


def register(dispatcher: Dispatcher, channels: ChannelRegistry) -> None:
    @dispatcher.on(events.MESSAGE_CREATED)
    async def send_out(event: DomainEvent) -> None:
        message = event.payload["message"]
        if message["author_type"] == "visitor" or message["private"]:
            return  # private notes never leave the team
        adapter = channels.get(event.payload["channel"])
        if adapter is None:
            log.error("no adapter for channel %s", event.payload["channel"])
            return
        await adapter.send(
            Outbound(
                workspace_id=event.workspace_id,
                channel=event.payload["channel"],
                source_id=event.payload["source_id"],
                conversation_id=message["conversation_id"],
                message=message,
            )
        )
