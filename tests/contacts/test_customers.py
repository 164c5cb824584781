"""The shop's back-end vouches for a customer (PUT /v1/customers/{id}, and orders): verified
identities, automatic merges of contacts known only by the vouched addresses, undo, conflicts.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hovor.channels.email.adapter import EmailAdapter
from hovor.channels.email.service import EmailReceived
from hovor.contacts import customers, merge, timeline
from hovor.contacts import service as contacts
from hovor.contacts.models import Contact, ContactIdentity
from hovor.conversations import service as conversations
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.db.transaction import Database
from hovor.orders import service as orders
from hovor.orders.api import check_order
from hovor.orders.schemas import OrderIn
from tests.channels.email.test_service import configure, receive
from tests.contacts.helpers import LINKS, identify_as, site_secret
from tests.support.events import CaptureEvents
from tests.support.factories import make_team, visitor_writes

pytestmark = pytest.mark.storage

ANN = "ann.lee@example.org"


def mail(message_id: str, subject: str, text: str, sender: str = ANN) -> bytes:
    return (
        f"From: Ann Lee <{sender}>\r\n"
        "To: support@acme.example.org\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{message_id}@mail.example.org>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{text}\r\n"
    ).encode()


async def mail_in(db: Database, ws: str, message_id: str, subject: str, text: str) -> EmailReceived:
    return await receive(db, EmailAdapter(db, None), ws, mail(message_id, subject, text))


async def upsert(
    db: Database,
    ws: str,
    external_id: str,
    *,
    attributes: dict[str, object] | None = None,
    **f: str,
) -> customers.Upserted:
    ref = customers.check_customer(
        ["body"],
        external_id=external_id,
        email=f.get("email"),
        phone=f.get("phone"),
        name=f.get("name"),
    )
    async with db.transaction() as tx:
        return await customers.do_upsert_customer(
            tx, ws, ref, attributes=dict(attributes or {}), links=LINKS
        )


async def identity(db: Database, ws: str, kind: str, value: str) -> ContactIdentity:
    async with db.read() as session:
        found = await contacts.find_identity(session, ws, kind, value)
    assert found is not None
    return found


async def contact_of_conversation(db: Database, ws: str, conversation_id: str) -> str:
    async with db.read() as session:
        conv = await conversations.access_conversation(session, ws, conversation_id)
    return conv.contact_id


async def test_vouching_merges_the_mail_only_contact_and_undo_restores_it(
    db: Database, capture_events: CaptureEvents
) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    await configure(db, ws)
    secret = await site_secret(db, ws)
    first = await mail_in(db, ws, "m1", "Kettle arrived broken", "The lid\n   is cracked.")
    mail_contact = await contact_of_conversation(db, ws, first.received.conversation_id)
    assert not (await identity(db, ws, "email", ANN)).verified

    # The customer signs in: the signed identify does not take the (unsigned) e-mail.
    signed_in = await identify_as(db, ws, "v_1", "cust-1", secret=secret, email=ANN)
    assert signed_in.contact_id != mail_contact
    assert (await identity(db, ws, "email", ANN)).contact_id == mail_contact

    # The shop's back-end vouches for the e-mail: the mail-only contact joins the customer.
    with capture_events(db) as captured:
        done = await upsert(db, ws, "cust-1", email="Ann.Lee@Example.org", name="Ann Lee")
    assert not done.created and done.contact.id == signed_in.contact_id
    assert done.contact.name == "Ann Lee" and done.contact.email == ANN
    (made,) = done.merges
    email_identity = await identity(db, ws, "email", ANN)
    assert (made.source_id, made.target_id) == (mail_contact, signed_in.contact_id)
    assert (made.reason, made.actor) == ("customer_api", "system:customer_api")
    assert made.moved["conversations"] == [first.received.conversation_id]
    assert made.moved["identities"] == [email_identity.id]
    assert made.moved["verified"] == [email_identity.id]
    assert email_identity.verified and email_identity.contact_id == signed_in.contact_id
    assert await contact_of_conversation(db, ws, first.received.conversation_id) == (
        signed_in.contact_id
    )
    async with db.read() as session:
        entries, _ = await timeline.list_entries(session, ws, signed_in.contact_id)
    started = next(e for e in entries if e.kind == "conversation.started")
    assert started.summary == "E-mail: Kettle arrived broken"
    assert started.data["preview"] == "The lid is cracked."
    merged = captured.of("contact.merged", "contact.unmerged")
    assert [e.name for e in merged] == ["contact.merged"]
    assert merged[0].payload["reason"] == "customer_api"

    with capture_events(db) as afterwards:
        # Saying it again changes nothing.
        again = await upsert(db, ws, "cust-1", email=ANN, name="Ann Lee")
        assert not again.created and again.merges == [] and again.contact.id == signed_in.contact_id

        # A later mail from that address lands on the customer, not on a new contact.
        later = await mail_in(db, ws, "m2", "Still waiting", "Any news?")
        assert await contact_of_conversation(db, ws, later.received.conversation_id) == (
            signed_in.contact_id
        )

        # Undo: the mail-only contact is back with its conversation and its unverified address;
        # the mail that came after the merge stays with the customer.
        async with db.transaction() as tx:
            await merge.do_unmerge(tx, ws, made.id, "user:test", links=LINKS)
    email_identity = await identity(db, ws, "email", ANN)
    assert email_identity.contact_id == mail_contact and not email_identity.verified
    assert await contact_of_conversation(db, ws, first.received.conversation_id) == mail_contact
    assert await contact_of_conversation(db, ws, later.received.conversation_id) == (
        signed_in.contact_id
    )
    async with db.read() as session:
        revived = await contacts.access_contact(session, ws, mail_contact)
    assert revived.merged_into_id is None and revived.email == ANN
    unmerged = afterwards.of("contact.merged", "contact.unmerged")
    assert [e.name for e in unmerged] == ["contact.unmerged"]


async def test_the_first_vouch_makes_the_mail_only_contact_the_customer(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    await configure(db, ws)
    got = await mail_in(db, ws, "m1", "Hello", "A question")
    mail_contact = await contact_of_conversation(db, ws, got.received.conversation_id)
    done = await upsert(db, ws, "cust-9", email=ANN, phone="+44 20 7946 0958", name="Ann")
    assert done.created and done.merges == [] and done.contact.id == mail_contact
    async with db.read() as session:
        found = await customers.find_customer(session, ws, " cust-9 ")
        mine = await contacts.identities_of(session, ws, mail_contact)
    assert found.id == mail_contact
    assert sorted((i.kind, i.value, i.verified) for i in mine) == [
        ("email", ANN, True),
        ("external_id", "cust-9", True),
        ("phone", "+442079460958", True),
    ]


async def test_a_contact_with_more_than_the_address_only_loses_the_address(
    db: Database,
) -> None:
    """A browser whose contact an agent gave the e-mail by hand is not pulled into the
    customer's profile: whoever uses that browser would be treated as the customer."""
    team = await make_team(db)
    ws = team.workspace.id
    chat = await visitor_writes(db, ws, "v_stranger", "I am Ann, honestly")
    stranger = await contact_of_conversation(db, ws, chat.conversation_id)
    async with db.transaction() as tx:
        row = await contacts.access_contact(tx.session, ws, stranger)
        await contacts.do_add_identity(tx, row, "email", ANN, verified=False)
    done = await upsert(db, ws, "cust-1", email=ANN)
    assert done.created and done.merges == [] and done.contact.id != stranger
    email_identity = await identity(db, ws, "email", ANN)
    assert email_identity.contact_id == done.contact.id and email_identity.verified
    assert (await identity(db, ws, "visitor", "v_stranger")).contact_id == stranger
    assert await contact_of_conversation(db, ws, chat.conversation_id) == stranger


