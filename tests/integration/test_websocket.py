"""Live web chat over real WebSockets: visitor ↔ agent, bad frames, refusals, resends."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from tests.support.clients import Desktop, Visitor, client_id, receive, send
from tests.support.server import ADMIN, ALICE, DEMO_SITE_KEY, ServerProcess

pytestmark = pytest.mark.storage


async def test_visitor_and_agent_chat_live(server: ServerProcess) -> None:
    desk = await Desktop(server).login(ALICE)
    agent_ws = await desk.socket()
    visitor = await Visitor(server).start()
    try:
        async with await visitor.connect() as ws:
            hello = await receive(ws, "hello")
            assert hello["v"] == 1 and hello["visitor_id"] == visitor.visitor_id
            assert hello["messages"] == [] and hello["conversation"] is None

            cid = client_id()
            await send(
                ws, {"type": "message.send", "client_id": cid, "body": "  Is the TV in stock?  "}
            )
            ack = await receive(ws, "message.ack")
            assert ack["client_id"] == cid and ack["message"]["body"] == "Is the TV in stock?"
            conversation_id = ack["message"]["conversation_id"]

            created = await receive(agent_ws, "conversation.created")
            assert created["conversation"]["id"] == conversation_id
            live = await receive(agent_ws, "message.created")
            assert live["message"]["id"] == ack["message"]["id"]

            # Stored before it was acknowledged: the API has it.
            listed = (await desk.http.get(f"/v1/conversations/{conversation_id}/messages")).json()
            assert [m["body"] for m in listed["items"]] == ["Is the TV in stock?"]

            await send(
                agent_ws, {"type": "typing", "conversation_id": conversation_id, "state": True}
            )
            typing = await receive(ws, "typing")
            assert typing["author_type"] == "agent" and typing["state"] is True

            r = await desk.change(
                "POST",
                f"/v1/conversations/{conversation_id}/messages",
                json={"body": "Yes, two left.", "client_id": client_id()},
            )
            assert r.status_code == 201
            reply = await receive(ws, "message")
            assert reply["message"]["author_type"] == "agent"
            assert reply["message"]["body"] == "Yes, two left."
            assert reply["message"]["author_name"] == "Alice Agent"

        # A new connection (page reload) gets the history.
        again = await Visitor(server).start(previous=visitor.token)
        assert again.visitor_id == visitor.visitor_id
        async with await again.connect() as ws:
            hello = await receive(ws, "hello")
            assert [m["body"] for m in hello["messages"]] == [
                "Is the TV in stock?",
                "Yes, two left.",
            ]
            assert hello["conversation"]["id"] == conversation_id
    finally:
        await agent_ws.close()
        await desk.close()


async def test_resend_after_reconnect_is_stored_once(server: ServerProcess) -> None:
    visitor = await Visitor(server).start()
    cid = client_id()
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        await send(ws, {"type": "message.send", "client_id": cid, "body": "only once"})
        first = await receive(ws, "message.ack")
    # The widget did not see the ack (say the socket dropped) and resends after reconnecting.
    async with await visitor.connect() as ws:
        hello = await receive(ws, "hello")
        await send(ws, {"type": "message.send", "client_id": cid, "body": "only once"})
        second = await receive(ws, "message.ack")
    assert second["message"]["id"] == first["message"]["id"]
    assert [m["body"] for m in hello["messages"]] == ["only once"]


async def test_bad_frames_get_error_frames_and_the_connection_survives(
    server: ServerProcess,
) -> None:
    visitor = await Visitor(server).start()
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        await ws.send("not json")
        assert (await receive(ws, "error"))["code"] == "invalid_json"
        await send(ws, {"type": "teleport"})
        assert (await receive(ws, "error"))["code"] == "invalid_frame"
        await send(ws, {"type": "message.send", "client_id": "c1", "body": ""})
        error = await receive(ws, "error")
        assert error["code"] == "invalid_frame" and error["client_id"] == "c1"
        await send(ws, {"type": "message.send", "client_id": "c2", "body": "   "})
        error = await receive(ws, "error")
        assert error["code"] == "invalid_input" and error["client_id"] == "c2"
        await ws.send("x" * 20_000)
        assert (await receive(ws, "error"))["code"] == "frame_too_large"
        await ws.send(b"\x00\x01")
        assert (await receive(ws, "error"))["code"] == "invalid_frame"
        await send(ws, {"type": "ping"})
        await receive(ws, "pong")
        await send(ws, {"type": "message.send", "client_id": client_id(), "body": "still here"})
        assert (await receive(ws, "message.ack"))["message"]["body"] == "still here"


async def test_visitor_message_flood_is_limited(server: ServerProcess) -> None:
    visitor = await Visitor(server).start()
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        for i in range(25):
            await send(ws, {"type": "message.send", "client_id": f"f{i}", "body": f"spam {i}"})
        frames = []
        while len(frames) < 25:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if frame["type"] in ("message.ack", "error"):
                frames.append(frame)
        acks = [f for f in frames if f["type"] == "message.ack"]
        limited = [f for f in frames if f["type"] == "error"]
        assert len(acks) == 20 and len(limited) == 5
        assert all(f["code"] == "rate_limited" for f in limited)


@pytest.mark.parametrize(
    ("site", "origin", "token_ok", "code"),
    [
        ("pk_unknown", None, True, 4403),
        (DEMO_SITE_KEY, "https://evil.example.org", True, 4403),
        (DEMO_SITE_KEY, None, False, 4401),
    ],
)
async def test_refused_visitor_sockets(
    server: ServerProcess, site: str, origin: str | None, token_ok: bool, code: int
) -> None:
    visitor = await Visitor(server).start()
    token = visitor.token if token_ok else visitor.token[:-4] + "AAAA"
    async with websockets.connect(
        f"{server.ws_url}/v1/visitor?site={site}&token={token}",
        additional_headers={"origin": origin or server.origin},
    ) as ws:
        error = json.loads(await ws.recv())
        assert error["type"] == "error"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == code


async def test_agent_socket_needs_a_session_and_its_own_origin(server: ServerProcess) -> None:
    async with websockets.connect(
        server.ws_url + "/v1/agent/ws", additional_headers={"origin": server.origin}
    ) as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    desk = await Desktop(server).login(ALICE)
    try:
        cookie = desk.http.cookies.get("hovor_session")
        async with websockets.connect(
            server.ws_url + "/v1/agent/ws",
            additional_headers={
                "cookie": f"hovor_session={cookie}",
                "origin": "https://evil.example.org",
            },
        ) as ws:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
        agent_ws = await desk.socket()
        await send(agent_ws, {"type": "typing", "conversation_id": "01NOTAREALID", "state": True})
        assert (await receive(agent_ws, "error"))["code"] == "not_found"
        await agent_ws.close()
    finally:
        await desk.close()


async def test_auto_assignment_to_an_online_agent(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    email = f"agent-{client_id()[:8]}@demo.hovor.dev"
    r = await admin.change(
        "POST",
        "/v1/users",
        json={"email": email, "name": "Dana", "password": "dana-password", "chat_capacity": 50},
    )
    assert r.status_code == 201
    # A blended agent: room for 50 chats, callbacks and e-mails (each channel has its own).
    r = await admin.change(
        "PUT",
        f"/v1/routing/agents/{r.json()['id']}",
        json={"capacity": {"webchat": 50, "callback": 50, "email": 50}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["capacity"]["callback"] == 50
    desk = await Desktop(server).login(email, "dana-password")
    try:
        # Coming online, Dana first takes whatever was waiting (oldest first)...
        await desk.change("PUT", "/v1/me/presence", json={"status": "online"})
        visitor = await Visitor(server).start()
        async with await visitor.connect() as ws:
            await receive(ws, "hello")
            await send(ws, {"type": "message.send", "client_id": client_id(), "body": "help"})
            ack = await receive(ws, "message.ack")
        # ...and, the only agent online with room, gets the new chat too.
        conversation = (
            await desk.http.get(f"/v1/conversations/{ack['message']['conversation_id']}")
        ).json()
        assert conversation["assignee"]["id"] == desk.user["id"]
        mine = (await desk.http.get("/v1/conversations", params={"view": "mine"})).json()
        assert conversation["id"] in [c["id"] for c in mine["items"]]
        # Nothing she could take is left waiting in the demo's queues (other tests' own
        # queues, which only their agents match, share this database and are left alone).
        tasks = (await desk.http.get("/v1/routing/tasks")).json()
        ours = {"Web chat", "Callbacks", "General"}
        assert [t for t in tasks if t["status"] == "waiting" and t["queue_name"] in ours] == []
    finally:
        await desk.change("PUT", "/v1/me/presence", json={"status": "offline"})
        await desk.close()
        await admin.close()


async def test_desktops_hear_of_ticket_and_contact_changes(server: ServerProcess) -> None:
    desk = await Desktop(server).login(ALICE)
    agent_ws = await desk.socket()
    try:
        visitor = await Visitor(server).start()
        async with await visitor.connect() as ws:
            await receive(ws, "hello")
            await send(ws, {"type": "message.send", "client_id": client_id(), "body": "refund?"})
            ack = await receive(ws, "message.ack")
        conversation_id = ack["message"]["conversation_id"]
        r = await desk.change(
            "POST", f"/v1/conversations/{conversation_id}/ticket", json={"subject": "Refund"}
        )
        assert r.status_code == 201, r.text
        hint = await receive(agent_ws, "ticket.changed")
        assert hint["ticket_id"] == r.json()["id"] and hint["contact_id"]
        r = await desk.change(
            "PATCH", f"/v1/contacts/{hint['contact_id']}", json={"name": "Dana Refund"}
        )
        assert r.status_code == 200, r.text
        assert (await receive(agent_ws, "contact.changed"))["contact_ids"] == [hint["contact_id"]]
    finally:
        await agent_ws.close()
        await desk.close()


async def test_a_logged_out_desktop_socket_is_closed_at_its_next_ping(
    server: ServerProcess,
) -> None:
    desk = await Desktop(server).login(ALICE)
    agent_ws = await desk.socket()
    try:
        await send(agent_ws, {"type": "ping"})
        await receive(agent_ws, "pong")
        assert (await desk.change("POST", "/v1/auth/logout")).status_code == 204
        await send(agent_ws, {"type": "ping"})
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await agent_ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    finally:
        await agent_ws.close()
        await desk.close()
