"""ISO 4217 currency codes in use (active codes, 2024), and amounts written for people.

``format_money`` follows what browsers' ``Intl.NumberFormat`` writes for the languages our
shops use (the desktop formats with ``Intl`` itself, web/agent/src/conversation/money.ts),
without a locale database on the server: offer texts need only a handful of languages.
"""

from __future__ import annotations

from dataclasses import dataclass

NBSP = "\u00a0"


@dataclass(frozen=True, slots=True)
class _Convention:
    decimal: str
    group: str
    symbol_first: bool  # "€189.00" rather than "189,00 €"


# Languages not listed write amounts as English does.
_CONVENTIONS = {
    "en": _Convention(".", ",", True),
    "cs": _Convention(",", NBSP, False),
    "sk": _Convention(",", NBSP, False),
    "de": _Convention(",", ".", False),
    "pl": _Convention(",", NBSP, False),
    "hu": _Convention(",", NBSP, False),
    "fr": _Convention(",", "\u202f", False),
}
# The symbol a shopper of any of these languages reads; other currencies show their code.
_SYMBOLS = {"EUR": "€", "CZK": "Kč", "USD": "$", "GBP": "£", "PLN": "zł", "HUF": "Ft"}
# Prices in these are whole amounts in practice ("189 Kč"): no decimals unless the
# amount has some.
WHOLE_UNITS = frozenset({"CZK", "HUF", "JPY", "KRW", "ISK", "CLP"})


def format_money(amount: float, currency: str | None, locale: str | None) -> str:
    """``amount`` for a reader of ``locale`` ("cs", "sk-SK", "en-GB"; else English):
    ``format_money(189, "CZK", "cs")`` is "189 Kč", ``(189, "EUR", "en")`` "€189.00",
    ``(189, "EUR", "sk")`` "189,00 €" (a no-break space before the symbol). Without a
    currency (none tracked, none set) the number alone, in the locale's digits."""
    language = (locale or "en").replace("_", "-").split("-")[0].lower()
    convention = _CONVENTIONS.get(language, _CONVENTIONS["en"])
    code = currency.upper() if currency else None
    whole = float(round(amount, 2)).is_integer()
    decimals = 0 if whole and (code is None or code in WHOLE_UNITS) else 2
    digits = f"{abs(amount):,.{decimals}f}"
    number = digits.translate(str.maketrans(",.", convention.group + convention.decimal))
    sign = "-" if amount < 0 else ""
    if code is None:
        return sign + number
    symbol = _SYMBOLS.get(code, code)
    if convention.symbol_first:
        return f"{sign}{symbol}{number}" if len(symbol) <= 2 else f"{sign}{symbol}{NBSP}{number}"
    return f"{sign}{number}{NBSP}{symbol}"


CODES = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYU",
        "UZS",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWL",
    ]
)
