from __future__ import annotations

import pytest

from hovor.orders.currencies import format_money

NB = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "written"),
    [
        # What Intl.NumberFormat writes (the desktop's formatter), whole crowns without hellers.
        (189, "CZK", "cs", f"189{NB}Kč"),
        (1890.5, "CZK", "cs-CZ", f"1{NB}890,50{NB}Kč"),
        (189, "EUR", "en", "€189.00"),
        (189, "EUR", "sk", f"189,00{NB}€"),
        (12345.678, "EUR", "de_DE", f"12.345,68{NB}€"),
        (-3, "usd", "en-US", "-$3.00"),
        (5, "CHF", "en", f"CHF{NB}5.00"),
        (189, "EUR", "xx", "€189.00"),  # an unknown language writes as English
        (189, "EUR", None, "€189.00"),
        # No currency known: the number in the reader's digits.
        (189, None, "en", "189"),
        (2499.5, None, "cs", f"2{NB}499,50"),
    ],
)
def test_amounts_are_written_as_the_reader_expects(
    amount: float, currency: str | None, locale: str | None, written: str
) -> None:
    assert format_money(amount, currency, locale) == written
