"""Erasure on both databases: anonymise leaves no personal string anywhere, delete removes the
rows, both are audited and published, other workspaces are out of reach."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from hovor.contacts.models import Contact, ContactIdentity, TimelineEntry
from hovor.conversations.models import Conversation, Message
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.db.transaction import Database
from hovor.models import metadata
from hovor.orders.models import Order
from hovor.privacy import service
from hovor.privacy.models import PrivacyRequest
from hovor.tracking.models import TrackedEvent, WebSession
from tests.privacy.support import (
    NAME,
    PRODUCT,
    VISITOR,
    build_contact,
    count_rows,
    scan,
)
from tests.support.events import CaptureEvents
from tests.support.factories import make_team, visitor_writes

pytestmark = pytest.mark.storage


async def test_anonymise_leaves_no_personal_string_and_keeps_counts(
    db: Database, capture_events: CaptureEvents
) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    built = await build_contact(db, ws, team.agents[0])
    before = await count_rows(db, ws)
    assert {needle for _, _, needle in await scan(db)} >= {"Zarkowski", "Zorblax", "zq-landing"}
    with capture_events(db) as captured:
        async with db.transaction() as tx:
            request = await service.do_erase_contact(
                tx, ws, built.contact_id, mode="anonymise", reason="ticket 42", actor="user:x"
            )
    seen = captured.of("contact.erased")

    # Nothing personal is left in any column of any table, except the order's items, which
    # are kept for bookkeeping (docs/privacy.md).
    assert await scan(db) == {("orders", "items", "Zorblax")}
    after = await count_rows(db, ws)
    removed_identities = 4  # e-mail, phone, external id, messenger; visitor ids stay
    assert after == {
        **before,
        "contact_identities": before["contact_identities"] - removed_identities,
        "privacy_requests": before["privacy_requests"] + 1,
    }
    async with db.read() as session:
        contact = await session.get(Contact, built.contact_id)
        assert contact is not None
        assert (contact.name, contact.email, contact.phone) == ("Erased contact", None, None)
        assert contact.attributes == {} and contact.claims == {}
        kinds = set(
            (
                await session.scalars(
                    select(ContactIdentity.kind).where(ContactIdentity.workspace_id == ws)
                )
            ).all()
        )
        assert kinds == {"visitor"}
        bodies = set((await session.scalars(select(Message.body))).all())
        assert bodies == {"[erased]"}
        authors = set(await session.execute(select(Message.author_type, Message.author_name)))
        assert authors == {("visitor", None), ("agent", team.agents[0].name), ("system", None)}
        deliveries = metadata.tables["deliveries"]
        assert (
            await session.execute(select(deliveries.c.recipient, deliveries.c.last_error))
        ).all() == [("[erased]", None)]
        events = (await session.scalars(select(TrackedEvent))).all()
        assert [(e.type, e.props, e.page) for e in events] == [
            ("page.view", {}, {}),
            ("cart.add", {}, {}),
        ]
        web = (await session.scalars(select(WebSession))).one()
        assert (web.landing_url, web.referrer, web.utm, web.user_agent) == (None, None, {}, None)
        assert (web.events, web.device) == (2, "desktop")
        order = (await session.scalars(select(Order))).one()
        assert (order.contact_id, str(order.total), order.currency) == (
            built.contact_id,
            "129.00",
            "EUR",
        )

    assert request.counts["tracked_events"] == 2
    assert request.counts["contact_identities"] == removed_identities
    assert request.counts["contacts"] == 2  # the contact and the one merged into it
    assert request.counts["deliveries"] == request.counts["email_message_ids"] == 1
    assert "contact_merges" not in request.counts  # kept: ids only
    assert request.reason == "ticket 42" and request.mode == "anonymise"
    assert [(e.name, e.payload["contact_id"], e.payload["mode"]) for e in seen] == [
        ("contact.erased", built.contact_id, "anonymise")
    ]
    assert seen[0].payload["counts"] == request.counts


async def test_delete_removes_rows_everywhere_and_keeps_orders(
    db: Database, capture_events: CaptureEvents
) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    built = await build_contact(db, ws, team.agents[0])
    bystander = await visitor_writes(db, ws, "v_bystander", "unrelated question")
    with capture_events(db) as captured:
        async with db.transaction() as tx:
            request = await service.do_erase_contact(
                tx, ws, built.contact_id, mode="delete", reason="GDPR art. 17", actor="user:x"
            )
    seen = captured.of("contact.erased")

    after = await count_rows(db, ws)
    assert after["tracked_events"] == 0 and after["web_sessions"] == 0
    assert after["engagement_offers"] == 0 and after["callback_requests"] == 0
    assert after["timeline_entries"] == 0 and after["contact_merges"] == 0
    assert after["tickets"] == after["ticket_notes"] == after["ticket_events"] == 0
    assert after["conversations"] == 1 and after["messages"] == 1  # the bystander's
    assert after["orders"] == 1 and after["contacts"] == 2  # tombstone + bystander
    assert after["privacy_requests"] == 1
    async with db.read() as session:
        tombstone = await session.get(Contact, built.contact_id)
        assert tombstone is not None and tombstone.name == "Erased contact"
        assert await session.get(Contact, built.source_id) is None
        assert (
            await session.scalar(
                select(func.count())
                .select_from(ContactIdentity)
                .where(ContactIdentity.contact_id == built.contact_id)
            )
        ) == 0
        remaining = (await session.scalars(select(Conversation.id))).all()
        assert remaining == [bystander.conversation_id]
    # The only personal data left is the kept order's items (bookkeeping).
    assert await scan(db) == {("orders", "items", "Zorblax")}
    assert request.counts["contacts"] == 1 and request.counts["contacts_kept_for_orders"] == 1
    assert request.counts["conversations"] == 3 and request.counts["tracked_events"] == 2
    assert request.counts["deliveries"] == request.counts["email_message_ids"] == 1
    assert after["deliveries"] == after["email_message_ids"] == 0
    assert [e.payload["mode"] for e in seen] == ["delete"]

    # The visitor comes back: a fresh contact, nothing of the old one.
    again = await visitor_writes(db, ws, VISITOR, "hello again")
    async with db.read() as session:
        conversation = await session.get(Conversation, again.conversation_id)
        assert conversation is not None and conversation.contact_id != built.contact_id


async def test_delete_without_orders_removes_the_contact(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    received = await visitor_writes(db, ws, VISITOR, f"I am {NAME}")
    async with db.read() as session:
        conversation = await session.get(Conversation, received.conversation_id)
        assert conversation is not None
        contact_id = conversation.contact_id
    async with db.transaction() as tx:
        request = await service.do_erase_contact(
            tx, ws, contact_id, mode="delete", reason="request by e-mail", actor="user:x"
        )
    assert request.counts["contacts"] == 1 and request.counts["contacts_kept_for_orders"] == 0
    assert await scan(db) == set()
    async with db.read() as session:
        assert await session.get(Contact, contact_id) is None
        audit = (await session.scalars(select(PrivacyRequest))).one()
        assert (audit.contact_id, audit.mode, audit.actor) == (contact_id, "delete", "user:x")


async def test_other_workspaces_are_untouched_and_out_of_reach(db: Database) -> None:
    acme = await make_team(db, "Acme")
    globex = await make_team(db, "Globex")
    built = await build_contact(db, acme.workspace.id, acme.agents[0])
    # The same visitor id string in another workspace (ids are per workspace).
    theirs = await build_contact(db, globex.workspace.id, globex.agents[0])
    globex_before = await count_rows(db, globex.workspace.id)

    with pytest.raises(NotFound):
        async with db.transaction() as tx:
            await service.do_erase_contact(
                tx, acme.workspace.id, theirs.contact_id, mode="delete", reason="x", actor="u"
            )
    async with db.transaction() as tx:
        await service.do_erase_contact(
            tx, acme.workspace.id, built.contact_id, mode="delete", reason="x", actor="u"
        )
    assert await count_rows(db, globex.workspace.id) == globex_before
    hits = await scan(db)
    assert ("tracked_events", "props", "Zorblax") in hits  # Globex's copy is intact
    async with db.read() as session:
        rows: Any = await session.scalars(
            select(TimelineEntry).where(TimelineEntry.workspace_id == globex.workspace.id)
        )
        assert any(PRODUCT in str(r.data) for r in rows)
        listed, total = await service.list_requests(
            session, globex.workspace.id, contact_id=None, limit=10, offset=0
        )
        assert (listed, total) == ([], 0)
        listed, total = await service.list_requests(
            session, acme.workspace.id, contact_id=built.contact_id, limit=10, offset=0
        )
        assert total == 1 and listed[0].mode == "delete"


async def test_merged_contact_is_erased_through_its_profile(db: Database) -> None:
    team = await make_team(db)
    built = await build_contact(db, team.workspace.id, team.agents[0])
    with pytest.raises(Conflict, match=built.contact_id):
        async with db.transaction() as tx:
            await service.do_erase_contact(
                tx, team.workspace.id, built.source_id, mode="anonymise", reason="x", actor="u"
            )
    with pytest.raises(InvalidInput):
        async with db.transaction() as tx:
            await service.do_erase_contact(
                tx, team.workspace.id, built.contact_id, mode="anonymise", reason=" ", actor="u"
            )
    async with db.read() as session:
        assert (await session.scalars(select(PrivacyRequest))).all() == []
