"""Co-browsing over real sockets: consent, relay, refusals, control, end, recording."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import websockets

from hovor.realtime.agent_frames import to_agent_frame
from hovor.realtime.visitor_frames import to_visitor_frame
from tests.integration.test_cross_workspace import OTHER_PASSWORD, create_other_admin
from tests.integration.test_frames_as_sent import Recorder, assert_described
from tests.support.clients import Desktop, Visitor, client_id, receive, send
from tests.support.server import ADMIN, ALICE, BOB, ServerProcess

pytestmark = pytest.mark.storage

PAGE = [
    {"type": 4, "timestamp": 1, "data": {"href": "https://shop.test/cart", "width": 1200}},
    {"type": 2, "timestamp": 2, "data": {"node": {"type": 0, "childNodes": [], "id": 1}}},
]


@dataclass
class Live:
    desk: Desktop
    agent_ws: websockets.ClientConnection
    visitor: Visitor
    ws: websockets.ClientConnection
    conversation_id: str
    session_id: str


def parts(
    session_id: str, seq: int, events: list[dict[str, Any]], size: int = 4000
) -> list[dict[str, Any]]:
    text = json.dumps(events)
    chunks = [text[i : i + size] for i in range(0, len(text), size)] or [""]
    return [
        {
            "type": "cobrowse.events",
            "session_id": session_id,
            "seq": seq,
            "part": i,
            "parts": len(chunks),
            "size": len(text.encode()),
            "data": chunk,
            "client_id": f"cb-{seq}",
        }
        for i, chunk in enumerate(chunks)
    ]


async def send_batch(
    ws: websockets.ClientConnection, session_id: str, seq: int, events: list[dict[str, Any]]
) -> None:
    for frame in parts(session_id, seq, events):
        await send(ws, frame)


@asynccontextmanager
async def requested(server: ServerProcess, agent: str = ALICE) -> AsyncIterator[Live]:
    """A visitor chatting and an agent's co-browse request that reached the widget."""
    desk = await Desktop(server).login(agent)
    agent_ws = await desk.socket()
    visitor = await Visitor(server).start()
    ws = await visitor.connect()
    try:
        await receive(ws, "hello")
        await send(
            ws, {"type": "message.send", "client_id": client_id(), "body": "Pomozte mi s košíkem"}
        )
        conversation_id = (await receive(ws, "message.ack"))["message"]["conversation_id"]
        r = await desk.change("POST", f"/v1/conversations/{conversation_id}/cobrowse")
        assert r.status_code == 201, r.text
        session = r.json()
        assert session["status"] == "requested" and session["agent_name"] == desk.user["name"]
        state = await receive(ws, "cobrowse.state")
        assert state["session"] == {
            "id": session["id"],
            "status": "requested",
            "control": "none",
            "agent_name": desk.user["name"],
            "ended_by": None,
        }
        yield Live(desk, agent_ws, visitor, ws, conversation_id, session["id"])
    finally:
        await ws.close()
        await agent_ws.close()
        await desk.close()


async def accept(live: Live) -> None:
    await send(
        live.ws, {"type": "cobrowse.consent", "session_id": live.session_id, "accepted": True}
    )
    assert (await receive(live.ws, "cobrowse.state"))["session"]["status"] == "active"
    updated = await receive(live.agent_ws, "cobrowse.updated")
    while updated["session"]["status"] != "active":
        updated = await receive(live.agent_ws, "cobrowse.updated")


