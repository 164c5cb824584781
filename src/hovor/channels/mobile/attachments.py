"""Files visitors attach to their chat: checked, stored on disk, offered by signed URL.

A file is checked before anything is kept: at most ``HOVOR_ATTACHMENT_MAX_BYTES``, one of
``ALLOWED_TYPES``, and its first bytes must be what that type starts with (a page cannot
upload HTML as ``image/png`` and have it served back). It is written under
``HOVOR_DATA_DIR/attachments/<workspace>/<id>`` and becomes a visitor message in their
conversation (the web chat's own inbound path), which names the file and the agents' link.
The visitor downloads with a URL signed by the server's secret, valid for an hour; agents
download with their session.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.inbound import Received
from hovor.channels.mobile.models import Attachment
from hovor.channels.webchat.adapter import WebChatAdapter
from hovor.channels.webchat.frames import MessageSend
from hovor.channels.webchat.service import receive_visitor_message
from hovor.core import clock
from hovor.core.errors import Forbidden, HovorError, NotFound, field_error
from hovor.core.ids import new_id
from hovor.core.visitor_tokens import VisitorClaims
from hovor.db.transaction import Tx

URL_LIFETIME = timedelta(hours=1)


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
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


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
    name = _UNSAFE_NAME.sub("_", filename.strip()).strip(". ")
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


def file_path(data_dir: Path, attachment: Attachment) -> Path:
    return data_dir / "attachments" / attachment.workspace_id / attachment.id


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".part")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _partial(path).write_bytes(data)


def _finish(path: Path) -> None:
    _partial(path).replace(path)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


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
    ``finish_file`` once committed. A failed commit leaves a ``.part`` nothing points to
    (``remove_orphans`` deletes it later), never a row without its file.
    """
    stored_id = new_id()
    body = f"📎 {upload.filename} ({_size(len(upload.data))})\n/v1/attachments/{stored_id}"
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
    await asyncio.to_thread(_write, file_path(data_dir, attachment), upload.data)
    tx.session.add(attachment)
    await tx.session.flush()
    return attachment, received


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


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


async def access_attachment(
    session: AsyncSession, workspace_id: str, attachment_id: str
) -> Attachment:
    row = await session.scalar(
        select(Attachment).where(
            Attachment.id == attachment_id, Attachment.workspace_id == workspace_id
        )
    )
    if row is None:
        raise NotFound("no such attachment")
    return row


# -- signed download URLs ---------------------------------------------------------------------


def _signature(secret: str, attachment_id: str, expires: int) -> str:
    key = hashlib.sha256(b"hovor:attachments:" + secret.encode()).digest()
    return hmac.new(key, f"{attachment_id}:{expires}".encode(), hashlib.sha256).hexdigest()


def signed_path(secret: str, attachment_id: str, now: datetime) -> tuple[str, datetime]:
    """The path (under the server's origin) that downloads the file until it expires."""
    expires_at = now + URL_LIFETIME
    expires = int(expires_at.timestamp())
    signature = _signature(secret, attachment_id, expires)
    return (
        f"/v1/widget/attachments/{attachment_id}/file?expires={expires}&signature={signature}",
        expires_at,
    )


def check_signed(secret: str, attachment_id: str, expires: int, signature: str) -> None:
    expected = _signature(secret, attachment_id, expires)
    if not hmac.compare_digest(expected, signature):
        raise Forbidden("invalid signature")
    if expires < clock.now().timestamp():
        raise Forbidden("the link expired; ask for a new one")


async def finish_file(data_dir: Path, attachment: Attachment) -> None:
    """After the commit: the file takes its final name (only committed files have one)."""
    await asyncio.to_thread(_finish, file_path(data_dir, attachment))


async def read_file(data_dir: Path, attachment: Attachment) -> bytes:
    try:
        return await asyncio.to_thread(file_path(data_dir, attachment).read_bytes)
    except FileNotFoundError:
        raise NotFound("the file is gone") from None


async def remove_file(data_dir: Path, attachment: Attachment) -> None:
    await asyncio.to_thread(_remove, file_path(data_dir, attachment))


# -- files without a row (erased) -------------------------------------------------------------

PART_AGE_SECONDS = 600.0  # a younger .part may be an upload whose row is being committed


def _files(folder: Path, now: float) -> dict[str, Path]:
    """The workspace's committed files, and ``.part`` files of uploads that failed."""
    if not folder.is_dir():
        return {}
    found = {}
    for path in folder.iterdir():
        if not path.is_file():
            continue
        if path.suffix != ".part":
            found[path.name] = path
        elif now - path.stat().st_mtime > PART_AGE_SECONDS:
            found[path.name] = path  # never a row id: always removed
    return found


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


async def remove_orphans(session: AsyncSession, data_dir: Path, workspace_id: str) -> int:
    """Delete the workspace's files whose row is gone (the contact was erased); how many."""
    folder = data_dir / "attachments" / workspace_id
    files = await asyncio.to_thread(_files, folder, clock.now().timestamp())
    if not files:
        return 0
    kept = set(
        (
            await session.scalars(
                select(Attachment.id).where(
                    Attachment.workspace_id == workspace_id, Attachment.id.in_(list(files))
                )
            )
        ).all()
    )
    orphans = [path for key, path in files.items() if key not in kept]
    await asyncio.to_thread(_unlink, orphans)
    return len(orphans)
