"""Auth operations: ``check_*`` validates and raises clear errors, ``do_*`` writes and emits."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth import events
from hovor.auth.models import PRESENCES, ROLES, ApiToken, SiteKey, User, UserSession, Workspace
from hovor.auth.presence_history import record_presence
from hovor.auth.security import (
    DUMMY_PASSWORD_HASH,
    hash_password,
    token_hash,
    verify_password,
)
from hovor.core import clock
from hovor.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hovor.core.events import DomainEvent
from hovor.core.ids import new_secret
from hovor.db.transaction import Tx

MIN_PASSWORD_LENGTH = 8
DEFAULT_WIDGET_SETTINGS = {
    "title": "Chat with us",
    "greeting": "Hi! How can we help?",
    "color": "#4f46e5",
    "require_consent": False,
}


# Workspaces and users ---------------------------------------------------------------------


async def do_create_workspace(tx: Tx, name: str) -> Workspace:
    workspace = Workspace(name=name)
    tx.session.add(workspace)
    await tx.session.flush()
    return workspace


async def check_new_user(
    session: AsyncSession, email: str, password: str, role: str, chat_capacity: int
) -> str:
    email = email.strip().lower()
    errors: list[dict[str, Any]] = []
    if role not in ROLES:
        errors.append({"loc": ["role"], "msg": f"role must be one of {', '.join(ROLES)}"})
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append({"loc": ["password"], "msg": f"at least {MIN_PASSWORD_LENGTH} characters"})
    if not 0 <= chat_capacity <= 50:
        errors.append({"loc": ["chat_capacity"], "msg": "must be between 0 and 50"})
    if errors:
        raise InvalidInput("the user cannot be created", errors=errors)
    if await session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(f"a user with e-mail {email} exists already")
    return email


async def do_create_user(
    tx: Tx,
    workspace_id: str,
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    chat_capacity: int = 3,
) -> User:
    email = await check_new_user(tx.session, email, password, role, chat_capacity)
    user = User(
        workspace_id=workspace_id,
        email=email,
        name=name.strip() or email,
        role=role,
        password_hash=hash_password(password),
        chat_capacity=chat_capacity,
    )
    tx.session.add(user)
    await tx.session.flush()
    tx.publish_on_commit(
        DomainEvent(events.USER_CREATED, workspace_id, {"user_id": user.id, "role": role})
    )
    return user


async def list_users(session: AsyncSession, workspace_id: str) -> Sequence[User]:
    result = await session.scalars(
        select(User).where(User.workspace_id == workspace_id, User.is_active).order_by(User.name)
    )
    return result.all()


async def access_user(session: AsyncSession, workspace_id: str, user_id: str) -> User:
    user = await session.scalar(
        select(User).where(User.id == user_id, User.workspace_id == workspace_id, User.is_active)
    )
    if user is None:
        raise NotFound("no such user")
    return user


async def get_workspace(session: AsyncSession, workspace_id: str) -> Workspace:
    workspace = await session.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFound("no such workspace")
    return workspace


async def do_set_presence(tx: Tx, user: User, status: str, reason: str | None = None) -> User:
    """Set what the agent declares: online (available for routing), busy, away or offline.

    ``reason`` is a free text such as "lunch" or "training", kept with busy and away.
    """
    if status not in PRESENCES:
        raise InvalidInput(f"presence must be one of {', '.join(PRESENCES)}")
    reason = (reason or "").strip()[:64] or None if status in ("busy", "away") else None
    if user.presence == status and user.presence_reason == reason:
        return user
    user.presence = status
    user.presence_reason = reason
    user.presence_changed_at = now = clock.now()
    periods = await record_presence(tx, user.workspace_id, user.id, status, now)
    tx.publish_on_commit(
        DomainEvent(
            events.AGENT_PRESENCE_CHANGED,
            user.workspace_id,
            {"user_id": user.id, "status": status, "reason": reason, "periods": periods},
        )
    )
    return user


async def do_set_chat_capacity(tx: Tx, user: User, slots: int) -> User:
    if not 0 <= slots <= 50:
        raise InvalidInput(
            "chat capacity is not valid",
            errors=[{"loc": ["capacity", "webchat"], "msg": "must be between 0 and 50"}],
        )
    if user.chat_capacity != slots:
        user.chat_capacity = slots
        tx.publish_on_commit(
            DomainEvent(events.AGENT_PROFILE_CHANGED, user.workspace_id, {"user_id": user.id})
        )
    return user


# Desktop sessions -------------------------------------------------------------------------


async def authenticate(session: AsyncSession, email: str, password: str) -> User | None:
    user = await session.scalar(
        select(User).where(User.email == email.strip().lower(), User.is_active)
    )
    if user is None:
        verify_password(DUMMY_PASSWORD_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


async def do_login(tx: Tx, user: User, hours: int) -> tuple[str, UserSession]:
    raw = secrets.token_urlsafe(32)
    row = UserSession(
        workspace_id=user.workspace_id,
        user_id=user.id,
        token_hash=token_hash(raw),
        csrf_token=secrets.token_urlsafe(32),
        expires_at=clock.now() + timedelta(hours=hours),
    )
    tx.session.add(row)
    await tx.session.flush()
    return raw, row


async def get_session_user(
    session: AsyncSession, raw_token: str
) -> tuple[User, UserSession] | None:
    row = await session.scalar(
        select(UserSession).where(UserSession.token_hash == token_hash(raw_token))
    )
    if row is None or row.expires_at <= clock.now():
        return None
    user = await session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return user, row


async def do_logout(tx: Tx, session_row: UserSession) -> None:
    row = await tx.session.get(UserSession, session_row.id)
    if row is not None:
        await tx.session.delete(row)


# API tokens ------------------------------------------------------------------------------


async def do_create_api_token(tx: Tx, user: User, name: str) -> tuple[str, ApiToken]:
    raw = new_secret("hvr")
    row = ApiToken(
        workspace_id=user.workspace_id,
        user_id=user.id,
        name=name,
        token_hash=token_hash(raw),
        prefix=raw[:8],
    )
    tx.session.add(row)
    await tx.session.flush()
    return raw, row


TOKEN_USE_RESOLUTION = timedelta(minutes=1)


async def get_token_user(session: AsyncSession, raw_token: str) -> tuple[User, ApiToken] | None:
    """The user an API token acts as, and the token."""
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(raw_token)))
    if row is None:
        return None
    user = await session.get(User, row.user_id)
    return (user, row) if user is not None and user.is_active else None


def token_use_is_stale(token: ApiToken) -> bool:
    """Whether ``last_used_at`` should be written again (it is kept to the minute)."""
    return token.last_used_at is None or clock.now() - token.last_used_at > TOKEN_USE_RESOLUTION


async def do_record_token_use(tx: Tx, token_id: str) -> None:
    await tx.session.execute(
        update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=clock.now())
    )


async def list_api_tokens(session: AsyncSession, workspace_id: str) -> Sequence[ApiToken]:
    result = await session.scalars(
        select(ApiToken).where(ApiToken.workspace_id == workspace_id).order_by(ApiToken.created_at)
    )
    return result.all()


async def do_delete_api_token(tx: Tx, workspace_id: str, token_id: str) -> None:
    row = await tx.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.workspace_id == workspace_id)
    )
    if row is None:
        raise NotFound("no such API token")
    await tx.session.delete(row)


# Site keys -------------------------------------------------------------------------------


DEFAULT_PORTS = {"http": 80, "https": 443}


def check_origins(origins: list[str]) -> list[str]:
    """Normalise allowed origins to what browsers send: ``scheme://host[:port]``, lower case,
    no default port, no path. Raise, naming the entry, on anything else."""
    cleaned: list[str] = []
    for i, origin in enumerate(origins):
        parts = urlsplit(origin.strip())
        try:
            port = parts.port
        except ValueError:
            port = -1
        if (
            parts.scheme not in DEFAULT_PORTS
            or not parts.hostname
            or parts.path not in ("", "/")
            or parts.query
            or parts.username
            or port == -1
        ):
            raise InvalidInput(
                f"invalid allowed origin {origin!r}",
                errors=[{"loc": ["allowed_origins", i], "msg": "expected scheme://host[:port]"}],
            )
        host = parts.hostname.lower()
        if ":" in host:
            host = f"[{host}]"
        keep_port = port is not None and port != DEFAULT_PORTS[parts.scheme]
        cleaned.append(f"{parts.scheme}://{host}{f':{port}' if keep_port else ''}")
    return list(dict.fromkeys(cleaned))


async def do_create_site_key(
    tx: Tx,
    workspace_id: str,
    *,
    name: str,
    allowed_origins: list[str],
    widget_settings: dict[str, Any] | None = None,
    key: str | None = None,
) -> SiteKey:
    row = SiteKey(
        workspace_id=workspace_id,
        key=key or new_secret("pk", 12),
        name=name,
        allowed_origins=check_origins(allowed_origins),
        widget_settings={**DEFAULT_WIDGET_SETTINGS, **(widget_settings or {})},
    )
    tx.session.add(row)
    await tx.session.flush()
    return row


async def list_site_keys(session: AsyncSession, workspace_id: str) -> Sequence[SiteKey]:
    result = await session.scalars(
        select(SiteKey).where(SiteKey.workspace_id == workspace_id).order_by(SiteKey.created_at)
    )
    return result.all()


async def access_site_key(session: AsyncSession, workspace_id: str, site_key_id: str) -> SiteKey:
    row = await session.scalar(
        select(SiteKey).where(SiteKey.id == site_key_id, SiteKey.workspace_id == workspace_id)
    )
    if row is None:
        raise NotFound("no such site key")
    return row


async def do_change_site_key(
    tx: Tx,
    site: SiteKey,
    *,
    name: str | None = None,
    allowed_origins: list[str] | None = None,
    widget_settings: dict[str, Any] | None = None,
) -> SiteKey:
    """Change a site key's name, origins or widget settings; the key itself never changes."""
    if name is not None:
        site.name = name
    if allowed_origins is not None:
        site.allowed_origins = check_origins(allowed_origins)
    if widget_settings is not None:
        site.widget_settings = {
            **DEFAULT_WIDGET_SETTINGS,
            **site.widget_settings,
            **widget_settings,
        }
    return site


