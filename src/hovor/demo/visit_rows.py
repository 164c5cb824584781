"""The rows every simulated visit leaves, inserted in bulk: the visitor's contact and
identities, the web visit and its event log (as tracking stores them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert

from hovor.contacts.models import Contact, ContactIdentity
from hovor.core.ids import new_id
from hovor.db.transaction import Tx
from hovor.demo.simulate import SimVisit


@dataclass
class VisitIds:
    contact_id: str
    session_id: str


@dataclass
class Rows:
    contacts: list[dict[str, Any]] = field(default_factory=list)
    identities: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def buyer_email(v: SimVisit) -> str | None:
    """The address the shop knows the visitor by (their own, or the one an order gives)."""
    if v.email:
        return v.email
    if v.order_total is not None:
        return f"kupujici{v.visitor_id.rsplit('-', 1)[-1]}@example.cz"
    return None


def visit_rows(ws: str, v: SimVisit, rows: Rows) -> VisitIds:
    ids = VisitIds(new_id(), new_id())
    email = buyer_email(v)
    rows.contacts.append(
        {
            "id": ids.contact_id,
            "workspace_id": ws,
            "name": v.name,
            "email": email,
            "phone": v.phone,
            "attributes": {},
            "claims": {},
            "created_at": v.started_at,
        }
    )
    rows.identities.append(_identity(ws, ids.contact_id, "visitor", v.visitor_id, v, False))
    if email:  # verified: the shop knows its customers (as an order from its back-end says)
        rows.identities.append(_identity(ws, ids.contact_id, "email", email, v, True))
    rows.sessions.append(
        {
            "id": ids.session_id,
            "workspace_id": ws,
            "visitor_id": v.visitor_id,
            "started_at": v.started_at,
            "last_seen_at": v.last_seen_at,
            "landing_url": v.landing_url,
            "referrer": v.referrer,
            "utm": v.utm,
            "user_agent": None,
            "device": "desktop",
            "browser": "Chrome",
            "os": "Windows",
            "returning_visitor": False,
            "events": len(v.pages) + len(v.cart) + len(v.removed),
        }
    )
    events: list[tuple[str, Any, dict[str, Any], dict[str, Any]]] = [
        ("page.view", p.at, {"path": p.url.split("?")[0]}, {"url": p.url, "title": p.title})
        for p in v.pages
    ]
    events += [
        ("cart.add", t, {"id": pid, "name": n, "price": price, "quantity": 1}, {})
        for pid, n, price, t in v.cart
    ]
    events += [("cart.remove", t, {"id": pid, "quantity": 1}, {}) for pid, t in v.removed]
    if v.order_total is not None and v.order_at is not None:
        events.append(
            (
                "order.completed",
                v.order_at,
                {"order_id": f"SIM-{v.visitor_id}", "value": v.order_total},
                {"url": "/demo/shop/checkout.html", "title": "Checkout"},
            )
        )
    for i, (type_, ts, props, page) in enumerate(events):
        rows.events.append(
            {
                "id": new_id(),
                "workspace_id": ws,
                "visitor_id": v.visitor_id,
                "session_id": ids.session_id,
                "event_id": f"{v.visitor_id}-{i}",
                "type": type_,
                "ts": ts,
                "received_at": ts,
                "clock_skew": False,
                "props": props,
                "page": page,
            }
        )
    return ids


def _identity(
    ws: str, contact_id: str, kind: str, value: str, v: SimVisit, verified: bool
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "workspace_id": ws,
        "contact_id": contact_id,
        "kind": kind,
        "value": value,
        "verified": verified,
        "created_at": v.started_at,
    }


async def insert_rows(tx: Tx, rows: Rows) -> None:
    from hovor.tracking.models import TrackedEvent, WebSession

    for model, values in (
        (Contact, rows.contacts),
        (ContactIdentity, rows.identities),
        (WebSession, rows.sessions),
        (TrackedEvent, rows.events),
    ):
        if values:
            await tx.session.execute(insert(model), values)
