"""Identifiers: ULIDs, sortable by creation time, as 26-character strings."""

from __future__ import annotations

import secrets

from ulid import ULID


def new_id() -> str:
    return str(ULID())


def new_secret(prefix: str, nbytes: int = 24) -> str:
    """A random, URL-safe secret with a readable prefix (``hvr_…``, ``pk_…``)."""
    return f"{prefix}_{secrets.token_urlsafe(nbytes)}"
