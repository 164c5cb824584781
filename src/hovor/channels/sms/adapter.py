"""SMS through Twilio Programmable Messaging: a Twilio phone number as an inbox (docs/sms.md).

Twilio POSTs form-encoded webhooks to the inbox's URL, signed with ``X-Twilio-Signature``
over the public URL and every parameter (``webhook.py``): incoming messages, and status
callbacks for the replies we sent (``StatusCallback`` is the same URL). Senders are phone
numbers in E.164 with identity kind ``phone``, so one number on SMS, WhatsApp and a callback
is one contact. Replies go to ``POST {api_base}/2010-04-01/Accounts/{sid}/Messages.json``
unless the customer opted out with STOP (``opt_out.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

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
from hovor.channels.sms import rest_api, webhook
from hovor.channels.sms.opt_out import OPTED_OUT, opted_out
from hovor.core.channels import ChannelInfo
from hovor.db.transaction import Database

log = logging.getLogger(__name__)

INFO = ChannelInfo(
    kind="sms",
    display_name="SMS",
    identity_kinds=("phone",),
    realtime=True,
    default_sla_seconds=300.0,
    default_capacity=3,
)

# Twilio takes a Body of up to 1600 characters and splits it into segments itself; a longer
# reply is refused before any call rather than cut (docs/sms.md).
MAX_BODY = 1600


class SmsAdapter:
    kind = INFO.kind
    info = INFO
    config_fields = (
        ConfigField(
            "account_sid", "Account SID", help="Twilio Console → Account info: starts with AC"
        ),
        ConfigField(
            "auth_token",
            "Auth token",
            secret=True,
            help="Twilio Console → Account info: signs Twilio's webhooks and authorises replies",
        ),
        ConfigField(
            "phone_number",
            "Twilio phone number",
            help="the number customers text, in the international form (+14155550100)",
        ),
        ConfigField(
            "api_base",
            "API base URL",
            required=False,
            help=f"default {rest_api.DEFAULT_API_BASE}",
        ),
    )

    def __init__(self, db: Database, origin: str, *, timeout: float = 10.0) -> None:
        self._db = db
        self._timeout = timeout  # Twilio answers within a second or two; later: retried
        self._origin = origin.rstrip("/")  # HOVOR_PUBLIC_URL: the StatusCallback's origin

    # Settings ------------------------------------------------------------------------------

    def check_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        return rest_api.check_account(config)

    # Inbound ------------------------------------------------------------------------------

    def handshake(self, raw: RawInbound) -> str | None:
        return None  # Twilio verifies no URL: a GET is refused

    def verify(self, raw: RawInbound) -> None:
        assert raw.inbox is not None
        params = webhook.form(raw.body, raw.headers)
        token = str(raw.inbox.config.get("auth_token", ""))
        webhook.check_signature(token, raw.url, params, raw.headers)

    def parse(self, raw: RawInbound) -> list[Inbound]:
        assert raw.inbox is not None
        params = webhook.form(raw.body, raw.headers)
        if webhook.is_status_callback(params):
            return []
        message = webhook.incoming_message(params)
        if message is None:
            return []
        if message.to != raw.inbox.config.get("phone_number"):
            # Another number of the account pointed at this inbox's URL: not this inbox's.
            log.warning("sms inbox %s: skipped a message to %s", raw.inbox.id, message.to)
            return []
        return [
            Inbound(
                workspace_id=raw.inbox.workspace_id,
                channel=self.kind,
                source_id=message.sender,
                identity_kind="phone",
                body=message.body,
                provider_message_id=f"{self.kind}:{message.sid}",
                inbox_id=raw.inbox.id,
            )
        ]

    def receipts(self, raw: RawInbound) -> list[Receipt]:
        assert raw.inbox is not None
        params = webhook.form(raw.body, raw.headers)
        if not webhook.is_status_callback(params):
            return []
        status = webhook.status(params)
        if status is None:
            return []
        return [Receipt(raw.inbox.workspace_id, self.kind, status.sid, status.status, status.error)]

    # Outbound -----------------------------------------------------------------------------

    def status_callback(self, inbox: InboxRef) -> str:
        """The inbox's webhook URL, where Twilio reports on the messages we send."""
        return f"{self._origin}/v1/channels/{self.kind}/{inbox.id}/webhook"

    async def send(self, outbound: Outbound) -> Sent:
        inbox = outbound.inbox
        if inbox is None:
            raise DeliveryFailed("the SMS inbox of this conversation was removed", permanent=True)
        body = str(outbound.message.get("body") or "").strip()
        if not body:
            raise DeliveryFailed("an empty SMS cannot be sent", permanent=True)
        if len(body) > MAX_BODY:
            raise DeliveryFailed(
                f"longer than the {MAX_BODY} characters Twilio takes in one SMS ({len(body)})",
                permanent=True,
            )
        if await opted_out(
            self._db, outbound.workspace_id, self.kind, inbox.id, outbound.source_id
        ):
            raise DeliveryFailed(OPTED_OUT, permanent=True)
        # Twilio's Messages API takes no idempotency key (docs/sms.md).
        answer = await rest_api.call(
            "POST",
            self._url(inbox, "/Messages"),
            self._auth(inbox),
            {
                "To": outbound.source_id,
                "From": str(inbox.config["phone_number"]),
                "Body": body,
                "StatusCallback": self.status_callback(inbox),
            },
            seconds=self._timeout,
        )
        sid = answer.get("sid")
        return Sent(provider_message_id=sid if isinstance(sid, str) and sid else None)

    async def check_connection(self, inbox: InboxRef) -> str:
        answer = await rest_api.call(
            "GET", self._url(inbox, ""), self._auth(inbox), seconds=self._timeout
        )
        return f"{answer.get('friendly_name')} ({answer.get('status')})"

    def _url(self, inbox: InboxRef, path: str) -> str:
        base = str(inbox.config.get("api_base") or rest_api.DEFAULT_API_BASE)
        return rest_api.account_url(base, str(inbox.config["account_sid"]), path)

    def _auth(self, inbox: InboxRef) -> tuple[str, str]:
        return str(inbox.config["account_sid"]), str(inbox.config["auth_token"])
