"""The callback channel: the customer is reached by phone, so nothing is sent out.

Messages an agent writes on a callback conversation are their notes on the call.
"""

from __future__ import annotations

from hovor.channels.base import Inbound, Outbound, RawInbound
from hovor.channels.voice.service import KIND
from hovor.core.errors import Forbidden


class CallbackAdapter:
    kind = KIND

    def verify(self, raw: RawInbound) -> None:
        raise Forbidden("callbacks are requested through offers, not sent in")

    def parse(self, raw: RawInbound) -> list[Inbound]:
        return []

    async def send(self, outbound: Outbound) -> None:
        return None
