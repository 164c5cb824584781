"""Channels and inboxes for admins, and the one webhook route every provider calls."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, status
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from hovor.auth.deps import ActorDep, AdminDep
from hovor.channels.base import AnswersWebhook, ChannelRegistry, WebhookChannel
from hovor.channels.body import read_limited
from hovor.channels.inboxes import service
from hovor.channels.inboxes.models import Inbox
from hovor.channels.inboxes.webhook import MAX_BYTES, do_receive_webhook, raw_call
from hovor.core.errors import Forbidden
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1", tags=["channels"], responses=PROBLEM_RESPONSES)


class ConfigFieldOut(BaseModel):
    name: str
    label: str
    secret: bool = Field(description="masked when inboxes are listed")
    required: bool
    help: str


class ChannelOut(BaseModel):
    """A channel this server has, with the traits its adapter declares."""

    kind: str
    display_name: str
    identity_kinds: list[str]
    realtime: bool = Field(description="False: deferred, routed like e-mail")
    default_sla_seconds: float
    default_capacity: int
    outbound: bool = Field(description="False: nothing is sent on it (callbacks)")
    inboxes: bool = Field(description="True: added as inboxes, reached by webhooks")
    config_fields: list[ConfigFieldOut] = Field(description="an inbox's settings, for its form")


class InboxIn(BaseModel):
    kind: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=120)
    config: dict[str, Any] = Field(default_factory=dict, description="the provider's settings")


class InboxOut(BaseModel):
    id: str
    kind: str
    name: str
    config: dict[str, Any]
    webhook_url: str = Field(description="paste into the provider's console")
    webhook_secret: str = Field(description="the verify token / signing secret to paste there")


class WebhookReceivedOut(BaseModel):
    received: int = Field(description="messages stored (resends count once)")
    receipts: int = Field(description="delivery reports applied to messages we sent")


class ConnectionOut(BaseModel):
    ok: bool
    detail: str = Field(description="what the provider answered, or why it refused")


def get_channels(request: Request) -> ChannelRegistry:
    channels: ChannelRegistry = request.app.state.channels
    return channels


def _out(inbox: Inbox, origin: str, channels: ChannelRegistry) -> InboxOut:
    return InboxOut(
        id=inbox.id,
        kind=inbox.kind,
        name=inbox.name,
        config=service.masked_config(channels, inbox),
        webhook_url=f"{origin}/v1/channels/{inbox.kind}/{inbox.id}/webhook",
        webhook_secret=inbox.webhook_secret,
    )


@router.get("/channels")
async def list_channels(request: Request, _actor: ActorDep) -> list[ChannelOut]:
    """Every channel of this server (the desktop's channel names come from here)."""
    channels = get_channels(request)
    return [
        ChannelOut(
            kind=a.info.kind,
            display_name=a.info.display_name,
            identity_kinds=list(a.info.identity_kinds),
            realtime=a.info.realtime,
            default_sla_seconds=a.info.default_sla_seconds,
            default_capacity=a.info.default_capacity,
            outbound=a.info.outbound,
            inboxes=isinstance(a, WebhookChannel),
            config_fields=[
                ConfigFieldOut.model_validate(f, from_attributes=True)
                for f in (a.config_fields if isinstance(a, WebhookChannel) else ())
            ],
        )
        for a in channels
    ]


@router.get("/inboxes")
async def list_inboxes(request: Request, actor: AdminDep, runtime: RuntimeDep) -> list[InboxOut]:
    async with runtime.db.read() as session:
        rows = await service.list_inboxes(session, actor.workspace_id)
    return [_out(i, runtime.settings.origin, get_channels(request)) for i in rows]


@router.post("/inboxes", status_code=status.HTTP_201_CREATED)
async def add_inbox(
    request: Request,
    body: Annotated[InboxIn, Body()],
    actor: AdminDep,
    tx: TxDep,
    runtime: RuntimeDep,
) -> InboxOut:
    inbox = await service.do_add_inbox(
        tx,
        get_channels(request),
        actor.workspace_id,
        kind=body.kind,
        name=body.name,
        config=body.config,
    )
    return _out(inbox, runtime.settings.origin, get_channels(request))


@router.post("/inboxes/{inbox_id}/test")
async def test_inbox(
    inbox_id: str, request: Request, actor: AdminDep, runtime: RuntimeDep
) -> ConnectionOut:
    """ "Test connection": the adapter calls the provider with the inbox's credentials."""
    async with runtime.db.read() as session:
        inbox = await service.access_inbox(session, actor.workspace_id, inbox_id)
    ok, detail = await service.check_connection(get_channels(request), inbox)
    return ConnectionOut(ok=ok, detail=detail)


@router.delete("/inboxes/{inbox_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_inbox(inbox_id: str, actor: AdminDep, tx: TxDep) -> None:
    await service.do_remove_inbox(
        tx, await service.access_inbox(tx.session, actor.workspace_id, inbox_id)
    )


@router.get("/channels/{kind}/{inbox_id}/webhook", response_class=PlainTextResponse)
async def webhook_handshake(kind: str, inbox_id: str, request: Request, runtime: RuntimeDep) -> str:
    """A provider's subscription check (e.g. Meta's ``hub.challenge``), answered by the adapter."""
    adapter = service.webhook_adapter(get_channels(request), kind)
    async with runtime.db.read() as session:
        inbox = await service.find_webhook_inbox(session, kind, inbox_id)
    answer = adapter.handshake(raw_call(request, inbox, b"", runtime.settings.origin))
    if answer is None:
        raise Forbidden("the verification did not match this inbox")
    return answer


@router.post("/channels/{kind}/{inbox_id}/webhook", response_model=WebhookReceivedOut)
async def receive_webhook(
    kind: str, inbox_id: str, request: Request, runtime: RuntimeDep
) -> WebhookReceivedOut | Response:
    """A provider's call: verified and parsed by the channel's adapter, each message stored once.
    A telephony inbox answers in the provider's own terms instead (TwiML or JSON, telling
    it what to do with the call; docs/telephony.md)."""
    adapter = service.webhook_adapter(get_channels(request), kind)
    body = await read_limited(request, MAX_BYTES, "a webhook call")
    if isinstance(adapter, AnswersWebhook):
        async with runtime.db.read() as session:
            inbox = await service.find_webhook_inbox(session, kind, inbox_id)
        raw = raw_call(request, inbox, body, runtime.settings.origin)
        content, media_type = await adapter.answer_webhook(raw)
        return Response(content, media_type=media_type)
    got = await do_receive_webhook(
        runtime.db, adapter, kind, inbox_id, request, body, runtime.settings.origin
    )
    return WebhookReceivedOut(received=got.messages, receipts=got.receipts)
