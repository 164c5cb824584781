"""HTTP endpoints of the auth context: thin, each parses input and calls one operation."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from hovor.auth import logins, service
from hovor.auth.deps import SESSION_COOKIE, ActorDep, AdminDep
from hovor.auth.schemas import (
    ApiTokenCreated,
    ApiTokenIn,
    ApiTokenOut,
    LoginIn,
    MeOut,
    PresenceIn,
    SiteKeyChange,
    SiteKeyIn,
    SiteKeyOut,
    UserIn,
    UserOut,
    WorkspaceOut,
)
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1", tags=["auth"], responses=PROBLEM_RESPONSES)


@router.post("/auth/login", response_model=MeOut)
async def login(
    body: LoginIn, request: Request, response: Response, runtime: RuntimeDep, tx: TxDep
) -> MeOut:
    logged_in = await logins.do_login_with_password(
        tx,
        runtime.limiter,
        email=body.email,
        password=body.password,
        address=request.client.host if request.client else "unknown",
        hours=runtime.settings.session_hours,
    )
    response.set_cookie(
        SESSION_COOKIE,
        logged_in.token,
        max_age=runtime.settings.session_hours * 3600,
        httponly=True,
        secure=runtime.settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    return MeOut(
        user=UserOut.model_validate(logged_in.user),
        workspace=WorkspaceOut.model_validate(logged_in.workspace),
        csrf_token=logged_in.session.csrf_token,
    )


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(actor: ActorDep, response: Response, tx: TxDep) -> None:
    if actor.session is not None:
        await logins.do_end_session(tx, actor.user, actor.session)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/auth/me", response_model=MeOut)
async def me(actor: ActorDep, runtime: RuntimeDep) -> MeOut:
    async with runtime.db.read() as session:
        workspace = await service.get_workspace(session, actor.workspace_id)
    return MeOut(
        user=UserOut.model_validate(actor.user),
        workspace=WorkspaceOut.model_validate(workspace),
        csrf_token=actor.session.csrf_token if actor.session else None,
    )


@router.put("/me/presence", response_model=UserOut)
async def set_presence(body: PresenceIn, actor: ActorDep, tx: TxDep) -> UserOut:
    user = await service.access_user(tx.session, actor.workspace_id, actor.user.id)
    return UserOut.model_validate(await service.do_set_presence(tx, user, body.status, body.reason))


@router.get("/users", response_model=list[UserOut])
async def list_users(actor: ActorDep, runtime: RuntimeDep) -> list[UserOut]:
    async with runtime.db.read() as session:
        users = await service.list_users(session, actor.workspace_id)
    return [UserOut.model_validate(u) for u in users]


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
async def create_user(body: UserIn, actor: AdminDep, tx: TxDep) -> UserOut:
    user = await service.do_create_user(
        tx,
        actor.workspace_id,
        email=body.email,
        name=body.name,
        password=body.password,
        role=body.role,
        chat_capacity=body.chat_capacity,
    )
    return UserOut.model_validate(user)


@router.get("/api-tokens", response_model=list[ApiTokenOut])
async def list_api_tokens(actor: AdminDep, runtime: RuntimeDep) -> list[ApiTokenOut]:
    async with runtime.db.read() as session:
        rows = await service.list_api_tokens(session, actor.workspace_id)
    return [ApiTokenOut.model_validate(r) for r in rows]


@router.post("/api-tokens", response_model=ApiTokenCreated, status_code=status.HTTP_201_CREATED)
async def create_api_token(body: ApiTokenIn, actor: AdminDep, tx: TxDep) -> ApiTokenCreated:
    raw, row = await service.do_create_api_token(tx, actor.user, body.name)
    return ApiTokenCreated(**ApiTokenOut.model_validate(row).model_dump(), token=raw)


@router.delete("/api-tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_api_token(token_id: str, actor: AdminDep, tx: TxDep) -> None:
    await service.do_delete_api_token(tx, actor.workspace_id, token_id)


@router.get("/site-keys", response_model=list[SiteKeyOut])
async def list_site_keys(actor: AdminDep, runtime: RuntimeDep) -> list[SiteKeyOut]:
    async with runtime.db.read() as session:
        rows = await service.list_site_keys(session, actor.workspace_id)
    return [SiteKeyOut.model_validate(r) for r in rows]


@router.post("/site-keys", response_model=SiteKeyOut, status_code=status.HTTP_201_CREATED)
async def create_site_key(body: SiteKeyIn, actor: AdminDep, tx: TxDep) -> SiteKeyOut:
    row = await service.do_create_site_key(
        tx,
        actor.workspace_id,
        name=body.name,
        allowed_origins=body.allowed_origins,
        widget_settings=body.widget_settings.model_dump(),
    )
    return SiteKeyOut.model_validate(row)


@router.patch("/site-keys/{site_key_id}", response_model=SiteKeyOut)
async def change_site_key(
    site_key_id: str, body: SiteKeyChange, actor: AdminDep, tx: TxDep
) -> SiteKeyOut:
    site = await service.access_site_key(tx.session, actor.workspace_id, site_key_id)
    await service.do_change_site_key(
        tx,
        site,
        name=body.name,
        allowed_origins=body.allowed_origins,
        widget_settings=body.widget_settings.model_dump() if body.widget_settings else None,
    )
    return SiteKeyOut.model_validate(site)


@router.delete("/site-keys/{site_key_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_site_key(site_key_id: str, actor: AdminDep, tx: TxDep) -> None:
    await service.do_delete_site_key(tx, actor.workspace_id, site_key_id)
