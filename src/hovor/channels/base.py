"""The one interface every channel implements, and the registry keyed by channel kind.

Inbound traffic (a widget frame, an e-mail, a webhook call) is verified and parsed by the
channel's adapter into ``Inbound`` messages; ``channels.inbound.receive_inbound`` then
stores them the same way for every channel. Outbound, every agent or system message of a
conversation whose channel sends (``info.outbound``) becomes an outbox row in the same
transaction, and the outbox worker (``channels.outbox``) calls the adapter's ``send`` for it,
retrying with back-off. ``docs/channels.md`` says what a new adapter implements.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core.channels import ChannelCatalogue, ChannelInfo


@dataclass(frozen=True)
class RawInbound:
    """What arrived, before the channel checked it."""

    payload: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    workspace_id: str | None = None  # known when the transport authenticated the sender
    source_id: str | None = None
    inbox: InboxRef | None = None  # the inbox a webhook call was addressed to
    body: bytes = b""  # the raw request body, for signature checks
    query: Mapping[str, str] = field(default_factory=dict)
    # The URL the provider called, as it sees it: HOVOR_PUBLIC_URL + path + query (behind a
    # proxy the server's own view differs). Twilio signs it.
    url: str = ""


@dataclass(frozen=True)
class Receipt:
    """A provider's report on a message we sent: ``delivered``, ``read`` or ``failed``."""

    workspace_id: str
    channel: str
    provider_message_id: str  # what ``send`` returned as ``Sent.provider_message_id``
    status: str  # delivered | read | failed
    error: str | None = None  # the provider's reason, for ``failed``


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
    inbox_id: str | None = None  # the inbox it came in through (webhook channels)


@dataclass(frozen=True)
class Outbound:
    """One delivery of one message, as the outbox worker hands it to the adapter."""

    workspace_id: str
    channel: str
    source_id: str  # the recipient: the contact's address on the channel
    conversation_id: str
    message: dict[str, Any]  # MessageOut as JSON
    # The same on every attempt: pass it to the provider as its idempotency key, so a send
    # repeated after a crash (sent, but not yet recorded as sent) is not delivered twice.
    delivery_id: str = ""
    attempt: int = 1
    inbox: InboxRef | None = None  # the account to send from, for channels with inboxes


@dataclass(frozen=True)
class InboxRef:
    """An inbox as adapters see it: its id, settings and webhook secret."""

    id: str
    workspace_id: str
    kind: str
    config: Mapping[str, Any]
    webhook_secret: str


@dataclass(frozen=True)
class Sent:
    """What the provider answered to a send."""

    provider_message_id: str | None = None  # its id for the message, matched by receipts


class DeliveryFailed(Exception):
    """A send the provider refused or that did not reach it.

    ``permanent``: retrying cannot help (bad address, revoked token); the delivery fails at
    once with ``reason``, which the agent sees. Otherwise the outbox retries with back-off.
    Any other exception from ``send`` counts as a temporary failure.
    """

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class ChannelAdapter(Protocol):
    kind: str
    info: ChannelInfo

    def verify(self, raw: RawInbound) -> None:
        """Raise ``Forbidden`` when the traffic is not authentic."""

    def parse(self, raw: RawInbound) -> list[Inbound]:
        """Normalise; raise ``InvalidInput`` with the offending field."""

    async def send(self, outbound: Outbound) -> Sent:
        """Deliver an agent's or system's message on the channel (called by the outbox).

        Raise ``DeliveryFailed`` with the provider's reason when it refuses.
        """


@runtime_checkable
class WebhookChannel(ChannelAdapter, Protocol):
    """A channel whose provider calls ``/v1/channels/{kind}/{inbox}/webhook``.

    Admins add inboxes of it (``POST /v1/inboxes``) with the provider's credentials.
    """

    config_fields: tuple[ConfigField, ...]  # what the admin fills in, in this order

    def check_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        """Validate an inbox's settings; raise ``InvalidInput`` naming the field."""

    def handshake(self, raw: RawInbound) -> str | None:
        """Answer a provider's GET verification (e.g. a challenge echo); None: refuse."""

    def receipts(self, raw: RawInbound) -> list[Receipt]:
        """The delivery/read/failure reports in a verified call (often beside messages)."""

    async def check_connection(self, inbox: InboxRef) -> str:
        """Call the provider with the inbox's credentials ("test connection"): a line saying
        what it answered (the bot's or page's name…); raise ``DeliveryFailed`` with its reason."""


@runtime_checkable
class ResolvesReceipts(Protocol):
    """A webhook channel whose reports name no message: Messenger's read watermark says
    "everything sent before this time was read". The webhook route calls it in the
    transaction that applies the call's receipts; it answers which of our deliveries the
    reports cover, found with ``session`` (filtered by the inbox's workspace)."""

    async def resolve_receipts(self, session: AsyncSession, raw: RawInbound) -> list[Receipt]:
        """The receipts ``receipts(raw)`` could not name without the database."""


@runtime_checkable
class AnswersWebhook(Protocol):
    """A webhook channel whose provider expects an answer of its own rather than a count of
    messages: a call connector answers TwiML or JSON telling the provider what to do next
    (docs/telephony.md). The webhook route hands such a call to it whole (it verifies)."""

    async def answer_webhook(self, raw: RawInbound) -> tuple[bytes, str]:
        """The answer body and its media type; ``Forbidden``/``InvalidInput`` as ``verify``
        and ``parse`` raise them."""


@dataclass(frozen=True)
class ConfigField:
    """One setting of an inbox, as the admin's form shows it."""

    name: str  # the key in the inbox's config
    label: str
    secret: bool = False  # shown masked, never sent back in full
    required: bool = True
    help: str = ""  # where to find it in the provider's console


class ChannelRegistry:
    def __init__(self) -> None:
        self._adapters: dict[str, ChannelAdapter] = {}
        self.catalogue = ChannelCatalogue()  # the adapters' traits, for the layers below

    def add(self, adapter: ChannelAdapter) -> None:
        if adapter.info.kind != adapter.kind:
            raise ValueError(f"adapter {adapter.kind} declares the traits of {adapter.info.kind}")
        self.catalogue.add(adapter.info)
        self._adapters[adapter.kind] = adapter

    def get(self, kind: str) -> ChannelAdapter | None:
        return self._adapters.get(kind)

    def __iter__(self) -> Iterator[ChannelAdapter]:
        return iter(self._adapters.values())
