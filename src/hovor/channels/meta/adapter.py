"""The Messenger and Instagram Direct adapters: one Meta adapter, two kinds.

They differ in the webhook's ``object`` (``page`` / ``instagram``), the inbox's account id
(a Facebook Page id / an Instagram professional account id), the identity kind of the
customer's scoped id (PSID / IGSID), and small Send API details; docs/meta.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.base import (
    ConfigField,
    DeliveryFailed,
    Inbound,
    InboxRef,
    Outbound,
    RawInbound,
    Receipt,
    Sent,
)
from hovor.channels.meta import watermarks, webhook
from hovor.channels.meta.graph import DEFAULT_API_BASE, GraphClient
from hovor.core.channels import ChannelInfo
from hovor.core.errors import field_error

MESSENGER = ChannelInfo(
    kind="messenger",
    display_name="Messenger",
    identity_kinds=("messenger",),
    realtime=True,
    default_sla_seconds=300.0,
    default_capacity=3,
)
INSTAGRAM = ChannelInfo(
    kind="instagram",
    display_name="Instagram",
    identity_kinds=("instagram",),
    realtime=True,
    default_sla_seconds=300.0,
    default_capacity=3,
)

TOKEN_HELP = "Meta app → Messenger API settings → generate a page access token"
SECRET_HELP = "Meta app → App settings → Basic → App secret (signs the webhook calls)"
BASE_HELP = f"the Graph API version to call; default {DEFAULT_API_BASE}"


class MetaAdapter:
    """What Messenger and Instagram share; the subclasses set the differences."""

    kind: str
    info: ChannelInfo
    webhook_object: str  # the payload's ``object``
    account_field: str  # the inbox's config key of the page or account id
    user_label: str  # "Messenger user 1234": the webhook carries no name
    max_text: int  # the Send API's limit on a text message, in ``unit``
    unit = "characters"
    config_fields: tuple[ConfigField, ...]

    def __init__(self) -> None:
        self._graph = GraphClient()

    # --- settings -------------------------------------------------------------------------

    def check_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        loc: list[str | int] = ["body", "config"]
        account = config.get(self.account_field)
        if isinstance(account, int):
            account = str(account)
        if not isinstance(account, str) or not account.strip().isdigit():
            raise field_error([*loc, self.account_field], "the numeric id Meta shows")
        checked: dict[str, Any] = {self.account_field: account.strip()}
        for name in ("page_access_token", "app_secret"):
            value = config.get(name)
            if not isinstance(value, str) or not value.strip():
                raise field_error([*loc, name], "a non-empty string")
            checked[name] = value.strip()
        base = config.get("api_base") or DEFAULT_API_BASE
        if not isinstance(base, str) or not base.startswith(("https://", "http://")):
            raise field_error([*loc, "api_base"], "an http(s) URL")
        checked["api_base"] = base.rstrip("/")
        return checked

    # --- inbound --------------------------------------------------------------------------

    def handshake(self, raw: RawInbound) -> str | None:
        assert raw.inbox is not None
        return webhook.challenge(raw.query, raw.inbox.webhook_secret)

    def verify(self, raw: RawInbound) -> None:
        assert raw.inbox is not None
        webhook.check_signature(str(raw.inbox.config.get("app_secret", "")), raw.headers, raw.body)

    def _events(self, raw: RawInbound) -> list[webhook.Event]:
        assert raw.inbox is not None
        payload = webhook.load(raw.body, self.webhook_object)
        return list(webhook.events(payload, str(raw.inbox.config.get(self.account_field))))

    def parse(self, raw: RawInbound) -> list[Inbound]:
        assert raw.inbox is not None
        parsed = []
        for event in self._events(raw):
            message = webhook.customer_message(event)
            if message is None:
                continue
            parsed.append(
                Inbound(
                    workspace_id=raw.inbox.workspace_id,
                    channel=self.kind,
                    source_id=event.sender,
                    identity_kind=self.kind,
                    body=message.body,
                    provider_message_id=webhook.message_key(self.kind, message.mid),
                    contact_name=f"{self.user_label} {event.sender[-4:]}",
                    inbox_id=raw.inbox.id,
                )
            )
        return parsed

    def receipts(self, raw: RawInbound) -> list[Receipt]:
        """Deliveries name their mids; a read names its mid (Instagram). Messenger's read
        carries only a watermark, and a delivery may too: ``resolve_receipts``."""
        assert raw.inbox is not None
        found = []
        for event in self._events(raw):
            for mid in webhook.delivered_mids(event):
                found.append(Receipt(raw.inbox.workspace_id, self.kind, mid, "delivered"))
            read = webhook.read_mark(event)
            if read is not None and read[0] is not None:
                found.append(Receipt(raw.inbox.workspace_id, self.kind, read[0], "read"))
        return found

    # --- outbound -------------------------------------------------------------------------

    def length(self, text: str) -> int:
        return len(text)

    def _message(self, outbound: Outbound) -> dict[str, Any]:
        return {
            "recipient": {"id": outbound.source_id},
            "message": {"text": outbound.message["body"]},
        }

    async def send(self, outbound: Outbound) -> Sent:
        """The Send API has no idempotency key: a send repeated after a crash (sent, not yet
        recorded) can reach the customer twice (docs/meta.md)."""
        if outbound.inbox is None:
            raise DeliveryFailed("the conversation's inbox was removed", permanent=True)
        text = str(outbound.message.get("body", ""))
        if self.length(text) > self.max_text:
            raise DeliveryFailed(
                f"{self.info.display_name} takes at most {self.max_text} {self.unit}; "
                f"this reply has {self.length(text)}",
                permanent=True,
            )
        config = outbound.inbox.config
        message_id = await self._graph.send(
            str(config["api_base"]), str(config["page_access_token"]), self._message(outbound)
        )
        return Sent(provider_message_id=message_id)

    async def check_connection(self, inbox: InboxRef) -> str:
        name = await self._graph.name(
            str(inbox.config["api_base"]), str(inbox.config["page_access_token"])
        )
        return f"connected to {name}"


class MessengerAdapter(MetaAdapter):
    kind = MESSENGER.kind
    info = MESSENGER
    webhook_object = "page"
    account_field = "page_id"
    user_label = "Messenger user"
    max_text = 2000
    config_fields = (
        ConfigField("page_id", "Page ID", help="the Facebook Page's id (Page → About)"),
        ConfigField("page_access_token", "Page access token", secret=True, help=TOKEN_HELP),
        ConfigField("app_secret", "App secret", secret=True, help=SECRET_HELP),
        ConfigField("api_base", "Graph API base URL", required=False, help=BASE_HELP),
    )

    async def resolve_receipts(self, session: AsyncSession, raw: RawInbound) -> list[Receipt]:
        """Watermarks: our deliveries to the customer sent before them (watermarks.py)."""
        assert raw.inbox is not None
        return await watermarks.watermark_receipts(session, raw.inbox, self._events(raw))

    def _message(self, outbound: Outbound) -> dict[str, Any]:
        # A reply to the customer's message, within Messenger's 24-hour standard window.
        return {"messaging_type": "RESPONSE", **super()._message(outbound)}


class InstagramAdapter(MetaAdapter):
    kind = INSTAGRAM.kind
    info = INSTAGRAM
    webhook_object = "instagram"
    account_field = "account_id"
    user_label = "Instagram user"
    max_text = 1000  # "UTF-8 and less than 1000 bytes"
    unit = "bytes (UTF-8)"
    config_fields = (
        ConfigField(
            "account_id",
            "Instagram account ID",
            help="the Instagram professional account's id (Meta Business Suite → Settings)",
        ),
        ConfigField(
            "page_access_token",
            "Page access token",
            secret=True,
            help="the token of the Facebook Page linked to the Instagram account",
        ),
        ConfigField("app_secret", "App secret", secret=True, help=SECRET_HELP),
        ConfigField("api_base", "Graph API base URL", required=False, help=BASE_HELP),
    )

    def length(self, text: str) -> int:
        return len(text.encode())
