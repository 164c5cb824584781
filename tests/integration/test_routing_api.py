"""The routing API over HTTP: clear errors, roles, workspaces, transfers, callbacks."""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import sys

import pytest

from tests.support.clients import Desktop, Visitor, client_id, receive, send
from tests.support.server import ADMIN, ALICE, ServerProcess

pytestmark = pytest.mark.storage
OTHER_WORKSPACE = ("--workspace", "Other Routing Co", "--role", "admin")


async def _chat(server: ServerProcess) -> str:
    visitor = await Visitor(server).start()
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        await send(ws, {"type": "message.send", "client_id": client_id(), "body": "hello"})
        ack = await receive(ws, "message.ack")
    return str(ack["message"]["conversation_id"])


async def test_bad_queues_get_field_errors_and_agents_cannot_change_them(
    server: ServerProcess,
) -> None:
    admin = await Desktop(server).login(ADMIN)
    alice = await Desktop(server).login(ALICE)
    r = await admin.change(
        "POST",
        "/v1/routing/queues",
        json={
            "name": f"Bad {secrets.token_hex(3)}",
            "steps": [{"target": "skills.tv >"}, {"target": "user.name == 'x'"}],
            "overflow_queue_id": "01NOSUCHQUEUE0000000000000",
        },
    )
    assert r.status_code == 422
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    errors = {tuple(e["loc"]): e["msg"] for e in problem["errors"]}
    assert "syntax error at 1:" in errors[("steps", 0, "target")]
    assert "unknown name user" in errors[("steps", 1, "target")]
    assert errors[("overflow_queue_id",)] == "no such queue"

    r = await admin.change(
        "PUT", f"/v1/routing/agents/{alice.user['id']}", json={"capacity": {"webchat": -1}}
    )
    assert r.status_code == 422
    r = await alice.change("POST", "/v1/routing/queues", json={"name": "Mine"})
    assert r.status_code == 403
    r = await alice.change(
        "PUT", f"/v1/routing/agents/{alice.user['id']}", json={"skills": {"tv": 5}}
    )
    assert r.status_code == 403


async def test_transfers_keep_the_history_and_refuse_nonsense(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    name = f"Night {secrets.token_hex(3)}"
    r = await admin.change(
        "POST",
        "/v1/routing/queues",
        json={"name": name, "steps": [{"target": f"attributes.shift == '{name}'"}]},
    )
    assert r.status_code == 201, r.text
    queue = r.json()
    conversation_id = await _chat(server)

    r = await admin.change(
        "POST",
        f"/v1/conversations/{conversation_id}/transfer",
        json={"queue_id": queue["id"], "agent_id": admin.user["id"]},
    )
    assert r.status_code == 422
    r = await admin.change(
        "POST",
        f"/v1/conversations/{conversation_id}/transfer",
        json={"queue_id": "01NOSUCHQUEUE0000000000000"},
    )
    assert r.status_code == 404
    r = await admin.change(
        "POST",
        f"/v1/conversations/{conversation_id}/transfer",
        json={"queue_id": queue["id"], "note": "Wants the night shift"},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["queue_id"], r.json()["status"]) == (queue["id"], "waiting")
    # By the time the answer arrives the router has seen it: nobody works the night shift.
    tasks = (await admin.http.get("/v1/routing/tasks", params={"queue_id": queue["id"]})).json()
    assert [(t["conversation_id"], t["unroutable"]) for t in tasks] == [(conversation_id, True)]
    messages = (await admin.http.get(f"/v1/conversations/{conversation_id}/messages")).json()
    notes = [m for m in messages["items"] if m["private"]]
    assert any(f"Transferred to queue {name}" in m["body"] for m in notes)
    assert any("Wants the night shift" in m["body"] for m in notes)

    # To an agent: assigned to them at once, the task follows.
    r = await admin.change(
        "POST",
        f"/v1/conversations/{conversation_id}/transfer",
        json={"agent_id": admin.user["id"]},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["agent_id"]) == ("assigned", admin.user["id"])
    conversation = (await admin.http.get(f"/v1/conversations/{conversation_id}")).json()
    assert conversation["assignee"]["id"] == admin.user["id"]

    # A closed conversation cannot be transferred; a queue with history cannot be deleted.
    assert (
        await admin.change("POST", f"/v1/conversations/{conversation_id}/close")
    ).status_code == 200
    r = await admin.change(
        "POST", f"/v1/conversations/{conversation_id}/transfer", json={"queue_id": queue["id"]}
    )
    assert r.status_code == 409
    assert r.json()["detail"] == "only an open conversation can be transferred"
    r = await admin.change("DELETE", f"/v1/routing/queues/{queue['id']}")
    assert r.status_code == 409


async def test_other_workspaces_see_no_queues_tasks_or_agents(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    queues = (await admin.http.get("/v1/routing/queues")).json()
    assert queues, "the demo has queues"
    env = {**server.env, "HOVOR_NEW_PASSWORD": "other-workspace-pass"}
    email = f"{client_id()[:8]}@other-routing.example.org"
    await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "hovor.cli", "create-user", email, *OTHER_WORKSPACE],
        env=env,
        check=True,
        capture_output=True,
    )
    other = await Desktop(server).login(email, "other-workspace-pass")
    assert (await other.http.get(f"/v1/routing/queues/{queues[0]['id']}")).status_code == 404
    assert all(
        q["id"] not in {x["id"] for x in queues}
        for q in (await other.http.get("/v1/routing/queues")).json()
    )
    agents = (await other.http.get("/v1/routing/agents")).json()
    assert [a["id"] for a in agents] == [other.user["id"]]
    r = await other.change(
        "PUT", f"/v1/routing/agents/{admin.user['id']}", json={"skills": {"tv": 5}}
    )
    assert r.status_code == 404
    assert (await other.http.get("/v1/routing/tasks")).json() == []


async def test_wallboard_and_estimated_wait(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    await _chat(server)
    board = (await admin.http.get("/v1/routing/wallboard")).json()
    assert board["live"] is not None
    names = {q["name"] for q in board["live"]["queues"]}
    assert {"Web chat", "Callbacks", "TV experts"} <= names
    assert set(board["live"]["agents"]) == {
        "available",
        "working",
        "full",
        "busy",
        "away",
        "offline",
    }
    web = next(q for q in board["live"]["queues"] if q["name"] == "Web chat")
    assert web["sla_seconds"]["webchat"] == 30
    assert {t["queue_id"] for t in board["today"]} >= {q["id"] for q in board["live"]["queues"]}
    wait = (await admin.http.get("/v1/routing/estimated-wait")).json()
    assert set(wait) == {"seconds"}


async def test_presence_with_a_reason(server: ServerProcess) -> None:
    alice = await Desktop(server).login(ALICE)
    r = await alice.change("PUT", "/v1/me/presence", json={"status": "busy", "reason": "Training"})
    assert r.status_code == 200
    assert (r.json()["presence"], r.json()["presence_reason"]) == ("busy", "Training")
    r = await alice.change("PUT", "/v1/me/presence", json={"status": "on fire"})
    assert r.status_code == 422
    r = await alice.change("PUT", "/v1/me/presence", json={"status": "offline"})
    assert r.json()["presence_reason"] is None
