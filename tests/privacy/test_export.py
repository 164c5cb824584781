"""The export holds every kind of data about the contact, pages large tables, and is valid
JSON on both databases."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from hovor.core import clock
from hovor.core.errors import NotFound
from hovor.db.transaction import Database
from hovor.privacy import export, service
from hovor.privacy.export import encoded, export_document
from hovor.privacy.scope import contact_scope
from hovor.tracking.models import TrackedEvent
from tests.privacy.support import (
    ATTRIBUTE,
    EMAIL,
    LANDING,
    MESSAGE,
    NAME,
    OTHER_VISITOR,
    PHONE,
    PRODUCT,
    VISITOR,
    build_contact,
)
from tests.support.events import CaptureEvents
from tests.support.factories import make_team

pytestmark = pytest.mark.storage


async def exported(db: Database, workspace_id: str, contact_id: str) -> dict[str, Any]:
    async with db.read() as session:
        scope = await contact_scope(session, workspace_id, contact_id)
    body = b"".join([chunk async for chunk in encoded(export_document(db, scope), chunk=256)])
    document: dict[str, Any] = json.loads(body)
    return document


async def test_export_contains_every_kind_of_data(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    built = await build_contact(db, ws, team.agents[0])

    doc = await exported(db, ws, built.contact_id)

    assert doc["format"] == "hovor.contact-export/1"
    assert doc["contact"]["name"] == NAME and doc["contact"]["email"] == EMAIL
    assert doc["contact"]["attributes"] == {"nickname": ATTRIBUTE}
    assert doc["contact"]["claims"]["email"] == EMAIL
    assert "workspace_id" not in doc["contact"]
    assert [c["id"] for c in doc["merged_contacts"]] == [built.source_id]
    assert sorted(doc["visitor_ids"]) == sorted([VISITOR, OTHER_VISITOR])
    assert {(i["kind"], i["value"]) for i in doc["identities"]} >= {
        ("email", EMAIL),
        ("phone", PHONE),
        ("visitor", VISITOR),
        ("visitor", OTHER_VISITOR),
    }
    assert [a["name"] for a in doc["attribute_declarations"]] == ["nickname"]
    assert [m["source_id"] for m in doc["merges"]] == [built.source_id]
    assert {t["kind"] for t in doc["timeline"]} >= {"web.session", "order.placed"}
    assert len(doc["conversations"]) == 3
    messages = [m for c in doc["conversations"] for m in c["messages"]]
    assert MESSAGE in [m["body"] for m in messages]
    notes = [m for m in messages if m["private"]]
    assert any("Zyxwvut" in m["body"] for m in notes)  # private notes, marked
    assert any(PHONE in m["body"] for m in notes)  # the callback's system note
    assert {c["channel"] for c in doc["conversations"]} == {"webchat", "callback"}
    assert [t["subject"] for t in doc["tickets"]] == [f"Refund for {NAME}"]
    assert [n["body"] for n in doc["ticket_notes"]] == [f"Send the refund to {EMAIL}"]
    assert doc["ticket_history"] and len(doc["ticket_conversations"]) == 1
    assert [(o["external_id"], o["total"]) for o in doc["orders"]] == [("order-1001", "129.00")]
    assert doc["orders"][0]["items"][0]["name"] == PRODUCT
    assert [o["context"]["cart"]["p1"]["name"] for o in doc["offers"]] == [PRODUCT]
    assert [c["phone"] for c in doc["callback_requests"]] == [PHONE]
    assert [(d["recipient"], d["status"]) for d in doc["deliveries"]] == [(EMAIL, "failed")]
    assert [e["subject"] for e in doc["email_message_ids"]] == [f"Re: Refund for {NAME}"]
    assert "routing_tasks" not in doc  # queue state: declared, not exported
    assert [s["landing_url"] for s in doc["web_sessions"]] == [LANDING]
    # Pages of the export go by id; two events of one millisecond may come either way round.
    events = {e["type"]: e for e in doc["tracked_events"]}
    assert sorted(events) == ["cart.add", "page.view"] and len(doc["tracked_events"]) == 2
    assert events["cart.add"]["props"]["name"] == PRODUCT


async def test_export_pages_through_many_rows(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "PAGE", 7)
    team = await make_team(db)
    ws = team.workspace.id
    built = await build_contact(db, ws, team.agents[0])
    now = clock.now()
    async with db.transaction() as tx:
        for i in range(40):
            tx.session.add(
                TrackedEvent(
                    workspace_id=ws,
                    visitor_id=VISITOR,
                    session_id="s",
                    event_id=f"bulk-{i}",
                    type="page.view",
                    ts=now + timedelta(seconds=i),
                    received_at=now,
                    props={},
                    page={"url": f"https://shop.example.org/{i}"},
                )
            )
    doc = await exported(db, ws, built.contact_id)
    ids = [e["id"] for e in doc["tracked_events"]]
    assert len(ids) == 42 and len(set(ids)) == 42 and ids == sorted(ids)


async def test_export_is_audited_and_announced_on_commit(
    db: Database, capture_events: CaptureEvents
) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    built = await build_contact(db, ws, team.agents[0])
    with capture_events(db) as captured:
        async with db.transaction() as tx:
            scope = await service.do_export_contact(tx, ws, built.contact_id, actor="user:x")
            assert captured.events == []  # not before the commit
    seen = captured.of("contact.exported")
    assert scope.contact.id == built.contact_id
    async with db.read() as session:
        requests, total = await service.list_requests(
            session, ws, contact_id=built.contact_id, limit=10, offset=0
        )
    assert total == 1 and (requests[0].mode, requests[0].actor) == ("export", "user:x")
    assert [(e.name, e.payload) for e in seen] == [
        (
            "contact.exported",
            {"contact_id": built.contact_id, "request_id": requests[0].id, "actor": "user:x"},
        )
    ]


async def test_export_is_workspace_scoped(db: Database) -> None:
    acme = await make_team(db, "Acme")
    globex = await make_team(db, "Globex")
    built = await build_contact(db, acme.workspace.id, acme.agents[0])
    with pytest.raises(NotFound):
        await exported(db, globex.workspace.id, built.contact_id)
