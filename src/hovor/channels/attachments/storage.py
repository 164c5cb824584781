"""Where every channel's files live and how they are served: one storage for all.

A file is written as ``HOVOR_DATA_DIR/attachments/<workspace>/<id>.part`` in the
transaction that adds its ``Attachment`` row, and renamed to ``<id>`` once that committed
(``finish_file``): a failed commit leaves a ``.part`` nothing points to (``remove_orphans``
deletes it later), never a row without its file.

Downloads: the agents of the file's workspace with their session (``/v1/attachments/<id>``),
or anyone holding a URL signed by the server's secret, valid for ``URL_LIFETIME``
(``signed_path``; the desktop's image previews and download links, a visitor's own files).
A file is served inline only when it is a raster image (``INLINE_TYPES``); anything else is
a download (``Content-Disposition: attachment``), and a type a browser could run (HTML, SVG,
XML, scripts…) is served as ``application/octet-stream``, always with ``nosniff`` and a
``sandbox`` Content-Security-Policy.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
from datetime import datetime, timedelta
from pathlib import Path

from fastapi import Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.security import same
from hovor.channels.attachments.models import Attachment
from hovor.core import clock
from hovor.core.errors import Forbidden, NotFound

URL_LIFETIME = timedelta(hours=1)
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
# Served with their own type (as downloads unless inline); any other type is served as
# application/octet-stream, so a browser never renders or runs it.
SERVED_TYPES = INLINE_TYPES | {
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/zip",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
}
OTHER_TYPE = "application/octet-stream"
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def safe_name(filename: str) -> str:
    """A file name without path separators or control characters ("" when nothing is left)."""
    return _UNSAFE_NAME.sub("_", filename.strip()).strip(". ")


def size_label(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


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


async def write_file(data_dir: Path, attachment: Attachment, data: bytes) -> None:
    """Before the row commits: the file as ``<id>.part``."""
    await asyncio.to_thread(_write, file_path(data_dir, attachment), data)


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


def file_response(row: Attachment, data: bytes) -> Response:
    inline = row.content_type in INLINE_TYPES
    media_type = row.content_type if row.content_type in SERVED_TYPES else OTHER_TYPE
    quoted = row.filename.encode("ascii", "replace").decode().replace('"', "_")
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{quoted}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, max-age=3600",
        },
    )


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
    if not same(expected, signature):
        raise Forbidden("invalid signature")
    if expires < clock.now().timestamp():
        raise Forbidden("the link expired; ask for a new one")


# -- files without a row (erased) -------------------------------------------------------------

PART_AGE_SECONDS = 600.0  # a younger .part may be a file whose row is being committed


def _files(folder: Path, now: float) -> dict[str, Path]:
    """The workspace's committed files, and ``.part`` files of writes that failed."""
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
