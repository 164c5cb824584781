"""Routing across real server processes: a kill mid-reservation or mid wrap-up, and two
processes at once.

Each test works in a workspace of its own (its admin, site key, agents and queue), so what
other tests leave in the shared database (waiting chats, online agents) never mixes in.
"""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.clients import Desktop, Visitor, client_id, receive, send
from tests.support.server import ServerProcess, run_server
from tests.support.services import POSTGRES_URL, REDIS_URL, require

pytestmark = pytest.mark.storage


async def eventually(check: Callable[[], Awaitable[Any]], within: float = 30.0) -> Any:
    """Poll ``check`` until it returns something truthy (or fail with its last value)."""
    deadline = asyncio.get_running_loop().time() + within
    last: Any = None
    while asyncio.get_running_loop().time() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.25)
    raise AssertionError(f"not reached in {within} s (last: {last!r})")


def redis_with(database_url: str) -> str | None:
    """Several processes share PostgreSQL through Redis (the lease, the bus); SQLite runs alone."""
    if not database_url.startswith("postgresql"):
        return None
    require(REDIS_URL, "Redis")
    return REDIS_URL


class Team:
    """A workspace of the test's own: an admin, a site key, a queue and its agents."""

    admin_desk: Desktop

    def __init__(self, server: ServerProcess, servers: list[ServerProcess] | None = None) -> None:
        self.server = server
        self.origins = [s.origin for s in servers or [server]]
        self.tag = secrets.token_hex(4)
        self.email = f"admin-{self.tag}@routing.example.org"
        self.site_key = ""
        self.queue: dict[str, Any] = {}
        self.agents: list[dict[str, Any]] = []

    @property
    def workspace_args(self) -> list[str]:
        return ["--workspace", f"Routing {self.tag}", "--role", "admin"]

    async def admin(self, server: ServerProcess | None = None) -> Desktop:
        return await Desktop(server or self.server).login(self.email, "routing-admin-pass")

    async def new_workspace(self) -> Desktop:
        env = {**self.server.env, "HOVOR_NEW_PASSWORD": "routing-admin-pass"}
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "hovor.cli", "create-user", self.email, *self.workspace_args],
            env=env,
            check=True,
            capture_output=True,
        )
        admin = await self.admin()
        r = await admin.change(
            "POST", "/v1/site-keys", json={"name": "Shop", "allowed_origins": self.origins}
        )
        assert r.status_code == 201, r.text
        self.site_key = r.json()["key"]
        self.admin_desk = admin
        return admin

    async def create(self, agents: int, capacity: int, **queue: Any) -> Team:
        admin = await self.new_workspace()
        r = await admin.change(
            "POST",
            "/v1/routing/queues",
            json={
                "name": f"Team {self.tag}",
                "steps": [{"target": f"attributes.team == '{self.tag}'"}],
                **queue,
            },
        )
        assert r.status_code == 201, r.text
        self.queue = r.json()
        for i in range(agents):
            email = f"r{i}-{self.tag}@demo.hovor.dev"
            r = await admin.change(
                "POST",
                "/v1/users",
                json={"email": email, "name": f"R{i}", "password": "routing-pass", "role": "agent"},
            )
            assert r.status_code == 201, r.text
            user = r.json()
            r = await admin.change(
                "PUT",
                f"/v1/routing/agents/{user['id']}",
                json={"attributes": {"team": self.tag}, "capacity": {"webchat": capacity}},
            )
            assert r.status_code == 200, r.text
            self.agents.append({**user, "email": email})
        return self

    async def online(self, server: ServerProcess) -> list[Desktop]:
        desks = []
        for agent in self.agents:
            desk = await Desktop(server).login(agent["email"], "routing-pass")
            r = await desk.change("PUT", "/v1/me/presence", json={"status": "online"})
            assert r.status_code == 200
            desks.append(desk)
        return desks

    async def tasks(self, desk: Desktop) -> list[dict[str, Any]]:
        r = await desk.http.get("/v1/routing/tasks", params={"queue_id": self.queue["id"]})
        assert r.status_code == 200, r.text
        return list(r.json())


