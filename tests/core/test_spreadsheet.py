"""CSV cells: a formula is shown, never run; numbers stay numbers."""

from __future__ import annotations

import pytest

from hovor.core.spreadsheet import Page, csv_pages, safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+420 602 555 123", "'+420 602 555 123"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-cmd", "'-cmd"),
        ("\tx", "'\tx"),
        ("-12.5", "-12.5"),
        (-3, "-3"),
        ("Jana Nováková", "Jana Nováková"),
        (None, ""),
    ],
)
def test_formulas_are_quoted_and_numbers_kept(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


async def test_csv_pages_streams_one_chunk_per_page_until_the_last_cursor() -> None:
    pages = {None: ([1, 2], "b"), "b": ([3], "c"), "c": ([], None)}
    asked: list[str | None] = []

    async def page(cursor: str | None) -> Page[int]:
        asked.append(cursor)
        return pages[cursor]

    chunks = [c async for c in csv_pages(["n", "text"], page, lambda n: [n, f"č{n},x"])]
    assert asked == [None, "b", "c"]
    assert chunks == ['n,text\r\n1,"č1,x"\r\n2,"č2,x"\r\n', '3,"č3,x"\r\n', ""]
