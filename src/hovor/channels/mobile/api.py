"""The mobile API's HTTP endpoints: push tokens, the VAPID key, attachments
(docs/mobile-api.md). Visitors authenticate as on the widget: ``Authorization: Bearer`` the
visitor token of ``POST /v1/widget/session``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status

from hovor.auth import visitors
from hovor.auth.deps import ActorDep
from hovor.channels.attachments import storage
from hovor.channels.attachments.models import Attachment
from hovor.channels.base import ChannelRegistry
from hovor.channels.mobile import attachments, tokens
from hovor.channels.mobile.adapter import KIND as PUSH
from hovor.channels.mobile.adapter import PushAdapter
from hovor.channels.mobile.schemas import (
    AttachmentList,
    AttachmentOut,
    PushTokenIn,
    PushTokenList,
    PushTokenOut,
    VapidKeyOut,
)
from hovor.channels.webchat.adapter import KIND as WEBCHAT
from hovor.channels.webchat.adapter import WebChatAdapter
from hovor.core import clock
from hovor.core.errors import NotFound, field_error
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.core.visitor_tokens import VisitorClaims
from hovor.runtime import Runtime, RuntimeDep, TxDep

router = APIRouter(tags=["mobile"], responses=PROBLEM_RESPONSES)
AuthorizationHeader = Annotated[str, Header()]


async def _visitor(request: Request, runtime: Runtime, authorization: str) -> VisitorClaims:
    async with runtime.db.read() as session:
        return await visitors.authenticate_visitor_token(
            session,
            runtime.visitor_tokens,
            token=visitors.visitor_bearer(authorization),
            origin=request.headers.get("origin"),
        )


def _channels(request: Request) -> ChannelRegistry:
    channels: ChannelRegistry = request.app.state.channels
    return channels


def _push(request: Request) -> PushAdapter:
    adapter = _channels(request).get(PUSH)
    assert isinstance(adapter, PushAdapter)
    return adapter


# -- push tokens ------------------------------------------------------------------------------


@router.post(
    "/v1/widget/push-tokens", status_code=status.HTTP_201_CREATED, response_model=PushTokenOut
)
async def register_push_token(
    body: PushTokenIn,
    request: Request,
    runtime: RuntimeDep,
    tx: TxDep,
    authorization: AuthorizationHeader = "",
) -> PushTokenOut:
    """Wake this device with the agents' replies while the visitor has no open socket.
    Registering a token again is harmless (it moves to this visitor if another held it)."""
    claims = await _visitor(request, runtime, authorization)
    platforms = _push(request).providers.platforms()
    row = await tokens.do_register_push_token(tx, runtime.settings, platforms, claims, body)
    return PushTokenOut.model_validate(row)


@router.get("/v1/widget/push-tokens", response_model=PushTokenList)
async def list_push_tokens(
    request: Request, runtime: RuntimeDep, authorization: AuthorizationHeader = ""
) -> PushTokenList:
    claims = await _visitor(request, runtime, authorization)
    async with runtime.db.read() as session:
        rows = await tokens.visitor_push_tokens(session, claims)
    return PushTokenList(items=[PushTokenOut.model_validate(r) for r in rows])


@router.delete("/v1/widget/push-tokens/{push_token_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unregister_push_token(
    push_token_id: str,
    request: Request,
    runtime: RuntimeDep,
    tx: TxDep,
    authorization: AuthorizationHeader = "",
) -> None:
    """Stop pushing to this device (the visitor signed out, or turned notifications off)."""
    claims = await _visitor(request, runtime, authorization)
    await tokens.do_unregister_push_token(tx, claims, push_token_id)


@router.get("/v1/widget/push/vapid-key", response_model=VapidKeyOut)
async def vapid_key(request: Request) -> VapidKeyOut:
    """The key a page subscribes with (Web Push); 404 when Web Push is not set up."""
    webpush = _push(request).providers.webpush
    if webpush is None:
        raise NotFound("Web Push is not set up on this server")
    return VapidKeyOut(public_key=webpush.public_key())


# -- attachments ------------------------------------------------------------------------------


def _attachment_out(runtime: Runtime, row: Attachment) -> AttachmentOut:
    path, expires_at = storage.signed_path(runtime.settings.secret_key, row.id, clock.now())
    return AttachmentOut(
        id=row.id,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        conversation_id=row.conversation_id,
        message_id=row.message_id,
        created_at=row.created_at,
        url=runtime.settings.origin + path,
        expires_at=expires_at,
    )


@router.post(
    "/v1/widget/attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=AttachmentOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in attachments.ALLOWED_TYPES
            },
        }
    },
)
async def upload_attachment(
    request: Request,
    runtime: RuntimeDep,
    filename: Annotated[str, Query(min_length=1, max_length=255)],
    client_id: Annotated[str, Query(min_length=1, max_length=64)],
    authorization: AuthorizationHeader = "",
    content_type: Annotated[str, Header()] = "",
) -> AttachmentOut:
    """The request body is the file itself (``Content-Type`` its type). It is posted as the
    visitor's message in their conversation; ``client_id`` deduplicates resends, as for
    ``message.send``."""
    claims = await _visitor(request, runtime, authorization)
    await runtime.limiter.check(
        "30/minute", "visitor-attachments", claims.visitor_id, what="attachments"
    )
    limit = runtime.settings.attachment_max_bytes
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise attachments.TooLarge(f"the file is larger than {limit} bytes")
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > limit:
            raise attachments.TooLarge(f"the file is larger than {limit} bytes")
    upload = attachments.check_upload(filename, content_type, bytes(data), limit)
    adapter = _channels(request).get(WEBCHAT)
    assert isinstance(adapter, WebChatAdapter)
    async with runtime.db.transaction() as tx:
        row, received = await attachments.do_attach(
            tx, adapter, claims, upload, client_id=client_id, data_dir=runtime.settings.data_dir
        )
    if received.created:
        await storage.finish_file(runtime.settings.data_dir, row)
    return _attachment_out(runtime, row)


@router.get("/v1/widget/attachments", response_model=AttachmentList)
async def list_attachments(
    request: Request, runtime: RuntimeDep, authorization: AuthorizationHeader = ""
) -> AttachmentList:
    """The visitor's files, each with a fresh signed URL."""
    claims = await _visitor(request, runtime, authorization)
    async with runtime.db.read() as session:
        rows = await attachments.visitor_attachments(session, claims)
    return AttachmentList(items=[_attachment_out(runtime, r) for r in rows])


