"""Identify (signed and forged), automatic and manual merges, unmerge, events, isolation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hovor.contacts import identify, identity_secrets, merge, service, timeline
from hovor.contacts.models import ContactMerge, IdentitySecret, TimelineEntry
from hovor.conversations.service import access_conversation, do_close_conversation
from hovor.core import clock
from hovor.core.clock import ManualClock
from hovor.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hovor.db.transaction import Database
from tests.contacts.helpers import LINKS, identify_as, site_secret
from tests.support.events import CaptureEvents
from tests.support.factories import make_team, visitor_writes

pytestmark = pytest.mark.storage


async def owner(db: Database, ws: str, kind: str, value: str) -> str | None:
    async with db.read() as session:
        found = await service.find_by_identity(session, ws, kind, value)
    return found.id if found else None


async def test_signed_identify_joins_the_profile_and_brings_the_conversation(
    db: Database, capture_events: CaptureEvents
) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    secret = await site_secret(db, ws)
    with capture_events(db) as captured:
        first = await identify_as(
            db, ws, "v_laptop", "cust-1", secret=secret, email="ann@example.org"
        )
        assert first.verified and first.merge_id is None  # the visitor's contact: the profile
        chat = await visitor_writes(db, ws, "v_phone", "Where is my order?")
        second = await identify_as(db, ws, "v_phone", "cust-1", secret=secret, name="Ann")
    seen = captured.of("contact.merged", "contact.identified")
    assert second.contact_id == first.contact_id and second.merge_id is not None
    assert await owner(db, ws, "visitor", "v_phone") == first.contact_id
    async with db.read() as session:
        conversation = await access_conversation(session, ws, chat.conversation_id)
        profile = await service.access_contact(session, ws, first.contact_id)
        identities = await service.identities_of(session, ws, profile.id)
    assert conversation.contact_id == first.contact_id
    assert profile.name == "Ann" and profile.email == "ann@example.org"
    assert {(i.kind, i.value, i.verified) for i in identities} == {
        ("visitor", "v_laptop", False),
        ("visitor", "v_phone", False),
        ("external_id", "cust-1", True),
        ("email", "ann@example.org", False),
    }
    assert [e.name for e in seen] == ["contact.identified", "contact.merged", "contact.identified"]


async def test_forged_identify_attaches_nothing(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    secret = await site_secret(db, ws)
    real = await identify_as(db, ws, "v_owner", "cust-1", secret=secret)
    forged = await identify_as(
        db, ws, "v_attacker", "cust-1", secret=None, email="ann@example.org", name="Ann"
    )
    assert not forged.verified and forged.contact_id != real.contact_id
    async with db.read() as session:
        attacker = await service.access_contact(session, ws, forged.contact_id)
        assert attacker.claims == {
            "external_id": "cust-1",
            "email": "ann@example.org",
            "name": "Ann",
        }
        assert [i.kind for i in await service.identities_of(session, ws, attacker.id)] == [
            "visitor"
        ]
        assert (await session.scalars(select(ContactMerge))).all() == []
    # A secret of another workspace does not sign for this one.
    other = await make_team(db, "Other")
    other_secret = await site_secret(db, other.workspace.id)
    wrong = await identify_as(db, ws, "v_x", "cust-1", secret=other_secret)
    assert not wrong.verified and wrong.contact_id != real.contact_id
    async with db.read() as session:
        with pytest.raises(Forbidden, match="invalid identity signature"):
            await identify.check_signed(
                session,
                ws,
                identify.IdentifyClaim("cust-1", identity_secrets.sign(other_secret, "cust-1")),
            )


async def test_rotating_the_secret_keeps_the_old_one_for_its_grace_only(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    old = await site_secret(db, ws)
    manual = ManualClock(clock.now())
    previous = clock.set_clock(manual)
    try:
        async with db.transaction() as tx:
            row = (await tx.session.scalars(select(IdentitySecret))).one()
            rotated = await identity_secrets.do_rotate_identity_secret(
                tx, ws, row.site_key_id, grace=timedelta(hours=2)
            )
            new, site_key_id = rotated.secret, rotated.site_key_id
        assert new != old
        assert (await identify_as(db, ws, "v_1", "c-1", secret=old)).verified
        assert (await identify_as(db, ws, "v_2", "c-1", secret=new)).verified
        manual.advance(2 * 3600)
        assert not (await identify_as(db, ws, "v_3", "c-1", secret=old)).verified
        assert (await identify_as(db, ws, "v_4", "c-1", secret=new)).verified
        # A leaked secret is rotated with no grace: it stops at once.
        async with db.transaction() as tx:
            newest = await identity_secrets.do_rotate_identity_secret(
                tx, ws, site_key_id, grace=timedelta(0)
            )
            newest_secret = newest.secret
        assert not (await identify_as(db, ws, "v_5", "c-1", secret=new)).verified
        assert (await identify_as(db, ws, "v_6", "c-1", secret=newest_secret)).verified
    finally:
        clock.set_clock(previous)


def test_claims_are_checked_field_by_field() -> None:
    with pytest.raises(InvalidInput) as err:
        identify.check_claim({"email": "nope", "phone": "+44 1", "signature": 5})
    assert [e["loc"] for e in err.value.errors or []] == [
        ["external_id"],
        ["signature"],
        ["email"],
        ["phone"],
    ]
    claim = identify.check_claim({"external_id": 42, "phone": "+44 20 7946 0958"})
    assert (claim.external_id, claim.phone) == ("42", "+442079460958")


async def test_manual_merge_and_unmerge_move_exactly_what_moved(
    db: Database, capture_events: CaptureEvents
) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    a = await visitor_writes(db, ws, "v_a", "hi from a")
    b = await visitor_writes(db, ws, "v_b", "hi from b")
    async with db.transaction() as tx:
        conv_a = await access_conversation(tx.session, ws, a.conversation_id)
        conv_b = await access_conversation(tx.session, ws, b.conversation_id)
        at = datetime(2026, 1, 1, tzinfo=UTC)
        for i, conv in enumerate((conv_a, conv_b)):
            await timeline.do_record(
                tx, ws, conv.contact_id, "note", at, "test", f"t{i}", f"entry {i}"
            )
        # Recording the same ref again keeps the first entry.
        again = await timeline.do_record(tx, ws, conv_b.contact_id, "note", at, "test", "t1", "x")
        assert again.summary == "entry 1"
    source, target = conv_a.contact_id, conv_b.contact_id
    with capture_events(db) as captured:
        actor = f"user:{team.agents[0].id}"
        async with db.transaction() as tx:
            row = await merge.do_merge_contacts(tx, ws, source, target, actor, links=LINKS)
        assert len(row.moved["identities"]) == 1 and row.moved["conversations"] == [conv_a.id]
        assert row.actor == actor and row.reason == "manual"
        async with db.read() as session:
            assert (await access_conversation(session, ws, conv_a.id)).contact_id == target
            entries, _ = await timeline.list_entries(session, ws, target)
            assert sorted(e.summary for e in entries) == ["entry 0", "entry 1"]
            page, _ = await service.search_contacts(session, ws, q=None, limit=10, offset=0)
            assert [c.id for c in page] == [target]  # the merged-away contact is hidden
        with pytest.raises(Conflict):
            async with db.transaction() as tx:
                await merge.do_merge_contacts(tx, ws, source, target, actor, links=LINKS)
        # Other workspaces see nothing.
        other = await make_team(db, "Other")
        with pytest.raises(NotFound):
            async with db.transaction() as tx:
                await merge.do_unmerge(tx, other.workspace.id, row.id, actor, links=LINKS)
        with pytest.raises(NotFound):
            async with db.transaction() as tx:
                await merge.do_merge_contacts(tx, other.workspace.id, source, target, actor)
        with pytest.raises(InvalidInput):
            async with db.transaction() as tx:
                await merge.do_merge_contacts(tx, ws, target, target, actor)

        # A conversation the visitor starts after the merge stays with the merged contact.
        async with db.transaction() as tx:
            await do_close_conversation(tx, await access_conversation(tx.session, ws, conv_a.id))
        later = await visitor_writes(db, ws, "v_a", "back again")
        assert later.conversation_id != conv_a.id
        async with db.read() as session:
            assert (
                await access_conversation(session, ws, later.conversation_id)
            ).contact_id == target

        async with db.transaction() as tx:
            undone = await merge.do_unmerge(tx, ws, row.id, actor, links=LINKS)
        assert undone.undone_by == actor and undone.undone_at is not None
        async with db.read() as session:
            assert (await access_conversation(session, ws, conv_a.id)).contact_id == source
            assert await service.find_by_identity(session, ws, "visitor", "v_a") is not None
            restored = await service.access_contact(session, ws, source)
            assert restored.merged_into_id is None
            rows = (
                await session.scalars(select(TimelineEntry).order_by(TimelineEntry.ref_id))
            ).all()
            assert [(r.ref_id, r.contact_id) for r in rows] == [("t0", source), ("t1", target)]
        assert await owner(db, ws, "visitor", "v_a") == source
        with pytest.raises(Conflict, match="already undone"):
            async with db.transaction() as tx:
                await merge.do_unmerge(tx, ws, row.id, actor, links=LINKS)
    assert [e.name for e in captured.of("contact.merged", "contact.unmerged")] == [
        "contact.merged",
        "contact.unmerged",
    ]


async def test_a_merge_is_undone_last_first(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    async with db.transaction() as tx:
        ids = [
            (await service.do_get_or_create_by_identity(tx, ws, "visitor", v, name=v)).id
            for v in ("v_1", "v_2", "v_3")
        ]
    async with db.transaction() as tx:
        first = await merge.do_merge_contacts(tx, ws, ids[0], ids[1], "system:test")
        await merge.do_merge_contacts(tx, ws, ids[1], ids[2], "system:test")
    with pytest.raises(Conflict, match="undo that first"):
        async with db.transaction() as tx:
            await merge.do_unmerge(tx, ws, first.id, "system:test")
