"""Failed log-ins slow down whoever fails, from where they fail, and nobody else
(issue 21, defect 7); on both databases, with the limits in memory and in Redis."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator

import pytest

from hovor.auth import logins
from hovor.auth.models import User
from hovor.core.errors import RateLimited, Unauthorized
from hovor.core.ratelimit import RateLimiter
from hovor.db.transaction import Database
from tests.support.factories import PASSWORD, Team, make_team
from tests.support.services import REDIS_URL, require


@pytest.fixture(params=["memory", "redis"])
def limiter(request: pytest.FixtureRequest) -> Iterator[RateLimiter]:
    if request.param == "redis":
        require(REDIS_URL, "Redis")
        yield RateLimiter(REDIS_URL)
    else:
        yield RateLimiter()


async def team(db: Database) -> Team:
    return await make_team(db, name="T" + secrets.token_hex(4), agents=1)


def address() -> str:
    return "203.0.113." + str(secrets.randbelow(250) + 1) + "-" + secrets.token_hex(3)


async def log_in(db: Database, limiter: RateLimiter, user: User, password: str, at: str) -> User:
    async with db.transaction() as tx:
        done = await logins.do_login_with_password(
            tx, limiter, email=user.email, password=password, address=at, hours=1
        )
    return done.user


async def fail(db: Database, limiter: RateLimiter, user: User, at: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(Unauthorized):
            await log_in(db, limiter, user, "wrong password", at)


async def test_a_stranger_cannot_lock_the_owner_out(
    db: Database, limiter: RateLimiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows of an hour: the counters' windows start on the clock's minute, and five
    # failures straddling a minute's start would weigh less than five (sliding counter).
    monkeypatch.setattr(logins, "FAILED_PER_ACCOUNT_AND_ADDRESS", ("5/hour",))
    admin = (await team(db)).admin
    stranger, owner = address(), address()
    await fail(db, limiter, admin, stranger, 5)
    with pytest.raises(RateLimited) as caught:
        await log_in(db, limiter, admin, PASSWORD, stranger)
    assert 1 <= caught.value.retry_after <= 3600
    assert (await log_in(db, limiter, admin, PASSWORD, owner)).id == admin.id


async def test_others_behind_the_same_address_are_not_held_up(
    db: Database, limiter: RateLimiter
) -> None:
    staff = await team(db)
    office = address()
    await fail(db, limiter, staff.admin, office, 5)
    colleague = staff.agents[0]
    assert (await log_in(db, limiter, colleague, PASSWORD, office)).id == colleague.id


async def test_the_account_ceiling_holds_back_only_addresses_that_failed(
    db: Database, limiter: RateLimiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logins, "FAILED_PER_ACCOUNT", "3/hour")
    admin = (await team(db)).admin
    spread = [address() for _ in range(3)]
    for at in spread:
        await fail(db, limiter, admin, at, 1)
    with pytest.raises(RateLimited, match="for this account"):
        await log_in(db, limiter, admin, PASSWORD, spread[0])
    assert (await log_in(db, limiter, admin, PASSWORD, address())).id == admin.id


async def test_the_address_ceiling_spans_accounts(
    db: Database, limiter: RateLimiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logins, "FAILED_PER_ADDRESS", "2/hour")
    staff = await team(db)
    crowded = address()
    await fail(db, limiter, staff.admin, crowded, 1)
    await fail(db, limiter, staff.agents[0], crowded, 1)
    with pytest.raises(RateLimited):
        await log_in(db, limiter, staff.agents[0], PASSWORD, crowded)


async def clear_of_window_end(period: int, margin: float = 70.0) -> None:
    """Wait, if need be, until the wall clock is ``margin`` seconds clear of the end of the
    limiter's ``period``-second window. The sliding-window counters are aligned to the
    epoch (memory and Redis alike); failures counted just before a window ends weigh a
    little less a moment later, so the wait they impose is honestly shorter than a minute
    then, and the test would measure the boundary instead of the tier."""
    left = period - time.time() % period
    if left < margin:
        await asyncio.sleep(left + 1)


async def test_the_delays_grow_with_the_failures(
    db: Database, limiter: RateLimiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first tier is widened so the test reaches the second without waiting a minute.
    monkeypatch.setattr(
        logins, "FAILED_PER_ACCOUNT_AND_ADDRESS", ("9/minute", "5/10minutes", "20/hour")
    )
    admin = (await team(db)).admin
    at = address()
    await clear_of_window_end(600)
    await fail(db, limiter, admin, at, 5)
    with pytest.raises(RateLimited) as caught:
        await log_in(db, limiter, admin, PASSWORD, at)
    assert 60 < caught.value.retry_after <= 600
