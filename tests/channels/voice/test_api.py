"""Callbacks over a real server (both databases): the list endpoint the desktop reads,
the number on the customer's profile, and a close without an outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.test_engagement import make_rule, team, visitor_removes_tv
from tests.support.clients import client_id, receive, send
from tests.support.server import ServerProcess

pytestmark = pytest.mark.storage
__all__ = ["team"]  # the fixture, shared with the engagement tests

PHONE = "+421 905 123 456"  # a number no other test gives
E164 = "+421905123456"


async def test_a_callback_shows_its_due_time_joins_the_profile_and_is_cancelled_on_close(
    server: ServerProcess, team: Any
) -> None:
    admin, alice = team
    await make_rule(admin, f"cb-{client_id()[:6]}")
    _, ws, offer = await visitor_removes_tv(server)
    assert offer is not None
    async with ws:
        asked_at = datetime.now(UTC)
        await send(ws, {"type": "offer.accepted", "offer_id": offer["id"], "phone": PHONE})
        updated = await receive(ws, "offer.updated")
    conversation_id = updated["conversation_id"]

    # The desktop's list reads the callbacks of the conversations it shows in one request.
    listed = await alice.http.get(
        "/v1/callbacks", params=[("conversation_id", conversation_id), ("conversation_id", "x")]
    )
    assert listed.status_code == 200, listed.text
    (callback,) = listed.json()["items"]
    assert {k: callback[k] for k in ("conversation_id", "phone", "status", "attempts")} == {
        "conversation_id": conversation_id,
        "phone": E164,
        "status": "pending",
        "attempts": 0,
    }
    assert callback["preferred_at"] is None and callback["last_outcome"] is None
    due = datetime.fromisoformat(callback["due_at"])
    assert timedelta(minutes=4) < due - asked_at < timedelta(minutes=6)

    # The number is on the customer's profile, unverified.
    conversation = (await alice.http.get(f"/v1/conversations/{conversation_id}")).json()
    profile = (await alice.http.get(f"/v1/contacts/{conversation['contact']['id']}")).json()
    phones = [(i["value"], i["verified"]) for i in profile["identities"] if i["kind"] == "phone"]
    assert phones == [(E164, False)]

    # Closed without an outcome: cancelled, and the conversation says so.
    r = await alice.change("POST", f"/v1/conversations/{conversation_id}/close")
    assert r.status_code == 200, r.text
    listed = await alice.http.get("/v1/callbacks", params={"conversation_id": conversation_id})
    assert [c["status"] for c in listed.json()["items"]] == ["cancelled"]
    messages = (await alice.http.get(f"/v1/conversations/{conversation_id}/messages")).json()
    assert messages["items"][-1]["body"].startswith("Closed without a call outcome")
    r = await alice.change(
        "POST",
        f"/v1/conversations/{conversation_id}/callback/outcome",
        json={"outcome": "reached"},
    )
    assert r.status_code == 409


async def test_the_list_needs_one_to_a_hundred_conversations(
    server: ServerProcess, team: Any
) -> None:
    _, alice = team
    r = await alice.http.get("/v1/callbacks")
    assert r.status_code == 422
    too_many = [("conversation_id", f"c{i}") for i in range(101)]
    assert (await alice.http.get("/v1/callbacks", params=too_many)).status_code == 422
    r = await alice.http.get("/v1/callbacks", params={"conversation_id": "nope"})
    assert r.status_code == 200 and r.json() == {"items": []}
