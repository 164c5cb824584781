"""Who is calling: the desktop session cookie (with CSRF check) or an API token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from hovor.auth import service
from hovor.auth.models import User, UserSession
from hovor.auth.security import same
from hovor.core.errors import Forbidden, Unauthorized
from hovor.runtime import RuntimeDep

SESSION_COOKIE = "hovor_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Actor:
    user: User
    session: UserSession | None  # None when authenticated by an API token

    @property
    def workspace_id(self) -> str:
        return self.user.workspace_id


async def current_actor(request: Request, runtime: RuntimeDep) -> Actor:
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        async with runtime.db.read() as session:
            found_token = await service.get_token_user(session, authorization[7:].strip())
        if found_token is None:
            raise Unauthorized("invalid API token")
        user, token = found_token
        if service.token_use_is_stale(token):
            async with runtime.db.transaction() as tx:
                await service.do_record_token_use(tx, token.id)
        return Actor(user, None)
    async with runtime.db.read() as session:
        raw = request.cookies.get(SESSION_COOKIE)
        found = await service.get_session_user(session, raw) if raw else None
    if found is None:
        raise Unauthorized("log in first")
    user, row = found
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not same(sent, row.csrf_token):
            raise Forbidden(f"missing or wrong {CSRF_HEADER} header")
    return Actor(user, row)


ActorDep = Annotated[Actor, Depends(current_actor)]


def require_admin(actor: ActorDep) -> Actor:
    service.require_role(actor.user, "admin")
    return actor


AdminDep = Annotated[Actor, Depends(require_admin)]
