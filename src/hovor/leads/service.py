"""Lead operations: capture a visitor's details with their visit, change status and owner.

``check_*`` validates and raises ``InvalidInput`` naming the field; ``do_*`` writes, queues
its ``lead.*`` event for after the commit and, in the same transaction, the CRM webhook's
delivery (``webhook.do_promise``), so a stored change always reaches the CRM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.models import User
from hovor.contacts.identities import normalize_email, normalize_phone
from hovor.contacts.models import Contact
from hovor.contacts.service import (
    do_add_identity,
    do_get_or_create_by_identity,
    visitor_display_name,
)
from hovor.core import clock
from hovor.core.errors import Conflict, NotFound, field_error
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx
from hovor.leads import events, webhook
from hovor.leads.models import LEAD_SOURCES, LEAD_STATUSES, OPEN_STATUSES, Lead
from hovor.leads.visit import VisitFacts, visit_facts

MAX_NAME = 200
MAX_MESSAGE = 2000


@dataclass(frozen=True)
class LeadDetails:
    """What the visitor left, checked: at least an e-mail address or a phone number."""

    source: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None  # E.164
    message: str | None = None


def check_lead_details(
    loc: list[str | int],
    *,
    source: str,
    name: str | None,
    email: str | None,
    phone: str | None,
    message: str | None = None,
) -> LeadDetails:
    if source not in LEAD_SOURCES:
        raise field_error([*loc, "source"], f"one of {', '.join(LEAD_SOURCES)}")
    name = (name or "").strip() or None
    if name is not None and len(name) > MAX_NAME:
        raise field_error([*loc, "name"], f"at most {MAX_NAME} characters")
    message = (message or "").strip() or None
    if message is not None and len(message) > MAX_MESSAGE:
        raise field_error([*loc, "message"], f"at most {MAX_MESSAGE} characters")
    checked_email = normalize_email(email, [*loc, "email"]) if email and email.strip() else None
    checked_phone = normalize_phone(phone, [*loc, "phone"]) if phone and phone.strip() else None
    if checked_email is None and checked_phone is None:
        raise field_error([*loc, "email"], "an e-mail address or a phone number is required")
    return LeadDetails(source, name, checked_email, checked_phone, message)


async def do_capture_lead(
    tx: Tx,
    workspace_id: str,
    visitor_id: str,
    details: LeadDetails,
    *,
    facts: VisitFacts | None = None,
) -> tuple[Lead, bool]:
    """The visitor's open lead with these details added, or a new lead with their visit's
    facts (``facts``, else read from the stored visit). Returns ``(lead, created)``."""
    now = clock.now()
    lead = await tx.session.scalar(
        select(Lead)
        .where(
            Lead.workspace_id == workspace_id,
            Lead.visitor_id == visitor_id,
            Lead.status.in_(OPEN_STATUSES),
        )
        .order_by(Lead.created_at.desc())
        .limit(1)
    )
    created = lead is None
    if lead is None:
        facts = facts or await visit_facts(tx.session, workspace_id, visitor_id)
        contact = await do_get_or_create_by_identity(
            tx, workspace_id, "visitor", visitor_id, name=visitor_display_name(visitor_id)
        )
        lead = Lead(
            workspace_id=workspace_id,
            visitor_id=visitor_id,
            contact_id=contact.id,
            source=details.source,
            status="new",
            referrer=facts.referrer,
            landing_url=facts.landing_url,
            utm_source=facts.utm.get("source"),
            utm_medium=facts.utm.get("medium"),
            utm_campaign=facts.utm.get("campaign"),
            pages=facts.pages,
            cart=facts.cart,
            created_at=now,
        )
        tx.session.add(lead)
    lead.name = details.name or lead.name
    lead.email = details.email or lead.email
    lead.phone = details.phone or lead.phone
    lead.message = details.message or lead.message
    lead.updated_at = now
    await tx.session.flush()
    if lead.contact_id is not None:
        await _add_identities(tx, workspace_id, lead.contact_id, details)
    await _emitted(tx, lead, events.LEAD_CREATED if created else events.LEAD_UPDATED)
    return lead, created


async def _add_identities(tx: Tx, workspace_id: str, contact_id: str, d: LeadDetails) -> None:
    """The details become unverified identities of the visitor's contact, so a later
    e-mail or call finds the same customer; an address another contact holds stays there
    (a merge is an agent's decision)."""
    contact = await tx.session.scalar(
        select(Contact).where(Contact.id == contact_id, Contact.workspace_id == workspace_id)
    )
    if contact is None:
        return
    for kind, value in (("email", d.email), ("phone", d.phone)):
        if value is None:
            continue
        try:
            async with tx.session.begin_nested():
                await do_add_identity(tx, contact, kind, value, verified=False)
        except (Conflict, IntegrityError):
            continue


async def access_lead(session: AsyncSession, workspace_id: str, lead_id: str) -> Lead:
    lead = await session.scalar(
        select(Lead).where(Lead.id == lead_id, Lead.workspace_id == workspace_id)
    )
    if lead is None:
        raise NotFound("no such lead")
    return lead


async def check_owner(session: AsyncSession, workspace_id: str, owner_id: str) -> str:
    found = await session.scalar(
        select(User.id).where(User.id == owner_id, User.workspace_id == workspace_id)
    )
    if found is None:
        raise field_error(["body", "owner_id"], "no such user in this workspace")
    return found


async def do_update_lead(
    tx: Tx,
    lead: Lead,
    *,
    status: str | None = None,
    owner_id: str | None = None,
    clear_owner: bool = False,
) -> Lead:
    """A new status and/or owner (``clear_owner``: nobody); ``lead.updated`` if changed."""
    changed = False
    if status is not None and status != lead.status:
        if status not in LEAD_STATUSES:
            raise field_error(["body", "status"], f"one of {', '.join(LEAD_STATUSES)}")
        lead.status = status
        changed = True
    if clear_owner and lead.owner_id is not None:
        lead.owner_id = None
        changed = True
    elif owner_id is not None and owner_id != lead.owner_id:
        lead.owner_id = await check_owner(tx.session, lead.workspace_id, owner_id)
        changed = True
    if changed:
        lead.updated_at = clock.now()
        await tx.session.flush()
        await _emitted(tx, lead, events.LEAD_UPDATED)
    return lead


async def _emitted(tx: Tx, lead: Lead, name: str) -> None:
    payload = describe(lead)
    tx.publish_on_commit(DomainEvent(name, lead.workspace_id, {"lead": payload}))
    await webhook.do_promise(tx, lead, name, payload)


def describe(lead: Lead) -> dict[str, Any]:
    """The lead as the API, its live frames and the CRM webhook show it."""
    return {
        "id": lead.id,
        "visitor_id": lead.visitor_id,
        "contact_id": lead.contact_id,
        "source": lead.source,
        "status": lead.status,
        "owner_id": lead.owner_id,
        "name": lead.name,
        "email": lead.email,
        "phone": lead.phone,
        "message": lead.message,
        "referrer": lead.referrer,
        "landing_url": lead.landing_url,
        "utm_source": lead.utm_source,
        "utm_medium": lead.utm_medium,
        "utm_campaign": lead.utm_campaign,
        "pages": lead.pages,
        "cart": lead.cart,
        "created_at": lead.created_at.isoformat(),
        "updated_at": lead.updated_at.isoformat(),
    }
