"""Endpoints of leads: the visitor leaves details; agents list, filter, export and work
them; admins set the CRM webhook."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, status
from fastapi.responses import StreamingResponse

from hovor.auth import visitors
from hovor.auth.deps import ActorDep, AdminDep
from hovor.core import clock
from hovor.core.errors import NotFound, Unauthorized
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.leads import listing, service, webhook
from hovor.leads.models import LeadWebhook
from hovor.leads.schemas import (
    LeadDeliveryOut,
    LeadOut,
    LeadPage,
    LeadPatch,
    LeadWebhookIn,
    LeadWebhookOut,
    VisitorLeadAck,
    VisitorLeadIn,
)
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1", tags=["leads"], responses=PROBLEM_RESPONSES)
VISITOR_LEAD_LIMIT = "5/minute"

StatusQ = Annotated[
    str | None, Query(max_length=100, description="comma-separated: new, contacted, …")
]
SourceQ = Annotated[
    str | None, Query(max_length=100, description="comma-separated: callback, offer_form, …")
]
OwnerQ = Annotated[str | None, Query(max_length=26, description="a user id, `me` or `none`")]
CampaignQ = Annotated[str | None, Query(max_length=200, description="utm_campaign")]
SearchQ = Annotated[str | None, Query(max_length=200, description="name, e-mail or phone")]
TimeQ = Annotated[datetime | None, Query(description="created at or after (since) / before")]


@router.post("/widget/leads", response_model=VisitorLeadAck, status_code=status.HTTP_201_CREATED)
async def leave_details(
    body: VisitorLeadIn,
    request: Request,
    runtime: RuntimeDep,
    authorization: Annotated[str, Header()] = "",
) -> VisitorLeadAck:
    """From the website (the visitor token as ``Authorization: Bearer …``): the visitor's
    contact details become a lead with their visit's referrer, campaign, pages and cart."""
    if not authorization.lower().startswith("bearer "):
        raise Unauthorized("send the visitor token as Authorization: Bearer …")
    details = service.check_lead_details(
        ["body"],
        source=body.source,
        name=body.name,
        email=body.email,
        phone=body.phone,
        message=body.message,
    )
    async with runtime.db.read() as session:
        claims = await visitors.authenticate_visitor_token(
            session,
            runtime.visitor_tokens,
            token=authorization[7:].strip(),
            origin=request.headers.get("origin"),
        )
    await runtime.limiter.check(
        VISITOR_LEAD_LIMIT, "visitor-lead", claims.visitor_id, what="lead forms"
    )
    async with runtime.db.transaction() as tx:
        await service.do_capture_lead(tx, claims.workspace_id, claims.visitor_id, details)
    return VisitorLeadAck(received=True)


def _filter(
    actor_id: str,
    status: str | None,
    source: str | None,
    owner: str | None,
    campaign: str | None,
    q: str | None,
    since: datetime | None,
    until: datetime | None,
) -> listing.LeadFilter:
    return listing.check_filter(
        status=status,
        source=source,
        owner=owner,
        me=actor_id,
        campaign=campaign,
        q=q,
        since=since,
        until=until,
    )


