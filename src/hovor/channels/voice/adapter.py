"""The callback channel: the customer is reached by phone, so nothing is sent out.

Messages an agent writes on a callback conversation are their notes on the call.
"""

from __future__ import annotations

from hovor.channels.base import DeliveryFailed, Inbound, Outbound, RawInbound, Sent
from hovor.channels.voice.service import KIND
from hovor.core.channels import ChannelInfo
from hovor.core.errors import Forbidden

INFO = ChannelInfo(
    kind=KIND,
    display_name="Callback",
    identity_kinds=("phone",),
    realtime=True,
    default_sla_seconds=300.0,  # a callback is due within 5 minutes
    default_capacity=1,
    outbound=False,  # the agent calls; nothing is sent
)


class CallbackAdapter:
    kind = KIND
    info = INFO

    def verify(self, raw: RawInbound) -> None:
        raise Forbidden("callbacks are requested through offers, not sent in")

    def parse(self, raw: RawInbound) -> list[Inbound]:
        return []

    async def send(self, outbound: Outbound) -> Sent:
        # ``INFO.outbound`` is False, so the outbox writes no delivery for a callback.
        raise DeliveryFailed("a callback is answered by phone; nothing is sent", permanent=True)
