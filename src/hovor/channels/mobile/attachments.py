"""Files visitors attach to their chat: checked, stored on disk, offered by signed URL.

A file is checked before anything is kept: at most ``HOVOR_ATTACHMENT_MAX_BYTES``, one of
``ALLOWED_TYPES``, and its first bytes must be what that type starts with (a page cannot
upload HTML as ``image/png`` and have it served back). It is written under
``HOVOR_DATA_DIR/attachments/<workspace>/<id>`` (the shared storage,
``hovor.channels.attachments.storage``) and becomes a visitor message in their conversation
(the web chat's own inbound path), which names the file and the agents' link. The visitor
downloads with a URL signed by the server's secret, valid for an hour; agents download with
their session.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.attachments.models import Attachment
from hovor.channels.attachments.storage import safe_name, size_label, write_file
from hovor.channels.inbound import Received
from hovor.channels.webchat.adapter import WebChatAdapter
from hovor.channels.webchat.frames import MessageSend
from hovor.channels.webchat.service import receive_visitor_message
from hovor.core import clock
from hovor.core.errors import HovorError, field_error
from hovor.core.ids import new_id
from hovor.core.visitor_tokens import VisitorClaims
from hovor.db.transaction import Tx


def _starts(*prefixes: bytes) -> tuple[bytes, ...]:
    return prefixes


# content type -> what such a file starts with (empty: any text without NUL)
ALLOWED_TYPES: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": _starts(b"\xff\xd8\xff"),
    "image/png": _starts(b"\x89PNG\r\n\x1a\n"),
    "image/gif": _starts(b"GIF87a", b"GIF89a"),
    "image/webp": _starts(b"RIFF"),
    "application/pdf": _starts(b"%PDF-"),
    "text/plain": (),
}


class TooLarge(HovorError):
    status = 413
    code = "too_large"
    title = "Too large"


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def check_upload(filename: str, content_type: str, data: bytes, max_bytes: int) -> Upload:
    """The upload as it will be kept, or an error naming what is wrong with it."""
    name = safe_name(filename)
    if not name or len(name) > 255:
        raise field_error(["query", "filename"], "a file name of 1 to 255 characters")
    kind = content_type.split(";")[0].strip().lower()
    if kind not in ALLOWED_TYPES:
        raise field_error(["header", "content-type"], f"one of {', '.join(sorted(ALLOWED_TYPES))}")
    if not data:
        raise field_error(["body"], "the file is empty")
    if len(data) > max_bytes:
        raise TooLarge(f"the file is larger than {max_bytes} bytes")
    starts = ALLOWED_TYPES[kind]
    if starts and not data.startswith(starts):
        raise field_error(["body"], f"the file is not {kind}")
    if kind == "image/webp" and data[8:12] != b"WEBP":
        raise field_error(["body"], "the file is not image/webp")
    if not starts:
        try:
            if "\x00" in data.decode("utf-8"):
                raise ValueError("NUL")
        except ValueError:
            raise field_error(["body"], "text/plain must be UTF-8 text") from None
    return Upload(name, kind, data)


async def do_attach(
    tx: Tx,
    adapter: WebChatAdapter,
    claims: VisitorClaims,
    upload: Upload,
    *,
    client_id: str,
    data_dir: Path,
) -> tuple[Attachment, Received]:
    """Store the file and post it as the visitor's message (a resend with the same
    ``client_id`` returns the first upload and keeps no second copy).

    The file is written as ``<id>.part`` before the row commits; the caller renames it with
    ``storage.finish_file`` once committed. A failed commit leaves a ``.part`` nothing points to
    (``remove_orphans`` deletes it later), never a row without its file.
    """
    stored_id = new_id()
    body = f"📎 {upload.filename} ({size_label(len(upload.data))})\n/v1/attachments/{stored_id}"
    received = await receive_visitor_message(
        tx, adapter, claims, MessageSend(type="message.send", client_id=client_id, body=body)
    )
    if not received.created:
        earlier = await tx.session.scalar(
            select(Attachment).where(
                Attachment.workspace_id == claims.workspace_id,
                Attachment.message_id == received.message.id,
            )
        )
        if earlier is None:
            raise field_error(["query", "client_id"], "already used for a message without a file")
        return earlier, received
    attachment = Attachment(
        id=stored_id,
        workspace_id=claims.workspace_id,
        visitor_id=claims.visitor_id,
        conversation_id=received.conversation_id,
        message_id=received.message.id,
        filename=upload.filename,
        content_type=upload.content_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        created_at=clock.now(),
    )
    await write_file(data_dir, attachment, upload.data)
    tx.session.add(attachment)
    await tx.session.flush()
    return attachment, received


async def visitor_attachments(session: AsyncSession, claims: VisitorClaims) -> list[Attachment]:
    return list(
        (
            await session.scalars(
                select(Attachment)
                .where(
                    Attachment.workspace_id == claims.workspace_id,
                    Attachment.visitor_id == claims.visitor_id,
                )
                .order_by(Attachment.created_at, Attachment.id)
            )
        ).all()
    )
