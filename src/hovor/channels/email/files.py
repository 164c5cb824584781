"""An e-mail's attachments and HTML, kept with its message.

Attachments (inline images too) go to the one attachment storage
(``hovor.channels.attachments``) within the limits of ``EmailFiles``: a file over
``max_file_bytes``, or past ``max_mail_bytes`` of the mail's files together, is not stored
but listed on its message (``skipped``, reason "too large"). Nothing is checked by type:
storage serves anything but raster images as a download, and runnable types as
``application/octet-stream``. The sanitised HTML (``parse``) is kept on the message's
``EmailMessageId`` row. ``email_parts`` gives the desktop both, with signed URLs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.attachments import storage
from hovor.channels.attachments.models import Attachment
from hovor.channels.email import parse
from hovor.channels.email.models import EmailMessageId
from hovor.config import Settings
from hovor.conversations.models import Message
from hovor.core import clock
from hovor.core.ids import new_id
from hovor.db.transaction import Tx

TOO_LARGE = "too large"
NO_STORAGE = "no storage configured"


@dataclass(frozen=True)
class EmailFiles:
    """Where and how much of an e-mail's attachments is stored."""

    data_dir: Path
    max_file_bytes: int
    max_mail_bytes: int

    @classmethod
    def of(cls, settings: Settings) -> EmailFiles:
        return cls(
            settings.data_dir,
            settings.email_attachment_max_bytes,
            settings.email_attachments_max_total_bytes,
        )


@dataclass(frozen=True)
class Plan:
    kept: list[parse.Attachment] = field(default_factory=list)
    skipped: list[tuple[parse.Attachment, str]] = field(default_factory=list)  # and why


def plan(email: parse.ParsedEmail, files: EmailFiles | None) -> Plan:
    """Which files are stored, in the mail's order, and which are not (too large; or all of
    them when there is no storage)."""
    result = Plan()
    total = 0
    for part in email.attachments:
        if files is None:
            result.skipped.append((part, NO_STORAGE))
        elif part.size <= files.max_file_bytes and total + part.size <= files.max_mail_bytes:
            total += part.size
            result.kept.append(part)
        else:
            result.skipped.append((part, TOO_LARGE))
    return result


def listing(chosen: Plan) -> str:
    """The lines the message's text ends with, naming its files (for search and any client
    that shows only text)."""
    lines = [f"📎 {a.filename} ({storage.size_label(a.size)})" for a in chosen.kept]
    lines += [
        f"📎 {a.filename} ({storage.size_label(a.size)}) — not stored: {why}"
        for a, why in chosen.skipped
    ]
    return "\n".join(lines)


async def do_store_parts(
    tx: Tx,
    files: EmailFiles | None,
    row: EmailMessageId,
    message: Message,
    email: parse.ParsedEmail,
) -> list[Attachment]:
    """Keep the HTML and the files of a newly stored e-mail message; the files are written as
    ``.part`` and must be finished (``storage.finish_file``) once the transaction committed."""
    chosen = plan(email, files)
    row.html = email.html
    row.skipped = [
        {"filename": a.filename, "content_type": a.content_type, "size": a.size, "reason": why}
        for a, why in chosen.skipped
    ] or None
    stored = []
    for part in chosen.kept:
        assert files is not None
        attachment = Attachment(
            id=new_id(),
            workspace_id=message.workspace_id,
            visitor_id=(message.author_id or "")[:64],
            conversation_id=message.conversation_id,
            message_id=message.id,
            filename=storage.safe_name(part.filename)[:255] or "attachment",
            content_type=part.content_type[:100],
            size=part.size,
            sha256=hashlib.sha256(part.data).hexdigest(),
            content_id=part.content_id,
            created_at=clock.now(),
        )
        await storage.write_file(files.data_dir, attachment, part.data)
        tx.session.add(attachment)
        stored.append(attachment)
    await tx.session.flush()
    return stored


async def finish_files(files: EmailFiles | None, stored: list[Attachment]) -> None:
    if files is not None:
        for attachment in stored:
            await storage.finish_file(files.data_dir, attachment)


@dataclass(frozen=True)
class StoredFile:
    attachment: Attachment
    url: str  # signed, under the server's origin
    expires_at: datetime


@dataclass(frozen=True)
class EmailPart:
    message_id: str
    subject: str
    html: str | None
    files: list[StoredFile]
    skipped: list[dict[str, object]]


async def email_parts(
    session: AsyncSession, conversation_id: str, *, secret: str, origin: str
) -> list[EmailPart]:
    """The HTML and files of the conversation's received e-mails, oldest first, each file
    with a URL signed for ``storage.URL_LIFETIME``."""
    rows = (
        await session.scalars(
            select(EmailMessageId)
            .where(
                EmailMessageId.conversation_id == conversation_id, EmailMessageId.direction == "in"
            )
            .order_by(EmailMessageId.created_at, EmailMessageId.id)
        )
    ).all()
    attachments = (
        await session.scalars(
            select(Attachment)
            .where(Attachment.conversation_id == conversation_id)
            .order_by(Attachment.created_at, Attachment.id)
        )
    ).all()
    now = clock.now()
    by_message: dict[str, list[StoredFile]] = {}
    for a in attachments:
        path, expires_at = storage.signed_path(secret, a.id, now)
        by_message.setdefault(a.message_id or "", []).append(
            StoredFile(a, origin + path, expires_at)
        )
    return [
        EmailPart(
            r.message_id, r.subject, r.html, by_message.get(r.message_id, []), r.skipped or []
        )
        for r in rows
    ]
