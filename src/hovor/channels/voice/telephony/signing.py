"""The generic connector's signatures: HMAC-SHA256 over ``timestamp.body``, with a window.

Both directions sign the same way with the inbox's webhook secret (docs/telephony.md):
``X-Hovor-Timestamp: <unix seconds>`` and ``X-Hovor-Signature: sha256=<hex>`` where the hex is
``HMAC-SHA256(secret, f"{timestamp}.".encode() + body)``. A call whose timestamp is more than
``WINDOW`` seconds away from our clock is refused, so a captured call cannot be replayed
later; within the window a replay repeats an event the calls service has already applied,
which changes nothing (its state only moves forward).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from hovor.auth.security import same
from hovor.core import clock
from hovor.core.errors import Forbidden

TIMESTAMP_HEADER = "x-hovor-timestamp"
SIGNATURE_HEADER = "x-hovor-signature"
WINDOW = 300  # seconds either side of our clock
PREFIX = "sha256="


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return PREFIX + digest.hexdigest()


def signed_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers of a call carrying ``body`` (now, unless ``timestamp`` is given)."""
    ts = str(int(clock.now().timestamp()) if timestamp is None else timestamp)
    return {
        "content-type": "application/json",
        "X-Hovor-Timestamp": ts,
        "X-Hovor-Signature": signature(secret, ts, body),
    }


def check(secret: str, headers: Mapping[str, str], body: bytes) -> None:
    """Forbidden unless the call is signed with ``secret`` within the window."""
    ts = headers.get(TIMESTAMP_HEADER, "")
    given = headers.get(SIGNATURE_HEADER, "")
    if not secret or not ts.isdigit() or not given.startswith(PREFIX):
        raise Forbidden("missing X-Hovor-Timestamp or X-Hovor-Signature")
    if abs(clock.now().timestamp() - int(ts)) > WINDOW:
        raise Forbidden(f"X-Hovor-Timestamp is more than {WINDOW} s from now (a replay?)")
    if not same(signature(secret, ts, body), given):
        raise Forbidden("bad X-Hovor-Signature")
