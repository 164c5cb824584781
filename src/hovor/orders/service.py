"""Orders from the shop's back-end: stored once per external id, shown on the timeline.

The back-end is trusted (it holds an API token), so the customer it names is resolved, or
created, with verified identities, by ``contacts.customers.do_resolve_customer`` (the same
path as ``PUT /v1/customers/{id}``), which may merge contacts it proves to be that customer.
Unlike the upsert, an order is never refused over an identity verified for another
customer: the order is stored and only that identity moves.
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
from hovor.contacts.customers import CustomerRef, do_resolve_customer
from hovor.contacts.merge import LinkedRows
from hovor.core.errors import Conflict
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx
from hovor.orders import events
from hovor.orders.models import Order

ORDER = "order"  # merge reason


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
    resolved = await do_resolve_customer(tx, workspace_id, data.customer, reason=ORDER, links=links)
    contact = resolved.contact
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
