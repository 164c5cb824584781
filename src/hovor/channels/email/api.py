"""E-mail endpoints: the MTA posts raw messages in; admins set the support address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, status
from pydantic import BaseModel, Field

from hovor.auth.deps import ActorDep, AdminDep
from hovor.channels.base import RawInbound
from hovor.channels.body import read_limited
from hovor.channels.email import service
from hovor.channels.email.adapter import EmailAdapter, EmailPayload
from hovor.channels.email.parse import parse_email
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
    async with runtime.db.transaction() as tx:
        got = await service.do_receive_email(tx, inbound, email)
    return EmailReceivedOut(
        conversation_id=got.received.conversation_id,
        message_id=got.received.message.id,
        created=got.received.created,
        threaded=got.threaded,
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
