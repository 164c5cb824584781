"""Canned responses on both databases: per workspace, unique shortcuts, rendered per conversation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hovor.canned import service
from hovor.conversations.service import access_conversation
from hovor.core.errors import InvalidInput, NotFound
from hovor.db.transaction import Database
from hovor.orders import service as orders
from hovor.orders.api import check_order
from hovor.orders.schemas import OrderIn
from tests.contacts.helpers import LINKS
from tests.support.factories import make_team, visitor_writes

pytestmark = pytest.mark.storage


def test_check_canned_normalises_and_names_the_field() -> None:
    data = service.check_canned(" Vrácení ", "/Vraceni", " Dobrý den {{contact.first_name}} ")
    assert (data.title, data.shortcut, data.body) == (
        "Vrácení",
        "vraceni",
        "Dobrý den {{contact.first_name}}",
    )
    for args, field in [
        (("", "x", "b"), "title"),
        (("t", "a b", "b"), "shortcut"),
        (("t", "-x", "b"), "shortcut"),
        (("t", "x", "  "), "body"),
        (("t", "x", "{{order.id}}"), "body"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            service.check_canned(*args)
        assert caught.value.errors and caught.value.errors[0]["loc"] == ["body", field]


async def test_shortcuts_are_unique_per_workspace_only(db: Database) -> None:
    acme, other = await make_team(db, "Acme"), await make_team(db, "Other")
    data = service.check_canned("Hello", "hi", "Hello!")
    async with db.transaction() as tx:
        first = await service.do_create_canned(tx, acme.workspace.id, data)
        await service.do_create_canned(tx, other.workspace.id, data)
    with pytest.raises(InvalidInput, match="already taken"):
        async with db.transaction() as tx:
            await service.do_create_canned(tx, acme.workspace.id, data)
    async with db.transaction() as tx:
        second = await service.do_create_canned(
            tx, acme.workspace.id, service.check_canned("Bye", "bye", "Bye!")
        )
    with pytest.raises(InvalidInput, match="already taken"):
        async with db.transaction() as tx:
            row = await service.access_canned(tx.session, acme.workspace.id, second.id)
            await service.do_change_canned(tx, row, data)
    async with db.transaction() as tx:
        row = await service.access_canned(tx.session, acme.workspace.id, first.id)
        await service.do_change_canned(tx, row, service.check_canned("Hello", "hi", "Ahoj!"))
    async with db.read() as session:
        listed = await service.list_canned(session, acme.workspace.id)
        with pytest.raises(NotFound):
            await service.access_canned(session, other.workspace.id, first.id)
    assert [(c.shortcut, c.body) for c in listed] == [("bye", "Bye!"), ("hi", "Ahoj!")]
    async with db.transaction() as tx:
        await service.do_remove_canned(
            tx, await service.access_canned(tx.session, acme.workspace.id, first.id)
        )
    async with db.read() as session:
        assert [c.id for c in await service.list_canned(session, acme.workspace.id)] == [second.id]


async def test_rendered_for_a_conversation_with_the_latest_order(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    received = await visitor_writes(db, ws, "v_canned_1", "Kde je moje zásilka?")
    body = "Dobrý den {{contact.first_name}}, objednávka {{order.number}}. {{agent.first_name}}"
    async with db.transaction() as tx:
        canned = await service.do_create_canned(
            tx, ws, service.check_canned("Zásilka", "zasilka", body)
        )
    async with db.read() as session:
        conversation = await access_conversation(session, ws, received.message.conversation_id)
        anonymous = await service.render_canned(session, canned, conversation, team.agents[0])
    # An anonymous visitor: no name, no order; nothing raw is left for the customer.
    assert anonymous.text == "Dobrý den , objednávka . Agent"
    assert anonymous.missing == ["contact.first_name", "order.number"]

    for number, day in (("CZ-1", 1), ("CZ-2", 3)):
        data = check_order(
            OrderIn.model_validate(
                {
                    "external_id": number,
                    "contact": {"external_id": "cust-7", "name": "Jana Nováková"},
                    "total": "990",
                    "currency": "CZK",
                    "placed_at": datetime(2026, 3, day, tzinfo=UTC).isoformat(),
                }
            )
        )
        async with db.transaction() as tx:
            order, _ = await orders.do_record_order(tx, ws, data, links=LINKS)
    async with db.transaction() as tx:
        conversation = await access_conversation(tx.session, ws, received.message.conversation_id)
        conversation.contact_id = order.contact_id
    async with db.read() as session:
        conversation = await access_conversation(session, ws, received.message.conversation_id)
        named = await service.render_canned(session, canned, conversation, team.agents[0])
    assert named.text == "Dobrý den Jana, objednávka CZ-2. Agent"
    assert named.missing == []
