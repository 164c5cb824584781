"""Web chat adapter: widget frames in, bus frames out to the visitor's open widgets."""

from __future__ import annotations

from hovor.bus import Bus
from hovor.bus.topics import visitor_topic
from hovor.channels.base import Inbound, Outbound, RawInbound, Sent
from hovor.channels.webchat.frames import MessageFrame, MessageSend
from hovor.core.channels import ChannelInfo
from hovor.core.errors import Forbidden

KIND = "webchat"
INFO = ChannelInfo(
    kind=KIND,
    display_name="Web chat",
    identity_kinds=("visitor",),
    realtime=True,
    default_sla_seconds=30.0,
    default_capacity=3,  # the agent's own chat capacity overrides it (ADR 0005)
)


class WebChatAdapter:
    kind = KIND
    info = INFO

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

    async def send(self, outbound: Outbound) -> Sent:
        """To every open widget of the visitor; widgets drop a message id they already show."""
        await self._bus.publish(
            visitor_topic(outbound.workspace_id, outbound.source_id),
            MessageFrame.model_validate({"message": outbound.message}).data(),
        )
        return Sent()
