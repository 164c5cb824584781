"""Cells of the CSV files people open in a spreadsheet."""

from __future__ import annotations

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
