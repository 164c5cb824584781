"""What the rest of Hovor knows about a channel, as its adapter declares it.

Routing (real-time or deferred, default SLA, default capacity), contacts (which identity
kinds exist), privacy and the desktop (display names) read these traits from one
``ChannelCatalogue``, built from the registered adapters at start-up, never from a list of
their own. It lives in ``core`` so that contexts below ``channels`` can read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Identity kinds every workspace has, whatever channels are registered: how a customer is
# known to a shop's back-end (external id) and the addresses other channels share.
CORE_IDENTITY_KINDS: tuple[str, ...] = ("visitor", "email", "phone", "external_id")


@dataclass(frozen=True)
class ChannelInfo:
    """The traits of one channel kind."""

    kind: str  # "webchat", "email", "whatsapp" … the key of the registry
    display_name: str  # shown to agents: "Web chat", "E-mail"
    identity_kinds: tuple[str, ...]  # the contact identity kind(s) its addresses are
    realtime: bool  # True: routed like chats; False: deferred, like e-mail
    default_sla_seconds: float  # first-response target unless a queue says otherwise
    default_capacity: int  # conversations of this kind an agent takes at once, by default
    outbound: bool = True  # False: nothing is sent on it (a callback is a phone call)

    def __post_init__(self) -> None:
        if not self.kind or not self.kind.replace("_", "").isalnum() or not self.kind.islower():
            raise ValueError(f"channel kind {self.kind!r}: lower-case letters, digits and _")
        if not self.identity_kinds:
            raise ValueError(f"channel {self.kind}: declare at least one identity kind")
        if self.default_sla_seconds <= 0 or self.default_capacity < 0:
            raise ValueError(f"channel {self.kind}: SLA must be positive, capacity not negative")


class ChannelCatalogue:
    """The traits of every registered channel, keyed by kind."""

    def __init__(self, channels: Iterable[ChannelInfo] = ()) -> None:
        self._channels: dict[str, ChannelInfo] = {}
        for info in channels:
            self.add(info)

    def add(self, info: ChannelInfo) -> None:
        if info.kind in self._channels and self._channels[info.kind] != info:
            raise ValueError(f"channel {info.kind} is registered twice")
        self._channels[info.kind] = info

    def get(self, kind: str) -> ChannelInfo | None:
        return self._channels.get(kind)

    def __contains__(self, kind: object) -> bool:
        return kind in self._channels

    def __iter__(self) -> Iterator[ChannelInfo]:
        return iter(self._channels.values())

    def kinds(self) -> tuple[str, ...]:
        return tuple(self._channels)

    def deferred(self) -> frozenset[str]:
        """Kinds routed like e-mail: taken only while no real-time work waits."""
        return frozenset(c.kind for c in self if not c.realtime)

    def identity_kinds(self) -> tuple[str, ...]:
        """Every identity kind a contact may have: the core ones, then the channels'."""
        kinds = list(CORE_IDENTITY_KINDS)
        for info in self:
            kinds.extend(k for k in info.identity_kinds if k not in kinds)
        return tuple(kinds)

    def default_sla_seconds(self, kind: str, fallback: float) -> float:
        info = self.get(kind)
        return info.default_sla_seconds if info is not None else fallback

    def default_capacity(self, kind: str) -> int:
        info = self.get(kind)
        return info.default_capacity if info is not None else 0
