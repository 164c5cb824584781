"""Proactive offers end to end over a real server: rule → events → offer → answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from hovor.engagement.rules.guards import control_bucket
from tests.support.clients import Desktop, Visitor, client_id, receive, receive_each, send
from tests.support.server import ADMIN, ALICE, ServerProcess

pytestmark = pytest.mark.storage


def event(type_: str, **props: Any) -> dict[str, Any]:
    return {"id": client_id(), "ts": datetime.now(UTC).isoformat(), "type": type_, "props": props}


TV = {"id": "tv-vistaview", "name": "VistaView 65", "price": 2499, "quantity": 1}


async def make_rule(admin: Desktop, key: str, **params: Any) -> dict[str, Any]:
    """A high_value_removed rule; no control group unless ``params`` say (templates hold 10 %)."""
    built = await admin.change(
        "POST",
        "/v1/rule-templates/high_value_removed/build",
        json={
            "params": {
                "key": key,
                "action": "callback",
                "amount": 1000,
                "control_share": 0,
                **params,
            }
        },
    )
    assert built.status_code == 200, built.text
    r = await admin.change("POST", "/v1/rules", json={"data": built.json()["data"]})
    assert r.status_code == 201, r.text
    return r.json()


async def visitor_removes_tv(
    server: ServerProcess, visitor: Visitor | None = None, *, expect_offer: bool = True
) -> tuple[Visitor, Any, dict[str, Any] | None]:
    """A visitor adds the TV and removes it; returns the offer frame's offer, if expected."""
    visitor = visitor or await Visitor(server).start()
    ws = await visitor.connect()
    await receive(ws, "hello")
    both = [event("cart.add", **TV), event("cart.remove", **TV)]
    await send(ws, {"type": "events", "events": both})
    if not expect_offer:
        await receive(ws, "events.ack")
        return visitor, ws, None
    frames = await receive_each(ws, "events.ack", "offer")
    return visitor, ws, frames["offer"]["offer"]


@pytest.fixture
async def team(server: ServerProcess) -> Any:
    """The demo admin and Alice, plus an online agent with room for 50 chats, so pacing
    lets offers through whatever this module's earlier tests left assigned (they share
    the server). Rules made by a test are switched off after it."""
    admin = await Desktop(server).login(ADMIN)
    alice = await Desktop(server).login(ALICE)
    email = f"pacer-{client_id()[:8]}@demo.hovor.dev"
    r = await admin.change(
        "POST",
        "/v1/users",
        json={"email": email, "name": "Pacer", "password": "pacer-password", "chat_capacity": 50},
    )
    assert r.status_code == 201, r.text
    pacer = await Desktop(server).login(email, "pacer-password")
    await pacer.change("PUT", "/v1/me/presence", json={"status": "online"})
    yield admin, alice
    for rule in (await admin.http.get("/v1/rules")).json():
        if rule["enabled"]:
            await admin.change("PUT", f"/v1/rules/{rule['key']}/enabled", json={"enabled": False})
    await pacer.change("PUT", "/v1/me/presence", json={"status": "offline"})
    for desk in (admin, alice, pacer):
        await desk.close()


async def test_removing_an_expensive_item_offers_a_callback_that_reaches_the_inbox(
    server: ServerProcess, team: Any
) -> None:
    admin, alice = team
    key = f"tv-{client_id()[:6]}"
    await make_rule(admin, key)
    visitor, ws, offer = await visitor_removes_tv(server)
    assert offer is not None
    async with ws:
        assert offer["kind"] == "callback" and "VistaView 65" in offer["text"]
        await send(ws, {"type": "offer.shown", "offer_id": offer["id"]})
        await send(ws, {"type": "offer.accepted", "offer_id": offer["id"], "phone": "12"})
        error = await receive(ws, "error")
        assert error["code"] == "invalid_input" and "phone" in error["detail"]
        await send(
            ws, {"type": "offer.accepted", "offer_id": offer["id"], "phone": "+420 601 123 456"}
        )
        updated = await receive(ws, "offer.updated")
        assert updated["status"] == "accepted" and updated["conversation_id"]
        # Still on the site: the live view lists this visit's offer as accepted.
        live = (await admin.http.get("/v1/visitors/live")).json()
        mine = next(v for v in live if v["visitor_id"] == visitor.visitor_id)
        assert [(o["kind"], o["status"]) for o in mine["offers"]] == [("callback", "accepted")]
    conversation = (await alice.http.get(f"/v1/conversations/{updated['conversation_id']}")).json()
    assert conversation["channel"] == "callback"
    messages = (await alice.http.get(f"/v1/conversations/{conversation['id']}/messages")).json()
    first = messages["items"][0]
    assert first["private"] is True and first["author_type"] == "system"
    note = first["body"]
    assert "+420601123456" in note and "VistaView 65" in note and "call by" in note
    # Why, as a card for the desktop: the rule and its facts, the note's text as the fallback.
    behind = (await alice.http.get(f"/v1/conversations/{conversation['id']}/offers")).json()
    assert [(o["id"], o["kind"]) for o in behind] == [(offer["id"], "callback")]
    card = behind[0]["card"]
    assert card["rule_key"] == key and card["facts"], card
    assert all(f"{f['label']}: {f['text']}" in note for f in card["facts"])
    missing = await alice.http.get("/v1/conversations/nope/offers")
    assert missing.status_code == 404


