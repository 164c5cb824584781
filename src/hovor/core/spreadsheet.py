"""Cells of the CSV files people open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
Page = tuple[Sequence[T], str | None]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A value as a CSV cell's text; text that starts like a formula is quoted with ``'`` so
    a spreadsheet shows it instead of running it (CSV injection: names, e-mails and
    addresses come from people). Numbers, negative ones too, stay numbers."""
    text = "" if value is None else str(value)
    if text[:1] in FORMULA_STARTS and not _number(text):
        return "'" + text
    return text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


async def csv_pages(
    header: Sequence[str],
    page: Callable[[str | None], Awaitable[Page[T]]],
    row: Callable[[T], Sequence[object]],
) -> AsyncIterator[str]:
    """A CSV file (header first, CRLF lines) streamed one page at a time: ``page(cursor)``
    gives a page of items and the next cursor (None after the last), ``row(item)`` the
    item's cells. Memory stays one page whatever the size of the export."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    cursor: str | None = None
    while True:
        items, cursor = await page(cursor)
        writer.writerows(row(item) for item in items)
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if cursor is None:
            return