async def test_an_address_verified_for_another_customer_is_refused(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    await upsert(db, ws, "cust-2", email=ANN, phone="+44 20 7946 0958")
    with pytest.raises(Conflict) as err:
        await upsert(db, ws, "cust-1", email=ANN, phone="+442079460958", name="Someone")
    assert err.value.errors == [
        {"loc": ["body", "email"], "msg": "verified for another customer (cust-2)"},
        {"loc": ["body", "phone"], "msg": "verified for another customer (cust-2)"},
    ]
    async with db.read() as session:
        assert await contacts.find_identity(session, ws, "external_id", "cust-1") is None
        owner = await customers.find_customer(session, ws, "cust-2")
        names = (
            await session.scalars(select(Contact.name).where(Contact.workspace_id == ws))
        ).all()
    assert (await identity(db, ws, "email", ANN)).contact_id == owner.id
    assert "Someone" not in names


async def test_a_verified_address_without_a_customer_id_joins(db: Database) -> None:
    """An order by e-mail only made a verified contact; naming its customer id adopts it,
    and a second profile holding the id gets it merged in."""
    team = await make_team(db)
    ws = team.workspace.id
    secret = await site_secret(db, ws)
    async with db.transaction() as tx:
        by_mail, _ = await orders.do_record_order(tx, ws, order("A-1", email=ANN), links=LINKS)
    signed_in = await identify_as(db, ws, "v_1", "cust-1", secret=secret)
    done = await upsert(db, ws, "cust-1", email=ANN)
    assert done.contact.id == signed_in.contact_id
    (made,) = done.merges
    assert made.source_id == by_mail.contact_id and made.moved["orders"] == [by_mail.id]
    assert "verified" not in made.moved


async def test_an_order_merges_the_mail_only_contact_too(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    await configure(db, ws)
    secret = await site_secret(db, ws)
    got = await mail_in(db, ws, "m1", "Where is my TV?", "Ordered last week")
    signed_in = await identify_as(db, ws, "v_1", "cust-1", secret=secret)
    async with db.transaction() as tx:
        placed, _ = await orders.do_record_order(
            tx, ws, order("A-7", external_id="cust-1", email=ANN), links=LINKS
        )
    assert placed.contact_id == signed_in.contact_id
    assert await contact_of_conversation(db, ws, got.received.conversation_id) == (
        signed_in.contact_id
    )
    async with db.transaction() as tx:
        made = await merge.list_merges(tx, ws, signed_in.contact_id)
    assert [(m.reason, m.actor) for m in made] == [("order", "system:order")]


async def test_workspaces_never_see_each_others_customers(db: Database) -> None:
    team = await make_team(db)
    other = await make_team(db, "Other Co")
    await configure(db, team.workspace.id)
    got = await mail_in(db, team.workspace.id, "m1", "Hi", "there")
    mail_contact = await contact_of_conversation(
        db, team.workspace.id, got.received.conversation_id
    )
    theirs = await upsert(db, other.workspace.id, "cust-1", email=ANN)
    assert theirs.created and theirs.merges == [] and theirs.contact.id != mail_contact
    assert theirs.contact.workspace_id == other.workspace.id
    email_identity = await identity(db, team.workspace.id, "email", ANN)
    assert email_identity.contact_id == mail_contact and not email_identity.verified
    async with db.read() as session:
        with pytest.raises(NotFound):
            await customers.find_customer(session, team.workspace.id, "cust-1")


async def test_bad_values_get_field_errors_and_change_nothing(db: Database) -> None:
    with pytest.raises(InvalidInput) as err:
        customers.check_customer(
            ["body"],
            external_id="   ",
            email="not-an-address",
            phone="+44 1",
            name="x" * 201,
            external_id_loc=["path", "external_id"],
            external_id_required=True,
        )
    assert [e["loc"] for e in err.value.errors or []] == [
        ["path", "external_id"],
        ["body", "email"],
        ["body", "phone"],
        ["body", "name"],
    ]
    with pytest.raises(InvalidInput) as err:
        customers.check_customer(["body"], external_id=None, email=" ", phone=None, name="Ann")
    assert err.value.errors == [{"loc": ["body"], "msg": "give external_id, email or phone"}]
    team = await make_team(db)
    ws = team.workspace.id
    with pytest.raises(InvalidInput) as err:
        await upsert(db, ws, "cust-1", email=ANN, attributes={"tier": "gold"})
    assert err.value.errors == [
        {"loc": ["attributes", "tier"], "msg": "no such attribute is declared"}
    ]
    async with db.read() as session:
        assert await contacts.find_identity(session, ws, "email", ANN) is None


PLACED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def order(order_id: str, **contact: str) -> orders.OrderData:
    return check_order(
        OrderIn.model_validate(
            {
                "external_id": order_id,
                "contact": contact,
                "total": "10.00",
                "currency": "EUR",
                "placed_at": PLACED.isoformat(),
            }
        )
    )
