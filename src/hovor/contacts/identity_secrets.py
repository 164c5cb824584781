"""Identity secrets: what a site's back-end signs its customers with, their rotation, and the
identity tokens already spent.

Rotation keeps the previous secret accepted for a grace period (``previous_until``), so the
shop can deploy the new secret to all its back-ends while customers keep signing in; a
secret that may have leaked is rotated with no grace. A token with a ``jti`` is accepted
once per workspace until it expires (``spend_token``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.models import SiteKey
from hovor.contacts.identity_tokens import CLOCK_SKEW, IdentityKey, IdentityToken
from hovor.contacts.models import IdentitySecret, IdentityTokenUse
from hovor.core import clock
from hovor.core.errors import Forbidden
from hovor.db.transaction import Tx

DEFAULT_GRACE = timedelta(hours=24)
MAX_GRACE = timedelta(days=7)


class TokenReplayed(Forbidden):
    """An identity token whose ``jti`` was used before (HTTP 403)."""


def new_identity_secret() -> str:
    return "hid_" + secrets.token_hex(32)


def sign(secret: str, external_id: str) -> str:
    """What the site's back-end computes: ``hex(HMAC-SHA256(secret, external_id))``."""
    return hmac.new(secret.encode(), external_id.encode(), hashlib.sha256).hexdigest()


async def do_get_identity_secret(tx: Tx, workspace_id: str, site_key_id: str) -> IdentitySecret:
    """The site key's secret, generated the first time an admin asks for it."""
    row = await tx.session.scalar(
        select(IdentitySecret).where(
            IdentitySecret.site_key_id == site_key_id, IdentitySecret.workspace_id == workspace_id
        )
    )
    if row is None:
        row = IdentitySecret(
            site_key_id=site_key_id, workspace_id=workspace_id, secret=new_identity_secret()
        )
        tx.session.add(row)
        await tx.session.flush()
    return row


async def do_rotate_identity_secret(
    tx: Tx, workspace_id: str, site_key_id: str, *, grace: timedelta = DEFAULT_GRACE
) -> IdentitySecret:
    """A new current secret; the one it replaces still verifies for ``grace`` (0: not at all).
    Rotating again within a grace period ends the older secret's grace: two at most."""
    if not timedelta(0) <= grace <= MAX_GRACE:
        raise ValueError("grace must be between 0 and 7 days")
    row = await do_get_identity_secret(tx, workspace_id, site_key_id)
    now = clock.now()
    row.previous_secret = row.secret if grace else None
    row.previous_until = now + grace if grace else None
    row.secret = new_identity_secret()
    row.rotated_at = now
    await tx.session.flush()
    return row


def accepted_secrets(row: IdentitySecret, now: datetime) -> list[str]:
    """The current secret, and the previous one while its grace lasts."""
    if row.previous_secret and row.previous_until is not None and now < row.previous_until:
        return [row.secret, row.previous_secret]
    return [row.secret]


async def identity_keys(session: AsyncSession, workspace_id: str) -> list[IdentityKey]:
    """Every secret that may sign a token for one of the workspace's site keys, now."""
    rows = await session.execute(
        select(IdentitySecret, SiteKey.key)
        .join(SiteKey, SiteKey.id == IdentitySecret.site_key_id)
        .where(IdentitySecret.workspace_id == workspace_id)
    )
    now = clock.now()
    return [IdentityKey(s, key) for row, key in rows for s in accepted_secrets(row, now)]


async def signature_is_valid(
    session: AsyncSession, workspace_id: str, external_id: str, signature: str | None
) -> bool:
    """Checked (in constant time) against every accepted identity secret of the workspace."""
    if not signature:
        return False
    rows = await session.scalars(
        select(IdentitySecret).where(IdentitySecret.workspace_id == workspace_id)
    )
    now = clock.now()
    sent = signature.strip().lower().encode()
    valid = False
    for row in rows:
        for secret in accepted_secrets(row, now):
            valid |= hmac.compare_digest(sign(secret, external_id).encode(), sent)
    return valid


async def spend_token(session: AsyncSession, workspace_id: str, token: IdentityToken) -> None:
    """Record a token's ``jti`` as used, in the caller's transaction; ``TokenReplayed`` if it
    was used before. A token without a jti can be used until it expires.

    The database (not Redis, not memory) holds the used jtis: every node shares it, it
    outlives restarts on one node as on several, and the row commits or rolls back with the
    identify it allowed. Identify happens once per sign-in, so the write is cheap.
    """
    if token.jti is None:
        return
    now = clock.now()
    await session.execute(
        delete(IdentityTokenUse).where(
            IdentityTokenUse.workspace_id == workspace_id, IdentityTokenUse.expires_at <= now
        )
    )
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    digest = hashlib.sha256(token.jti.encode()).hexdigest()
    stored = await session.scalar(
        insert(IdentityTokenUse)
        .values(
            workspace_id=workspace_id,
            jti_digest=digest,
            expires_at=token.expires_at + CLOCK_SKEW,  # accepted until then
        )
        .on_conflict_do_nothing(index_elements=["workspace_id", "jti_digest"])
        .returning(IdentityTokenUse.jti_digest)
    )
    if stored is None:
        raise TokenReplayed("invalid identity token: already used (its jti was seen before)")
