"""Desktop log-in and log-out, and the limits on failed log-ins.

Only failures count, and they count per (account, address): whoever fails against an
account from one address slows down only themselves, never the account's owner at
another address, nor other people behind the same address. The delays grow with the
failures (``FAILED_PER_ACCOUNT_AND_ADDRESS``: a minute after 5, ten minutes after 10, an
hour after 20). Two looser ceilings stop attacks spread over many addresses or accounts:
per account (``FAILED_PER_ACCOUNT``), which holds back only addresses that have already
failed against that account, so a right password from an address that has not failed
always gets in; and per address over all accounts (``FAILED_PER_ADDRESS``).
"""

from __future__ import annotations

from dataclasses import dataclass

from hovor.auth import service
from hovor.auth.models import User, UserSession, Workspace
from hovor.core.errors import RateLimited, Unauthorized
from hovor.core.ratelimit import RateLimiter
from hovor.db.transaction import Tx

FAILED_PER_ACCOUNT_AND_ADDRESS = ("5/minute", "10/10minutes", "20/hour")
FAILED_PER_ACCOUNT = "100/hour"
FAILED_PER_ADDRESS = "200/hour"
WHAT = "failed log-ins"


@dataclass(frozen=True)
class LoggedIn:
    user: User
    workspace: Workspace
    session: UserSession
    token: str  # the session cookie's value; only its hash is stored


async def check_login_allowed(limiter: RateLimiter, email: str, address: str) -> None:
    """Raise ``RateLimited`` when this address may not try this account now."""
    for rule in FAILED_PER_ACCOUNT_AND_ADDRESS:
        await limiter.ensure_left(rule, "login-pair", email, address, what=WHAT)
    await limiter.ensure_left(FAILED_PER_ADDRESS, "login-address", address, what=WHAT)
    if not await limiter.left(FAILED_PER_ACCOUNT, "login-account", email):
        longest = FAILED_PER_ACCOUNT_AND_ADDRESS[-1]
        if await limiter.used(longest, "login-pair", email, address):
            raise RateLimited(
                "too many failed log-ins for this account; try again later", retry_after=3600
            )


async def do_login_with_password(
    tx: Tx, limiter: RateLimiter, *, email: str, password: str, address: str, hours: int
) -> LoggedIn:
    """A new desktop session for the right password; a failure is counted and refused."""
    email = email.strip().lower()
    await check_login_allowed(limiter, email, address)
    user = await service.authenticate(tx.session, email, password)
    if user is None:
        for rule in FAILED_PER_ACCOUNT_AND_ADDRESS:
            await limiter.hit(rule, "login-pair", email, address)
        await limiter.hit(FAILED_PER_ACCOUNT, "login-account", email)
        await limiter.hit(FAILED_PER_ADDRESS, "login-address", address)
        raise Unauthorized("wrong e-mail or password")
    token, row = await service.do_login(tx, user, hours)
    workspace = await service.get_workspace(tx.session, user.workspace_id)
    return LoggedIn(user, workspace, row, token)


async def do_end_session(tx: Tx, user: User, session_row: UserSession) -> None:
    """Log out: the session ends, and someone who logged out cannot answer, so routing
    must stop giving them chats (presence offline)."""
    await service.do_logout(tx, session_row)
    own = await service.access_user(tx.session, user.workspace_id, user.id)
    await service.do_set_presence(tx, own, "offline")
