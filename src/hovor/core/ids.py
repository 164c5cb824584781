"""Identifiers: ULIDs, sortable by creation time, as 26-character strings."""

from __future__ import annotations

import os
import secrets
import time

# Crockford's base32, the ULID alphabet. The 80 random bits of a ULID are 16 random bytes
# each cut to its low 5 bits (256 is a multiple of 32, so every character is equally
# likely): one ``bytes.translate`` instead of a Python loop.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_CHAR = bytes.maketrans(bytes(range(256)), _CROCKFORD.encode() * 8)
_last: tuple[int, str] = (-1, "")  # one tuple, so threads never see half an update


def _time_prefix(ms: int) -> str:
    """The first 10 characters of a ULID: 48 bits of Unix milliseconds."""
    global _last
    last = _last
    if last[0] != ms:
        last = _last = (ms, "".join(_CROCKFORD[(ms >> s) & 31] for s in range(45, -1, -5)))
    return last[1]


def new_id() -> str:
    """A ULID (the same format python-ulid writes), without building a ULID object."""
    ms = time.time_ns() // 1_000_000
    return _time_prefix(ms) + os.urandom(16).translate(_RANDOM_CHAR).decode()


def new_ids(n: int) -> list[str]:
    """``n`` ULIDs at once (one call for the randomness of all of them)."""
    prefix = _time_prefix(time.time_ns() // 1_000_000)
    text = os.urandom(16 * n).translate(_RANDOM_CHAR).decode()
    return [prefix + text[i : i + 16] for i in range(0, 16 * n, 16)]


def new_secret(prefix: str, nbytes: int = 24) -> str:
    """A random, URL-safe secret with a readable prefix (``hvr_…``, ``pk_…``)."""
    return f"{prefix}_{secrets.token_urlsafe(nbytes)}"
