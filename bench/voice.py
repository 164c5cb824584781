"""Calls through a real server process on PostgreSQL with 100,000 contacts.

An agent desktop listens on its socket; a PBX (the generic connector, signed JSON) reports
CALLS inbound calls from numbers of existing contacts, one after another:

- webhook_to_screen: from the call event's POST to the ``call.updated`` frame on the
  agent's socket (the caller found by phone among 100k contacts, a conversation opened and
  routed, the call stored, the frame published after the commit); target p99 <= 200 ms.
- profile_pop: from the same POST to the caller's profile loaded as the desktop loads it on
  the pop (the frame, then the contact, its timeline, orders and open tickets in parallel);
  target p99 <= 300 ms.

Each call then ends (missed: a callback is scheduled), as calls do. Runs on its own
temporary database next to HOVOR_TEST_POSTGRES_URL, dropped at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select, text

from bench.postgres import scratch_database
from bench.report import Metric, percentile, report
from hovor.auth.models import Workspace
from hovor.channels.voice.telephony.signing import signed_headers
from hovor.contacts.models import Contact, ContactIdentity
from hovor.core.dispatch import Dispatcher
from hovor.core.ids import new_id
from hovor.db.migrate import upgrade_async
from hovor.db.transaction import Database
from tests.support import server as server_process
from tests.support.clients import Desktop
from tests.support.server import ADMIN, ALICE, ServerProcess, run_server

CONTACTS = 100_000
CALLS = int(os.environ.get("BENCH_CALLS", "200"))
NUMBER = "+420228880300"


def phone(i: int) -> str:
    return f"+42077{i:07d}"


async def run() -> bool:
    # The demo's simulated history is not what is measured, and takes minutes to write.
    os.environ["HOVOR_DEMO_HISTORY_DAYS"] = "0"
    # On a busy machine the app's imports alone (scipy for analytics) take half a minute:
    # wait for the server longer than the tests do; what is measured starts after.
    wait_ready = server_process._wait_ready
    server_process._wait_ready = lambda server, timeout=300.0: wait_ready(server, timeout)
    async with scratch_database() as url:
        await upgrade_async(url)
        with (
            tempfile.TemporaryDirectory() as tmp,
            run_server(Path(tmp), database_url=url) as server,
        ):
            await _fill(url)
            return await _measure(server)


async def _fill(url: str) -> None:
    db = Database(url, Dispatcher())
    now = datetime.now(UTC)
    try:
        async with db.engine.begin() as conn:
            workspace_id = (await conn.execute(select(Workspace.id).limit(1))).scalar_one()
            for start in range(0, CONTACTS, 5000):
                contacts, identities = [], []
                for i in range(start, start + 5000):
                    cid = new_id()
                    contacts.append(
                        {
                            "id": cid,
                            "workspace_id": workspace_id,
                            "name": f"Zákazník {i}",
                            "email": None,
                            "phone": phone(i),
                            "attributes": {},
                            "claims": {},
                            "created_at": now,
                        }
                    )
                    identities.append(
                        {
                            "id": new_id(),
                            "workspace_id": workspace_id,
                            "contact_id": cid,
                            "kind": "phone",
                            "value": phone(i),
                            "verified": False,
                            "created_at": now,
                        }
                    )
                await conn.execute(insert(Contact), contacts)
                await conn.execute(insert(ContactIdentity), identities)
            await conn.execute(text("ANALYZE"))
    finally:
        await db.dispose()


async def _measure(server: ServerProcess) -> bool:
    admin = await Desktop(server).login(ADMIN)
    alice = await Desktop(server).login(ALICE)
    r = await admin.change(
        "POST",
        "/v1/inboxes",
        json={
            "kind": "pbx",
            "name": "Bench",
            "config": {"phone_number": NUMBER, "originate_url": "http://127.0.0.1:9/o"},
        },
    )
    r.raise_for_status()
    inbox = r.json()
    ws = await alice.socket()
    frames: dict[str, asyncio.Future[dict[str, Any]]] = {}

    async def listen() -> None:
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "call.updated" and frame["call"]["status"] == "ringing":
                waiting = frames.get(frame["call"]["from_number"])
                if waiting is not None and not waiting.done():
                    waiting.set_result(frame["call"])

    listener = asyncio.create_task(listen())
    screen_ms: list[float] = []
    pop_ms: list[float] = []
    async with httpx.AsyncClient(timeout=30) as pbx:

        async def event(body: dict[str, Any]) -> dict[str, Any]:
            raw = json.dumps(body).encode()
            headers = signed_headers(inbox["webhook_secret"], raw)
            answer = await pbx.post(inbox["webhook_url"], content=raw, headers=headers)
            answer.raise_for_status()
            return dict(answer.json())

        for n in range(CALLS):
            caller = phone(random.randrange(CONTACTS))
            call_id = f"bench-{n}-{new_id()}"
            frames[caller] = asyncio.get_running_loop().create_future()
            started = time.perf_counter()
            ringing = {
                "event": "call.ringing",
                "call_id": call_id,
                "direction": "inbound",
                "from": caller,
                "to": NUMBER,
            }
            posted = asyncio.create_task(event(ringing))
            shown = frames[caller]
            await asyncio.wait({posted, shown}, timeout=60, return_when=asyncio.FIRST_EXCEPTION)
            if posted.done() and posted.exception() is not None:
                raise RuntimeError(f"call {n}: the webhook failed") from posted.exception()
            call = await asyncio.wait_for(frames.pop(caller), 60)
            screen_ms.append((time.perf_counter() - started) * 1000)
            contact = call["contact_id"]
            await asyncio.gather(
                *(
                    alice.http.get(path)
                    for path in (
                        f"/v1/contacts/{contact}",
                        f"/v1/contacts/{contact}/timeline",
                        f"/v1/contacts/{contact}/orders",
                        f"/v1/contacts/{contact}/tickets?status=open",
                    )
                )
            )
            pop_ms.append((time.perf_counter() - started) * 1000)
            await posted
            await event({**ringing, "event": "call.ended", "status": "canceled"})
    listener.cancel()
    await ws.close()
    await admin.close()
    await alice.close()
    return report(
        "voice",
        [
            Metric("webhook_to_screen_p50", percentile(screen_ms, 50), "ms", "<= 100"),
            Metric("webhook_to_screen_p99", percentile(screen_ms, 99), "ms", "<= 200"),
            Metric("profile_pop_p50", percentile(pop_ms, 50), "ms", "<= 150"),
            Metric("profile_pop_p99", percentile(pop_ms, 99), "ms", "<= 300"),
        ],
        notes=f"PostgreSQL, {CONTACTS} contacts, {CALLS} inbound calls (generic connector)",
    )


if __name__ == "__main__":
    asyncio.run(run())