async def test_a_declined_offer_is_not_repeated_in_the_quiet_period(
    server: ServerProcess, team: Any
) -> None:
    admin, _ = team
    await make_rule(admin, f"quiet-{client_id()[:6]}", max_per_session=5)
    _, ws, offer = await visitor_removes_tv(server)
    assert offer is not None
    async with ws:
        await send(ws, {"type": "offer.declined", "offer_id": offer["id"]})
        assert (await receive(ws, "offer.updated"))["status"] == "declined"
        again = [event("cart.add", **TV), event("cart.remove", **TV)]
        await send(ws, {"type": "events", "events": again})
        await send(ws, {"type": "ping"})
        later: list[dict[str, Any]] = []
        while not later or later[-1]["type"] != "pong":  # an offer would come before the pong
            later.append(json.loads(await ws.recv()))
        assert [f["type"] for f in later] == ["events.ack", "pong"]  # no second offer


async def test_the_control_group_sees_nothing_and_is_recorded(
    server: ServerProcess, team: Any
) -> None:
    admin, _ = team
    key = f"ctl-{client_id()[:6]}"
    await make_rule(admin, key, control_share=0.5)
    held: Visitor | None = None
    while held is None:  # the bucket is a stable hash of (visitor, rule)
        candidate = await Visitor(server).start()
        if control_bucket(candidate.visitor_id, key) < 0.5:
            held = candidate
    _, ws, _ = await visitor_removes_tv(server, held, expect_offer=False)
    async with ws:
        await send(ws, {"type": "ping"})
        later = [json.loads(await ws.recv())]
        assert [f["type"] for f in later] == ["pong"]  # no offer frame
        live = (await admin.http.get("/v1/visitors/live")).json()
    mine = next(v for v in live if v["visitor_id"] == held.visitor_id)
    assert [o["status"] for o in mine["offers"]] == ["held_out"]


async def test_rules_are_versioned_and_validated(server: ServerProcess, team: Any) -> None:
    admin, alice = team
    key = f"ver-{client_id()[:6]}"
    rule = await make_rule(admin, key)
    data = {**rule["data"], "condition": "facts.removed_value >= "}
    bad = await admin.change("PUT", f"/v1/rules/{key}", json={"data": data})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["condition"]
    assert "1:" in bad.json()["errors"][0]["msg"]
    data["condition"] = "facts.removed_value >= 500.0"
    ok = await admin.change("PUT", f"/v1/rules/{key}", json={"data": data, "note": "lower"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    off = await admin.change("PUT", f"/v1/rules/{key}/enabled", json={"enabled": False})
    assert off.json()["enabled"] is False and off.json()["version"] == 3
    history = (await admin.http.get(f"/v1/rules/{key}/versions")).json()
    assert [(v["version"], v["note"], v["author_name"]) for v in history] == [
        (3, "disabled", "Ada Admin"),
        (2, "lower", "Ada Admin"),
        (1, "created", "Ada Admin"),
    ]
    forbidden = await alice.change("PUT", f"/v1/rules/{key}/enabled", json={"enabled": True})
    assert forbidden.status_code == 403


async def test_backtest_replays_stored_sessions(server: ServerProcess, team: Any) -> None:
    admin, _ = team
    _, ws, _ = await visitor_removes_tv(server, expect_offer=False)
    await ws.close()
    built = await admin.change(
        "POST",
        "/v1/rule-templates/high_value_removed/build",
        json={"params": {"key": "what-if", "amount": 2000}},
    )
    r = await admin.change(
        "POST", "/v1/rules/backtest", json={"data": built.json()["data"], "days": 7}
    )
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["fired"] >= 1 and result["events_scanned"] >= 2
    assert any("VistaView 65" in f["text"] for f in result["firings"])
