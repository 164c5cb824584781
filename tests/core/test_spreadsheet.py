"""CSV cells: a formula is shown, never run; numbers stay numbers."""

from __future__ import annotations

import pytest

from hovor.core.spreadsheet import safe_cell


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
