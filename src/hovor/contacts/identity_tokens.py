"""Signed identity tokens: how a site's back-end vouches for its signed-in customer.

A JSON Web Token (RFC 7519) signed with HS256 and the site key's identity secret:

    header  {"alg": "HS256", "typ": "JWT"}
    payload {"sub": external_id, "aud": site key (pk_…), "iat": issued, "exp": expires,
             "jti": optional id}

It expires (``exp`` at most ``MAX_LIFETIME`` after ``iat``) and names the site it is for
(``aud``), so a token seen once stops working; the older form, an HMAC of the customer id
alone, never does (see docs/security.md). ``sub`` is taken exactly as signed: an id with
surrounding whitespace is another id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hovor.core.errors import Forbidden
from hovor.core.jsontext import compact_json, parse_json

MAX_LIFETIME = timedelta(hours=24)
CLOCK_SKEW = timedelta(minutes=2)  # between the shop's clock and ours
MAX_TOKEN_CHARS = 4096


@dataclass(frozen=True)
class IdentityKey:
    """A secret that may have signed a token, and the site key (audience) it belongs to."""

    secret: str
    audience: str


@dataclass(frozen=True)
class IdentityToken:
    external_id: str
    audience: str
    expires_at: datetime
    jti: str | None


def issue_identity_token(
    key: IdentityKey,
    external_id: str,
    *,
    issued_at: datetime,
    lifetime: timedelta = timedelta(hours=1),
    jti: str | None = None,
) -> str:
    """What the site's back-end computes (any JWT library does the same)."""
    payload: dict[str, Any] = {
        "sub": external_id,
        "aud": key.audience,
        "iat": int(issued_at.timestamp()),
        "exp": int((issued_at + lifetime).timestamp()),
    }
    if jti is not None:
        payload["jti"] = jti
    signing_input = _part({"alg": "HS256", "typ": "JWT"}) + "." + _part(payload)
    return signing_input + "." + _b64(_mac(key.secret, signing_input))


def check_identity_token(
    token: str, keys: Sequence[IdentityKey], *, now: datetime
) -> IdentityToken:
    """The token's claims when one of ``keys`` signed it for its own site key and it is
    current; otherwise ``Forbidden`` saying what is wrong."""
    parts = token.split(".")
    if len(token) > MAX_TOKEN_CHARS or len(parts) != 3:
        raise _invalid("not a JWT")
    header, payload = _decode(parts[0]), _decode(parts[1])
    if header.get("alg") != "HS256":
        raise _invalid("the algorithm must be HS256")
    try:
        sent = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
    except (binascii.Error, ValueError) as exc:
        raise _invalid("not a JWT") from exc
    signing_input = parts[0] + "." + parts[1]
    signer = None
    for key in keys:  # every key is tried, so the time taken does not tell which matched
        if hmac.compare_digest(_mac(key.secret, signing_input), sent) and signer is None:
            signer = key
    if signer is None:
        raise _invalid("bad signature")
    audience = payload.get("aud")
    if not (
        audience == signer.audience or (isinstance(audience, list) and signer.audience in audience)
    ):
        raise _invalid(f"aud must be the site key {signer.audience}")
    external_id, jti = payload.get("sub"), payload.get("jti")
    if not isinstance(external_id, str) or not external_id:
        raise _invalid("sub must be the customer's id, a string")
    if jti is not None and not isinstance(jti, str):
        raise _invalid("jti must be a string")
    issued, expires = _time(payload, "iat"), _time(payload, "exp")
    if expires - issued > MAX_LIFETIME:
        raise _invalid("exp may be at most 24 hours after iat")
    if issued > now + CLOCK_SKEW:
        raise _invalid("iat is in the future")
    if expires <= now - CLOCK_SKEW:
        raise _invalid("expired")
    return IdentityToken(external_id, signer.audience, expires, jti)


def _invalid(reason: str) -> Forbidden:
    return Forbidden(f"invalid identity token: {reason}")


def _time(payload: dict[str, Any], name: str) -> datetime:
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid(f"{name} must be a time in seconds since 1970")
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise _invalid(f"{name} is out of range") from exc


def _decode(part: str) -> dict[str, Any]:
    try:
        value = parse_json(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise _invalid("not a JWT") from exc
    if not isinstance(value, dict):
        raise _invalid("not a JWT")
    return value


def _mac(secret: str, signing_input: str) -> bytes:
    return hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _part(value: dict[str, Any]) -> str:
    return _b64(compact_json(value).encode())
