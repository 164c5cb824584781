"""The signed token in a rating link: names one survey, cannot be forged or moved to another.

``<survey id>.<HMAC-SHA256(secret, "csat:" + id), base64url, 32 chars>``. Knowing the link is
what makes the customer the customer (it went only to them, on their channel); it is single
use because a survey takes one rating.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from hovor.auth.security import same

_PREFIX = b"csat:"


def _mac(secret: str, survey_id: str) -> str:
    digest = hmac.new(secret.encode(), _PREFIX + survey_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def sign(secret: str, survey_id: str) -> str:
    return f"{survey_id}.{_mac(secret, survey_id)}"


def verify(secret: str, token: str) -> str | None:
    """The survey id the token names, or None when it is not one we signed."""
    survey_id, dot, mac = token.partition(".")
    if not dot or not survey_id or len(token) > 100:
        return None
    return survey_id if same(mac, _mac(secret, survey_id)) else None
