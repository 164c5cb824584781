"""Open sockets are counted per key; one past a limit is refused and nothing is counted."""

from __future__ import annotations

import pytest

from hovor.core.errors import RateLimited
from hovor.realtime.connection import SocketQuota


def test_a_full_key_refuses_and_counts_nothing_for_the_others() -> None:
    quota = SocketQuota()
    first = quota.acquire(("visitor", "v1", 2), ("address", "a", 3))
    quota.acquire(("visitor", "v1", 2), ("address", "a", 3))
    with pytest.raises(RateLimited, match="visitor"):
        quota.acquire(("visitor", "v1", 2), ("address", "a", 3))
    # The refused socket took no place at the address: one more from another visitor fits.
    quota.acquire(("visitor", "v2", 2), ("address", "a", 3))
    with pytest.raises(RateLimited, match="address"):
        quota.acquire(("visitor", "v3", 2), ("address", "a", 3))
    first()
    first()  # releasing twice frees one place only
    quota.acquire(("visitor", "v3", 2), ("address", "a", 3))
    with pytest.raises(RateLimited, match="address"):
        quota.acquire(("visitor", "v4", 2), ("address", "a", 3))
