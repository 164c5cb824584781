"""Web chat adapter: widget frames in, bus frames out to the visitor's open widgets."""

from __future__ import annotations

from hovor.bus import Bus
from hovor.bus.topics import visitor_topic
from hovor.channels.base import Inbound, Outbound, RawInbound
from hovor.channels.webchat.frames import MessageSend
from hovor.core.errors import Forbidden

KIND = "webchat"


class WebChatAdapter:
    kind = KIND

    def __init__(self, bus: Bus) -> None:
        self._bus = bus

    def verify(self, raw: RawInbound) -> None:
        # The gateway admits a widget only with a valid signed visitor token.
        if raw.workspace_id is None or raw.source_id is None:
            raise Forbidden("web chat traffic needs an authenticated visitor")

    def parse(self, raw: RawInbound) -> list[Inbound]:
        frame = raw.payload
        assert isinstance(frame, MessageSend)
        assert raw.workspace_id is not None and raw.source_id is not None
        return [
            Inbound(
                workspace_id=raw.workspace_id,
                channel=KIND,
                source_id=raw.source_id,
                identity_kind="visitor",
                body=frame.body,
                provider_message_id=frame.client_id,
            )
        ]

    async def send(self, outbound: Outbound) -> None:
        await self._bus.publish(
            visitor_topic(outbound.workspace_id, outbound.source_id),
            {"type": "message", "message": outbound.message},
        )