@router.get(
    "/v1/widget/attachments/{attachment_id}/file",
    response_class=Response,
    responses={200: {"content": {k: {} for k in storage.SERVED_TYPES | {storage.OTHER_TYPE}}}},
)
async def download_attachment(
    attachment_id: str,
    runtime: RuntimeDep,
    expires: Annotated[int, Query(ge=0)],
    signature: Annotated[str, Query(min_length=64, max_length=64)],
) -> Response:
    """The file, by the signed URL of an upload or of the list (no token needed: an app
    may hand it to an image view or the browser)."""
    storage.check_signed(runtime.settings.secret_key, attachment_id, expires, signature)
    async with runtime.db.read() as session:
        row = await session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("no such attachment")
    return storage.file_response(row, await storage.read_file(runtime.settings.data_dir, row))


@router.get(
    "/v1/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {k: {} for k in storage.SERVED_TYPES | {storage.OTHER_TYPE}}}},
)
async def agent_download_attachment(
    attachment_id: str, actor: ActorDep, runtime: RuntimeDep
) -> Response:
    """A customer's file (a web-chat upload, an e-mail's attachment), for the agents of its
    workspace (the link in the visitor's message)."""
    if not attachment_id.isalnum():
        raise field_error(["path", "attachment_id"], "an attachment id")
    async with runtime.db.read() as session:
        row = await storage.access_attachment(session, actor.workspace_id, attachment_id)
    return storage.file_response(row, await storage.read_file(runtime.settings.data_dir, row))