async def do_delete_site_key(tx: Tx, workspace_id: str, site_key_id: str) -> None:
    row = await tx.session.scalar(
        select(SiteKey).where(SiteKey.id == site_key_id, SiteKey.workspace_id == workspace_id)
    )
    if row is None:
        raise NotFound("no such site key")
    await tx.session.delete(row)


async def check_site_access(session: AsyncSession, key: str, origin: str | None) -> SiteKey:
    """The site key, if it exists and ``origin`` is one of its allowed origins."""
    row = await session.scalar(select(SiteKey).where(SiteKey.key == key))
    if row is None:
        raise Forbidden("unknown site key")
    check_origin_allowed(row, origin)
    return row


def check_origin_allowed(site: SiteKey, origin: str | None) -> None:
    if origin is None or origin.lower().rstrip("/") not in site.allowed_origins:
        raise Forbidden("origin not allowed for this site key")


async def get_site_key(session: AsyncSession, site_key_id: str) -> SiteKey | None:
    return await session.get(SiteKey, site_key_id)


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise Forbidden(f"this needs the role {' or '.join(roles)}")


async def users_by_ids(session: AsyncSession, ids: set[str]) -> dict[str, User]:
    if not ids:
        return {}
    result = await session.scalars(select(User).where(User.id.in_(ids)))
    return {u.id: u for u in result}
