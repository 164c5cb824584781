"""What the node runs for mail that arrives by itself: the IMAP poller, and the SMTP
receiver when ``HOVOR_SMTP_RECEIVER_PORT`` is set."""

from __future__ import annotations

from hovor.channels.email.files import EmailFiles
from hovor.channels.email.imap_poller import ImapPoller
from hovor.channels.email.smtp_receiver import SmtpReceiver
from hovor.config import Settings
from hovor.db.transaction import Database


class EmailIntake:
    def __init__(self, db: Database, settings: Settings) -> None:
        files = EmailFiles.of(settings)
        self.poller = ImapPoller(db, poll_seconds=settings.imap_poll_seconds, files=files)
        self.receiver = (
            SmtpReceiver(
                db,
                settings.smtp_receiver_host,
                settings.smtp_receiver_port,
                settings.smtp_receiver_max_bytes,
                shared=settings.workers > 1,
                files=files,
            )
            if settings.smtp_receiver_port is not None
            else None
        )

    async def start(self) -> None:
        await self.poller.start()
        if self.receiver is not None:
            await self.receiver.start()

    async def close(self) -> None:
        if self.receiver is not None:
            await self.receiver.close()
        await self.poller.close()
