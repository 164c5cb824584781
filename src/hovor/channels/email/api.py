"""E-mail endpoints: the MTA posts raw messages in; agents read a conversation's e-mail
HTML and attachments; admins set the support address."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Request, status
from pydantic import BaseModel, Field

from hovor.auth.deps import ActorDep, AdminDep
from hovor.channels.attachments.storage import INLINE_TYPES
from hovor.channels.base import RawInbound
from hovor.channels.body import read_limited
from hovor.channels.email import service
from hovor.channels.email.adapter import EmailAdapter, EmailPayload
from hovor.channels.email.files import EmailFiles, email_parts, finish_files
from hovor.channels.email.parse import parse_email
from hovor.conversations.service import access_conversation
from hovor.core.errors import Forbidden, InvalidInput
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep

router = APIRouter(prefix="/v1/channels/email", tags=["email"], responses=PROBLEM_RESPONSES)

MAX_BYTES = 10 * 1024 * 1024
CONTENT_TYPE = "message/rfc822"


class EmailSettingsIn(BaseModel):
    support_address: str = Field(max_length=254)
    display_name: str | None = Field(default=None, max_length=120)


class EmailSettingsOut(BaseModel):
    support_address: str | None
    display_name: str | None
    smtp_configured: bool


class EmailFileOut(BaseModel):
    id: str
    filename: str
    content_type: str
    size: int
    content_id: str | None = Field(description="what the HTML names as cid:… (inline images)")
    preview: bool = Field(description="a raster image, shown inline by its URL")
    url: str = Field(description="download URL signed for an hour; no session needed")
    expires_at: datetime


class NotStoredOut(BaseModel):
    filename: str
    content_type: str
    size: int
    reason: str = Field(description='why it was not stored, e.g. "too large"')


class EmailPartOut(BaseModel):
    message_id: str
    subject: str
    html: str | None = Field(description="the mail's HTML, sanitised; null: a text-only mail")
    attachments: list[EmailFileOut]
    not_stored: list[NotStoredOut]


class EmailPartsOut(BaseModel):
    items: list[EmailPartOut]


class EmailReceivedOut(BaseModel):
    conversation_id: str
    message_id: str
    created: bool  # False: this Message-ID was received before
    threaded: bool  # True: continued a conversation by In-Reply-To/References


def _adapter(request: Request) -> EmailAdapter:
    adapter = request.app.state.channels.get("email")
    assert isinstance(adapter, EmailAdapter)
    return adapter


@router.post(
    "/inbound",
    response_model=EmailReceivedOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def receive_email(request: Request, actor: ActorDep, runtime: RuntimeDep) -> EmailReceivedOut:
    """One raw RFC 5322 message (``Content-Type: message/rfc822``), posted with an API token."""
    if actor.session is not None:
        raise Forbidden("post e-mail with an API token (Authorization: Bearer …)")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != CONTENT_TYPE:
        raise InvalidInput(
            f"send the raw message as Content-Type: {CONTENT_TYPE}",
            errors=[{"loc": ["header", "content-type"], "msg": f"expected {CONTENT_TYPE}"}],
        )
    email = parse_email(await read_limited(request, MAX_BYTES, "an e-mail"))
    adapter = _adapter(request)
    async with runtime.db.read() as session:
        settings = await service.get_settings(session, actor.workspace_id)
    raw = RawInbound(
        payload=EmailPayload(email, settings.support_address if settings else None),
        workspace_id=actor.workspace_id,
        source_id=email.sender,
    )
    adapter.verify(raw)
    (inbound,) = adapter.parse(raw)
    files = EmailFiles.of(runtime.settings)
    async with runtime.db.transaction() as tx:
        got = await service.do_receive_email(tx, inbound, email, files)
    await finish_files(files, got.files)
    return EmailReceivedOut(
        conversation_id=got.received.conversation_id,
        message_id=got.received.message.id,
        created=got.received.created,
        threaded=got.threaded,
    )


@router.get("/conversations/{conversation_id}/parts", response_model=EmailPartsOut)
async def read_parts(conversation_id: str, actor: ActorDep, runtime: RuntimeDep) -> EmailPartsOut:
    """The HTML and attachments of each e-mail received in the conversation, for display:
    the HTML is sanitised, each stored file has a signed URL valid for an hour."""
    async with runtime.db.read() as session:
        conversation = await access_conversation(session, actor.workspace_id, conversation_id)
        parts = await email_parts(
            session,
            conversation.id,
            secret=runtime.settings.secret_key,
            origin=runtime.settings.origin,
        )
    return EmailPartsOut(
        items=[
            EmailPartOut(
                message_id=p.message_id,
                subject=p.subject,
                html=p.html,
                attachments=[
                    EmailFileOut(
                        id=f.attachment.id,
                        filename=f.attachment.filename,
                        content_type=f.attachment.content_type,
                        size=f.attachment.size,
                        content_id=f.attachment.content_id,
                        preview=f.attachment.content_type in INLINE_TYPES,
                        url=f.url,
                        expires_at=f.expires_at,
                    )
                    for f in p.files
                ],
                not_stored=[NotStoredOut.model_validate(s) for s in p.skipped],
            )
            for p in parts
        ]
    )


@router.get("/settings", response_model=EmailSettingsOut)
async def read_settings(actor: AdminDep, runtime: RuntimeDep) -> EmailSettingsOut:
    async with runtime.db.read() as session:
        row = await service.get_settings(session, actor.workspace_id)
    return EmailSettingsOut(
        support_address=row.support_address if row else None,
        display_name=row.display_name if row else None,
        smtp_configured=runtime.settings.smtp_url is not None,
    )


@router.put("/settings", response_model=EmailSettingsOut, status_code=status.HTTP_200_OK)
async def write_settings(
    body: Annotated[EmailSettingsIn, Body()], actor: AdminDep, runtime: RuntimeDep
) -> EmailSettingsOut:
    async with runtime.db.transaction() as tx:
        row = await service.do_set_settings(
            tx,
            actor.workspace_id,
            support_address=body.support_address,
            display_name=body.display_name,
        )
        out = EmailSettingsOut(
            support_address=row.support_address,
            display_name=row.display_name,
            smtp_configured=runtime.settings.smtp_url is not None,
        )
    return out
