"""Endpoints of the contacts context: contacts, attributes, merges, timeline, identify."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth import visitors
from hovor.auth.deps import ActorDep, AdminDep
from hovor.auth.service import access_site_key
from hovor.contacts import (
    attributes,
    customers,
    identify,
    identity_secrets,
    merge,
    service,
    timeline,
)
from hovor.contacts.merge import LinkedRows
from hovor.contacts.models import Contact
from hovor.contacts.schemas import (
    AttributeIn,
    AttributeOut,
    ContactOut,
    ContactPage,
    ContactPatch,
    ContactSummary,
    CustomerOut,
    CustomerUpsertIn,
    IdentifyIn,
    IdentifyOut,
    IdentityIn,
    IdentityOut,
    IdentitySecretOut,
    MergeIn,
    MergeOut,
    TimelineEntryOut,
    TimelinePage,
)
from hovor.core.errors import Unauthorized
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1", tags=["contacts"], responses=PROBLEM_RESPONSES)


def get_links(request: Request) -> LinkedRows:
    links: LinkedRows = request.app.state.contact_links
    return links


def actor_ref(actor: ActorDep) -> str:
    return f"user:{actor.user.id}"


async def _contact_out(session: AsyncSession, contact: Contact) -> ContactOut:
    identities = await service.identities_of(session, contact.workspace_id, contact.id)
    return ContactOut(
        id=contact.id,
        name=contact.name,
        email=contact.email,
        phone=contact.phone,
        created_at=contact.created_at,
        attributes=dict(contact.attributes or {}),
        claims=dict(contact.claims or {}),
        merged_into_id=contact.merged_into_id,
        identities=[IdentityOut.model_validate(i) for i in identities],
    )


# Contacts ----------------------------------------------------------------------------------


@router.get("/contacts", response_model=ContactPage)
async def list_contacts(
    actor: ActorDep,
    runtime: RuntimeDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ContactPage:
    async with runtime.db.read() as session:
        rows, total = await service.search_contacts(
            session, actor.workspace_id, q=q, limit=limit, offset=offset
        )
    return ContactPage(items=[ContactSummary.model_validate(c) for c in rows], total=total)


@router.get("/contacts/{contact_id}", response_model=ContactOut)
async def get_contact(contact_id: str, actor: ActorDep, runtime: RuntimeDep) -> ContactOut:
    async with runtime.db.read() as session:
        contact = await service.access_contact(session, actor.workspace_id, contact_id)
        return await _contact_out(session, contact)


@router.patch("/contacts/{contact_id}", response_model=ContactOut)
async def change_contact(
    contact_id: str, body: ContactPatch, actor: ActorDep, tx: TxDep
) -> ContactOut:
    contact = await service.access_contact(tx.session, actor.workspace_id, contact_id)
    await service.do_update_contact(tx, contact, name=body.name, attributes=body.attributes)
    return await _contact_out(tx.session, contact)


@router.post(
    "/contacts/{contact_id}/identities",
    response_model=IdentityOut,
    status_code=status.HTTP_201_CREATED,
)
async def add_identity(
    contact_id: str, body: IdentityIn, actor: ActorDep, tx: TxDep, runtime: RuntimeDep
) -> IdentityOut:
    """An agent adds an address the customer gave them; it is not verified."""
    contact = await service.access_contact(tx.session, actor.workspace_id, contact_id)
    identity = await service.do_add_identity(
        tx,
        contact,
        body.kind,
        body.value,
        verified=False,
        kinds=runtime.channels.identity_kinds(),
    )
    return IdentityOut.model_validate(identity)


@router.get("/contacts/{contact_id}/timeline", response_model=TimelinePage)
async def contact_timeline(
    contact_id: str,
    actor: ActorDep,
    runtime: RuntimeDep,
    kinds: Annotated[str | None, Query(max_length=500, description="comma-separated")] = None,
    before: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TimelinePage:
    async with runtime.db.read() as session:
        contact = await service.access_contact(session, actor.workspace_id, contact_id)
        rows, cursor = await timeline.list_entries(
            session,
            actor.workspace_id,
            contact.id,
            kinds=[k.strip() for k in kinds.split(",") if k.strip()] if kinds else (),
            before=before,
            limit=limit,
        )
    return TimelinePage(
        items=[TimelineEntryOut.model_validate(r) for r in rows], next_cursor=cursor
    )


# Merges ------------------------------------------------------------------------------------


@router.post("/contacts/{contact_id}/merge", response_model=MergeOut)
async def merge_into(
    contact_id: str, body: MergeIn, request: Request, actor: ActorDep, tx: TxDep
) -> MergeOut:
    """Merge ``source_id`` into this contact (audited; undo with the merge's id)."""
    row = await merge.do_merge_contacts(
        tx,
        actor.workspace_id,
        body.source_id,
        contact_id,
        actor_ref(actor),
        links=get_links(request),
    )
    return MergeOut.model_validate(row)


@router.get("/contacts/{contact_id}/merges", response_model=list[MergeOut])
async def contact_merges(contact_id: str, actor: ActorDep, tx: TxDep) -> list[MergeOut]:
    await service.access_contact(tx.session, actor.workspace_id, contact_id)
    rows = await merge.list_merges(tx, actor.workspace_id, contact_id)
    return [MergeOut.model_validate(r) for r in rows]


@router.post("/contact-merges/{merge_id}/undo", response_model=MergeOut)
async def undo_merge(merge_id: str, request: Request, actor: ActorDep, tx: TxDep) -> MergeOut:
    row = await merge.do_unmerge(
        tx, actor.workspace_id, merge_id, actor_ref(actor), links=get_links(request)
    )
    return MergeOut.model_validate(row)


# The shop's customers -----------------------------------------------------------------------

ExternalId = Annotated[
    str, Path(min_length=1, max_length=254, description="the shop's customer id")
]


@router.put(
    "/customers/{external_id:path}",
    response_model=CustomerOut,
    responses={201: {"model": CustomerOut, "description": "the first time for this customer"}},
)
async def upsert_customer(
    external_id: ExternalId,
    body: CustomerUpsertIn,
    request: Request,
    response: Response,
    actor: AdminDep,
    tx: TxDep,
) -> CustomerOut:
    """From the shop's back-end (an admin's API token): who its customer is. The contact with
    this verified customer id gets the e-mail and phone as **verified** identities, created if
    there is none; contacts known only by those addresses (e.g. from inbound e-mail) are merged
    in (reason ``customer_api``). Idempotent. 409 (nothing changed) if the e-mail or phone is
    verified for another customer id."""
    customer = customers.check_customer(
        ["body"],
        external_id=external_id,
        email=body.email,
        phone=body.phone,
        name=body.name,
        external_id_loc=["path", "external_id"],
        external_id_required=True,
    )
    done = await customers.do_upsert_customer(
        tx, actor.workspace_id, customer, attributes=body.attributes or {}, links=get_links(request)
    )
    if done.created:
        response.status_code = status.HTTP_201_CREATED
    return CustomerOut(
        external_id=customer.external_id or external_id,
        contact=await _contact_out(tx.session, done.contact),
        merges=[MergeOut.model_validate(m) for m in done.merges],
    )


@router.get("/customers/{external_id:path}", response_model=ContactOut)
async def get_customer(external_id: ExternalId, actor: ActorDep, runtime: RuntimeDep) -> ContactOut:
    """The contact holding this verified customer id of the shop; 404 if none."""
    async with runtime.db.read() as session:
        contact = await customers.find_customer(session, actor.workspace_id, external_id)
        return await _contact_out(session, contact)


# Attributes --------------------------------------------------------------------------------


@router.get("/contact-attributes", response_model=list[AttributeOut])
async def list_attributes(actor: ActorDep, runtime: RuntimeDep) -> list[AttributeOut]:
    async with runtime.db.read() as session:
        rows = await attributes.list_attributes(session, actor.workspace_id)
    return [AttributeOut.model_validate(r) for r in rows]


@router.post(
    "/contact-attributes", response_model=AttributeOut, status_code=status.HTTP_201_CREATED
)
async def declare_attribute(body: AttributeIn, actor: AdminDep, tx: TxDep) -> AttributeOut:
    row = await attributes.do_declare_attribute(
        tx,
        actor.workspace_id,
        name=body.name,
        label=body.label,
        type_=body.type,
        options=body.options,
    )
    return AttributeOut.model_validate(row)


@router.delete("/contact-attributes/{name}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_attribute(name: str, actor: AdminDep, tx: TxDep) -> None:
    await attributes.do_delete_attribute(tx, actor.workspace_id, name)


# Identity verification ---------------------------------------------------------------------


@router.get("/site-keys/{site_key_id}/identity-secret", response_model=IdentitySecretOut)
async def get_identity_secret(site_key_id: str, actor: AdminDep, tx: TxDep) -> IdentitySecretOut:
    """The secret the site's back-end signs customer ids with (created on first request)."""
    await access_site_key(tx.session, actor.workspace_id, site_key_id)
    row = await identity_secrets.do_get_identity_secret(tx, actor.workspace_id, site_key_id)
    return IdentitySecretOut.of(row)


@router.post("/site-keys/{site_key_id}/identity-secret/rotate", response_model=IdentitySecretOut)
async def rotate_identity_secret(
    site_key_id: str,
    actor: AdminDep,
    tx: TxDep,
    grace_hours: Annotated[
        int,
        Query(
            ge=0,
            le=168,
            description="hours the replaced secret still verifies tokens and signatures; "
            "0 (a leaked secret): it stops at once",
        ),
    ] = 24,
) -> IdentitySecretOut:
    """A new current secret; the replaced one still verifies for ``grace_hours`` (default
    24) while the shop's back-ends switch to the new one (docs/security.md)."""
    await access_site_key(tx.session, actor.workspace_id, site_key_id)
    row = await identity_secrets.do_rotate_identity_secret(
        tx, actor.workspace_id, site_key_id, grace=timedelta(hours=grace_hours)
    )
    return IdentitySecretOut.of(row)


@router.post("/widget/identify", response_model=IdentifyOut, tags=["widget"])
async def widget_identify(
    body: IdentifyIn,
    request: Request,
    tx: TxDep,
    runtime: RuntimeDep,
    authorization: Annotated[str, Header()] = "",
) -> IdentifyOut:
    """The visitor (visitor token) identifies with a signed identity token (or the
    deprecated signed customer id); a bad, expired or missing one is refused (403
    "invalid identity token: …" or "invalid identity signature") and attaches nothing."""
    if not authorization.lower().startswith("bearer "):
        raise Unauthorized("send the visitor token as Authorization: Bearer …")
    claims = await visitors.authenticate_visitor_token(
        tx.session,
        runtime.visitor_tokens,
        token=authorization[7:].strip(),
        origin=request.headers.get("origin"),
    )
    claim = identify.check_claim(body.model_dump(exclude_none=True))
    claim = await identify.check_signed(tx.session, claims.workspace_id, claim)
    result = await identify.do_identify(
        tx,
        claims.workspace_id,
        claims.visitor_id,
        claim,
        verified=True,
        links=get_links(request),
    )
    return IdentifyOut(contact_id=result.contact_id, verified=result.verified)
