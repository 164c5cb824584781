"""What a lead's visit says about them: where they came from, what they saw, their cart.

Read from the tracking context's stored visit (``web_sessions``) and event log
(``tracked_events``) at the moment the visitor leaves their details; the cart is replayed
with tracking's own ``update_cart``, so it is the cart the rules saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.tracking.enrich import device_from_user_agent
from hovor.tracking.live import LiveVisitor
from hovor.tracking.models import TrackedEvent, WebSession
from hovor.tracking.service import update_cart

MAX_PAGES = 30  # the pages a lead keeps, most recent last
CART_EVENTS = ("cart.add", "cart.remove", "order.completed")


@dataclass(frozen=True)
class VisitFacts:
    referrer: str | None = None
    landing_url: str | None = None
    utm: dict[str, str] = field(default_factory=dict)
    pages: list[dict[str, Any]] = field(default_factory=list)
    cart: dict[str, Any] = field(default_factory=dict)


async def visit_facts(session: AsyncSession, workspace_id: str, visitor_id: str) -> VisitFacts:
    """The facts of the visitor's latest visit; empty when they have none stored."""
    visit = await session.scalar(
        select(WebSession)
        .where(WebSession.workspace_id == workspace_id, WebSession.visitor_id == visitor_id)
        .order_by(WebSession.started_at.desc())
        .limit(1)
    )
    if visit is None:
        return VisitFacts()
    rows = (
        await session.execute(
            select(TrackedEvent.type, TrackedEvent.ts, TrackedEvent.props, TrackedEvent.page)
            .where(
                TrackedEvent.session_id == visit.id,
                TrackedEvent.type.in_(("page.view", *CART_EVENTS)),
            )
            .order_by(TrackedEvent.ts, TrackedEvent.id)
        )
    ).all()
    pages: list[dict[str, Any]] = []
    holder = LiveVisitor(workspace_id, visitor_id, device_from_user_agent(None), None, False)
    for type_, ts, props, page in rows:
        if type_ == "page.view":
            pages.append({"url": page.get("url"), "title": page.get("title"), "at": ts.isoformat()})
        else:
            update_cart(holder, type_, props)
    return VisitFacts(
        referrer=visit.referrer,
        landing_url=visit.landing_url,
        utm=dict(visit.utm or {}),
        pages=pages[-MAX_PAGES:],
        cart=cart_summary(holder.cart),
    )


def cart_summary(cart: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``{"value", "items", "lines": [{id, name, price, quantity}]}``, or ``{}`` when empty."""
    if not cart:
        return {}
    lines = [{"id": key, **item} for key, item in cart.items()]
    return {
        "value": round(sum(float(i["price"]) * int(i["quantity"]) for i in lines), 2),
        "items": sum(int(i["quantity"]) for i in lines),
        "lines": lines,
    }
