"""``/healthz`` (the process answers) and ``/readyz`` (its database and Redis answer).

A load balancer takes a node out of rotation on a failing ``/readyz``; an orchestrator
restarts it only on a failing ``/healthz``, so a database outage does not restart every node.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from hovor import __version__
from hovor.bus.redis import RedisBus
from hovor.runtime import Runtime

CHECK_TIMEOUT = 2.0  # seconds each dependency has to answer

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    checks: dict[str, Awaitable[None]] = {"database": _database(runtime)}
    if isinstance(runtime.bus, RedisBus):
        checks["redis"] = runtime.bus.ping()
    results = await asyncio.gather(*(_within(c) for c in checks.values()))
    report = dict(zip(checks, results, strict=True))
    down = [name for name, result in report.items() if result != "ok"]
    body = {"status": "down" if down else "ok", "down": down, "checks": report}
    return JSONResponse(body, status_code=503 if down else 200)


async def _database(runtime: Runtime) -> None:
    async with runtime.db.read() as session:
        await session.execute(text("SELECT 1"))


async def _within(check: Awaitable[None]) -> str:
    try:
        await asyncio.wait_for(check, CHECK_TIMEOUT)
    except TimeoutError:
        return f"no answer within {CHECK_TIMEOUT:g} s"
    except Exception as exc:  # any failure means "not ready"; the reason is reported
        return f"{type(exc).__name__}: {exc}"[:200]
    return "ok"
