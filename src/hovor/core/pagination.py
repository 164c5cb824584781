"""Keyset paging, newest first: the one way lists of conversations, tickets and a contact's
timeline are paged.

A page is ordered by a timestamp, newest first, ties broken by the row id (greater first). Its
cursor names the last row shown, ``(timestamp, id)``; the next page holds the rows strictly
after it in that order, so rows written meanwhile neither repeat nor shift a page the way an
offset would. The cursor is opaque to clients: URL-safe base64 of the timestamp in UTC
microseconds and the id. Anything else given as a cursor is one ``InvalidInput`` error naming
the query parameter it came in, before any query runs.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from hovor.core.errors import InvalidInput

T = TypeVar("T")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
MAX_CURSOR = 128  # characters; a real one is about 60
# What a cursor holds: UTC microseconds (any datetime fits in 19 digits) and an id (ULIDs
# today; the alphabet keeps NULs and the like from reaching the database).
_PAYLOAD = re.compile(r"(-?[0-9]{1,19})\.([0-9A-Za-z_-]{1,64})")
_URLSAFE = re.compile(r"[0-9A-Za-z_-]+")


def encode_cursor(at: datetime, row_id: str) -> str:
    """The cursor naming the row ``(at, row_id)``; ``at`` must carry its time zone."""
    if at.tzinfo is None:
        raise ValueError("a cursor's time must carry its time zone")
    micros = (at - _EPOCH) // _MICROSECOND
    payload = f"{micros}.{row_id}"
    if _PAYLOAD.fullmatch(payload) is None:
        raise ValueError(f"cannot page by the id {row_id!r}")
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, field: str = "cursor") -> tuple[datetime, str]:
    """``(at, row_id)`` of a cursor ``encode_cursor`` wrote (``at`` in UTC); ``InvalidInput``
    at ``["query", field]`` for anything else."""
    try:
        if len(cursor) > MAX_CURSOR or _URLSAFE.fullmatch(cursor) is None:
            raise ValueError("not URL-safe base64")
        payload = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        match = _PAYLOAD.fullmatch(payload)
        if match is None:
            raise ValueError("not a cursor's payload")
        return _EPOCH + int(match[1]) * _MICROSECOND, match[2]
    except (ValueError, binascii.Error, OverflowError) as exc:  # UnicodeError is a ValueError
        raise InvalidInput(
            "invalid cursor",
            errors=[{"loc": ["query", field], "msg": "not a cursor this list gave out"}],
        ) from exc


async def newest_first(
    session: AsyncSession,
    query: Select[T],
    *,
    at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[str],
    cursor: str | None,
    limit: int,
    field: str = "cursor",
) -> tuple[list[T], str | None]:
    """A page of ``query``'s rows (its filters, no order of its own): newest ``at`` first,
    after the row ``cursor`` names; and the cursor of the next page, ``None`` on the last.

    ``field`` is the query parameter the cursor came in, for the error of a bad one.
    """
    if limit < 1:
        raise ValueError("a page holds at least one row")
    if cursor:
        last_at, last_id = decode_cursor(cursor, field=field)
        query = query.where(or_(at < last_at, and_(at == last_at, row_id < last_id)))
    query = query.order_by(at.desc(), row_id.desc()).limit(limit + 1)
    rows = list((await session.scalars(query)).all())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor(getattr(last, at.key), getattr(last, row_id.key))
