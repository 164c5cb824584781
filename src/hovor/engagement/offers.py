"""Offers: made (or held out for the control group), shown, accepted, declined, expired.

Accepting opens the conversation the offer promised, carrying why it was made (the rule,
the pages, the cart), so the agent never asks what the visitor was doing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.voice.service import do_request_callback
from hovor.channels.webchat.adapter import KIND as WEBCHAT
from hovor.contacts.service import do_get_or_create_by_identity, visitor_display_name
from hovor.conversations.service import (
    do_add_system_note,
    do_open_conversation,
    find_latest_conversation,
)
from hovor.core import clock
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.core.events import DomainEvent
from hovor.core.ids import new_id
from hovor.db.transaction import Tx
from hovor.engagement import events
from hovor.engagement.frames import OfferAccepted
from hovor.engagement.models import Offer
from hovor.routing import service as routing

OFFER_LIFETIME = timedelta(minutes=2)


def offer_frame(offer: Offer) -> dict[str, Any]:
    return {
        "type": "offer",
        "offer": {
            "id": offer.id,
            "kind": offer.kind,
            "text": offer.text,
            "expires_at": offer.expires_at.isoformat(),
        },
    }


def describe(offer: Offer) -> dict[str, Any]:
    return {
        "id": offer.id,
        "visitor_id": offer.visitor_id,
        "session_id": offer.session_id,
        "rule_key": offer.rule_key,
        "rule_version": offer.rule_version,
        "invited_by": offer.invited_by,
        "kind": offer.kind,
        "text": offer.text,
        "status": offer.status,
        "created_at": offer.created_at.isoformat(),
        "conversation_id": offer.conversation_id,
    }


def new_offer(
    workspace_id: str,
    *,
    visitor_id: str,
    session_id: str | None,
    kind: str,
    text: str,
    queue: str | None,
    context: dict[str, Any],
    rule_key: str | None = None,
    rule_version: int | None = None,
    invited_by: str | None = None,
    held_out: bool = False,
) -> Offer:
    """An offer, with its id, not yet stored (so its frame can leave before the write)."""
    now = clock.now()
    return Offer(
        id=new_id(),
        workspace_id=workspace_id,
        visitor_id=visitor_id,
        session_id=session_id,
        rule_key=rule_key,
        rule_version=rule_version,
        invited_by=invited_by,
        kind=kind,
        queue=queue,
        text=text,
        status="held_out" if held_out else "offered",
        expires_at=now + OFFER_LIFETIME,
        context=context,
        created_at=now,
    )


async def do_store_offer(tx: Tx, offer: Offer) -> Offer:
    tx.session.add(offer)
    await tx.session.flush()
    name = events.OFFER_HELD_OUT if offer.status == "held_out" else events.OFFER_MADE
    tx.publish_on_commit(DomainEvent(name, offer.workspace_id, {"offer": describe(offer)}))
    return offer


async def access_offer(
    session: AsyncSession, workspace_id: str, visitor_id: str, offer_id: str
) -> Offer:
    offer = await session.scalar(
        select(Offer).where(
            Offer.id == offer_id, Offer.workspace_id == workspace_id, Offer.visitor_id == visitor_id
        )
    )
    if offer is None:
        raise NotFound("no such offer")
    return offer


def _check_open(offer: Offer, now: datetime) -> None:
    if offer.status not in ("offered", "shown"):
        raise Conflict(f"the offer was already {offer.status}")
    if offer.expires_at <= now:
        raise Conflict("the offer has expired")


async def do_mark_shown(tx: Tx, offer: Offer) -> Offer:
    if offer.status == "offered":
        offer.status = "shown"
        offer.shown_at = clock.now()
        tx.publish_on_commit(
            DomainEvent(events.OFFER_SHOWN, offer.workspace_id, {"offer": describe(offer)})
        )
    return offer


async def do_decline(tx: Tx, offer: Offer) -> Offer:
    _check_open(offer, clock.now())
    offer.status = "declined"
    offer.decided_at = clock.now()
    tx.publish_on_commit(
        DomainEvent(events.OFFER_DECLINED, offer.workspace_id, {"offer": describe(offer)})
    )
    return offer


def context_note(offer: Offer) -> str:
    """What the agent reads first: why the visitor was offered help, and what they were doing."""
    ctx = offer.context
    lines = [f"Offer accepted: {offer.text}"]
    if offer.rule_key:
        lines.append(f"Rule: {ctx.get('rule_name') or offer.rule_key} (v{offer.rule_version})")
    elif offer.invited_by:
        lines.append("Invited by an agent")
    page = ctx.get("page") or {}
    if page.get("url"):
        lines.append(f"Page: {page.get('title') or ''} {page['url']}".strip())
    pages = ctx.get("recent_pages") or []
    if pages:
        lines.append("Recent pages: " + " → ".join(pages[-5:]))
    cart = ctx.get("cart") or {}
    if cart:
        items = ", ".join(f"{i.get('name') or pid} x{i['quantity']}" for pid, i in cart.items())
        lines.append(f"Cart ({ctx.get('cart_value', 0):.2f}): {items}")
    return "\n".join(lines)


async def do_accept(tx: Tx, offer: Offer, frame: OfferAccepted) -> Offer:
    """Accept: open the chat (or request the callback) with the offer's context."""
    now = clock.now()
    _check_open(offer, now)
    note = context_note(offer)
    if offer.kind == "callback":
        if not frame.phone:
            raise InvalidInput(
                "a callback needs a phone number", errors=[{"loc": ["phone"], "msg": "required"}]
            )
        preferred = frame.preferred_time
        if preferred is not None and preferred.tzinfo is None:
            raise InvalidInput(
                "preferred_time needs a time zone",
                errors=[{"loc": ["preferred_time"], "msg": "add Z or an offset"}],
            )
        conversation, _ = await do_request_callback(
            tx,
            offer.workspace_id,
            visitor_id=offer.visitor_id,
            phone=frame.phone,
            preferred_at=preferred,
            reason=note,
            context=offer.context,
            queue=offer.queue,
        )
    else:
        latest = await find_latest_conversation(
            tx.session, offer.workspace_id, WEBCHAT, offer.visitor_id
        )
        if latest is not None and latest.status == "open":
            conversation = latest
        else:
            contact = await do_get_or_create_by_identity(
                tx,
                offer.workspace_id,
                "visitor",
                offer.visitor_id,
                name=visitor_display_name(offer.visitor_id),
            )
            conversation = await do_open_conversation(
                tx,
                offer.workspace_id,
                contact_id=contact.id,
                channel=WEBCHAT,
                source_id=offer.visitor_id,
            )
        if offer.kind == "cobrowse":
            note += "\nThe visitor consented to co-browsing."
        await do_add_system_note(tx, conversation, note)
        named = await routing.queue_by_name(tx.session, offer.workspace_id, offer.queue or "")
        await routing.do_enqueue(tx, conversation, queue=named)  # the rule's queue, if it exists
    offer.status = "accepted"
    offer.decided_at = now
    offer.conversation_id = conversation.id
    tx.publish_on_commit(
        DomainEvent(events.OFFER_ACCEPTED, offer.workspace_id, {"offer": describe(offer)})
    )
    return offer


