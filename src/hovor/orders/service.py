"""Orders from the shop's back-end: stored once per external id, shown on the timeline.

The back-end is trusted (it holds an API token), so the customer it names is resolved, or
created, with verified identities; a verified identity that another contact holds joins
the two (an automatic merge), except two contacts each with their own external id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.contacts import timeline
from hovor.contacts.merge import LinkedRows, do_merge_contacts
from hovor.contacts.models import Contact
from hovor.contacts.service import (
    access_contact,
    do_add_identity,
    find_identity,
    identities_of,
)
from hovor.core.errors import Conflict
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx
from hovor.orders import events
from hovor.orders.models import Order


@dataclass(frozen=True)
class CustomerRef:
    """Who placed the order, as the shop knows them (already normalised)."""

    external_id: str | None = None
    email: str | None = None
    phone: str | None = None
    name: str | None = None

    def identities(self) -> list[tuple[str, str]]:
        pairs = (("external_id", self.external_id), ("email", self.email), ("phone", self.phone))
        return [(kind, value) for kind, value in pairs if value]


@dataclass(frozen=True)
class OrderData:
    external_id: str
    customer: CustomerRef
    total: Decimal
    currency: str
    items: list[dict[str, Any]]
    placed_at: datetime

    def digest(self) -> str:
        body = {
            "external_id": self.external_id,
            "customer": [list(p) for p in self.customer.identities()],
            "total": str(self.total),
            "currency": self.currency,
            "items": self.items,
            "placed_at": self.placed_at.isoformat(),
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


async def _external_ids(tx: Tx, contact: Contact) -> set[str]:
    return {
        i.value
        for i in await identities_of(tx.session, contact.workspace_id, contact.id)
        if i.kind == "external_id" and i.verified
    }


async def do_resolve_customer(
    tx: Tx, workspace_id: str, customer: CustomerRef, *, links: LinkedRows | None
) -> Contact:
    """The contact the shop means, created if none; its identities become verified."""
    owned = []
    for kind, value in customer.identities():
        identity = await find_identity(tx.session, workspace_id, kind, value)
        if identity is not None:
            owned.append(identity)
    primary_identity = next((i for i in owned if i.verified), owned[0] if owned else None)
    contact: Contact | None = None
    if primary_identity is not None:
        contact = await access_contact(tx.session, workspace_id, primary_identity.contact_id)
        known = await _external_ids(tx, contact)
        if customer.external_id and known and customer.external_id not in known:
            contact = None  # another customer of the shop: never this one's profile
    if contact is None:
        contact = Contact(
            workspace_id=workspace_id,
            name=customer.name or customer.email or customer.external_id or "Customer",
            attributes={},
            claims={},
        )
        tx.session.add(contact)
        await tx.session.flush()
    for identity in owned:
        if identity.contact_id == contact.id:
            identity.verified = True
            continue
        other = await access_contact(tx.session, workspace_id, identity.contact_id)
        mine = await _external_ids(tx, contact) | {customer.external_id} - {None}
        theirs = await _external_ids(tx, other)
        if identity.verified and not (mine and theirs and mine != theirs):
            await do_merge_contacts(
                tx, workspace_id, other.id, contact.id, "system:order", reason="order", links=links
            )
        else:  # an unverified claim, or two distinct customers: move only this identity
            identity.contact_id = contact.id
            identity.verified = True
    await tx.session.flush()
    for kind, value in customer.identities():
        await do_add_identity(tx, contact, kind, value, verified=True)
    if customer.name and contact.name.startswith("Visitor "):
        contact.name = customer.name
    return contact


async def find_order(session: AsyncSession, workspace_id: str, external_id: str) -> Order | None:
    return await session.scalar(
        select(Order).where(Order.workspace_id == workspace_id, Order.external_id == external_id)
    )


async def do_record_order(
    tx: Tx, workspace_id: str, data: OrderData, *, links: LinkedRows | None = None
) -> tuple[Order, bool]:
    """Store the order; returns it and whether it is new. Resending it returns the stored one;
    the same external id with other content is a conflict."""
    digest = data.digest()
    existing = await find_order(tx.session, workspace_id, data.external_id)
    if existing is not None:
        if existing.digest != digest:
            raise Conflict(f"order {data.external_id} was already recorded with other content")
        return existing, False
    contact = await do_resolve_customer(tx, workspace_id, data.customer, links=links)
    order = Order(
        workspace_id=workspace_id,
        external_id=data.external_id,
        contact_id=contact.id,
        total=data.total,
        currency=data.currency,
        items=data.items,
        placed_at=data.placed_at,
        digest=digest,
    )
    tx.session.add(order)
    await tx.session.flush()
    count = sum(int(i.get("quantity", 1)) for i in data.items)
    await timeline.do_record(
        tx,
        workspace_id,
        contact.id,
        timeline.ORDER_PLACED,
        data.placed_at,
        "order",
        order.id,
        f"Order {data.external_id}: {data.total} {data.currency}, {count} items",
        {
            "order_id": order.id,
            "external_id": data.external_id,
            "total": str(data.total),
            "currency": data.currency,
            "items": count,
        },
    )
    tx.publish_on_commit(
        DomainEvent(
            events.ORDER_CREATED,
            workspace_id,
            {"order_id": order.id, "external_id": data.external_id, "contact_id": contact.id},
        )
    )
    return order, True


async def list_orders(session: AsyncSession, workspace_id: str, contact_id: str) -> Sequence[Order]:
    return (
        await session.scalars(
            select(Order)
            .where(Order.workspace_id == workspace_id, Order.contact_id == contact_id)
            .order_by(Order.placed_at.desc(), Order.id.desc())
        )
    ).all()


async def do_move_orders(
    tx: Tx, workspace_id: str, from_contact_id: str, to_contact_id: str, only: list[str] | None
) -> list[str]:
    """Orders follow contact merges (wired in the app factory)."""
    query = select(Order.id).where(
        Order.workspace_id == workspace_id, Order.contact_id == from_contact_id
    )
    if only is not None:
        query = query.where(Order.id.in_(only))
    ids = list((await tx.session.scalars(query)).all())
    if ids:
        await tx.session.execute(
            update(Order)
            .where(Order.workspace_id == workspace_id, Order.id.in_(ids))
            .values(contact_id=to_contact_id)
        )
    return ids
