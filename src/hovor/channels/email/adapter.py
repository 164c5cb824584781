"""E-mail adapter: raw messages posted by the MTA in; agent replies out by SMTP.

A reply is stored with an outbox delivery (``channels.outbox``); the outbox worker calls
``send``, which records the reply's Message-ID (so the customer's answer threads), composes
the message and hands it to the SMTP server. The Message-ID is the same on every attempt,
so a send repeated after a crash is recognisably the same message. Without a support address
or ``HOVOR_SMTP_URL`` the delivery fails at once with that reason (the agent can retry
after the admin configures it); a 5xx answer from the server is final, anything else is
retried by the outbox with back-off.
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

from sqlalchemy import select

from hovor.channels.base import (
    DeliveryFailed,
    Inbound,
    InboxRef,
    Outbound,
    RawInbound,
    Receipt,
    Sent,
)
from hovor.channels.email import inbox_config
from hovor.channels.email.models import EmailMessageId
from hovor.channels.email.parse import ParsedEmail
from hovor.channels.email.service import KIND, client_id_for, get_settings
from hovor.channels.email.smtp import SmtpServer
from hovor.conversations.models import Message
from hovor.core import clock
from hovor.core.channels import ChannelInfo
from hovor.core.errors import Forbidden
from hovor.db.transaction import Database

INFO = ChannelInfo(
    kind=KIND,
    display_name="E-mail",
    identity_kinds=("email",),
    realtime=False,  # deferred: taken while no real-time work waits
    default_sla_seconds=86_400.0,
    default_capacity=5,
)
NO_SMTP = "not sent: no SMTP configured (HOVOR_SMTP_URL)"
NO_ADDRESS = "not sent: no support address configured (Admin → E-mail)"


@dataclass(frozen=True)
class EmailPayload:
    """What the inbound endpoint hands the adapter: the parsed message and where it must go."""

    email: ParsedEmail
    support_address: str | None


class EmailAdapter:
    kind = KIND
    info = INFO

    # An inbox is a mailbox read by IMAP and/or an address the SMTP receiver takes mail for
    # (docs/email.md); replies still leave by HOVOR_SMTP_URL, with or without an inbox.
    config_fields = inbox_config.CONFIG_FIELDS
    replies_without_inbox = True  # mail posted to the API belongs to no inbox

    def __init__(self, db: Database, smtp: SmtpServer | None) -> None:
        self._db = db
        self._smtp = smtp

    def check_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        return inbox_config.check_config(config)

    def handshake(self, raw: RawInbound) -> str | None:
        return None  # mail arrives by IMAP or SMTP, never by the webhook route

    def receipts(self, raw: RawInbound) -> list[Receipt]:
        return []

    async def check_connection(self, inbox: InboxRef) -> str:
        return await inbox_config.check_connection(inbox)

    def verify(self, raw: RawInbound) -> None:
        payload = raw.payload
        if not isinstance(payload, EmailPayload):  # the webhook route: not how mail comes
            raise Forbidden("e-mail inboxes take mail by IMAP or the SMTP receiver")
        if raw.workspace_id is None:
            raise Forbidden("e-mail is posted with the workspace's API token")
        if payload.support_address is None:
            raise Forbidden(
                "set the workspace's support address first (PUT /v1/channels/email/settings)"
            )
        if payload.support_address not in payload.email.recipients:
            raise Forbidden(f"the message is not addressed to {payload.support_address}")
        if payload.email.sender == payload.support_address:
            raise Forbidden("an echo of our own message")  # a loop through a forwarder

    def parse(self, raw: RawInbound) -> list[Inbound]:
        payload = raw.payload
        assert isinstance(payload, EmailPayload) and raw.workspace_id is not None
        email = payload.email
        return [
            Inbound(
                workspace_id=raw.workspace_id,
                channel=KIND,
                source_id=email.sender,
                identity_kind="email",
                body=email.text or email.subject or "(empty e-mail)",
                provider_message_id=client_id_for(email.message_id),
                contact_name=email.sender_name,
                threaded=True,
            )
        ]

    async def send(self, outbound: Outbound) -> Sent:
        if self._smtp is None:
            raise DeliveryFailed(NO_SMTP, permanent=True)
        message = await self._compose(outbound)
        try:
            await self._smtp.send(message)
        except smtplib.SMTPResponseException as exc:
            reason = f"the mail server answered {exc.smtp_code}: {exc.smtp_error!r}"
            raise DeliveryFailed(reason, permanent=500 <= exc.smtp_code < 600) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryFailed(f"recipient refused: {exc.recipients}", permanent=True) from exc
        return Sent(provider_message_id=message["Message-ID"].strip("<>"))

    async def _compose(self, outbound: Outbound) -> EmailMessage:
        """The reply as a message; its Message-ID is recorded once, reused on every attempt."""
        message_id = outbound.message["id"]
        async with self._db.transaction() as tx:
            settings = await get_settings(tx.session, outbound.workspace_id)
            if settings is None:
                raise DeliveryFailed(NO_ADDRESS, permanent=True)
            thread = list(
                (
                    await tx.session.scalars(
                        select(EmailMessageId)
                        .where(EmailMessageId.conversation_id == outbound.conversation_id)
                        .order_by(EmailMessageId.created_at, EmailMessageId.id)
                    )
                ).all()
            )
            mine = next((m for m in thread if m.message_id == message_id), None)
            earlier = [m for m in thread if m is not mine]
            if mine is None:
                last_in = next((m for m in reversed(earlier) if m.direction == "in"), None)
                domain = settings.support_address.rsplit("@", 1)[1]
                mine = EmailMessageId(
                    workspace_id=outbound.workspace_id,
                    header_id=f"{message_id.lower()}@{domain}",
                    conversation_id=outbound.conversation_id,
                    message_id=message_id,
                    direction="out",
                    subject=last_in.subject if last_in else "",
                )
                tx.session.add(mine)
            reply = await tx.session.get(Message, message_id)
            if reply is None:
                raise DeliveryFailed("the reply was deleted", permanent=True)
            sender = formataddr((settings.display_name or "", settings.support_address))
            header_id, subject, body = mine.header_id, mine.subject, reply.body
            automatic = reply.author_type == "system"
        last_in = next((m for m in reversed(earlier) if m.direction == "in"), None)
        subject = subject or "Your message"
        message = EmailMessage()
        message["From"] = sender
        message["To"] = outbound.source_id
        message["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
        message["Message-ID"] = f"<{header_id}>"
        message["Date"] = format_datetime(clock.now())
        if last_in is not None:
            message["In-Reply-To"] = f"<{last_in.header_id}>"
        if earlier:
            message["References"] = " ".join(f"<{m.header_id}>" for m in earlier[-20:])
        message["Auto-Submitted"] = "auto-replied" if automatic else "no"
        message.set_content(body)
        return message
