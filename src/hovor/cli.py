"""The ``hovor`` command: run, demo, migrate, create-user, purge-events, analytics, openapi,
frames."""

from __future__ import annotations

import argparse
import asyncio
import copy
import getpass
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hovor import __version__
from hovor.config import Settings, get_settings
from hovor.core.channels import ChannelCatalogue
from hovor.core.dispatch import Dispatcher
from hovor.db.engine import check_connection, redact
from hovor.db.migrate import upgrade
from hovor.db.transaction import Database
from hovor.knowledge import importer_cli
from hovor.ops.request_id import LOG_FORMAT, install_log_filter


class StartupError(Exception):
    """A one-line reason why Hovor cannot start."""


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def _check_services(settings: Settings) -> None:
    db = Database(settings.database_url, Dispatcher())
    try:
        await asyncio.wait_for(check_connection(db.engine), timeout=10)
    except Exception as exc:
        raise StartupError(
            f"cannot reach the database at {redact(settings.database_url)} ({_reason(exc)})"
        ) from exc
    finally:
        await db.dispose()
    if settings.redis_url:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(settings.redis_url)
        try:
            await asyncio.wait_for(client.ping(), timeout=5)
        except Exception as exc:
            raise StartupError(
                f"cannot reach Redis at {redact(settings.redis_url)} ({_reason(exc)})"
            ) from exc
        finally:
            await client.aclose()


def cmd_migrate(settings: Settings) -> None:
    asyncio.run(_check_services(settings))
    upgrade(settings.database_url)
    print(f"hovor: database {redact(settings.database_url)} is up to date")


async def _seed(
    settings: Settings, *, days: int, visitors: int, seed: int = 1, regenerate: bool = False
) -> None:
    from hovor.demo.command import seed_history
    from hovor.demo.seed import DEMO_SITE_KEY, seed_demo

    db = Database(settings.database_url, Dispatcher())
    try:
        creds = await seed_demo(
            db, builtin_channels(), origin=settings.origin, password=settings.demo_password
        )
        written = await seed_history(
            db, days=days, visitors=visitors, seed=seed, regenerate=regenerate
        )
    finally:
        await db.dispose()
    if written:
        print(f"hovor: {written} simulated visits over {days} days written")
    print("hovor: demo workspace ready")
    print(f"  demo shop:     {settings.origin}/demo/shop/   (site key {DEMO_SITE_KEY})")
    print(f"  agent desktop: {settings.origin}/app/")
    for c in creds:
        print(f"  {c.role:<6} {c.email:<24} password: {c.password}")


def cmd_demo(settings: Settings, args: argparse.Namespace) -> None:
    cmd_migrate(settings)
    asyncio.run(
        _seed(settings, days=args.days, visitors=args.visitors, seed=args.seed, regenerate=True)
    )


def check_workers(settings: Settings) -> None:
    """Several processes are several nodes on one machine: they share state only through
    PostgreSQL and Redis (SQLite has one writer per process; the in-process bus reaches
    no other process)."""
    if settings.workers > 1 and (settings.is_sqlite or not settings.redis_url):
        raise StartupError(
            f"HOVOR_WORKERS={settings.workers} needs PostgreSQL (HOVOR_DATABASE_URL="
            "postgresql+asyncpg://...) and Redis (HOVOR_REDIS_URL); with SQLite or without "
            "Redis run one process"
        )


