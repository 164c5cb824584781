"""The desktop's WhatsApp endpoints: the 24-hour window of a conversation, the inbox's
approved templates (cached, with a refresh) and sending one. Thin: access, one operation."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field

from hovor.auth.deps import ActorDep
from hovor.channels.inboxes.api import get_channels
from hovor.channels.whatsapp import service
from hovor.channels.whatsapp.adapter import INFO, WhatsAppAdapter
from hovor.channels.whatsapp.templates import MAX_PARAMETER, Template
from hovor.conversations.schemas import MessageOut
from hovor.core.errors import ServiceUnavailable
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(
    prefix="/v1/conversations/{conversation_id}/whatsapp",
    tags=["whatsapp"],
    responses=PROBLEM_RESPONSES,
)


class WhatsAppWindowOut(BaseModel):
    """WhatsApp's customer-service window of the conversation's customer and number."""

    free_text: bool = Field(
        description="an agent's free-text reply may be sent now; otherwise only a template"
    )
    last_customer_message_at: datetime | None
    closes_at: datetime | None = Field(description="the customer's last message + 24 h")


class WhatsAppTemplateOut(BaseModel):
    """An approved template the desktop can send: its body's {{1}}..{{n}} are parameters."""

    name: str
    language: str
    category: str | None
    header: str | None
    body: str
    footer: str | None
    parameters: int = Field(description="how many body parameters it takes")


class WhatsAppTemplateIn(BaseModel):
    name: str = Field(min_length=1, max_length=512)
    language: str = Field(min_length=1, max_length=16, description="e.g. en_US")
    parameters: list[str] = Field(
        default_factory=list,
        max_length=100,
        description=f"the body's {{{{1}}}}.. in order, each 1 to {MAX_PARAMETER} characters",
    )
    client_id: str = Field(min_length=1, max_length=64)


def _adapter(request: Request) -> WhatsAppAdapter:
    adapter = get_channels(request).get(INFO.kind)
    if not isinstance(adapter, WhatsAppAdapter):
        raise ServiceUnavailable("WhatsApp is not a channel of this server")
    return adapter


def _out(templates: list[Template]) -> list[WhatsAppTemplateOut]:
    return [WhatsAppTemplateOut.model_validate(t, from_attributes=True) for t in templates]


@router.get("", response_model=WhatsAppWindowOut)
async def get_window(
    conversation_id: str, actor: ActorDep, runtime: RuntimeDep
) -> WhatsAppWindowOut:
    async with runtime.db.read() as session:
        conversation, _ = await service.access_whatsapp_conversation(
            session, actor.workspace_id, conversation_id
        )
        window = await service.window_of(session, conversation)
    return WhatsAppWindowOut.model_validate(window, from_attributes=True)


async def _templates(
    conversation_id: str, request: Request, actor: ActorDep, runtime: RuntimeDep, refresh: bool
) -> list[WhatsAppTemplateOut]:
    async with runtime.db.read() as session:
        _, inbox = await service.access_whatsapp_conversation(
            session, actor.workspace_id, conversation_id
        )
    return _out(
        await service.offered_templates(runtime.db, _adapter(request), inbox, refresh=refresh)
    )


@router.get("/templates", response_model=list[WhatsAppTemplateOut])
async def list_templates(
    conversation_id: str, request: Request, actor: ActorDep, runtime: RuntimeDep
) -> list[WhatsAppTemplateOut]:
    """The inbox's approved templates (Meta's list, cached for an hour)."""
    return await _templates(conversation_id, request, actor, runtime, refresh=False)


@router.post("/templates/refresh", response_model=list[WhatsAppTemplateOut])
async def refresh_templates(
    conversation_id: str, request: Request, actor: ActorDep, runtime: RuntimeDep
) -> list[WhatsAppTemplateOut]:
    """Read the inbox's templates from Meta again (one just approved shows up)."""
    return await _templates(conversation_id, request, actor, runtime, refresh=True)


@router.post("/templates/send", response_model=MessageOut, status_code=status.HTTP_201_CREATED)
async def send_template(
    conversation_id: str, body: WhatsAppTemplateIn, actor: ActorDep, tx: TxDep
) -> MessageOut:
    conversation, inbox = await service.access_whatsapp_conversation(
        tx.session, actor.workspace_id, conversation_id
    )
    message = await service.do_send_template(
        tx,
        conversation,
        inbox,
        author_id=actor.user.id,
        author_name=actor.user.name,
        name=body.name,
        language=body.language,
        parameters=body.parameters,
        client_id=body.client_id,
    )
    return MessageOut.model_validate(message)
