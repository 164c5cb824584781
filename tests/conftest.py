"""Fixtures shared by the whole suite: databases on both backends, buses, server processes."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from hovor.bus import Bus, MemoryBus
from hovor.core.dispatch import Dispatcher
from hovor.db.engine import create_engine
from hovor.db.migrate import upgrade
from hovor.db.transaction import Database
from hovor.models import metadata
from tests.support import events
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


_pg_template: str | None = None
_pg_database: str | None = None
_pg_created: list[str] = []


def _in_thread(work: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run a coroutine to completion on a fresh loop in a worker thread: callable even while
    a loop runs in this thread (Playwright's sync API keeps one running during browser tests)."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, work()).result()


def _create_database(name: str, template: str | None = None) -> None:
    async def create() -> None:
        engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            clause = f' TEMPLATE "{template}"' if template else ""
            await conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        await engine.dispose()

    _in_thread(create)
    _pg_created.append(name)


def _postgres_template() -> str:
    """A migrated database of this run that nothing connects to: the fast source of the rest
    (CREATE DATABASE … TEMPLATE copies files instead of running every migration again)."""
    global _pg_template
    require(POSTGRES_URL, "PostgreSQL")
    if _pg_template is None:
        name = f"hovor_test_{os.getpid()}_{secrets.token_hex(3)}_template"
        _create_database(name)
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        with ThreadPoolExecutor(1) as pool:
            pool.submit(upgrade, url).result()
        _pg_template = name
    return _pg_template


def fresh_postgres_url() -> str:
    """A new, migrated, empty PostgreSQL database of this run alone, dropped when it ends.

    Each server process of the suite gets one (as each gets a new SQLite file), so what one
    test module leaves behind (open chats, waiting tasks, inboxes) never changes another's
    outcome. Its own databases, not a schema reset of the shared one, so two suites running
    at once on one machine (a developer's and CI's) never see each other's tables.
    """
    template = _postgres_template()
    name = f"{template.removesuffix('_template')}_{len(_pg_created)}"
    _create_database(name, template)
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def postgres_url() -> str:
    """The run's shared PostgreSQL database: the ``db`` fixture empties it before each test;
    tests that need several processes on one database use it too."""
    global _pg_database
    if _pg_database is None:
        _pg_database = make_url(fresh_postgres_url()).database
    return make_url(POSTGRES_URL).set(database=_pg_database).render_as_string(hide_password=False)


def fresh_redis() -> str:
    """The test Redis database, emptied: no routing lease, visitor checkpoints or rate-limit
    counters of an earlier server process. Its test modules run one after another."""
    require(REDIS_URL, "Redis")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()
    return REDIS_URL


def server_storage(backend: str, tmp: Path) -> tuple[str, str | None]:
    """Database and Redis URLs for a new server process: a new SQLite file with the in-process
    bus, or a new PostgreSQL database with the emptied test Redis."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp / 'hovor.db'}", None
    return fresh_postgres_url(), fresh_redis()


def _drop_postgres_databases() -> None:
    async def drop() -> None:
        engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            for name in _pg_created:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await engine.dispose()

    if _pg_created:
        _in_thread(drop)


TESTS = Path(__file__).parent
# Suites whose tests drive a real server process over sockets (and a browser): see ADR 0010.
PROCESS_SUITES = ("browser", "integration")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test of a real server process gets one rerun. A pass on rerun is still listed in
    the summary as a rerun, to be fixed; a failure twice fails the run."""
    if not config.pluginmanager.hasplugin("rerunfailures"):
        return  # run with -p no:rerunfailures: every test once
    for item in items:
        parts = item.path.relative_to(TESTS).parts
        if len(parts) > 1 and parts[0] in PROCESS_SUITES:
            item.add_marker(pytest.mark.flaky(reruns=1))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _drop_postgres_databases()


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


@pytest.fixture
def capture_events() -> events.CaptureEvents:
    """``with capture_events(db) as captured:`` records the domain events dispatched in the
    block, in order (tests/support/events.py)."""
    return events.capture_events


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
    url, redis_url = server_storage(request.param, tmp)
    with run_server(tmp, database_url=url, redis_url=redis_url) as process:
        yield process