async def new_chat(team: Team, admin: Desktop) -> str:
    """A visitor writes on the team's site; the chat is transferred into the team's queue."""
    visitor = await Visitor(team.server, site_key=team.site_key).start()
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        await send(ws, {"type": "message.send", "client_id": client_id(), "body": "help"})
        ack = await receive(ws, "message.ack")
    conversation_id = str(ack["message"]["conversation_id"])
    r = await admin.change(
        "POST",
        f"/v1/conversations/{conversation_id}/transfer",
        json={"queue_id": team.queue["id"]},
    )
    assert r.status_code == 200, r.text
    return conversation_id


async def close_all(admin: Desktop, conversation_ids: list[str]) -> None:
    """Leave nothing open in the shared database for other tests' agents to find."""
    for conversation_id in conversation_ids:
        r = await admin.change("POST", f"/v1/conversations/{conversation_id}/close")
        assert r.status_code == 200, r.text


async def test_a_reservation_survives_a_kill_and_is_assigned_once(
    database_url: str, tmp_path: Path
) -> None:
    redis_url = redis_with(database_url)
    with run_server(tmp_path, database_url=database_url, redis_url=redis_url) as server:
        port = int(server.base_url.rsplit(":", 1)[1])
        team = await Team(server).create(
            agents=2, capacity=3, auto_accept=False, reservation_seconds=4
        )
        admin = team.admin_desk
        await team.online(server)
        conversation_id = await new_chat(team, admin)

        async def reserved() -> list[dict[str, Any]]:
            return [t for t in await team.tasks(admin) if t["status"] == "reserved"]

        first = (await eventually(reserved))[0]
        assert first["conversation_id"] == conversation_id
        server.process.kill()  # no clean shutdown: the lease, if any, is left to expire
        server.process.wait()

    with run_server(tmp_path, database_url=database_url, redis_url=redis_url, port=port) as server:
        admin = await team.admin(server)

        async def moved_on() -> list[dict[str, Any]]:
            tasks = await team.tasks(admin)
            return [
                t for t in tasks if t["status"] == "reserved" and t["agent_id"] != first["agent_id"]
            ]

        # Generous: the new leader waits out the dead one's lease (10 s) and re-reads every
        # workspace of this shared test database before it gets to ours.
        second = (await eventually(moved_on, within=60))[0]
        assert second["id"] == first["id"]
        by_id = {a["id"]: a for a in team.agents}
        taker = await Desktop(server).login(by_id[second["agent_id"]]["email"], "routing-pass")
        late = await Desktop(server).login(by_id[first["agent_id"]]["email"], "routing-pass")
        r = await late.change("POST", f"/v1/routing/tasks/{first['id']}/accept")
        assert r.status_code == 409
        r = await taker.change("POST", f"/v1/routing/tasks/{second['id']}/accept")
        assert r.status_code == 200, r.text
        conversation = (await admin.http.get(f"/v1/conversations/{conversation_id}")).json()
        assert conversation["assignee"]["id"] == second["agent_id"]
        tasks = await team.tasks(admin)
        assert [(t["conversation_id"], t["status"]) for t in tasks] == [
            (conversation_id, "assigned")
        ]
        await close_all(admin, [conversation_id])


