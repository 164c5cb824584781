"""E-mail adapter: raw messages posted by the MTA in; agent replies out by SMTP, with retries.

A reply is stored before it is sent. ``send`` records an ``EmailDelivery`` and hands the
SMTP work to a background task, so the agent's request never waits on the mail server; a
failed attempt is recorded and retried after ``retry_delays`` (then the status is
``failed``). Without ``HOVOR_SMTP_URL`` the delivery is recorded as ``unsent``.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from sqlalchemy import select

from hovor.channels.base import Inbound, Outbound, RawInbound
from hovor.channels.email.models import EmailDelivery, EmailMessageId
from hovor.channels.email.parse import ParsedEmail
from hovor.channels.email.service import KIND, client_id_for, get_settings
from hovor.channels.email.smtp import SmtpServer
from hovor.conversations.models import Message
from hovor.core import clock
from hovor.core.errors import Forbidden
from hovor.db.transaction import Database

log = logging.getLogger(__name__)

RETRY_DELAYS = (10.0, 60.0, 300.0)  # after attempts 1, 2, 3; four attempts in all
NO_SMTP = "not sent: no SMTP configured (HOVOR_SMTP_URL)"


@dataclass(frozen=True)
class EmailPayload:
    """What the inbound endpoint hands the adapter: the parsed message and where it must go."""

    email: ParsedEmail
    support_address: str | None


class EmailAdapter:
    kind = KIND

    def __init__(
        self,
        db: Database,
        smtp: SmtpServer | None,
        *,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self._db = db
        self._smtp = smtp
        self._retry_delays = tuple(retry_delays)
        self._tasks: set[asyncio.Task[None]] = set()

    def verify(self, raw: RawInbound) -> None:
        payload = raw.payload
        assert isinstance(payload, EmailPayload)
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

    async def send(self, outbound: Outbound) -> None:
        delivery_id = await self._record(outbound)
        if delivery_id is not None and self._smtp is not None:
            task = asyncio.create_task(self._deliver(delivery_id, self._smtp))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _record(self, outbound: Outbound) -> str | None:
        """Store the delivery and the reply's Message-ID (so the customer's answer threads)."""
        message_id = outbound.message["id"]
        async with self._db.transaction() as tx:
            if await tx.session.scalar(
                select(EmailDelivery.id).where(EmailDelivery.message_id == message_id)
            ):
                return None  # already recorded: a listener re-run
            settings = await get_settings(tx.session, outbound.workspace_id)
            domain = settings.support_address.rsplit("@", 1)[1] if settings else "hovor.invalid"
            header_id = f"{message_id.lower()}.{secrets.token_hex(4)}@{domain}"
            last_in = await tx.session.scalar(
                select(EmailMessageId)
                .where(
                    EmailMessageId.conversation_id == outbound.conversation_id,
                    EmailMessageId.direction == "in",
                )
                .order_by(EmailMessageId.created_at.desc(), EmailMessageId.id.desc())
                .limit(1)
            )
            tx.session.add(
                EmailMessageId(
                    workspace_id=outbound.workspace_id,
                    header_id=header_id,
                    conversation_id=outbound.conversation_id,
                    message_id=message_id,
                    direction="out",
                    subject=last_in.subject if last_in else "",
                )
            )
            status, error = "pending", None
            if settings is None:
                status, error = "unsent", "not sent: no support address configured"
            elif self._smtp is None:
                status, error = "unsent", NO_SMTP
            delivery = EmailDelivery(
                workspace_id=outbound.workspace_id,
                message_id=message_id,
                to_address=outbound.source_id,
                header_id=header_id,
                status=status,
                last_error=error,
            )
            tx.session.add(delivery)
            await tx.session.flush()
            if error:
                log.warning("e-mail reply %s to %s %s", message_id, outbound.source_id, error)
                return None
            return delivery.id

    async def _compose(self, delivery_id: str) -> EmailMessage | None:
        async with self._db.read() as session:
            delivery = await session.get(EmailDelivery, delivery_id)
            if delivery is None or delivery.status != "pending":
                return None
            settings = await get_settings(session, delivery.workspace_id)
            mine = await session.scalar(
                select(EmailMessageId).where(EmailMessageId.message_id == delivery.message_id)
            )
            if settings is None or mine is None:
                return None
            thread = (
                await session.scalars(
                    select(EmailMessageId)
                    .where(
                        EmailMessageId.conversation_id == mine.conversation_id,
                        EmailMessageId.id != mine.id,
                    )
                    .order_by(EmailMessageId.created_at, EmailMessageId.id)
                )
            ).all()
            reply = await session.get(Message, delivery.message_id)
            if reply is None:
                return None
        last_in = next((m for m in reversed(thread) if m.direction == "in"), None)
        subject = mine.subject or "Your message"
        message = EmailMessage()
        message["From"] = formataddr((settings.display_name or "", settings.support_address))
        message["To"] = delivery.to_address
        message["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
        message["Message-ID"] = f"<{delivery.header_id}>"
        message["Date"] = format_datetime(clock.now())
        if last_in is not None:
            message["In-Reply-To"] = f"<{last_in.header_id}>"
        if thread:
            message["References"] = " ".join(f"<{m.header_id}>" for m in thread[-20:])
        message["Auto-Submitted"] = "auto-replied" if reply.author_type == "system" else "no"
        message.set_content(reply.body)
        return message

    async def _deliver(self, delivery_id: str, smtp: SmtpServer) -> None:
        for attempt in range(len(self._retry_delays) + 1):
            try:
                message = await self._compose(delivery_id)
                if message is None:
                    return
                await smtp.send(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                last = attempt >= len(self._retry_delays)
                log.warning(
                    "e-mail delivery %s attempt %d failed: %s", delivery_id, attempt + 1, exc
                )
                await self._mark(
                    delivery_id, "failed" if last else "pending", f"{type(exc).__name__}: {exc}"
                )
                if last:
                    return
                await asyncio.sleep(self._retry_delays[attempt])
            else:
                await self._mark(delivery_id, "sent", None)
                return

    async def _mark(self, delivery_id: str, status: str, error: str | None) -> None:
        async with self._db.transaction() as tx:
            delivery = await tx.session.get(EmailDelivery, delivery_id)
            if delivery is None:
                return
            delivery.attempts += 1
            delivery.status = status
            delivery.last_error = error[:2000] if error else None
            if status == "sent":
                delivery.sent_at = clock.now()

    async def wait_idle(self) -> None:
        """Until the deliveries in flight have finished (tests; graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