async def test_consented_session_relays_the_page_and_ends_for_both(server: ServerProcess) -> None:
    async with requested(server) as live:
        # Nothing is relayed before the visitor agrees.
        await send_batch(live.ws, live.session_id, 0, PAGE)
        refused = await receive(live.ws, "error")
        assert refused["code"] == "conflict" and "requested" in refused["detail"]
        await accept(live)

        await send(live.agent_ws, {"type": "cobrowse.join", "session_id": live.session_id})
        assert (await receive(live.ws, "cobrowse.snapshot"))["session_id"] == live.session_id
        await send_batch(live.ws, live.session_id, 1, PAGE * 200)  # several parts
        assert (await receive(live.ws, "cobrowse.ack"))["seq"] == 1
        batch = await receive(live.agent_ws, "cobrowse.batch")
        assert batch["seq"] == 1 and batch["events"] == PAGE * 200

        # A highlight reaches the visitor; control needs the visitor's second consent.
        point = {
            "type": "cobrowse.point",
            "session_id": live.session_id,
            "node_id": 7,
            "x": 10,
            "y": 20,
        }
        await send(live.agent_ws, point)
        pointer = await receive(live.ws, "cobrowse.pointer")
        assert (pointer["node_id"], pointer["x"], pointer["y"]) == (7, 10, 20)
        click = {**point, "type": "cobrowse.input", "kind": "click"}
        await send(live.agent_ws, click)
        assert (await receive(live.agent_ws, "error"))["code"] == "forbidden"
        r = await live.desk.change(
            "POST", f"/v1/cobrowse/{live.session_id}/control", json={"on": True}
        )
        assert r.json()["control"] == "requested"
        assert (await receive(live.ws, "cobrowse.state"))["session"]["control"] == "requested"
        await send(
            live.ws,
            {
                "type": "cobrowse.consent",
                "session_id": live.session_id,
                "accepted": True,
                "control": True,
            },
        )
        assert (await receive(live.ws, "cobrowse.state"))["session"]["control"] == "granted"
        await send(live.agent_ws, click)
        control = await receive(live.ws, "cobrowse.control")
        assert control["kind"] == "click" and control["node_id"] == 7

        await send(live.ws, {"type": "cobrowse.stop", "session_id": live.session_id})
        ended = await receive(live.ws, "cobrowse.state")
        assert ended["session"]["status"] == "ended" and ended["session"]["ended_by"] == "visitor"
        updated = await receive(live.agent_ws, "cobrowse.updated")
        while updated["session"]["status"] != "ended":
            updated = await receive(live.agent_ws, "cobrowse.updated")
        await send_batch(live.ws, live.session_id, 2, PAGE)
        assert (await receive(live.ws, "error"))["code"] == "conflict"

        # Timeline and conversation: started and ended, by whom, how long.
        conversation = (
            await live.desk.http.get(f"/v1/conversations/{live.conversation_id}")
        ).json()
        timeline = (
            await live.desk.http.get(f"/v1/contacts/{conversation['contact']['id']}/timeline")
        ).json()
        kinds = {e["kind"]: e for e in timeline["items"]}
        assert "cobrowse.started" in kinds and "cobrowse.ended" in kinds
        assert kinds["cobrowse.ended"]["data"]["ended_by"] == "visitor"
        assert kinds["cobrowse.ended"]["data"]["duration_seconds"] >= 0
        notes = (
            await live.desk.http.get(f"/v1/conversations/{live.conversation_id}/messages")
        ).json()
        bodies = [m["body"] for m in notes["items"]]
        assert any(b.startswith("Co-browsing ended by the visitor after") for b in bodies)
        # Not recorded by default.
        r = await live.desk.http.get(f"/v1/cobrowse/{live.session_id}/recording")
        assert r.status_code == 404


async def test_frames_from_a_visitor_who_does_not_own_the_session_are_refused(
    server: ServerProcess,
) -> None:
    async with requested(server) as live:
        await accept(live)
        intruder = await Visitor(server).start()
        async with await intruder.connect() as ws:
            await receive(ws, "hello")
            await send_batch(ws, live.session_id, 0, PAGE)
            assert (await receive(ws, "error"))["code"] == "forbidden"
            for frame in (
                {"type": "cobrowse.stop", "session_id": live.session_id},
                {
                    "type": "cobrowse.consent",
                    "session_id": live.session_id,
                    "accepted": True,
                    "control": True,
                },
                {"type": "cobrowse.resume", "session_id": live.session_id},
            ):
                await send(ws, frame)
                assert (await receive(ws, "error"))["code"] == "forbidden"
        r = await live.desk.http.get(f"/v1/cobrowse/{live.session_id}")
        assert r.json()["status"] == "active" and r.json()["control"] == "none"


async def test_an_oversize_snapshot_is_refused_with_a_clear_error(server: ServerProcess) -> None:
    async with requested(server) as live:
        await accept(live)
        frame = parts(live.session_id, 0, PAGE)[0]
        await send(live.ws, {**frame, "size": 3 * 1024 * 1024})
        error = await receive(live.ws, "error")
        assert error["code"] == "snapshot_too_large" and error["client_id"] == "cb-0"
        assert "too large to share" in error["detail"] and "at most 2 MB" in error["detail"]
        # A batch that says it is small but is not: refused when the parts pass the limit.
        big = "x" * 11_000
        lying = {**frame, "seq": 1, "parts": 300, "size": 100}
        for i in range(200):
            await send(live.ws, {**lying, "part": i, "data": big})
        error = await receive(live.ws, "error", within=20)
        assert error["code"] == "snapshot_too_large"
        # The session goes on: a normal batch is relayed.
        await send_batch(live.ws, live.session_id, 2, PAGE)
        assert (await receive(live.ws, "cobrowse.ack"))["seq"] == 2


async def test_an_agent_of_another_workspace_cannot_join(server: ServerProcess) -> None:
    email = await create_other_admin(server)
    async with requested(server) as live:
        await accept(live)
        other = await Desktop(server).login(email, OTHER_PASSWORD)
        other_ws = await other.socket()
        try:
            await send(other_ws, {"type": "cobrowse.join", "session_id": live.session_id})
            assert (await receive(other_ws, "error"))["code"] == "not_found"
            r = await other.change("POST", f"/v1/cobrowse/{live.session_id}/end")
            assert r.status_code == 404
            r = await other.change("POST", f"/v1/conversations/{live.conversation_id}/cobrowse")
            assert r.status_code == 404
        finally:
            await other_ws.close()
            await other.close()
        # A colleague in the same workspace is not the agent the visitor agreed to.
        bob = await Desktop(server).login(BOB)
        bob_ws = await bob.socket()
        try:
            await send(bob_ws, {"type": "cobrowse.join", "session_id": live.session_id})
            assert (await receive(bob_ws, "error"))["code"] == "forbidden"
        finally:
            await bob_ws.close()
            await bob.close()
        # The agent's own end reaches the widget.
        r = await live.desk.change("POST", f"/v1/cobrowse/{live.session_id}/end")
        assert r.json()["ended_by"] == "agent"
        state = await receive(live.ws, "cobrowse.state")
        assert state["session"]["status"] == "ended" and state["session"]["ended_by"] == "agent"


