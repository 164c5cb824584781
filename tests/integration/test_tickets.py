"""Tickets over a real server: made from a chat, worked on, shown on the customer's next
conversation, that conversation linked; another workspace's tickets out of reach."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.test_contacts import other_admin
from tests.support.clients import Desktop, Visitor, client_id, receive, send
from tests.support.server import ADMIN, ALICE, ServerProcess

pytestmark = pytest.mark.storage
PROBLEM = "application/problem+json"


async def visitor_says(visitor: Visitor, body: str) -> dict[str, Any]:
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        await send(ws, {"type": "message.send", "client_id": client_id(), "body": body})
        ack = await receive(ws, "message.ack")
    return dict(ack["message"])


async def test_a_ticket_across_conversations(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    alice = await Desktop(server).login(ALICE)
    try:
        visitor = await Visitor(server).start()
        first = await visitor_says(visitor, "My TV arrived broken")
        conversation_id = first["conversation_id"]

        r = await alice.change(
            "POST",
            f"/v1/conversations/{conversation_id}/ticket",
            json={"subject": "Refund for TV", "priority": "high", "due_at": "2026-12-01T12:00Z"},
        )
        assert r.status_code == 201, r.text
        ticket = r.json()
        number = ticket["number"]
        assert (ticket["status"], ticket["priority"], ticket["subject"]) == (
            "new",
            "high",
            "Refund for TV",
        )
        assert ticket["conversation_ids"] == [conversation_id]
        assert ticket["created_by"]["id"] == alice.user["id"] and ticket["notes"] == []
        contact_id = ticket["contact"]["id"]
        again = await alice.change(
            "POST", f"/v1/conversations/{conversation_id}/ticket", json={"subject": "Again"}
        )
        assert again.status_code == 409 and again.headers["content-type"] == PROBLEM

        patched = await alice.change(
            "PATCH",
            f"/v1/tickets/{ticket['id']}",
            json={"status": "pending", "assignee_id": alice.user["id"]},
        )
        assert patched.status_code == 200, patched.text
        assert patched.json()["assignee"]["name"] == "Alice Agent"
        assert patched.json()["due_at"].startswith("2026-12-01T12:00")  # not sent: unchanged
        wrong = await alice.change("PATCH", f"/v1/tickets/{ticket['id']}", json={"status": "new"})
        assert wrong.status_code == 409 and "pending to new" in wrong.json()["detail"]
        nobody = await alice.change(
            "PATCH", f"/v1/tickets/{ticket['id']}", json={"assignee_id": "01NOBODY"}
        )
        assert nobody.status_code == 422
        assert nobody.json()["errors"] == [{"loc": ["body", "assignee_id"], "msg": "no such user"}]
        note = await alice.change(
            "POST", f"/v1/tickets/{ticket['id']}/notes", json={"body": "Asked the courier."}
        )
        assert note.status_code == 201 and note.json()["author_id"] == alice.user["id"]

        # The customer's chat is closed; they write again: a new conversation, and the team
        # sees their open ticket on it as a private note.
        closed = await alice.change("POST", f"/v1/conversations/{conversation_id}/close")
        assert closed.status_code == 200
        second = await visitor_says(visitor, "Any news?")
        assert second["conversation_id"] != conversation_id
        messages = (
            await alice.http.get(f"/v1/conversations/{second['conversation_id']}/messages")
        ).json()["items"]
        notes = [m for m in messages if m["author_type"] == "system"]
        assert [(n["body"], n["private"]) for n in notes] == [
            (f"Open tickets: #{number} Refund for TV (pending, due 2026-12-01 12:00 UTC)", True)
        ]
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            seen = await http.get(
                "/v1/widget/messages",
                headers={"authorization": f"Bearer {visitor.token}", "origin": visitor.origin},
            )
        assert seen.status_code == 200, seen.text
        assert "Open tickets" not in seen.text  # never shown to the customer

        linked = await alice.change(
            "POST",
            f"/v1/tickets/{ticket['id']}/conversations",
            json={"conversation_id": second["conversation_id"]},
        )
        assert linked.status_code == 200, linked.text
        assert linked.json()["conversation_ids"] == [conversation_id, second["conversation_id"]]
        detail = (await alice.http.get(f"/v1/tickets/{ticket['id']}")).json()
        assert [n["body"] for n in detail["notes"]] == ["Asked the courier."]

        mine = (await alice.http.get("/v1/tickets", params={"assignee": "me"})).json()
        assert ticket["id"] in [t["id"] for t in mine["items"]]
        found = (await admin.http.get("/v1/tickets", params={"q": f"#{number}"})).json()
        assert [t["id"] for t in found["items"]] == [ticket["id"]]
        solved_only = (await admin.http.get("/v1/tickets", params={"status": "solved"})).json()
        assert ticket["id"] not in [t["id"] for t in solved_only["items"]]
        bad = await admin.http.get("/v1/tickets", params={"status": "someday"})
        assert bad.status_code == 422
        open_ones = (
            await admin.http.get(f"/v1/contacts/{contact_id}/tickets", params={"status": "open"})
        ).json()
        assert [t["number"] for t in open_ones] == [number]

        unlinked = await alice.change(
            "DELETE", f"/v1/tickets/{ticket['id']}/conversations/{conversation_id}"
        )
        assert unlinked.json()["conversation_ids"] == [second["conversation_id"]]
        solved = await alice.change(
            "PATCH", f"/v1/tickets/{ticket['id']}", json={"status": "solved"}
        )
        assert solved.json()["solved_at"]
        assert (
            await admin.http.get(f"/v1/contacts/{contact_id}/tickets", params={"status": "open"})
        ).json() == []
        history = (await alice.http.get(f"/v1/tickets/{ticket['id']}/history")).json()
        assert [(h["field"], h["old_value"], h["new_value"]) for h in history] == [
            ("created", None, "new"),
            ("assignee", None, alice.user["id"]),
            ("status", "new", "pending"),
            ("conversation_linked", None, second["conversation_id"]),
            ("conversation_unlinked", conversation_id, None),
            ("status", "pending", "solved"),
        ]
        assert {h["actor"] for h in history} == {f"user:{alice.user['id']}"}
        timeline = (
            await admin.http.get(
                f"/v1/contacts/{contact_id}/timeline",
                params={"kinds": "ticket.opened,ticket.solved"},
            )
        ).json()
        assert [e["kind"] for e in timeline["items"]] == ["ticket.solved", "ticket.opened"]

        # Another workspace sees none of it.
        other = await other_admin(server)
        try:
            tid = ticket["id"]
            assert (await other.http.get(f"/v1/tickets/{tid}")).status_code == 404
            assert (await other.http.get(f"/v1/tickets/{tid}/history")).status_code == 404
            r = await other.change("PATCH", f"/v1/tickets/{tid}", json={"status": "open"})
            assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
            r = await other.change("POST", f"/v1/tickets/{tid}/notes", json={"body": "hi"})
            assert r.status_code == 404
            r = await other.change(
                "POST", f"/v1/conversations/{conversation_id}/ticket", json={"subject": "x"}
            )
            assert r.status_code == 404
            assert (await other.http.get("/v1/tickets")).json()["items"] == []
            assert (await other.http.get(f"/v1/contacts/{contact_id}/tickets")).status_code == 404
        finally:
            await other.close()
    finally:
        await admin.close()
        await alice.close()
