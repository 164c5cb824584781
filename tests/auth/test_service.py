"""Auth operations: users, log-ins, sessions, API tokens, site keys, presence."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hovor.auth import service
from hovor.core import clock
from hovor.core.errors import Conflict, Forbidden, InvalidInput
from hovor.db.transaction import Database
from tests.support.events import CaptureEvents
from tests.support.factories import PASSWORD, make_team


async def test_new_user_is_validated_field_by_field(db: Database) -> None:
    team = await make_team(db)
    with pytest.raises(InvalidInput) as caught:
        async with db.transaction() as tx:
            await service.do_create_user(
                tx,
                team.workspace.id,
                email="x@example.org",
                name="X",
                password="short",
                role="boss",
                chat_capacity=-1,
            )
    fields = sorted(e["loc"][0] for e in caught.value.errors or [])
    assert fields == ["chat_capacity", "password", "role"]


async def test_email_is_unique_and_case_insensitive(db: Database) -> None:
    team = await make_team(db)
    with pytest.raises(Conflict):
        async with db.transaction() as tx:
            await service.do_create_user(
                tx,
                team.workspace.id,
                email=team.agents[0].email.upper(),
                name="Dup",
                password=PASSWORD,
                role="agent",
            )


async def test_authenticate(db: Database) -> None:
    team = await make_team(db)
    async with db.read() as session:
        assert (await service.authenticate(session, team.admin.email, PASSWORD)) is not None
        assert await service.authenticate(session, team.admin.email, "wrong password") is None
        assert await service.authenticate(session, "nobody@example.org", PASSWORD) is None


async def test_session_expires_and_logs_out(db: Database) -> None:
    team = await make_team(db)
    async with db.transaction() as tx:
        raw, row = await service.do_login(tx, team.admin, hours=1)
    async with db.read() as session:
        found = await service.get_session_user(session, raw)
        assert found is not None and found[0].id == team.admin.id
        assert await service.get_session_user(session, raw + "x") is None
    previous = clock.set_clock(_Later(hours=2))
    try:
        async with db.read() as session:
            assert await service.get_session_user(session, raw) is None
    finally:
        clock.set_clock(previous)
    async with db.transaction() as tx:
        await service.do_logout(tx, row)
    async with db.read() as session:
        assert await service.get_session_user(session, raw) is None


class _Later:
    def __init__(self, hours: int) -> None:
        self._at = clock.SystemClock().now() + timedelta(hours=hours)

    def now(self):  # type: ignore[no-untyped-def]
        return self._at


async def test_api_tokens_are_stored_hashed_and_revocable(db: Database) -> None:
    team = await make_team(db)
    async with db.transaction() as tx:
        raw, row = await service.do_create_api_token(tx, team.admin, "shop backend")
    assert raw.startswith("hvr_") and row.token_hash != raw
    async with db.read() as session:
        found = await service.get_token_user(session, raw)
        assert found is not None and found[0].id == team.admin.id
        assert service.token_use_is_stale(found[1])
    async with db.transaction() as tx:
        await service.do_record_token_use(tx, row.id)
    async with db.read() as session:
        found = await service.get_token_user(session, raw)
        assert found is not None and not service.token_use_is_stale(found[1])
    async with db.transaction() as tx:
        await service.do_delete_api_token(tx, team.workspace.id, row.id)
    async with db.read() as session:
        assert await service.get_token_user(session, raw) is None


async def test_site_key_origins(db: Database) -> None:
    team = await make_team(db)
    with pytest.raises(InvalidInput):
        async with db.transaction() as tx:
            await service.do_create_site_key(
                tx, team.workspace.id, name="bad", allowed_origins=["shop.example.org/path"]
            )
    async with db.transaction() as tx:
        site = await service.do_create_site_key(
            tx, team.workspace.id, name="shop", allowed_origins=["https://Shop.Example.org/"]
        )
    assert site.allowed_origins == ["https://shop.example.org"]
    assert service.check_origins(
        ["https://a.example.org:443", "http://a.example.org:8080/", "HTTP://A.example.org:80"]
    ) == ["https://a.example.org", "http://a.example.org:8080", "http://a.example.org"]
    for bad in ("https://a.example.org/path", "https://a.example.org:99999", "javascript:x", ""):
        with pytest.raises(InvalidInput):
            service.check_origins([bad])
    async with db.read() as session:
        ok = await service.check_site_access(session, site.key, "https://shop.example.org")
        assert ok.id == site.id
        with pytest.raises(Forbidden, match="origin"):
            await service.check_site_access(session, site.key, "https://evil.example.org")
        with pytest.raises(Forbidden, match="origin"):
            await service.check_site_access(session, site.key, None)
        with pytest.raises(Forbidden, match="unknown site key"):
            await service.check_site_access(session, "pk_nope", "https://shop.example.org")


async def test_presence_change_emits_once(db: Database, capture_events: CaptureEvents) -> None:
    team = await make_team(db)
    with capture_events(db) as captured:
        for status in ("online", "online", "away"):
            async with db.transaction() as tx:
                user = await service.access_user(tx.session, team.workspace.id, team.agents[0].id)
                await service.do_set_presence(tx, user, status)
        with pytest.raises(InvalidInput):
            async with db.transaction() as tx:
                user = await service.access_user(tx.session, team.workspace.id, team.agents[0].id)
                await service.do_set_presence(tx, user, "sleeping")
    assert captured.names() == ["agent.presence_changed"] * 2
    assert [e.payload["status"] for e in captured.events] == ["online", "away"]
