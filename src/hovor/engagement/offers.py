"""Offers: made (or held out for the control group), shown, accepted, declined, expired.

Accepting opens the conversation the offer promised, carrying why it was made (the rule,
the pages, the cart), so the agent never asks what the visitor was doing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from hovor.channels.voice.service import do_request_callback
from hovor.channels.webchat.adapter import KIND as WEBCHAT
from hovor.conversations.opening import do_find_or_open_conversation
from hovor.conversations.service import (
    do_add_system_note,
)
from hovor.core import clock
from hovor.core.channels import ChannelCatalogue
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.core.events import DomainEvent
from hovor.core.ids import new_id
from hovor.db.transaction import Tx
from hovor.engagement import events
from hovor.engagement.frames import OfferAccepted, OfferCard, OfferMadeFrame
from hovor.engagement.models import Offer
from hovor.engagement.offer_card import card_text, offer_card
from hovor.engagement.schemas import ConversationOfferOut, OfferCardOut
from hovor.routing import queues, tasks

OFFER_LIFETIME = timedelta(minutes=2)


def offer_frame(described: dict[str, Any]) -> dict[str, Any]:
    """The ``offer`` frame the visitor's widget shows, from an ``offer.made`` payload."""
    card = OfferCard.model_validate(
        {key: described[key] for key in ("id", "kind", "text", "expires_at")}
    )
    return OfferMadeFrame(offer=card).data()


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
        "expires_at": offer.expires_at.isoformat(),
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
    """An offer, with its id, not yet stored (``do_store_offer`` stores it)."""
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
    """Store a new offer; ``offer.made`` (``offer.held_out`` for the control group) follows
    the commit, and the offer frame reaches the visitor only then (``Engagement.register``),
    so an offer the visitor sees always exists when they answer it."""
    tx.session.add(offer)
    await tx.session.flush()
    tx.publish_on_commit(_stored(offer))
    return offer


def store_offer_at_once(connection: Connection, offer: Offer) -> list[DomainEvent]:
    """Store a new offer in one synchronous step, for ``Database.write_at_once``: the rules'
    offers, made while the event loop is busiest, hold SQLite's one writer for one hop
    instead of a loop turn per statement (ADR 0008). The same row and the same event, to
    publish after the commit, as ``do_store_offer``."""
    with Session(bind=connection) as session:
        session.add(offer)
        session.flush()
    return [_stored(offer)]


def _stored(offer: Offer) -> DomainEvent:
    name = events.OFFER_HELD_OUT if offer.status == "held_out" else events.OFFER_MADE
    return DomainEvent(name, offer.workspace_id, {"offer": describe(offer)})


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
    """What the agent reads first: why the visitor was offered help (the rule and its
    facts), and what they were doing. The desktop shows the same as a card
    (``conversation_offers``); this text is for everything else (e-mail, exports)."""
    return card_text(offer.text, card_of(offer))


def card_of(offer: Offer) -> OfferCardOut:
    return offer_card(
        offer.context,
        rule_key=offer.rule_key,
        rule_version=offer.rule_version,
        invited_by=offer.invited_by,
    )


async def conversation_offers(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> list[ConversationOfferOut]:
    """The accepted offers that opened or joined the conversation, oldest first."""
    rows = await session.scalars(
        select(Offer)
        .where(
            Offer.workspace_id == workspace_id,
            Offer.conversation_id == conversation_id,
            Offer.status == "accepted",
        )
        .order_by(Offer.decided_at, Offer.id)
    )
    return [
        ConversationOfferOut(
            id=o.id,
            kind=o.kind,
            text=o.text,
            decided_at=o.decided_at,
            note_id=o.context.get("note_id"),
            card=card_of(o),
        )
        for o in rows
    ]


async def do_accept(
    tx: Tx, offer: Offer, frame: OfferAccepted, channels: ChannelCatalogue
) -> Offer:
    """Accept: open the chat (or request the callback) with the offer's context; the chat
    waits in the rule's queue with its channel's SLA (``channels``)."""
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
        conversation, _ = await do_find_or_open_conversation(
            tx,
            offer.workspace_id,
            channel=WEBCHAT,
            source_id=offer.visitor_id,
            identity_kind="visitor",
        )
        if offer.kind == "cobrowse":
            note += "\nThe visitor consented to co-browsing."
        added = await do_add_system_note(tx, conversation, note)
        offer.context = {**offer.context, "note_id": added.id}  # where the desktop's card goes
        named = await queues.queue_by_name(tx.session, offer.workspace_id, offer.queue or "")
        await tasks.do_enqueue(
            tx, conversation, channels, queue=named
        )  # the rule's queue, if it exists
    offer.status = "accepted"
    offer.decided_at = now
    offer.conversation_id = conversation.id
    tx.publish_on_commit(
        DomainEvent(events.OFFER_ACCEPTED, offer.workspace_id, {"offer": describe(offer)})
    )
    return offer


async def do_expire_offers(tx: Tx, now: datetime) -> int:
    """Mark offers past their time as expired (any workspace), each with ``offer.expired``;
    returns how many. One conditional UPDATE … RETURNING: when two nodes' tickers expire at
    once, each offer is expired (and announced) by one of them."""
    return await _expire(tx, now, "timeout", Offer.expires_at <= now)


async def do_withdraw_offers(
    tx: Tx, workspace_id: str, offer_ids: Sequence[str], now: datetime
) -> int:
    """Expire at once the open offers ``offer_ids`` of visitors who have left (no page of
    the site open any more, so the offer is on no screen): ``offer.expired`` with reason
    ``visitor_left``. Pacing counts only open offers, so these stop taking agent capacity
    that present visitors could use. Returns how many were still open."""
    if not offer_ids:
        return 0
    return await _expire(
        tx, now, "visitor_left", Offer.workspace_id == workspace_id, Offer.id.in_(offer_ids)
    )


async def _expire(tx: Tx, now: datetime, reason: str, *where: ColumnElement[bool]) -> int:
    expired = (
        await tx.session.scalars(
            update(Offer)
            .where(Offer.status.in_(("offered", "shown")), *where)
            .values(status="expired", decided_at=now)
            .returning(Offer),
            execution_options={"synchronize_session": False},
        )
    ).all()
    for offer in sorted(expired, key=lambda o: (o.created_at, o.id)):
        tx.publish_on_commit(
            DomainEvent(
                events.OFFER_EXPIRED,
                offer.workspace_id,
                {"offer": describe(offer), "reason": reason},
            )
        )
    return len(expired)


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
