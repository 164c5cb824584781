"""Customer profile reads on PostgreSQL: a timeline page and a contact search.

- timeline: pages of 50 entries (first page and pages deeper in, by cursor) of one contact
  with 10,000 entries; p99 target 50 ms.
- search: name / e-mail / phone-digit searches over 100,000 contacts; p99 target 100 ms.

Runs on its own temporary database next to HOVOR_TEST_POSTGRES_URL, dropped at the end.
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text

from bench.postgres import scratch_database
from bench.report import Metric, percentile, report
from hovor.auth.models import Workspace
from hovor.contacts.models import Contact, ContactIdentity, TimelineEntry
from hovor.contacts.service import search_contacts
from hovor.contacts.timeline import list_entries
from hovor.core.dispatch import Dispatcher
from hovor.core.ids import new_id
from hovor.db.migrate import upgrade_async
from hovor.db.transaction import Database

CONTACTS = 100_000
TIMELINE = 10_000
QUERIES = 300
FIRST = [
    "Anna",
    "Jan",
    "Petra",
    "Tomas",
    "Eva",
    "Martin",
    "Lucie",
    "Jakub",
    "Tereza",
    "David",
    "Olga",
    "Pavel",
    "Klara",
    "Marek",
    "Ivana",
    "Roman",
    "Sofie",
    "Adam",
    "Hana",
    "Filip",
]
LAST = [
    "Novak",
    "Svoboda",
    "Dvorak",
    "Cerny",
    "Prochazka",
    "Kucera",
    "Vesely",
    "Horak",
    "Nemec",
    "Marek",
    "Pokorny",
    "Pospisil",
    "Hajek",
    "Jelinek",
    "Kral",
    "Ruzicka",
]


async def run() -> bool:
    async with scratch_database() as url:
        await upgrade_async(url)
        db = Database(url, Dispatcher())
        try:
            return await _measure(db)
        finally:
            await db.dispose()


async def _fill(db: Database) -> tuple[str, str, list[str]]:
    workspace_id, now = new_id(), datetime.now(UTC)
    samples: list[str] = []
    async with db.engine.begin() as conn:
        await conn.execute(
            insert(Workspace), [{"id": workspace_id, "name": "Bench", "created_at": now}]
        )
        for start in range(0, CONTACTS, 5000):
            contacts, identities = [], []
            for i in range(start, start + 5000):
                cid = new_id()
                person = f"{random.choice(FIRST)} {random.choice(LAST)} {i}"
                email = f"{person.lower().replace(' ', '.')}@example.org"
                phone = f"+4206{i:08d}"
                contacts.append(
                    {
                        "id": cid,
                        "workspace_id": workspace_id,
                        "name": person,
                        "email": email,
                        "phone": phone,
                        "attributes": {},
                        "claims": {},
                        "created_at": now - timedelta(seconds=i),
                    }
                )
                identities.append(
                    {
                        "id": new_id(),
                        "workspace_id": workspace_id,
                        "contact_id": cid,
                        "kind": "email",
                        "value": email,
                        "verified": True,
                        "created_at": now,
                    }
                )
                identities.append(
                    {
                        "id": new_id(),
                        "workspace_id": workspace_id,
                        "contact_id": cid,
                        "kind": "phone",
                        "value": phone,
                        "verified": False,
                        "created_at": now,
                    }
                )
                if random.random() < 0.003:
                    samples += [
                        person.split()[1].lower() + " " + str(i),
                        email.split("@")[0],
                        f"{i:08d}"[-6:],
                    ]
            await conn.execute(insert(Contact), contacts)
            await conn.execute(insert(ContactIdentity), identities)
        busy = contacts[0]["id"]
        entries = [
            {
                "id": new_id(),
                "workspace_id": workspace_id,
                "contact_id": busy,
                "kind": random.choice(
                    ["web.session", "conversation.started", "order.placed", "offer.accepted"]
                ),
                "occurred_at": now - timedelta(minutes=i),
                "ref_type": "bench",
                "ref_id": str(i),
                "summary": f"entry {i}",
                "data": {},
                "recorded_at": now,
            }
            for i in range(TIMELINE)
        ]
        for start in range(0, TIMELINE, 5000):
            await conn.execute(insert(TimelineEntry), entries[start : start + 5000])
        await conn.execute(text("ANALYZE"))
    return workspace_id, busy, samples


async def _measure(db: Database) -> bool:
    started = time.perf_counter()
    workspace_id, busy, samples = await _fill(db)
    print(
        f"filled {CONTACTS} contacts, {TIMELINE} timeline entries in {time.perf_counter() - started:.1f} s"
    )

    timeline_ms: list[float] = []
    cursors: list[str | None] = [None]
    async with db.read() as session:
        for _ in range(QUERIES):
            cursor = random.choice(cursors)
            t = time.perf_counter()
            rows, next_cursor = await list_entries(
                session, workspace_id, busy, before=cursor, limit=50
            )
            timeline_ms.append((time.perf_counter() - t) * 1000)
            assert len(rows) == 50
            if next_cursor and len(cursors) < 100:
                cursors.append(next_cursor)

    search_ms: list[float] = []
    async with db.read() as session:
        for _ in range(QUERIES):
            q = random.choice(samples)
            t = time.perf_counter()
            rows, total = await search_contacts(session, workspace_id, q=q, limit=25, offset=0)
            search_ms.append((time.perf_counter() - t) * 1000)
            assert total >= 1, q
    return report(
        "contacts",
        [
            Metric("timeline_page_p50", percentile(timeline_ms, 50), "ms", "<= 10"),
            Metric("timeline_page_p99", percentile(timeline_ms, 99), "ms", "<= 50"),
            Metric("search_p50", percentile(search_ms, 50), "ms", "<= 40"),
            Metric("search_p99", percentile(search_ms, 99), "ms", "<= 100"),
        ],
        notes=f"PostgreSQL, {CONTACTS} contacts, {TIMELINE} timeline entries for one contact",
    )


if __name__ == "__main__":
    asyncio.run(run())
