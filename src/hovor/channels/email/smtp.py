"""Sending one message by SMTP (stdlib ``smtplib`` in a worker thread: the loop never blocks)."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

TIMEOUT = 20.0


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str | None
    password: str | None
    tls: bool  # implicit TLS (smtps://)
    starttls: bool

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """``smtp://user:pass@host:587?starttls=true`` or ``smtps://user:pass@host:465``."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("HOVOR_SMTP_URL must look like smtp://user:pass@host:587")
        query = parse_qs(parts.query)
        starttls = query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes")
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
            starttls=starttls,
        )

    def _send_blocking(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        client: smtplib.SMTP = (
            smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT, context=context)
            if self.tls
            else smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
        )
        with client:
            if self.starttls:
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._send_blocking, message)