async def do_expire_offers(tx: Tx, now: datetime) -> int:
    """Mark offers past their time as expired (any workspace); returns how many."""
    result = await tx.session.execute(
        update(Offer)
        .where(Offer.status.in_(("offered", "shown")), Offer.expires_at <= now)
        .values(status="expired", decided_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def offers_since(
    session: AsyncSession, workspace_id: str, since_by_visitor: dict[str, datetime]
) -> dict[str, list[Offer]]:
    """Each visitor's offers since their own time (e.g. the start of their visit), in one query."""
    if not since_by_visitor:
        return {}
    rows = await session.scalars(
        select(Offer)
        .where(
            Offer.workspace_id == workspace_id,
            Offer.visitor_id.in_(since_by_visitor),
            Offer.created_at >= min(since_by_visitor.values()),
        )
        .order_by(Offer.created_at)
    )
    found: dict[str, list[Offer]] = {v: [] for v in since_by_visitor}
    for offer in rows:
        if offer.created_at >= since_by_visitor[offer.visitor_id]:
            found[offer.visitor_id].append(offer)
    return found


async def visitor_offers(
    session: AsyncSession, workspace_id: str, visitor_id: str, since: datetime
) -> Sequence[Offer]:
    return (
        await session.scalars(
            select(Offer)
            .where(
                Offer.workspace_id == workspace_id,
                Offer.visitor_id == visitor_id,
                Offer.created_at >= since,
            )
            .order_by(Offer.created_at)
        )
    ).all()
