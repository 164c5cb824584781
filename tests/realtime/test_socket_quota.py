"""Open sockets are counted per key; one past a limit is refused and nothing is counted. With
Redis the count is the cluster's: two nodes share it, and a crashed node's sockets stop
counting when their lease ends."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from hovor.core.errors import RateLimited
from hovor.realtime.socket_quota import RedisSocketQuota, SocketQuota, SocketQuotas
from tests.conftest import fresh_redis
from tests.support.waiting import eventually

Nodes = Callable[[], SocketQuotas]


@pytest.fixture(params=["memory", "redis"])
async def node(request: pytest.FixtureRequest) -> AsyncIterator[Nodes]:
    """Makes a node's quota: in memory, or on one (emptied) Redis that all of them share."""
    made: list[SocketQuotas] = []
    url = fresh_redis() if request.param == "redis" else None

    def make() -> SocketQuotas:
        quota: SocketQuotas = RedisSocketQuota(url) if url else SocketQuota()
        made.append(quota)
        return quota

    yield make
    for quota in made:
        await quota.close()


async def test_a_full_key_refuses_and_counts_nothing_for_the_others(node: Nodes) -> None:
    quota = node()
    first = await quota.acquire(("visitor", "v1", 2), ("address", "a", 3))
    await quota.acquire(("visitor", "v1", 2), ("address", "a", 3))
    with pytest.raises(RateLimited, match="visitor"):
        await quota.acquire(("visitor", "v1", 2), ("address", "a", 3))
    # The refused socket took no place at the address: one more from another visitor fits.
    await quota.acquire(("visitor", "v2", 2), ("address", "a", 3))
    with pytest.raises(RateLimited, match="address"):
        await quota.acquire(("visitor", "v3", 2), ("address", "a", 3))
    await first()
    await first()  # releasing twice frees one place only
    await quota.acquire(("visitor", "v3", 2), ("address", "a", 3))
    with pytest.raises(RateLimited, match="address"):
        await quota.acquire(("visitor", "v4", 2), ("address", "a", 3))


async def test_two_nodes_on_one_redis_share_the_count() -> None:
    url = fresh_redis()
    one, two = RedisSocketQuota(url), RedisSocketQuota(url)
    try:
        held = await one.acquire(("visitor", "v1", 2))
        await two.acquire(("visitor", "v1", 2))
        with pytest.raises(RateLimited, match="at most 2"):
            await two.acquire(("visitor", "v1", 2))
        with pytest.raises(RateLimited):
            await one.acquire(("visitor", "v1", 2))
        await held()  # a place freed on one node is free on the other
        await two.acquire(("visitor", "v1", 2))
    finally:
        await one.close()
        await two.close()


async def test_a_crashed_nodes_sockets_stop_counting_when_their_lease_ends() -> None:
    url = fresh_redis()
    crashed = RedisSocketQuota(url, lease_seconds=1.0)
    alive = RedisSocketQuota(url, lease_seconds=1.0)
    try:
        await crashed.acquire(("address", "a", 1))
        await crashed.close()  # no release, no more renewals: as if the process died
        with pytest.raises(RateLimited):
            await alive.acquire(("address", "a", 1))

        async def admitted() -> bool:
            try:
                await alive.acquire(("address", "a", 1))
            except RateLimited:
                return False
            return True

        await eventually("the dead node's lease to end", admitted, within=5)
        # The living node renews its own lease: its socket keeps counting past the lease.
        renewals = alive.renewals

        async def renewed_twice() -> bool:
            return alive.renewals >= renewals + 2

        await eventually("two renewals of the live node's leases", renewed_twice, within=5)
        with pytest.raises(RateLimited):
            await alive.acquire(("address", "a", 1))
    finally:
        await alive.close()
