"""The built-in SMTP receiver: a mail server forwards to it, each recipient an e-mail inbox.

Off unless ``HOVOR_SMTP_RECEIVER_PORT`` is set. ``RCPT TO`` names an inbox by its address
(the inbox's ``address`` setting); an address no inbox has, or that inboxes of two
workspaces claim, is refused with 550, so the forwarding server bounces it. A message over
``HOVOR_SMTP_RECEIVER_MAX_BYTES`` is refused with 552 (aiosmtpd's ``data_size_limit``).
The message is stored before ``250`` is answered: an answered message is never lost, and a
resend after a lost answer is stored once (dedup by Message-ID). A malformed message or an
echo of the inbox's own address is refused with 550 and the reason; automatic mail
(auto-replies, bounces: ``loop``) is accepted and stored but never answered.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select

from hovor.channels.base import InboxRef
from hovor.channels.email.files import EmailFiles
from hovor.channels.email.intake import do_intake, inbox_address
from hovor.channels.email.service import KIND
from hovor.channels.inboxes.models import Inbox
from hovor.channels.inboxes.service import ref
from hovor.core.errors import HovorError
from hovor.db.transaction import Database

log = logging.getLogger(__name__)


async def inbox_for_address(db: Database, address: str) -> InboxRef | None:
    """The one e-mail inbox with this address (None: none, or inboxes of several workspaces)."""
    wanted = address.strip().strip("<>").lower()
    async with db.read() as session:
        inboxes = [ref(i) for i in await session.scalars(select(Inbox).where(Inbox.kind == KIND))]
    found = [i for i in inboxes if inbox_address(i) == wanted]
    if len({i.workspace_id for i in found}) != 1:
        return None
    return found[0]


class Handler:
    """aiosmtpd's hooks: RCPT chooses inboxes, DATA stores the message in each of them."""

    def __init__(self, db: Database, files: EmailFiles | None = None) -> None:
        self._db = db
        self._files = files

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        inbox = await inbox_for_address(self._db, address)
        if inbox is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        inboxes: dict[str, InboxRef] = getattr(envelope, "hovor_inboxes", {})
        inboxes[inbox.id] = inbox
        envelope.hovor_inboxes = inboxes  # type: ignore[attr-defined]
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        inboxes: dict[str, InboxRef] = getattr(envelope, "hovor_inboxes", {})
        mail_from = envelope.mail_from if envelope.mail_from is not None else ""
        try:
            for inbox in inboxes.values():
                await do_intake(self._db, inbox, raw, envelope_from=mail_from, files=self._files)
        except HovorError as exc:
            detail = " ".join(str(exc).split())[:200]
            return f"550 5.6.0 {detail}"
        return "250 2.0.0 Message accepted"


class SmtpReceiver:
    """The listening server, started and closed with the app."""

    def __init__(
        self,
        db: Database,
        host: str,
        port: int,
        max_bytes: int,
        *,
        shared: bool = False,
        files: EmailFiles | None = None,
    ) -> None:
        """``shared``: several worker processes listen on the port (SO_REUSEPORT), the
        kernel spreading connections between them."""
        self._db = db
        self._files = files
        self._shared = shared
        self._host = host
        self._port = port
        self._max_bytes = max_bytes
        self._server: asyncio.base_events.Server | None = None

    def _protocol(self) -> SMTP:
        return SMTP(
            Handler(self._db, self._files),
            data_size_limit=self._max_bytes,
            hostname="hovor",
            ident="Hovor SMTP receiver",
        )

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._protocol, self._host, self._port, reuse_port=self._shared or None
        )
        log.info("SMTP receiver on %s:%s", self._host, self._port)

    @property
    def port(self) -> int:
        assert self._server is not None
        sockets: Any = self._server.sockets
        return int(sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
