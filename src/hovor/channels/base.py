"""The one interface every channel implements, and the registry keyed by channel kind.

Inbound traffic (a widget frame, later an e-mail, a webhook call) is verified and parsed by
the channel's adapter into ``Inbound`` messages; ``channels.inbound.receive_inbound`` then
stores them the same way for every channel. Outbound, ``channels.outbound`` calls the
adapter's ``send`` for each agent or system message of a conversation on that channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class RawInbound:
    """What arrived, before the channel checked it."""

    payload: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    workspace_id: str | None = None  # known when the transport authenticated the sender
    source_id: str | None = None


@dataclass(frozen=True)
class Inbound:
    """One normalised inbound message."""

    workspace_id: str
    channel: str
    source_id: str  # the contact's address on the channel
    identity_kind: str  # which kind of contact identity ``source_id`` is
    body: str
    provider_message_id: str | None  # deduplicates resends
    contact_name: str | None = None  # the sender's name, when the channel carries one
    # Channels that thread messages themselves (e-mail) set ``threaded``: the message then
    # continues ``conversation_id`` (reopened if closed), or opens a new conversation when
    # that is None. Otherwise it joins the source's latest open conversation.
    threaded: bool = False
    conversation_id: str | None = None


@dataclass(frozen=True)
class Outbound:
    workspace_id: str
    channel: str
    source_id: str
    conversation_id: str
    message: dict[str, Any]  # MessageOut as JSON


class ChannelAdapter(Protocol):
    kind: str

    def verify(self, raw: RawInbound) -> None:
        """Raise ``Forbidden`` when the traffic is not authentic."""

    def parse(self, raw: RawInbound) -> list[Inbound]:
        """Normalise; raise ``InvalidInput`` with the offending field."""

    async def send(self, outbound: Outbound) -> None:
        """Deliver an agent's or system's message on the channel."""


class ChannelRegistry:
    def __init__(self) -> None:
        self._adapters: dict[str, ChannelAdapter] = {}

    def add(self, adapter: ChannelAdapter) -> None:
        self._adapters[adapter.kind] = adapter

    def get(self, kind: str) -> ChannelAdapter | None:
        return self._adapters.get(kind)
