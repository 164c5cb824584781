"""Leads: captured with their visit's facts, one open lead per visitor, filters, CSV, and the
signed CRM webhook sent through its durable delivery rows."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook

from hovor.core.errors import InvalidInput
from hovor.db.transaction import Database
from hovor.leads import listing, service, webhook
from hovor.leads.models import Lead, LeadDelivery
from hovor.leads.sender import LeadWebhookWorker
from hovor.tracking.models import TrackedEvent, WebSession
from tests.support.factories import make_team
from tests.support.stand_in import stand_in

pytestmark = pytest.mark.storage
T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


async def store_visit(db: Database, workspace_id: str, visitor_id: str) -> None:
    """A visit from a Google Ads campaign: three pages, a fridge added, a kettle added and
    removed."""
    async with db.transaction() as tx:
        visit = WebSession(
            workspace_id=workspace_id,
            visitor_id=visitor_id,
            started_at=T0,
            last_seen_at=T0 + timedelta(minutes=5),
            landing_url="https://shop.example/?utm_source=google&utm_campaign=zima",
            referrer="https://www.google.com/",
            utm={"source": "google", "medium": "cpc", "campaign": "zima"},
        )
        tx.session.add(visit)
        await tx.session.flush()
        events = [
            ("page.view", {}, {"url": "https://shop.example/", "title": "Domů"}),
            ("page.view", {}, {"url": "https://shop.example/lednice", "title": "Lednice"}),
            ("cart.add", {"id": "fridge", "name": "Lednice", "price": 899, "quantity": 1}, {}),
            ("cart.add", {"id": "kettle", "name": "Konvice", "price": 59, "quantity": 1}, {}),
            ("cart.remove", {"id": "kettle"}, {}),
            ("page.view", {}, {"url": "https://shop.example/kosik", "title": "Košík"}),
        ]
        for i, (type_, props, page) in enumerate(events):
            tx.session.add(
                TrackedEvent(
                    workspace_id=workspace_id,
                    visitor_id=visitor_id,
                    session_id=visit.id,
                    event_id=f"e{i}",
                    type=type_,
                    ts=T0 + timedelta(seconds=i),
                    received_at=T0 + timedelta(seconds=i),
                    props=props,
                    page=page,
                )
            )


def details(**kw: str) -> service.LeadDetails:
    fields = {"source": "form", "name": None, "email": None, "phone": None, **kw}
    return service.check_lead_details(["body"], **fields)  # type: ignore[arg-type]


async def test_a_lead_carries_its_visit_and_stays_one_while_open(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    await store_visit(db, ws, "v-1")
    async with db.transaction() as tx:
        lead, created = await service.do_capture_lead(
            tx, ws, "v-1", details(name="Jana Nováková", email="Jana@Example.cz")
        )
    assert created
    assert (lead.referrer, lead.utm_source, lead.utm_medium, lead.utm_campaign) == (
        "https://www.google.com/",
        "google",
        "cpc",
        "zima",
    )
    assert [p["title"] for p in lead.pages] == ["Domů", "Lednice", "Košík"]
    assert lead.cart["value"] == 899 and lead.cart["items"] == 1
    assert lead.email == "jana@example.cz" and lead.contact_id is not None
    async with db.transaction() as tx:
        again, created = await service.do_capture_lead(
            tx, ws, "v-1", details(source="callback", phone="+420 777 123 456")
        )
    assert not created and again.id == lead.id
    assert (again.phone, again.email, again.source) == ("+420777123456", "jana@example.cz", "form")
    async with db.transaction() as tx:
        await service.do_update_lead(
            tx, await service.access_lead(tx.session, ws, lead.id), status="won"
        )
    async with db.transaction() as tx:
        third, created = await service.do_capture_lead(tx, ws, "v-1", details(email="j@x.cz"))
    assert created and third.id != lead.id


async def test_a_visitor_without_a_stored_visit_still_becomes_a_lead(db: Database) -> None:
    team = await make_team(db)
    async with db.transaction() as tx:
        lead, _ = await service.do_capture_lead(
            tx, team.workspace.id, "v-new", details(phone="+421903123456")
        )
    assert (lead.referrer, lead.pages, lead.cart) == (None, [], {})


def test_details_are_checked_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as missing:
        details(name="Petr")
    assert missing.value.errors == [
        {"loc": ["body", "email"], "msg": "an e-mail address or a phone number is required"}
    ]
    with pytest.raises(InvalidInput) as bad:
        details(email="not-an-address")
    assert bad.value.errors and bad.value.errors[0]["loc"] == ["body", "email"]
    with pytest.raises(InvalidInput) as phone:
        details(phone="12")
    assert phone.value.errors and phone.value.errors[0]["loc"] == ["body", "phone"]


async def test_status_and_owner_change_with_an_event_and_are_checked(db: Database) -> None:
    team, other = await make_team(db), await make_team(db, "Other")
    ws = team.workspace.id
    async with db.transaction() as tx:
        lead, _ = await service.do_capture_lead(tx, ws, "v-2", details(email="a@b.cz"))
    async with db.transaction() as tx:
        row = await service.access_lead(tx.session, ws, lead.id)
        await service.do_update_lead(tx, row, status="contacted", owner_id=team.agents[0].id)
    assert (row.status, row.owner_id) == ("contacted", team.agents[0].id)
    with pytest.raises(InvalidInput) as foreign:
        async with db.transaction() as tx:
            row = await service.access_lead(tx.session, ws, lead.id)
            await service.do_update_lead(tx, row, owner_id=other.admin.id)
    assert foreign.value.errors == [
        {"loc": ["body", "owner_id"], "msg": "no such user in this workspace"}
    ]
    async with db.read() as session:
        from hovor.core.errors import NotFound

        with pytest.raises(NotFound):
            await service.access_lead(session, other.workspace.id, lead.id)


async def test_filters_pages_and_csv(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    await store_visit(db, ws, "v-camp")
    async with db.transaction() as tx:
        await service.do_capture_lead(tx, ws, "v-camp", details(email="=cmd@x.cz", name="=SUM(A1)"))
        for i in range(4):
            await service.do_capture_lead(tx, ws, f"v-{i}", details(phone=f"+42077712345{i}"))
    async with db.read() as session:
        f = listing.check_filter(
            status="new",
            source=None,
            owner=None,
            me="",
            campaign="zima",
            q=None,
            since=None,
            until=None,
        )
        rows, cursor = await listing.list_leads(session, ws, f, limit=10, cursor=None)
        assert [r.visitor_id for r in rows] == ["v-camp"] and cursor is None
        everyone = listing.check_filter(
            status=None,
            source="form",
            owner="none",
            me="",
            campaign=None,
            q=None,
            since=None,
            until=None,
        )
        first, cursor = await listing.list_leads(session, ws, everyone, limit=3, cursor=None)
        second, end = await listing.list_leads(session, ws, everyone, limit=3, cursor=cursor)
        assert len(first) == 3 and len(second) == 2 and end is None
        assert not {r.id for r in first} & {r.id for r in second}
        text = "".join([c async for c in listing.csv_chunks(session, ws, everyone)])
        assert await listing.campaigns(session, ws) == ["zima"]
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == 5
    camp = next(r for r in table if r["visitor_id"] == "v-camp")
    assert camp["name"] == "'=SUM(A1)" and camp["utm_campaign"] == "zima"
    assert camp["pages_seen"] == "3" and camp["cart_value"] == "899.0"
    assert next(r for r in table if r["visitor_id"] == "v-0")["phone"] == "+420777123450"
    with pytest.raises(InvalidInput) as bad:
        listing.check_filter(
            status="open",
            source=None,
            owner=None,
            me="",
            campaign=None,
            q=None,
            since=None,
            until=None,
        )
    assert bad.value.errors and bad.value.errors[0]["loc"] == ["query", "status"]


async def test_the_crm_gets_each_change_signed_and_retried(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    answers = iter([(503, {"error": "busy"}), (200, {"ok": True}), (200, {"ok": True})])
    with stand_in(lambda _call: next(answers)) as crm:
        async with db.transaction() as tx:
            hook = await webhook.do_set_webhook(tx, ws, url=crm.origin + "/hovor", enabled=True)
        async with db.transaction() as tx:
            lead, _ = await service.do_capture_lead(tx, ws, "v-9", details(email="k@l.cz"))
        worker = LeadWebhookWorker(db)
        worker.open()  # rounds run by hand below, no loop
        assert await worker.run_once() == 1
        async with db.read() as session:
            row = await session.scalar(select(LeadDelivery).where(LeadDelivery.lead_id == lead.id))
        assert row is not None and row.status == "pending" and row.response_status == 503
        assert row.next_attempt_at > datetime.now(UTC)  # backed off
        async with db.transaction() as tx:
            due = await tx.session.get(LeadDelivery, row.id)
            assert due is not None
            due.next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)
        assert await worker.run_once() == 1
        await worker.close()
        calls = crm.wait_for_calls(2)
    async with db.read() as session:
        sent = await session.get(LeadDelivery, row.id)
        assert sent is not None and (sent.status, sent.attempts) == ("sent", 2)
    first, second = calls
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"] == row.id
    body = Webhook(hook.secret).verify(second["raw"], second["headers"])
    assert body["type"] == "lead.created" and body["data"]["email"] == "k@l.cz"
    tampered = second["raw"].replace(b"k@l.cz", b"x@l.cz")
    with pytest.raises(Exception, match="signature"):
        Webhook(hook.secret).verify(tampered, second["headers"])


async def test_without_a_webhook_nothing_is_promised(db: Database) -> None:
    team = await make_team(db)
    async with db.transaction() as tx:
        await service.do_capture_lead(tx, team.workspace.id, "v-x", details(email="a@b.cz"))
        assert await tx.session.scalar(select(LeadDelivery.id)) is None
        assert await tx.session.scalar(select(Lead.id)) is not None
    with pytest.raises(InvalidInput) as bad:
        async with db.transaction() as tx:
            await webhook.do_set_webhook(tx, team.workspace.id, url="ftp://crm", enabled=True)
    assert bad.value.errors == [{"loc": ["body", "url"], "msg": "an http:// or https:// URL"}]


async def test_after_a_rotation_calls_verify_with_either_secret_until_the_grace_ends(
    db: Database,
) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    with stand_in(lambda _call: (200, {"ok": True})) as crm:
        async with db.transaction() as tx:
            old = (await webhook.do_set_webhook(tx, ws, url=crm.origin, enabled=True)).secret
        async with db.transaction() as tx:
            hook = await webhook.do_set_webhook(
                tx, ws, url=crm.origin, enabled=True, rotate_secret=True, grace=timedelta(hours=1)
            )
            new, until = hook.secret, hook.previous_until
        assert new != old and until is not None
        worker = LeadWebhookWorker(db)
        worker.open()
        async with db.transaction() as tx:
            await service.do_capture_lead(tx, ws, "v-1", details(email="a@b.cz"))
        assert await worker.run_once() == 1
        # The grace ends: only the new secret signs.
        async with db.transaction() as tx:
            row = await webhook.webhook_of(tx.session, ws)
            assert row is not None
            row.previous_until = datetime.now(UTC) - timedelta(seconds=1)
        async with db.transaction() as tx:
            await service.do_capture_lead(tx, ws, "v-2", details(email="c@d.cz"))
        assert await worker.run_once() == 1
        await worker.close()
        during, after = crm.wait_for_calls(2)
    for secret in (old, new):
        assert Webhook(secret).verify(during["raw"], during["headers"])["type"] == "lead.created"
    assert Webhook(new).verify(after["raw"], after["headers"])["data"]["email"] == "c@d.cz"
    with pytest.raises(Exception, match="signature"):
        Webhook(old).verify(after["raw"], after["headers"])
    # A leaked secret: rotated with no grace, it signs nothing more.
    async with db.transaction() as tx:
        hook = await webhook.do_set_webhook(
            tx, ws, url=crm.origin, enabled=True, rotate_secret=True, grace=timedelta(0)
        )
        assert webhook.signing_secrets(hook, datetime.now(UTC)) == [hook.secret]
