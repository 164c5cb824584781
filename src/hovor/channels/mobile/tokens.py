"""Push tokens: a visitor registers the devices a reply may wake, and unregisters them.

A token is one visitor's: registering a token another visitor of the workspace holds moves it
(the app was signed into another account on that phone). Tokens the provider calls invalid
are deleted by the push adapter; the privacy erase deletes a contact's with its visitors.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.mobile.models import PushToken
from hovor.channels.mobile.schemas import PushTokenIn
from hovor.config import Settings
from hovor.core import clock
from hovor.core.errors import NotFound, field_error
from hovor.core.visitor_tokens import VisitorClaims
from hovor.db.transaction import Tx

MAX_TOKENS_PER_VISITOR = 20
_FCM_TOKEN = re.compile(r"^[A-Za-z0-9_:\-]{16,1024}$")
_APNS_TOKEN = re.compile(r"^[0-9a-fA-F]{64,200}$")


def webpush_prefixes(settings: Settings) -> list[str]:
    return [p.strip() for p in settings.webpush_endpoints.split(",") if p.strip()]


def check_push_token(
    settings: Settings, platforms: set[str], body: PushTokenIn
) -> tuple[str, dict[str, str] | None]:
    """The token to store and its keys (Web Push), or a 422 naming the field; ``platforms``:
    those the server has credentials for (``PushProviders.platforms``)."""
    if body.platform not in platforms:
        raise field_error(
            ["body", "platform"], f"{body.platform} push is not set up on this server"
        )
    if body.platform == "webpush":
        if body.subscription is None:
            raise field_error(["body", "subscription"], "required for webpush")
        endpoint = body.subscription.endpoint
        if not any(endpoint.startswith(p) for p in webpush_prefixes(settings)):
            raise field_error(
                ["body", "subscription", "endpoint"], "not the endpoint of a known push service"
            )
        keys = body.subscription.keys
        _check_key(["body", "subscription", "keys", "p256dh"], keys.p256dh, 65)
        _check_key(["body", "subscription", "keys", "auth"], keys.auth, 16)
        return endpoint, {"p256dh": keys.p256dh, "auth": keys.auth}
    if body.token is None:
        raise field_error(["body", "token"], f"required for {body.platform}")
    pattern = _FCM_TOKEN if body.platform == "fcm" else _APNS_TOKEN
    if not pattern.match(body.token):
        kind = "an FCM registration token" if body.platform == "fcm" else "a hex APNs device token"
        raise field_error(["body", "token"], f"not {kind}")
    return (body.token.lower() if body.platform == "apns" else body.token), None


def _check_key(loc: list[str | int], value: str, size: int) -> None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size:
        raise field_error(loc, f"expected {size} bytes in base64url")


async def do_register_push_token(
    tx: Tx, settings: Settings, platforms: set[str], claims: VisitorClaims, body: PushTokenIn
) -> PushToken:
    token, keys = check_push_token(settings, platforms, body)
    row = await tx.session.scalar(
        select(PushToken).where(
            PushToken.workspace_id == claims.workspace_id,
            PushToken.platform == body.platform,
            PushToken.token == token,
        )
    )
    if row is None:
        held = await visitor_push_tokens(tx.session, claims)
        if len(held) >= MAX_TOKENS_PER_VISITOR:
            await tx.session.delete(held[0])  # the oldest device makes room
            await tx.session.flush()
        row = PushToken(
            workspace_id=claims.workspace_id, platform=body.platform, token=token, keys=keys
        )
        tx.session.add(row)
    row.visitor_id = claims.visitor_id
    row.keys = keys
    row.app_id = body.app_id
    row.locale = body.locale
    row.created_at = clock.now()
    await tx.session.flush()
    return row


async def visitor_push_tokens(session: AsyncSession, claims: VisitorClaims) -> list[PushToken]:
    return await push_tokens_of(session, claims.workspace_id, claims.visitor_id)


async def push_tokens_of(
    session: AsyncSession, workspace_id: str, visitor_id: str
) -> list[PushToken]:
    return list(
        (
            await session.scalars(
                select(PushToken)
                .where(PushToken.workspace_id == workspace_id, PushToken.visitor_id == visitor_id)
                .order_by(PushToken.created_at, PushToken.id)
            )
        ).all()
    )


async def do_unregister_push_token(tx: Tx, claims: VisitorClaims, token_id: str) -> None:
    """The visitor's own token only: another's is 404, as if it did not exist."""
    row = await tx.session.scalar(
        select(PushToken).where(
            PushToken.id == token_id,
            PushToken.workspace_id == claims.workspace_id,
            PushToken.visitor_id == claims.visitor_id,
        )
    )
    if row is None:
        raise NotFound("no such push token")
    await tx.session.delete(row)


async def do_forget_push_tokens(tx: Tx, workspace_id: str, ids: Sequence[str]) -> None:
    """Tokens the provider called invalid (uninstalled app, expired subscription)."""
    if ids:
        await tx.session.execute(
            delete(PushToken).where(PushToken.workspace_id == workspace_id, PushToken.id.in_(ids))
        )