async def test_two_processes_assign_every_task_exactly_once(tmp_path: Path) -> None:
    from tests.conftest import postgres_url

    require(POSTGRES_URL, "PostgreSQL")
    require(REDIS_URL, "Redis")
    url = postgres_url()
    with (
        run_server(tmp_path, database_url=url, redis_url=REDIS_URL) as one,
        run_server(tmp_path, database_url=url, redis_url=REDIS_URL) as two,
    ):
        team = await Team(one, [one, two]).create(agents=2, capacity=3)
        admins = [team.admin_desk, await team.admin(two)]
        await team.online(two)
        # Ten chats; their transfers (the routing writes) alternate between the processes.
        chats = [await new_chat(team, admins[i % 2]) for i in range(10)]

        async def six_assigned() -> list[dict[str, Any]]:
            tasks = await team.tasks(admins[1])
            return tasks if sum(t["status"] == "assigned" for t in tasks) == 6 else []

        tasks = await eventually(six_assigned)
        assert sorted(t["conversation_id"] for t in tasks) == sorted(chats)  # one task each
        per_agent = [sum(t["agent_id"] == a["id"] for t in tasks) for a in team.agents]
        assert per_agent == [3, 3]
        assert sum(t["status"] == "waiting" for t in tasks) == 4

        # One process dies; closing two chats on the other frees two slots, taken once each.
        one.process.kill()
        one.process.wait()
        done = [t["conversation_id"] for t in tasks if t["status"] == "assigned"][:2]
        for conversation_id in done:
            r = await admins[1].change("POST", f"/v1/conversations/{conversation_id}/close")
            assert r.status_code == 200, r.text

        async def refilled() -> list[dict[str, Any]]:
            tasks = await team.tasks(admins[1])
            return tasks if sum(t["status"] == "assigned" for t in tasks) == 6 else []

        tasks = await eventually(refilled, within=40)
        assert len(tasks) == 8 and len({t["conversation_id"] for t in tasks}) == 8
        assert sorted(sum(t["agent_id"] == a["id"] for t in tasks) for a in team.agents) == [3, 3]
        for conversation_id in chats:
            if conversation_id in done:
                continue
            conversation = (await admins[1].http.get(f"/v1/conversations/{conversation_id}")).json()
            task = next(t for t in tasks if t["conversation_id"] == conversation_id)
            assert (conversation["assignee"] or {}).get("id") == task["agent_id"]
        await close_all(admins[1], chats)


async def test_a_wrap_up_ends_on_time_across_a_leader_change(
    database_url: str, tmp_path: Path
) -> None:
    """The leader dies while the only agent wraps up; the next leader keeps them in wrap-up
    until it ends, then gives them the chat that waited: then, not before."""
    wrap_up = 25.0  # longer than a restart plus, with Redis, the dead leader's lease (10 s)
    redis_url = redis_with(database_url)
    with run_server(tmp_path, database_url=database_url, redis_url=redis_url) as server:
        port = int(server.base_url.rsplit(":", 1)[1])
        team = await Team(server).create(agents=1, capacity=1, wrap_up_seconds=wrap_up)
        admin = team.admin_desk
        await team.online(server)
        first = await new_chat(team, admin)
        second = await new_chat(team, admin)

        async def first_assigned() -> list[dict[str, Any]]:
            tasks = await team.tasks(admin)
            return [t for t in tasks if t["status"] == "assigned"]

        assert [t["conversation_id"] for t in await eventually(first_assigned)] == [first]
        r = await admin.change("POST", f"/v1/conversations/{first}/close")
        assert r.status_code == 200, r.text
        server.process.kill()  # mid wrap-up, no clean shutdown
        server.process.wait()

    with run_server(tmp_path, database_url=database_url, redis_url=redis_url, port=port) as server:
        admin = await team.admin(server)
        r = await admin.http.get(
            "/v1/routing/tasks", params={"queue_id": team.queue["id"], "active": "false"}
        )
        ended = next(t for t in r.json() if t["conversation_id"] == first)
        assert ended["status"] == "completed" and ended["ended_at"]

        async def second_assigned() -> list[dict[str, Any]]:
            tasks = await team.tasks(admin)
            return [t for t in tasks if t["status"] == "assigned"]

        (task,) = await eventually(second_assigned, within=60)
        assert task["conversation_id"] == second
        waited = (
            datetime.fromisoformat(task["assigned_at"]) - datetime.fromisoformat(ended["ended_at"])
        ).total_seconds()
        assert wrap_up <= waited < wrap_up + 10, waited
        await close_all(admin, [second])
