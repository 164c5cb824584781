"""The audit log: what the recorder writes (successful admin changes and personal-data
exports; never failures, agents' work or bodies), and what GET /v1/audit and its CSV show."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import select, update

from hovor.app import create_app
from hovor.audit import service
from hovor.audit.api import router as audit_router
from hovor.audit.models import AuditEntry
from hovor.audit.recorder import EXPORTS, NOT_CHANGES, WORK, AuditRecorder
from hovor.auth import service as auth
from hovor.auth.deps import CSRF_HEADER, SESSION_COOKIE, ActorDep, AdminDep
from hovor.auth.models import User
from hovor.config import Settings
from hovor.core import clock, problems
from hovor.core.errors import InvalidInput
from hovor.db.transaction import Database
from hovor.ops.access import Peers
from hovor.ops.request_id import RequestIdMiddleware
from tests.support.factories import Team, make_team

pytestmark = pytest.mark.storage

SECRET = "s3cret-Value-never-stored"


class Body(BaseModel):
    password: str


def build(db: Database, retention_days: int = 0) -> FastAPI:
    app = FastAPI()
    app.state.runtime = SimpleNamespace(db=db)  # what current_actor and the audit API read
    problems.install(app)
    app.add_middleware(AuditRecorder, db=db, retention_days=retention_days)
    app.add_middleware(RequestIdMiddleware, peers=Peers(""))
    app.include_router(audit_router)

    @app.post("/v1/things/{thing_id}", status_code=201, summary="Create a thing")
    async def create_thing(thing_id: str, body: Body, actor: ActorDep) -> dict[str, str]:
        return {"id": thing_id}

    @app.delete("/v1/things/{thing_id}")
    async def delete_thing(thing_id: str, actor: ActorDep) -> dict[str, str]:
        raise InvalidInput("cannot", errors=[{"loc": ["path", "thing_id"], "msg": "no"}])

    @app.get("/v1/things")
    async def list_things(actor: ActorDep) -> list[str]:
        return []

    @app.post("/v1/conversations/{conversation_id}/messages")
    async def send_message(conversation_id: str, actor: ActorDep) -> dict[str, str]:
        return {}

    @app.get("/v1/contacts/{contact_id}/export")
    async def export_contact(contact_id: str, actor: ActorDep) -> dict[str, str]:
        return {}

    @app.put("/v1/users/{user_id}/role")
    async def demote(user_id: str, actor: AdminDep) -> dict[str, str]:
        async with db.transaction() as tx:
            await tx.session.execute(update(User).where(User.id == user_id).values(role="agent"))
        return {}

    return app


@dataclass
class Caller:
    http: httpx.AsyncClient
    user: User

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.request(method, path, **kwargs)


async def _session(db: Database, app: FastAPI, user: User) -> Caller:
    async with db.transaction() as tx:
        raw, row = await auth.do_login(tx, user, 1)
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test",
        cookies={SESSION_COOKIE: raw},
        headers={CSRF_HEADER: row.csrf_token},
    )
    return Caller(http, user)


@pytest.fixture
async def team(db: Database) -> Team:
    return await make_team(db, "Acme", agents=1)


@pytest.fixture
async def app(db: Database) -> FastAPI:
    return build(db)


@pytest.fixture
async def admin(db: Database, app: FastAPI, team: Team) -> AsyncIterator[Caller]:
    caller = await _session(db, app, team.admin)
    yield caller
    await caller.http.aclose()


@pytest.fixture
async def agent(db: Database, app: FastAPI, team: Team) -> AsyncIterator[Caller]:
    caller = await _session(db, app, team.agents[0])
    yield caller
    await caller.http.aclose()


async def entries(db: Database) -> list[AuditEntry]:
    async with db.read() as session:
        rows = await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return list(rows.all())


async def test_an_admins_successful_change_is_recorded_without_its_body(
    db: Database, admin: Caller, team: Team
) -> None:
    answer = await admin.call("POST", "/v1/things/t1", json={"password": SECRET})
    assert answer.status_code == 201
    [entry] = await entries(db)
    assert entry.workspace_id == team.workspace.id
    assert (entry.actor_id, entry.actor_name, entry.actor_email) == (
        team.admin.id,
        team.admin.name,
        team.admin.email,
    )
    assert (entry.via, entry.token_id, entry.method) == ("session", None, "POST")
    assert (entry.route, entry.target, entry.status) == (
        "/v1/things/{thing_id}",
        {"thing_id": "t1"},
        201,
    )
    assert entry.summary == "Create a thing"
    assert entry.address == "127.0.0.1"
    assert entry.request_id == answer.headers["x-request-id"]
    stored = " ".join(str(getattr(entry, c.key)) for c in AuditEntry.__table__.columns)
    assert SECRET not in stored


async def test_failures_reads_and_agents_work_are_not_recorded(
    db: Database, admin: Caller, agent: Caller
) -> None:
    assert (await admin.call("DELETE", "/v1/things/t1")).status_code == 422
    assert (await admin.call("POST", "/v1/things/t1", json={})).status_code == 422
    assert (await admin.call("GET", "/v1/things")).status_code == 200
    assert (await admin.call("POST", "/v1/conversations/c1/messages")).status_code == 200
    assert (await agent.call("POST", "/v1/things/t2", json={"password": "x"})).status_code == 201
    anonymous = httpx.AsyncClient(transport=admin.http._transport, base_url="http://test")
    async with anonymous:
        assert (await anonymous.post("/v1/things/t3", json={"password": "x"})).status_code == 401
    assert await entries(db) == []


async def test_an_export_of_personal_data_is_recorded_for_anyone(
    db: Database, agent: Caller, team: Team
) -> None:
    assert ("GET", "/v1/contacts/{contact_id}/export") in EXPORTS
    assert (await agent.call("GET", "/v1/contacts/c9/export")).status_code == 200
    [entry] = await entries(db)
    assert (entry.actor_id, entry.method, entry.target) == (
        team.agents[0].id,
        "GET",
        {"contact_id": "c9"},
    )


async def test_an_api_token_is_named_and_an_admin_who_demotes_themselves_is_recorded(
    db: Database, app: FastAPI, admin: Caller, team: Team
) -> None:
    async with db.transaction() as tx:
        raw, token = await auth.do_create_api_token(tx, team.agents[0], "CRM sync")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"authorization": f"Bearer {raw}"}
    ) as bearer:
        assert (await bearer.post("/v1/things/t1", json={"password": "x"})).status_code == 201
    assert (await admin.call("PUT", f"/v1/users/{team.admin.id}/role")).status_code == 200
    by_token, demotion = await entries(db)
    assert (by_token.via, by_token.token_id, by_token.token_name) == ("token", token.id, "CRM sync")
    assert by_token.actor_id == team.agents[0].id
    assert (demotion.actor_id, demotion.route) == (team.admin.id, "/v1/users/{user_id}/role")


async def test_admins_page_their_own_workspace_and_agents_are_refused(
    db: Database, app: FastAPI, admin: Caller, agent: Caller
) -> None:
    other = await make_team(db, "Other", agents=0)
    other_admin = await _session(db, app, other.admin)
    async with other_admin.http:
        assert (
            await other_admin.call("POST", "/v1/things/o1", json={"password": "x"})
        ).status_code == 201
    for i in range(5):
        await admin.call("POST", f"/v1/things/t{i}", json={"password": "x"})
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await admin.call("GET", "/v1/audit", params=params)).json()
        seen += [item["target"]["thing_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["t4", "t3", "t2", "t1", "t0"]  # newest first; never the other workspace's
    assert (await agent.call("GET", "/v1/audit")).status_code == 403
    mine = await admin.call(
        "GET", "/v1/audit", params={"actor_id": admin.user.id, "action": "/v1/th"}
    )
    assert len(mine.json()["items"]) == 5
    assert (await admin.call("GET", "/v1/audit", params={"action": "/v1/users"})).json()[
        "items"
    ] == []
    later = await admin.call("GET", "/v1/audit", params={"since": "2999-01-01T00:00:00Z"})
    assert later.json()["items"] == []
    bad = await admin.call(
        "GET", "/v1/audit", params={"since": "2026-01-02T00:00:00", "cursor": "x!"}
    )
    assert bad.status_code == 422


async def test_the_csv_export_holds_the_filtered_entries_and_is_recorded(
    db: Database, admin: Caller, team: Team
) -> None:
    await admin.call("POST", "/v1/things/t1", json={"password": "x"})
    answer = await admin.call("GET", "/v1/audit.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    # The export is recorded as it starts, so it lists itself first.
    assert [(r["route"], r["target"], r["actor_email"]) for r in rows] == [
        ("/v1/audit.csv", "", team.admin.email),
        ("/v1/things/{thing_id}", "thing_id=t1", team.admin.email),
    ]
    routes = [e.route for e in await entries(db)]
    assert routes == ["/v1/things/{thing_id}", "/v1/audit.csv"]


async def test_a_failed_write_leaves_the_action_standing_and_is_logged(
    db: Database, admin: Caller, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hovor.audit import recorder

    async def broken(*_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(recorder, "do_record_entry", broken)
    answer = await admin.call("POST", "/v1/things/t1", json={"password": "x"})
    assert answer.status_code == 201
    assert "audit: entry NOT stored" in caplog.text
    assert "/v1/things/{thing_id}" in caplog.text


def test_every_export_and_exception_names_a_route_of_hovor(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'h.db'}"))
    served = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
    missing = (EXPORTS | NOT_CHANGES) - served
    assert not missing
    templates = {path for _, path in served}
    for prefix in WORK:
        assert any(t.startswith(prefix) for t in templates), prefix
    assert ("GET", "/v1/audit") in served


def test_a_cell_that_looks_like_a_formula_is_quoted() -> None:
    entry = AuditEntry(
        created_at=datetime(2026, 12, 3, tzinfo=UTC),
        actor_id="u1",
        actor_name="=HYPERLINK(1)",
        actor_email="a@b.c",
        via="session",
        method="POST",
        route="/v1/users",
        target={},
        summary="Create user",
        status=201,
        address="::1",
        request_id="r",
    )
    assert service.csv_row(entry)[2] == "'=HYPERLINK(1)"


def _old_entry(workspace_id: str, days_ago: int) -> AuditEntry:
    return AuditEntry(
        workspace_id=workspace_id,
        created_at=clock.now() - timedelta(days=days_ago),
        actor_id="u-gone",
        actor_name="Gone",
        actor_email="gone@example.org",
        via="session",
        method="POST",
        route=f"/v1/old/{days_ago}",
        target={},
        summary="Old",
        status=200,
        address="::1",
        request_id="r",
    )


async def test_entries_past_the_retention_go_once_an_hour_after_a_new_one(
    db: Database, team: Team
) -> None:
    app = build(db, retention_days=30)
    async with db.transaction() as tx:
        tx.session.add_all([_old_entry(team.workspace.id, 40), _old_entry(team.workspace.id, 20)])
    admin = await _session(db, app, team.admin)
    async with admin.http:
        await admin.call("POST", "/v1/things/t1", json={"password": "x"})
        assert [e.route for e in await entries(db)] == ["/v1/old/20", "/v1/things/{thing_id}"]
        async with db.transaction() as tx:
            tx.session.add(_old_entry(team.workspace.id, 50))
        await admin.call("POST", "/v1/things/t2", json={"password": "x"})
    assert "/v1/old/50" in [e.route for e in await entries(db)]  # not again within the hour


async def test_a_request_without_staff_credentials_never_reaches_the_database() -> None:
    class NoDatabase:
        def read(self) -> None:
            raise AssertionError("asked the database")

    recorder = AuditRecorder(build_plain(), db=NoDatabase())  # type: ignore[arg-type]
    for headers in ([], [(b"authorization", b"Bearer visitor-token")], [(b"cookie", b"a=b")]):
        assert await recorder._who({"type": "http", "headers": headers}) is None


def build_plain() -> FastAPI:
    return FastAPI()
