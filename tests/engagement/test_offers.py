"""Offers on both databases: stored, shown, declined, accepted, expired, and their events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from hovor.conversations.models import Conversation, Message
from hovor.core import clock
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.db.transaction import Database
from hovor.engagement import offers
from hovor.engagement.frames import OfferAccepted
from hovor.engagement.models import Offer
from tests.routing.channels import CHANNELS
from tests.support.events import CaptureEvents
from tests.support.factories import make_team

pytestmark = pytest.mark.storage

CONTEXT: dict[str, Any] = {
    "rule_name": "Cart left",
    "facts": {"payment_switches": 3, "failed_codes": ["SALE10", "XMAS"], "removed_value": 4998.0},
    "money_facts": ["removed_value"],
    "page": {"url": "https://shop.example.org/cart", "title": "Cart"},
    "recent_pages": ["https://shop.example.org/", "https://shop.example.org/cart"],
    "page_titles": {"https://shop.example.org/": "Home"},
    "cart": {"tv": {"name": "VistaView 65", "price": 2499.0, "quantity": 1}},
    "cart_value": 2499.0,
    "currency": "CZK",
    "locale": "cs",
}


def an_offer(workspace_id: str, visitor_id: str = "v_1", **overrides: Any) -> Offer:
    fields: dict[str, Any] = {
        "visitor_id": visitor_id,
        "session_id": "s_1",
        "kind": "chat",
        "text": "Can we help?",
        "queue": None,
        "context": CONTEXT,
        "rule_key": "cart-left",
        "rule_version": 3,
    }
    fields.update(overrides)
    return offers.new_offer(workspace_id, **fields)


async def stored(db: Database, offer: Offer) -> Offer:
    async with db.transaction() as tx:
        return await offers.do_store_offer(tx, offer)


async def status_of(db: Database, offer: Offer) -> str:
    async with db.read() as session:
        found = await offers.access_offer(session, offer.workspace_id, offer.visitor_id, offer.id)
        return found.status


async def test_storing_publishes_made_or_held_out_after_the_commit(
    db: Database, capture_events: CaptureEvents
) -> None:
    ws = (await make_team(db)).workspace.id
    made, held = an_offer(ws), an_offer(ws, "v_2", held_out=True)
    with capture_events(db) as captured:
        await stored(db, made)
        await stored(db, held)
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await offers.do_store_offer(tx, an_offer(ws, "v_3"))
                raise RuntimeError("the transaction fails after the insert")
    assert captured.names() == ["offer.made", "offer.held_out"]
    assert [e.workspace_id for e in captured.events] == [ws, ws]
    assert captured.payloads("offer.made") == [{"offer": offers.describe(made)}]
    payload = captured.payloads("offer.made")[0]["offer"]
    assert (payload["status"], payload["rule_key"], payload["visitor_id"]) == (
        "offered",
        "cart-left",
        "v_1",
    )
    assert payload["expires_at"] == (made.created_at + offers.OFFER_LIFETIME).isoformat()
    assert captured.payloads("offer.held_out")[0]["offer"]["status"] == "held_out"
    async with db.read() as session:
        rows = (await session.scalars(select(Offer.visitor_id).order_by(Offer.visitor_id))).all()
    assert rows == ["v_1", "v_2"]  # the rolled-back offer left nothing


async def test_the_frame_is_built_from_the_made_event() -> None:
    offer = an_offer("w_1")
    assert offers.offer_frame(offers.describe(offer)) == {
        "type": "offer",
        "offer": {
            "id": offer.id,
            "kind": "chat",
            "text": "Can we help?",
            "expires_at": offer.expires_at.isoformat().replace("+00:00", "Z"),  # as frames do
        },
    }


async def test_an_offer_is_found_only_by_its_visitor_in_its_workspace(db: Database) -> None:
    ws = (await make_team(db)).workspace.id
    other = (await make_team(db, "Other")).workspace.id
    offer = await stored(db, an_offer(ws))
    async with db.read() as session:
        assert (await offers.access_offer(session, ws, "v_1", offer.id)).id == offer.id
        for workspace_id, visitor_id, offer_id in [
            (other, "v_1", offer.id),
            (ws, "v_2", offer.id),
            (ws, "v_1", "nope"),
        ]:
            with pytest.raises(NotFound):
                await offers.access_offer(session, workspace_id, visitor_id, offer_id)


async def test_shown_once_then_declined_once(db: Database, capture_events: CaptureEvents) -> None:
    ws = (await make_team(db)).workspace.id
    offer = await stored(db, an_offer(ws))
    with capture_events(db) as captured:
        for _ in range(2):  # the widget may report it twice (two tabs): one event
            async with db.transaction() as tx:
                found = await offers.access_offer(tx.session, ws, "v_1", offer.id)
                await offers.do_mark_shown(tx, found)
        async with db.transaction() as tx:
            found = await offers.access_offer(tx.session, ws, "v_1", offer.id)
            await offers.do_decline(tx, found)
        with pytest.raises(Conflict, match="already declined"):
            async with db.transaction() as tx:
                found = await offers.access_offer(tx.session, ws, "v_1", offer.id)
                await offers.do_decline(tx, found)
    assert captured.names() == ["offer.shown", "offer.declined"]
    shown, declined = (e.payload["offer"] for e in captured.events)
    assert (shown["id"], shown["status"]) == (offer.id, "shown")
    assert (declined["id"], declined["status"]) == (offer.id, "declined")
    assert await status_of(db, offer) == "declined"


async def test_an_expired_offer_cannot_be_answered(db: Database) -> None:
    ws = (await make_team(db)).workspace.id
    late = an_offer(ws)
    late.expires_at = clock.now() - timedelta(seconds=1)
    await stored(db, late)
    with pytest.raises(Conflict, match="expired"):
        async with db.transaction() as tx:
            found = await offers.access_offer(tx.session, ws, "v_1", late.id)
            await offers.do_accept(
                tx, found, OfferAccepted(type="offer.accepted", offer_id=late.id), CHANNELS
            )
    assert await status_of(db, late) == "offered"


async def test_accepting_a_chat_opens_it_with_the_context(
    db: Database, capture_events: CaptureEvents
) -> None:
    ws = (await make_team(db)).workspace.id
    offer = await stored(db, an_offer(ws))
    with capture_events(db) as captured:
        async with db.transaction() as tx:
            found = await offers.access_offer(tx.session, ws, "v_1", offer.id)
            await offers.do_accept(
                tx, found, OfferAccepted(type="offer.accepted", offer_id=offer.id), CHANNELS
            )
    (accepted,) = captured.payloads("offer.accepted")
    conversation_id = accepted["offer"]["conversation_id"]
    assert accepted["offer"]["status"] == "accepted" and conversation_id
    async with db.read() as session:
        conversation = await session.get(Conversation, conversation_id)
        notes = (
            await session.scalars(select(Message).where(Message.conversation_id == conversation_id))
        ).all()
    assert conversation is not None and conversation.source_id == "v_1"
    assert [n.body for n in notes] == [offers.context_note(offer)]
    # The offer's event comes after the conversation's, which it names.
    assert captured.names().index("conversation.created") < captured.names().index("offer.accepted")
    # The desktop gets the same context as a card, placed where the note is.
    async with db.read() as session:
        (behind,) = await offers.conversation_offers(session, ws, conversation_id)
        assert await offers.conversation_offers(session, "w_other", conversation_id) == []
    assert behind.id == offer.id and behind.note_id == notes[0].id
    assert behind.card == offers.card_of(offer)
    assert [f.text for f in behind.card.facts] == ["3", "SALE10, XMAS", "4\u00a0998\u00a0Kč"]


async def test_a_callback_needs_a_phone_and_a_zoned_time(db: Database) -> None:
    ws = (await make_team(db)).workspace.id
    offer = await stored(db, an_offer(ws, kind="callback"))
    for frame, field in [
        (OfferAccepted(type="offer.accepted", offer_id=offer.id), "phone"),
        (
            OfferAccepted.model_validate(
                {
                    "type": "offer.accepted",
                    "offer_id": offer.id,
                    "phone": "+420 601 123 456",
                    "preferred_time": "2026-12-03T15:00:00",
                }
            ),
            "preferred_time",
        ),
    ]:
        with pytest.raises(InvalidInput) as raised:
            async with db.transaction() as tx:
                found = await offers.access_offer(tx.session, ws, "v_1", offer.id)
                await offers.do_accept(tx, found, frame, CHANNELS)
        assert raised.value.errors[0]["loc"] == [field]
    assert await status_of(db, offer) == "offered"


async def test_expiry_marks_and_announces_each_late_offer_once(
    db: Database, capture_events: CaptureEvents
) -> None:
    ws = (await make_team(db)).workspace.id
    other = (await make_team(db, "Other")).workspace.id
    now = clock.now()
    late = an_offer(ws)
    late.expires_at = now - timedelta(seconds=5)
    late_shown = an_offer(other, "v_9")
    late_shown.expires_at = now - timedelta(seconds=1)
    answered = an_offer(ws, "v_2")
    answered.expires_at = now - timedelta(seconds=1)
    answered.status = "declined"
    fresh = an_offer(ws, "v_3")
    for offer in (late, late_shown, answered, fresh):
        await stored(db, offer)
    with capture_events(db) as captured:
        for _ in range(2):
            async with db.transaction() as tx:
                await offers.do_expire_offers(tx, now)
    assert sorted((e.workspace_id, e.payload["offer"]["id"]) for e in captured.events) == sorted(
        [(ws, late.id), (other, late_shown.id)]
    )
    assert captured.names() == ["offer.expired", "offer.expired"]
    assert {(e.payload["offer"]["status"], e.payload["reason"]) for e in captured.events} == {
        ("expired", "timeout")
    }
    assert [await status_of(db, o) for o in (late, late_shown, answered, fresh)] == [
        "expired",
        "expired",
        "declined",
        "offered",
    ]


async def test_expiry_returns_how_many(db: Database) -> None:
    ws = (await make_team(db)).workspace.id
    now = clock.now()
    for visitor in ("v_1", "v_2"):
        offer = an_offer(ws, visitor)
        offer.expires_at = now - timedelta(seconds=1)
        await stored(db, offer)
    async with db.transaction() as tx:
        assert await offers.do_expire_offers(tx, now) == 2
    async with db.transaction() as tx:
        assert await offers.do_expire_offers(tx, now) == 0


async def test_offers_since_each_visitors_own_time(db: Database) -> None:
    ws = (await make_team(db)).workspace.id
    other = (await make_team(db, "Other")).workspace.id
    now = clock.now()
    old = an_offer(ws, "v_1")
    old.created_at = now - timedelta(hours=2)
    recent_1, recent_2 = an_offer(ws, "v_1"), an_offer(ws, "v_2")
    for offer in (old, recent_1, recent_2, an_offer(other, "v_1"), an_offer(ws, "v_3")):
        await stored(db, offer)
    async with db.read() as session:
        found = await offers.offers_since(
            session, ws, {"v_1": now - timedelta(hours=1), "v_2": now - timedelta(hours=3)}
        )
        day = await offers.visitor_offers(session, ws, "v_1", now - timedelta(days=1))
        assert await offers.offers_since(session, ws, {}) == {}
    assert {v: [o.id for o in found[v]] for v in found} == {
        "v_1": [recent_1.id],
        "v_2": [recent_2.id],
    }
    assert [o.id for o in day] == [old.id, recent_1.id]


def test_the_context_note_says_why_and_what_the_visitor_did() -> None:
    offer = an_offer("w_1")
    assert offers.context_note(offer) == "\n".join(
        [
            "Offer accepted: Can we help?",
            "Rule: Cart left (v3)",
            "Why: Payment switches: 3; Failed codes: SALE10, XMAS; Removed value: 4\u00a0998\u00a0Kč",
            "Page: Cart (https://shop.example.org/cart)",
            "Recent pages: Home (https://shop.example.org/) → Cart (https://shop.example.org/cart)",
            "Cart (2\u00a0499\u00a0Kč): VistaView 65 x1 (2\u00a0499\u00a0Kč)",
        ]
    )
    # An offer stored before currencies and titles were kept: URLs and plain numbers.
    older = {k: v for k, v in CONTEXT.items() if k not in ("page_titles", "currency", "locale")}
    assert offers.context_note(an_offer("w_1", context=older)).splitlines()[3:] == [
        "Page: Cart (https://shop.example.org/cart)",
        "Recent pages: https://shop.example.org/ → Cart (https://shop.example.org/cart)",
        "Cart (2,499): VistaView 65 x1 (2,499)",
    ]
    invited = an_offer("w_1", rule_key=None, rule_version=None, invited_by="u_1", context={})
    assert offers.context_note(invited) == "Offer accepted: Can we help?\nInvited by an agent"


async def test_withdrawing_expires_only_the_named_open_offers_of_the_workspace(
    db: Database, capture_events: CaptureEvents
) -> None:
    ws = (await make_team(db)).workspace.id
    other = (await make_team(db, "Other")).workspace.id
    left, stays, answered = an_offer(ws, "v_1"), an_offer(ws, "v_2"), an_offer(ws, "v_3")
    answered.status = "declined"
    theirs = an_offer(other, "v_1")
    for offer in (left, stays, answered, theirs):
        await stored(db, offer)
    now = clock.now()
    with capture_events(db) as captured:
        async with db.transaction() as tx:
            ids = [left.id, answered.id, theirs.id]
            assert await offers.do_withdraw_offers(tx, ws, ids, now) == 1
            assert await offers.do_withdraw_offers(tx, ws, [], now) == 0
    assert [(e.name, e.payload["offer"]["id"], e.payload["reason"]) for e in captured.events] == [
        ("offer.expired", left.id, "visitor_left")
    ]
    assert [await status_of(db, o) for o in (left, stays, answered, theirs)] == [
        "expired",
        "offered",
        "declined",
        "offered",
    ]