def log_config(settings: Settings) -> dict[str, Any]:
    """uvicorn's logging plus the root logger in Hovor's format, applied in every worker
    process too (they do not inherit the parent's ``logging.basicConfig``)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["hovor"] = {"format": LOG_FORMAT}
    config.setdefault("filters", {})["request_id"] = {"()": "hovor.ops.request_id.RequestIdFilter"}
    config["handlers"]["hovor"] = {
        "class": "logging.StreamHandler",
        "formatter": "hovor",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    config["root"] = {"handlers": ["hovor"], "level": settings.log_level.upper()}
    config["loggers"]["alembic"] = {"level": "WARNING"}
    return config


def cmd_run(settings: Settings, demo: bool) -> None:
    import uvicorn

    from hovor.channels.registry import plugin_factories
    from hovor.realtime.connection import WS_MAX_MESSAGE_BYTES

    try:
        plugin_factories(settings)  # a bad plugin name stops here, in one line
    except ValueError as exc:
        raise StartupError(str(exc)) from exc
    check_workers(settings)
    cmd_migrate(settings)
    if demo:
        asyncio.run(
            _seed(
                settings,
                days=settings.demo_history_days,
                visitors=settings.demo_history_visitors,
            )
        )
    if settings.secret_key == Settings.model_fields["secret_key"].default:
        print("hovor: warning: HOVOR_SECRET_KEY is the development default; set it in production")
    processes = f" with {settings.workers} processes" if settings.workers > 1 else ""
    print(f"hovor {__version__}: serving on {settings.origin}{processes}")
    uvicorn.run(
        "hovor.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        # SIGTERM: stop accepting, close sockets with 1012 (clients reconnect), let requests
        # finish for this long, then the lifespan stores queued events and closes.
        timeout_graceful_shutdown=settings.shutdown_timeout_seconds,
        log_config=log_config(settings),
        log_level=settings.log_level,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
        ws_max_size=WS_MAX_MESSAGE_BYTES,
        ws_per_message_deflate=settings.ws_compression,
    )


async def _create_user(settings: Settings, args: argparse.Namespace, password: str) -> None:
    from sqlalchemy import select

    from hovor.auth import service
    from hovor.auth.models import Workspace

    db = Database(settings.database_url, Dispatcher())
    try:
        async with db.transaction() as tx:
            workspace = await tx.session.scalar(
                select(Workspace).where(Workspace.name == args.workspace)
            )
            if workspace is None:
                workspace = await service.do_create_workspace(tx, args.workspace)
            user = await service.do_create_user(
                tx,
                workspace.id,
                email=args.email,
                name=args.name or args.email,
                password=password,
                role=args.role,
            )
        print(f"hovor: created {user.role} {user.email} in workspace {workspace.name!r}")
    finally:
        await db.dispose()


def cmd_create_user(settings: Settings, args: argparse.Namespace) -> None:
    from hovor.core.errors import HovorError

    password = os.environ.get("HOVOR_NEW_PASSWORD") or getpass.getpass("password: ")
    cmd_migrate(settings)
    try:
        asyncio.run(_create_user(settings, args, password))
    except HovorError as exc:
        extra = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors or [])
        raise StartupError(f"{exc.detail}{' (' + extra + ')' if extra else ''}") from exc


def cmd_purge_events(settings: Settings, days: int | None) -> None:
    from hovor.privacy.retention import run_purge

    days = settings.event_retention_days if days is None else days
    if days <= 0:
        print("hovor: event retention is off (HOVOR_EVENT_RETENTION_DAYS=0); nothing deleted")
        return
    cmd_migrate(settings)

    async def purge() -> None:
        db = Database(settings.database_url, Dispatcher())
        try:
            purged = await run_purge(db, days)
        finally:
            await db.dispose()
        print(
            f"hovor: deleted {purged.tracked_events} tracked events and "
            f"{purged.web_sessions} web sessions older than {days} days"
        )

    asyncio.run(purge())


def cmd_openapi(output: str | None) -> None:
    from hovor.app import create_app

    schema = json.dumps(create_app(Settings()).openapi(), indent=2, sort_keys=True) + "\n"
    if output:
        Path(output).write_text(schema)
    else:
        sys.stdout.write(schema)


def cmd_frames(output: str | None) -> None:
    from hovor.realtime.frame_schema import frame_schemas_text

    schema = frame_schemas_text()
    if output:
        Path(output).write_text(schema)
    else:
        sys.stdout.write(schema)


def cmd_asyncapi(output: str | None) -> None:
    from hovor.realtime.asyncapi import asyncapi_text

    document = asyncapi_text()
    if output:
        Path(output).write_text(document)
    else:
        sys.stdout.write(document)


def cmd_analytics_rebuild(settings: Settings, since: str | None) -> None:
    from hovor.analytics.rollups import parse_since, rebuild

    start = parse_since(since) if since else None
    cmd_migrate(settings)

    async def run() -> None:
        db = Database(settings.database_url, Dispatcher())
        try:
            counts = await rebuild(db, start)
        finally:
            await db.dispose()
        done = ", ".join(f"{n} {source}s" for source, n in sorted(counts.items())) or "no rows"
        print(
            f"hovor: analytics rollups rebuilt{f' since {start:%Y-%m-%d %H:%M} UTC' if start else ''} from {done}"
        )

    asyncio.run(run())


def builtin_channels() -> ChannelCatalogue:
    """The traits of the channels ``app.build_runtime`` registers, for commands that work
    without the running app (the demo's seed, the simulation)."""
    from hovor.channels.registry import built_in_catalogue

    return built_in_catalogue()


def cmd_simulate(args: argparse.Namespace) -> None:
    from hovor.routing.scenarios import blended
    from hovor.routing.simulation import Scenario, simulate
    from hovor.routing.simulation_report import html_report, table

    if args.scenario == "blended":
        scenario = blended(builtin_channels(), hours=args.hours, seed=args.seed)
    else:
        scenario = Scenario.single_queue(
            agents=args.agents,
            arrivals_per_hour=args.arrivals_per_hour,
            handle_seconds=args.handle_seconds,
            target_seconds=args.target_seconds,
            patience_seconds=args.patience_seconds,
            hours=args.hours,
            seed=args.seed,
            handle_kind=args.handle,
        )
    result = simulate(scenario)
    print(table(scenario, result))
    if args.report:
        Path(args.report).write_text(html_report(scenario, result))
        print(f"hovor: report written to {args.report}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="hovor", description="Hovor service")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="migrate and serve")
    run.add_argument("--demo", action="store_true", help="also seed the demo workspace")
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    run.add_argument(
        "--workers",
        type=int,
        help="server processes sharing the port (default HOVOR_WORKERS, 1); "
        "above 1 needs PostgreSQL and Redis",
    )
    demo = sub.add_parser(
        "demo", help="migrate, seed the demo workspace and regenerate its simulated history"
    )
    demo.add_argument("--days", type=int, default=30, help="days of history (0: none)")
    demo.add_argument("--visitors", type=int, default=1500, help="simulated visits")
    demo.add_argument("--seed", type=int, default=1, help="the same seed, the same history")
    sub.add_parser("migrate", help="bring the database schema up to date")
    user = sub.add_parser(
        "create-user", help="create a user (password from HOVOR_NEW_PASSWORD or prompt)"
    )
    user.add_argument("email")
    user.add_argument("--name")
    user.add_argument("--role", default="agent", choices=["admin", "supervisor", "agent"])
    user.add_argument("--workspace", default="Default", help="workspace name (created if missing)")
    purge = sub.add_parser(
        "purge-events", help="delete raw web events and sessions past the retention now"
    )
    purge.add_argument("--days", type=int, help="default: HOVOR_EVENT_RETENTION_DAYS")
    sim = sub.add_parser(
        "simulate",
        help="simulate a contact centre on the real router and compare with Erlang C",
        description="single: one queue, the flags below; blended: a fixed team with skills, "
        "two chat queues with steps and overflow, callbacks and e-mail (--hours, --seed apply)",
    )
    sim.add_argument("--scenario", choices=["single", "blended"], default="single")
    sim.add_argument("--agents", type=int, default=10)
    sim.add_argument("--arrivals-per-hour", type=float, default=102.0)
    sim.add_argument("--handle-seconds", type=float, default=300.0)
    sim.add_argument("--target-seconds", type=float, default=20.0)
    sim.add_argument("--patience-seconds", type=float, default=None)
    sim.add_argument(
        "--handle", choices=["exponential", "fixed", "lognormal"], default="exponential"
    )
    sim.add_argument("--hours", type=float, default=200.0)
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--report", help="write an HTML report with a chart to this file")
    analytics = sub.add_parser("analytics", help="analytics rollups (docs/analytics.md)")
    analytics_sub = analytics.add_subparsers(dest="analytics_command", required=True)
    rebuild = analytics_sub.add_parser(
        "rebuild", help="recompute the hourly rollups from the stored rows"
    )
    rebuild.add_argument(
        "--since", help="only rows from this UTC date or time on (2026-11-01 or 2026-11-01T08:00)"
    )
    openapi = sub.add_parser("openapi", help="print the OpenAPI schema")
    openapi.add_argument("-o", "--output")
    frames = sub.add_parser(
        "frames", help="print the JSON Schema of the agent and visitor WebSocket frames"
    )
    frames.add_argument("-o", "--output")
    importer_cli.add_command(sub)
    asyncapi = sub.add_parser(
        "asyncapi", help="print the AsyncAPI document of the agent and visitor WebSockets"
    )
    asyncapi.add_argument("-o", "--output")
    args = parser.parse_args(argv)

    if getattr(args, "host", None):
        os.environ["HOVOR_HOST"] = args.host
    if getattr(args, "port", None):
        os.environ["HOVOR_PORT"] = str(args.port)
    if getattr(args, "workers", None):
        os.environ["HOVOR_WORKERS"] = str(args.workers)  # the worker processes read it too
    try:
        settings = get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"HOVOR_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        print(f"hovor: invalid configuration: {problems}", file=sys.stderr)
        raise SystemExit(2) from None
    logging.basicConfig(
        level=settings.log_level.upper(),
        format=LOG_FORMAT,
    )
    install_log_filter()  # before any line: the format names the request ("-" outside one)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # migrations report in one line
    try:
        if args.command == "run":
            cmd_run(settings, args.demo)
        elif args.command == "demo":
            cmd_demo(settings, args)
        elif args.command == "migrate":
            cmd_migrate(settings)
        elif args.command == "create-user":
            cmd_create_user(settings, args)
        elif args.command == "purge-events":
            cmd_purge_events(settings, args.days)
        elif args.command == "simulate":
            cmd_simulate(args)
        elif args.command == "analytics":
            cmd_analytics_rebuild(settings, args.since)
        elif args.command == "openapi":
            cmd_openapi(args.output)
        elif args.command == "frames":
            cmd_frames(args.output)
        elif args.command == "knowledge":
            cmd_migrate(settings)
            importer_cli.run(settings, args)
        elif args.command == "asyncapi":
            cmd_asyncapi(args.output)
    except StartupError as exc:
        print(f"hovor: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
