"""The one interface every telephony connector implements, and what it hands the calls service.

A connector is a channel adapter of the registry (an inbox holds the provider's settings)
that also speaks calls: it starts a call (ring the agent's phone, then the customer), turns
the provider's signed webhook calls into ``CallEvent`` values, and writes ``CallReply`` in the
provider's language (TwiML for Twilio, JSON for the generic connector). The calls service
(``calls.py``) decides what happens; connectors only translate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from hovor.channels.base import InboxRef, RawInbound

# Whose phone an event is about: the agent's, the customer's (a click to call), an inbound
# caller's; ``wait`` is a held caller's poll, ``bridge`` the agent's phone asking whom to
# dial, ``recording`` a recording becoming available.
Leg = Literal["agent", "customer", "caller", "wait", "bridge", "recording"]
EventStatus = Literal["ringing", "answered", "ended", "waiting", "recorded"]
# How a leg ended, in the providers' common words (Twilio's CallStatus with "-" as "_").
EndedAs = Literal["completed", "busy", "no_answer", "failed", "canceled"]


@dataclass(frozen=True)
class CallEvent:
    """One thing the provider told us about a call."""

    provider_call_id: str  # the provider's id of the call (Twilio's parent CallSid)
    status: EventStatus
    leg: Leg  # whose phone: the agent's, the customer's, an inbound caller's; wait = a poll
    direction: Literal["inbound", "outbound"]
    from_number: str | None = None  # E.164
    to_number: str | None = None  # E.164
    hovor_call_id: str | None = None  # ours, for calls Hovor started
    ended_as: EndedAs | None = None
    duration_seconds: int | None = None
    machine: bool = False  # answered by a voicemail / answering machine
    recording_url: str | None = None
    waited: int = 0  # how many times an inbound caller has been held so far


@dataclass(frozen=True)
class CallReply:
    """What Hovor wants the provider to do next with the call."""

    action: Literal["ok", "hold", "connect", "hangup", "reject"]
    number: str | None = None  # connect: dial this number and bridge the call to it
    hovor_call_id: str | None = None
    waited: int = 0  # hold: the count to send back with the next poll
    dial_leg: Leg = "customer"  # connect: whose phone ``number`` is
    say: str | None = None  # a sentence for the caller (hangup, hold)


@dataclass(frozen=True)
class DialRequest:
    """A click to call: ring ``agent_number`` first, then bridge to ``customer_number``."""

    hovor_call_id: str
    agent_number: str
    customer_number: str
    callback_url: str  # the inbox's webhook URL: every event of the call comes back here


@runtime_checkable
class TelephonyConnector(Protocol):
    kind: str

    def company_number(self, inbox: InboxRef) -> str:
        """The inbox's number (E.164): what customers call, and the caller id we dial with."""

    def call_event(self, raw: RawInbound) -> CallEvent:
        """The event in a verified webhook call; ``InvalidInput`` naming the field."""

    def reply(self, inbox: InboxRef, raw: RawInbound, reply: CallReply) -> tuple[bytes, str]:
        """The answer to the provider's webhook call: body and media type."""

    async def start_call(self, inbox: InboxRef, request: DialRequest) -> str:
        """Ask the provider to place the call; its call id. ``DeliveryFailed`` when refused."""