async def test_workspace_switch_and_recording(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    try:
        r = await admin.change(
            "PUT",
            "/v1/cobrowse/settings",
            json={"enabled": True, "record": True, "retention_days": 0},
        )
        assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == "retention_days"
        r = await admin.change(
            "PUT",
            "/v1/cobrowse/settings",
            json={"enabled": False, "record": False, "retention_days": 30},
        )
        assert r.json()["enabled"] is False
        visitor = await Visitor(server).start()
        async with await visitor.connect() as ws:
            await receive(ws, "hello")
            await send(ws, {"type": "message.send", "client_id": client_id(), "body": "hi"})
            conversation_id = (await receive(ws, "message.ack"))["message"]["conversation_id"]
        r = await admin.change("POST", f"/v1/conversations/{conversation_id}/cobrowse")
        assert r.status_code == 403 and "switched off" in r.json()["detail"]
        r = await admin.change(
            "PUT",
            "/v1/cobrowse/settings",
            json={"enabled": True, "record": True, "retention_days": 7},
        )
        assert r.json() == {"enabled": True, "record": True, "retention_days": 7}
        async with requested(server) as live:
            await accept(live)
            await send_batch(live.ws, live.session_id, 0, PAGE)
            assert (await receive(live.ws, "cobrowse.ack"))["seq"] == 0
            r = await live.desk.http.get(f"/v1/cobrowse/{live.session_id}/recording")
            assert r.status_code == 200 and r.json()["events"] == PAGE
            assert r.json()["session"]["recorded"] is True
    finally:
        await admin.change(
            "PUT",
            "/v1/cobrowse/settings",
            json={"enabled": True, "record": False, "retention_days": 30},
        )
        await admin.close()


async def test_every_cobrowse_frame_is_as_the_schema_says(server: ServerProcess) -> None:
    desk = await Desktop(server).login(ALICE)
    agent = Recorder(await desk.socket())
    visitor = await Visitor(server).start()
    ws = await visitor.connect()
    seen = Recorder(ws)
    try:
        await seen.wait_for("hello")
        await send(ws, {"type": "message.send", "client_id": client_id(), "body": "Ukažte mi to"})
        conversation_id = (await seen.wait_for("message.ack"))["message"]["conversation_id"]
        r = await desk.change("POST", f"/v1/conversations/{conversation_id}/cobrowse")
        session_id = r.json()["id"]
        await seen.wait_for("cobrowse.state")
        await send(ws, {"type": "cobrowse.consent", "session_id": session_id, "accepted": True})
        await seen.wait_for("cobrowse.state", count=2)
        await send(agent.ws, {"type": "cobrowse.join", "session_id": session_id})
        await seen.wait_for("cobrowse.snapshot")
        await send_batch(ws, session_id, 0, PAGE)
        await seen.wait_for("cobrowse.ack")
        await agent.wait_for("cobrowse.batch")
        point = {"session_id": session_id, "node_id": None, "x": 5.5, "y": 6}
        await send(agent.ws, {"type": "cobrowse.point", **point})
        await seen.wait_for("cobrowse.pointer")
        await desk.change("POST", f"/v1/cobrowse/{session_id}/control", json={"on": True})
        await seen.wait_for("cobrowse.state", count=3)
        consent = {"accepted": True, "control": True, "session_id": session_id}
        await send(ws, {"type": "cobrowse.consent", **consent})
        await seen.wait_for("cobrowse.state", count=4)
        await send(agent.ws, {"type": "cobrowse.input", "kind": "scroll", **point})
        await seen.wait_for("cobrowse.control")
        await send(ws, {"type": "cobrowse.resume", "session_id": session_id})
        await seen.wait_for("cobrowse.state", count=5)
        await send(ws, {"type": "cobrowse.stop", "session_id": session_id})
        await seen.wait_for("cobrowse.state", count=6)
        await agent.wait_for("cobrowse.updated", count=5)
    finally:
        await ws.close()
        await agent.ws.close()
        await seen.stop()
        await agent.stop()
        await desk.close()

    assert_described(to_visitor_frame, seen.frames)
    assert_described(to_agent_frame, agent.frames)
    visitor_types = {f["type"] for f in seen.frames}
    assert {
        "cobrowse.state",
        "cobrowse.ack",
        "cobrowse.snapshot",
        "cobrowse.pointer",
        "cobrowse.control",
    } <= visitor_types
    assert {"cobrowse.batch", "cobrowse.updated"} <= {f["type"] for f in agent.frames}
