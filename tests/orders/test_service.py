"""Orders: idempotent by external id, customer resolved as verified, on the timeline."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from hovor.contacts import service as contacts
from hovor.contacts import timeline
from hovor.core.errors import Conflict, InvalidInput
from hovor.db.transaction import Database
from hovor.orders import service
from hovor.orders.api import check_order
from hovor.orders.schemas import OrderIn
from tests.contacts.helpers import LINKS, identify_as, site_secret
from tests.support.factories import make_team

pytestmark = pytest.mark.storage
PLACED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def order(order_id: str = "A-1", **contact: str) -> service.OrderData:
    return check_order(
        OrderIn.model_validate(
            {
                "external_id": order_id,
                "contact": contact or {"external_id": "cust-1"},
                "total": "59.90",
                "currency": "eur",
                "items": [{"sku": "tv", "name": "TV", "quantity": 2, "price": "29.95"}],
                "placed_at": PLACED.isoformat(),
            }
        )
    )


async def test_an_order_is_stored_once_and_goes_on_the_timeline(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    async with db.transaction() as tx:
        first, created = await service.do_record_order(tx, ws, order(), links=LINKS)
    async with db.transaction() as tx:
        again, created_again = await service.do_record_order(tx, ws, order(), links=LINKS)
    assert created and not created_again and again.id == first.id
    assert (first.total, first.currency) == (Decimal("59.90"), "EUR")
    changed = check_order(
        OrderIn.model_validate(
            {
                "external_id": "A-1",
                "contact": {"external_id": "cust-1"},
                "total": "1.00",
                "currency": "EUR",
                "placed_at": PLACED.isoformat(),
            }
        )
    )
    with pytest.raises(Conflict, match="other content"):
        async with db.transaction() as tx:
            await service.do_record_order(tx, ws, changed, links=LINKS)
    async with db.read() as session:
        entries, _ = await timeline.list_entries(session, ws, first.contact_id)
        identity = await contacts.find_identity(session, ws, "external_id", "cust-1")
    assert [(e.kind, e.summary) for e in entries] == [
        ("order.placed", "Order A-1: 59.90 EUR, 2 items")
    ]
    assert identity is not None and identity.verified


async def test_the_shop_names_a_known_customer(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    secret = await site_secret(db, ws)
    visitor = await identify_as(db, ws, "v_1", "cust-1", secret=secret)
    async with db.transaction() as tx:
        placed, _ = await service.do_record_order(
            tx, ws, order("A-2", external_id="cust-1", email="Ann@Example.org"), links=LINKS
        )
    assert placed.contact_id == visitor.contact_id
    # A contact known only by that (now verified) e-mail joins the customer's profile.
    async with db.transaction() as tx:
        by_mail, _ = await service.do_record_order(
            tx, ws, order("A-3", email="ann@example.org", phone="+44 20 7946 0958"), links=LINKS
        )
    assert by_mail.contact_id == visitor.contact_id
    async with db.read() as session:
        orders = await service.list_orders(session, ws, visitor.contact_id)
        profile = await contacts.access_contact(session, ws, visitor.contact_id)
    assert sorted(o.external_id for o in orders) == ["A-2", "A-3"]
    assert (profile.email, profile.phone) == ("ann@example.org", "+442079460958")


async def test_two_verified_customers_are_never_joined(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    async with db.transaction() as tx:
        one, _ = await service.do_record_order(
            tx, ws, order("B-1", external_id="cust-1", email="shared@example.org"), links=LINKS
        )
    async with db.transaction() as tx:
        two, _ = await service.do_record_order(
            tx, ws, order("B-2", external_id="cust-2", email="shared@example.org"), links=LINKS
        )
    assert one.contact_id != two.contact_id
    async with db.read() as session:
        moved = await contacts.find_identity(session, ws, "email", "shared@example.org")
        first = await contacts.access_contact(session, ws, one.contact_id)
    assert moved is not None and moved.contact_id == two.contact_id
    assert first.merged_into_id is None


def test_bad_orders_get_field_errors() -> None:
    with pytest.raises(InvalidInput) as err:
        check_order(
            OrderIn.model_validate(
                {
                    "external_id": "X",
                    "contact": {"email": "nope", "phone": "+44 1"},
                    "total": "1",
                    "currency": "XXY",
                    "placed_at": PLACED.isoformat(),
                }
            )
        )
    assert [e["loc"] for e in err.value.errors or []] == [
        ["body", "contact", "email"],
        ["body", "contact", "phone"],
        ["body", "currency"],
    ]
