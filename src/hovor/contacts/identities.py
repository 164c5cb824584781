"""Identity values, normalised: e-mail lower-cased and checked, phone in E.164, ids trimmed.

Each check raises ``InvalidInput`` whose error names the field (``loc``) the value came from.
"""

from __future__ import annotations

from collections.abc import Collection

import phonenumbers
from pydantic import TypeAdapter, ValidationError
from pydantic.networks import EmailStr

from hovor.contacts.models import IDENTITY_KINDS
from hovor.core.errors import InvalidInput

MAX_VALUE = 254
_EMAIL = TypeAdapter(EmailStr)


def _invalid(loc: list[str | int], msg: str) -> InvalidInput:
    return InvalidInput(
        f"{'.'.join(str(p) for p in loc)}: {msg}", errors=[{"loc": loc, "msg": msg}]
    )


def normalize_email(value: str, loc: list[str | int] | None = None) -> str:
    loc = loc or ["email"]
    value = value.strip()
    try:
        checked = _EMAIL.validate_python(value)
    except ValidationError as exc:
        raise _invalid(loc, "not a valid e-mail address") from exc
    return checked.lower()


def normalize_phone(
    value: str, loc: list[str | int] | None = None, *, region: str | None = None
) -> str:
    """``+420 777 123 456`` → ``+420777123456`` (E.164). The one phone check: identities,
    customers, identify calls and callback requests all use it.

    Without a leading ``+`` the number is read as dialled in ``region`` (``CZ``: ``777 123 456``,
    ``00420 777 123 456``); the default is none, so the international form is required."""
    loc = loc or ["phone"]
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise _invalid(loc, "not a phone number (use the international form, +...)") from exc
    if not phonenumbers.is_valid_number(number):
        raise _invalid(loc, "not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_identity(
    kind: str,
    value: str,
    loc: list[str | int] | None = None,
    kinds: Collection[str] = IDENTITY_KINDS,
) -> str:
    """The stored form of ``value`` for an identity of ``kind``, one of ``kinds`` (the core
    kinds, or with the registered channels' own: ``ChannelCatalogue.identity_kinds()``)."""
    if kind not in kinds:
        raise _invalid(["kind"], f"one of {', '.join(kinds)}")
    if kind == "email":
        return normalize_email(value, loc)
    if kind == "phone":
        return normalize_phone(value, loc)
    value = value.strip()
    if not value or len(value) > MAX_VALUE:
        raise _invalid(loc or [kind], f"between 1 and {MAX_VALUE} characters")
    return value
