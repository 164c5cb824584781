"""Fixtures shared by the whole suite: databases on both backends, buses, server processes."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from hovor.bus import Bus, MemoryBus
from hovor.core.dispatch import Dispatcher
from hovor.db.engine import create_engine
from hovor.db.migrate import upgrade
from hovor.db.transaction import Database
from hovor.models import metadata
from tests.support.server import ServerProcess, run_server
from tests.support.services import POSTGRES_URL, REDIS_URL, require

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", autouse=True)
def _fresh_test_redis() -> None:
    """The test Redis database (15 by default) starts empty: no rate-limit counters left over."""
    from tests.support.services import reachable

    if reachable(REDIS_URL):
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        client.flushdb()
        client.close()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'hovor.db'}"
    upgrade(url)
    return url


_pg_database: str | None = None


def postgres_url() -> str:
    """A PostgreSQL database of this test run alone, migrated, dropped when the run ends.

    Its own database (not a schema reset of the shared one), so two suites running at once
    on one machine (a developer's and CI's) never see each other's tables.
    """
    global _pg_database
    require(POSTGRES_URL, "PostgreSQL")
    url = make_url(POSTGRES_URL)
    if _pg_database is None:
        name = f"hovor_test_{os.getpid()}_{secrets.token_hex(3)}"

        async def create() -> None:
            engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
            async with engine.connect() as conn:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
            await engine.dispose()

        asyncio.run(create())
        upgrade(url.set(database=name).render_as_string(hide_password=False))
        _pg_database = name
    return url.set(database=_pg_database).render_as_string(hide_password=False)


def _drop_postgres_database() -> None:
    if _pg_database is None:
        return

    async def drop() -> None:
        engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{_pg_database}" WITH (FORCE)'))
        await engine.dispose()

    asyncio.run(drop())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _drop_postgres_database()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    return sqlite_url if request.param == "sqlite" else postgres_url()


async def _empty_tables(db: Database) -> None:
    async with db.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            await conn.execute(table.delete())


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """An empty, migrated database on each backend, with a fresh dispatcher."""
    database = Database(database_url, Dispatcher())
    await _empty_tables(database)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture(params=["memory", "redis"])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[Bus]:
    instance: Bus
    if request.param == "memory":
        instance = MemoryBus()
    else:
        require(REDIS_URL, "Redis")
        from hovor.bus.redis import RedisBus

        instance = RedisBus(REDIS_URL)
    await instance.start()
    try:
        yield instance
    finally:
        await instance.close()


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """A real ``hovor run --demo`` process: SQLite + memory bus, or PostgreSQL + Redis."""
    tmp: Path = tmp_path_factory.mktemp("server")
    if request.param == "sqlite":
        url, redis_url = f"sqlite+aiosqlite:///{tmp / 'hovor.db'}", None
    else:
        url = postgres_url()
        require(REDIS_URL, "Redis")
        redis_url = REDIS_URL
    with run_server(tmp, database_url=url, redis_url=redis_url) as process:
        yield process