@router.get("/leads", response_model=LeadPage)
async def list_leads(
    actor: ActorDep,
    runtime: RuntimeDep,
    status: StatusQ = None,
    source: SourceQ = None,
    owner: OwnerQ = None,
    campaign: CampaignQ = None,
    q: SearchQ = None,
    since: TimeQ = None,
    until: TimeQ = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> LeadPage:
    """Newest first, filtered; ``next_cursor`` pages on."""
    f = _filter(actor.user.id, status, source, owner, campaign, q, since, until)
    async with runtime.db.read() as session:
        rows, next_cursor = await listing.list_leads(
            session, actor.workspace_id, f, limit=limit, cursor=cursor
        )
    return LeadPage(
        items=[LeadOut.model_validate(service.describe(r)) for r in rows],
        next_cursor=next_cursor,
    )


@router.get("/leads/campaigns", response_model=list[str])
async def lead_campaigns(actor: ActorDep, runtime: RuntimeDep) -> list[str]:
    async with runtime.db.read() as session:
        return await listing.campaigns(session, actor.workspace_id)


@router.get(
    "/leads/export.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "the filtered leads as CSV"}},
)
async def export_leads(
    actor: ActorDep,
    runtime: RuntimeDep,
    status: StatusQ = None,
    source: SourceQ = None,
    owner: OwnerQ = None,
    campaign: CampaignQ = None,
    q: SearchQ = None,
    since: TimeQ = None,
    until: TimeQ = None,
) -> StreamingResponse:
    """The same filters as the list; every matching lead, newest first."""
    f = _filter(actor.user.id, status, source, owner, campaign, q, since, until)

    async def body() -> AsyncIterator[str]:
        async with runtime.db.read() as session:
            async for chunk in listing.csv_chunks(session, actor.workspace_id, f):
                yield chunk

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="leads.csv"'},
    )


@router.get("/leads/webhook", response_model=LeadWebhookOut)
async def get_lead_webhook(actor: AdminDep, runtime: RuntimeDep) -> LeadWebhookOut:
    async with runtime.db.read() as session:
        hook = await webhook.webhook_of(session, actor.workspace_id)
    if hook is None:
        raise NotFound("no lead webhook is set")
    return _webhook_out(hook)


@router.put("/leads/webhook", response_model=LeadWebhookOut)
async def set_lead_webhook(body: LeadWebhookIn, actor: AdminDep, tx: TxDep) -> LeadWebhookOut:
    """Where every new lead and every change of one is sent, signed (Standard Webhooks)."""
    hook = await webhook.do_set_webhook(
        tx,
        actor.workspace_id,
        url=body.url,
        enabled=body.enabled,
        rotate_secret=body.rotate_secret,
        grace=timedelta(hours=body.rotate_grace_hours),
    )
    return _webhook_out(hook)


def _webhook_out(hook: LeadWebhook) -> LeadWebhookOut:
    until = hook.previous_until if len(webhook.signing_secrets(hook, clock.now())) > 1 else None
    return LeadWebhookOut(
        url=hook.url, enabled=hook.enabled, secret=hook.secret, previous_secret_until=until
    )


@router.get("/leads/webhook/deliveries", response_model=list[LeadDeliveryOut])
async def lead_webhook_deliveries(
    actor: AdminDep, runtime: RuntimeDep, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[LeadDeliveryOut]:
    async with runtime.db.read() as session:
        rows = await webhook.deliveries_of(session, actor.workspace_id, limit)
    return [LeadDeliveryOut.model_validate(r, from_attributes=True) for r in rows]


@router.post("/leads/webhook/retry", response_model=dict[str, int])
async def retry_lead_webhook(actor: AdminDep, tx: TxDep) -> dict[str, int]:
    """Failed deliveries are due again now (after the CRM was fixed)."""
    return {"retried": await webhook.do_retry_failed(tx, actor.workspace_id)}


@router.get("/leads/{lead_id}", response_model=LeadOut)
async def get_lead(lead_id: str, actor: ActorDep, runtime: RuntimeDep) -> LeadOut:
    async with runtime.db.read() as session:
        lead = await service.access_lead(session, actor.workspace_id, lead_id)
        return LeadOut.model_validate(service.describe(lead))


@router.patch("/leads/{lead_id}", response_model=LeadOut)
async def update_lead(lead_id: str, body: LeadPatch, actor: ActorDep, tx: TxDep) -> LeadOut:
    """A new status and/or owner; ``owner_id: null`` takes the owner away."""
    lead = await service.access_lead(tx.session, actor.workspace_id, lead_id)
    sent = body.model_fields_set
    await service.do_update_lead(
        tx,
        lead,
        status=body.status,
        owner_id=body.owner_id if "owner_id" in sent else None,
        clear_owner="owner_id" in sent and body.owner_id is None,
    )
    return LeadOut.model_validate(service.describe(lead))
