"""Analytics on PostgreSQL: rollup throughput and dashboard query latency.

1. A generated store (contacts with visitor ids, offers with a control group, orders,
   conversations with replies, routing tasks) is written with bulk inserts, BENCH_SCALE
   conversations (default 50,000) and 2 offers per conversation.
2. Throughput: the events those rows would have produced (offer made/shown/decided, order,
   conversation created/closed, agent reply, task changed: about 8 per conversation) are
   noted on a ``RollupUpdater`` as fast as possible; events/s = events / time until the
   rollups hold them all (the updater coalesces a burst into batch refreshes, as in service).
3. Dashboard p99: the overview, engagement-by-rule and service-by-agent queries of a 30-day
   period, repeated, over those rollups and over rollups padded with a year of generated
   hours at the size 1 M conversations and 10 M events give (BENCH_PAD=0 skips the padding).
"""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from bench.postgres import scratch_database
from bench.report import Metric, percentile, report
from hovor.analytics import listeners, reports
from hovor.analytics.api import overview_of
from hovor.analytics.models import Rollup
from hovor.analytics.rollups import rebuild
from hovor.auth.models import User, Workspace
from hovor.contacts.models import Contact, ContactIdentity
from hovor.conversations.models import Conversation, Message
from hovor.core.dispatch import Dispatcher
from hovor.core.ids import new_id
from hovor.db.migrate import upgrade_async
from hovor.db.transaction import Database
from hovor.engagement.models import Offer
from hovor.orders.models import Order
from hovor.routing.models import RoutingQueue, RoutingTask

SCALE = int(os.environ.get("BENCH_SCALE", "50000"))  # conversations of the 30-day history
LIVE = int(os.environ.get("BENCH_LIVE", "5000"))  # conversations of the live hour
PAD = int(os.environ.get("BENCH_PAD", "1"))
QUERIES = 60
END = datetime(2026, 12, 1, tzinfo=UTC)
DAYS = 30
RULES = [f"rule_{i}" for i in range(20)]
PAGES = [f"/p/{i}" for i in range(60)]
CHANNELS = ["webchat", "email", "callback", "whatsapp", "sms"]


def _at(rng: random.Random, span: float = DAYS * 86400) -> datetime:
    return END - timedelta(seconds=rng.uniform(0, span))


async def _bulk(db: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 5000):
        async with db.transaction() as tx:
            await tx.session.execute(insert(model), rows[start : start + 5000])


async def _generate(
    db: Database, count: int, span: float, seed: int
) -> tuple[str, dict[str, list[str]]]:
    """A workspace with ``count`` conversations (and their offers, orders, replies, tasks)
    spread over the ``span`` seconds before END."""
    rng = random.Random(seed)
    ws, queue = new_id(), new_id()
    agents = [new_id() for _ in range(40)]
    async with db.transaction() as tx:
        tx.session.add(Workspace(id=ws, name="Bench"))
        await tx.session.flush()
        tx.session.add(
            RoutingQueue(id=queue, workspace_id=ws, name="Sales", steps=[{"target": ""}])
        )
        for i, a in enumerate(agents):
            tx.session.add(
                User(
                    id=a,
                    workspace_id=ws,
                    email=f"a{i}-{ws.lower()}@bench.example",
                    name=f"Agent {i}",
                    role="agent",
                    password_hash="!",
                )
            )
    contacts = [new_id() for _ in range(max(1, count // 2))]
    await _bulk(db, Contact, [{"id": c, "workspace_id": ws, "name": "Zákazník"} for c in contacts])
    await _bulk(
        db,
        ContactIdentity,
        [
            {
                "id": new_id(),
                "workspace_id": ws,
                "contact_id": c,
                "kind": "visitor",
                "value": f"v{i}",
            }
            for i, c in enumerate(contacts)
        ],
    )
    ids: dict[str, list[str]] = {"offer": [], "order": [], "conversation": [], "task": []}
    offers, orders, conversations, messages, tasks = [], [], [], [], []
    for _ in range(count):
        v = rng.randrange(len(contacts))
        opened = _at(rng, span)
        cid, agent = new_id(), rng.choice(agents)
        closed = opened + timedelta(minutes=rng.expovariate(1 / 20))
        conversations.append(
            {
                "id": cid,
                "workspace_id": ws,
                "contact_id": contacts[v],
                "channel": rng.choice(CHANNELS),
                "source_id": f"v{v}",
                "status": "closed",
                "assignee_id": agent,
                "created_at": opened,
                "last_activity_at": closed,
                "closed_at": closed,
            }
        )
        messages.append(
            {
                "id": new_id(),
                "workspace_id": ws,
                "conversation_id": cid,
                "author_type": "agent",
                "author_id": agent,
                "body": "Dobrý den",
                "private": False,
                "created_at": opened + timedelta(seconds=rng.expovariate(1 / 40)),
            }
        )
        assigned = opened + timedelta(seconds=rng.expovariate(1 / 25))
        tasks.append(
            {
                "id": new_id(),
                "workspace_id": ws,
                "conversation_id": cid,
                "contact_id": contacts[v],
                "channel": "webchat",
                "queue_id": queue,
                "status": "completed",
                "created_at": opened,
                "deadline": opened + timedelta(seconds=60),
                "agent_id": agent,
                "assigned_at": assigned,
                "ended_at": closed,
                "step_started_at": opened,
                "ready_at": opened,
            }
        )
        for k in range(2):
            made = _at(rng, span)
            held = rng.random() < 0.1
            status = (
                "held_out" if held else rng.choice(["shown", "accepted", "declined", "expired"])
            )
            offers.append(
                {
                    "id": new_id(),
                    "workspace_id": ws,
                    "visitor_id": f"v{v}",
                    "rule_key": rng.choice(RULES),
                    "rule_version": 1,
                    "kind": rng.choice(["chat", "callback"]),
                    "text": "Pomůžeme?",
                    "status": status,
                    "created_at": made,
                    "expires_at": made + timedelta(minutes=2),
                    "shown_at": None if held else made,
                    "conversation_id": cid if k == 0 and status == "accepted" else None,
                    "context": {"page": {"url": f"https://shop.example.cz{rng.choice(PAGES)}"}},
                }
            )
            if rng.random() < (0.12 if held else 0.15):
                orders.append(
                    {
                        "id": new_id(),
                        "workspace_id": ws,
                        "external_id": new_id(),
                        "contact_id": contacts[v],
                        "total": Decimal(f"{rng.lognormvariate(7, 0.6):.2f}"),
                        "currency": "CZK",
                        "items": [],
                        "placed_at": made + timedelta(hours=rng.uniform(0, 20)),
                        "digest": "x",
                    }
                )
    for model, rows in (
        (Conversation, conversations),
        (Offer, offers),
        (Order, orders),
        (Message, messages),
        (RoutingTask, tasks),
    ):
        await _bulk(db, model, rows)
    ids["offer"] = [o["id"] for o in offers]
    ids["order"] = [o["id"] for o in orders]
    ids["conversation"] = [c["id"] for c in conversations]
    ids["task"] = [t["id"] for t in tasks]
    return ws, ids


async def _throughput(db: Database, ws: str, ids: dict[str, list[str]]) -> tuple[float, int]:
    """Events a service would have published for these rows, noted as fast as they come."""
    events: list[tuple[str, str]] = []
    events += [("offer", i) for i in ids["offer"] for _ in range(3)]  # made, shown, decided
    events += [(listeners.ORDER_AND_OFFERS, i) for i in ids["order"]]
    events += [
        (listeners.CONVERSATION_AND_RELATED, i) for i in ids["conversation"] for _ in range(2)
    ]
    events += [("conversation", i) for i in ids["conversation"]]  # the agent's first reply
    events += [(listeners.TASK_AND_RELATED, i) for i in ids["task"]]  # assigned
    random.Random(3).shuffle(events)
    updater = listeners.RollupUpdater(db)
    await updater.start()
    start = time.perf_counter()
    for n, (source, row_id) in enumerate(events):
        updater.note(ws, source, row_id)
        if n % 2000 == 0:
            await asyncio_sleep0()
    await updater.drain()
    elapsed = time.perf_counter() - start
    await updater.close()
    return len(events) / elapsed, len(events)


async def asyncio_sleep0() -> None:
    import asyncio

    await asyncio.sleep(0)


async def _pad(db: Database, ws: str) -> int:
    """A year of hourly rollups at the size 1 M conversations / 10 M events give: every hour
    has rows for each dimension value seen in it (sparse for pages and agents, as in life)."""
    rng = random.Random(11)
    cells: list[dict[str, Any]] = []
    measures = {
        "rule": [
            "t.offers",
            "c.offers",
            "t.shown",
            "t.accepted",
            "t.conversation",
            "t.converted",
            "c.converted",
            "t.revenue",
            "c.revenue",
            "t.agent_seconds",
        ],
        "channel": [
            "conversations",
            "frt",
            "resolution",
            "fcr",
            "repeat",
            "tasks",
            "asa",
            "sl",
            "handle",
        ],
    }
    start = END - timedelta(days=365 + DAYS)
    total = 0
    for h in range(365 * 24):
        hour = start + timedelta(hours=h)
        for dim, keys in (
            ("rule", RULES),
            ("kind", ["chat", "callback"]),
            ("page", rng.sample(PAGES, 25)),
            ("all", ["all"]),
        ):
            for key in keys:
                for m in measures["rule"]:
                    cells.append(
                        {
                            "workspace_id": ws,
                            "hour": hour,
                            "dim": dim,
                            "key": key,
                            "measure": m,
                            "n": 3.0,
                            "total": 2.0,
                            "sumsq": 4.0,
                        }
                    )
        for dim, keys in (
            ("channel", CHANNELS),
            ("queue", ["Sales", "Support"]),
            ("team", ["A", "B"]),
            ("agent", [f"agent{i}" for i in rng.sample(range(150), 30)]),
            ("all", ["all"]),
        ):
            for key in keys:
                for m in measures["channel"]:
                    cells.append(
                        {
                            "workspace_id": ws,
                            "hour": hour,
                            "dim": dim,
                            "key": key,
                            "measure": m,
                            "n": 2.0,
                            "total": 60.0,
                            "sumsq": 1900.0,
                        }
                    )
        if len(cells) >= 20000:
            await _bulk(db, Rollup, cells)
            total += len(cells)
            cells = []
    await _bulk(db, Rollup, cells)
    return total + len(cells)


async def _p99(db: Database, ws: str) -> tuple[float, float]:
    period = reports.Period(
        (END - timedelta(days=DAYS)).date(), END.date(), ZoneInfo("Europe/Prague")
    )
    took: list[float] = []
    for i in range(QUERIES):
        start = time.perf_counter()
        async with db.read() as session:
            if i % 3 == 0:
                await overview_of(session, ws, period)
            elif i % 3 == 1:
                await reports.engagement_report(session, ws, period, "rule")
            else:
                await reports.service_report(session, ws, period, "agent")
        took.append((time.perf_counter() - start) * 1000)
    return percentile(took, 99), percentile(took, 50)


async def run() -> bool:
    async with scratch_database() as url:
        await upgrade_async(url)
        db = Database(url, Dispatcher())
        try:
            t = time.perf_counter()
            ws, ids = await _generate(db, SCALE, DAYS * 86400, seed=7)
            generated = time.perf_counter() - t
            t = time.perf_counter()
            await rebuild(db)
            rebuild_rows = sum(len(v) for v in ids.values()) / (time.perf_counter() - t)
            p99, p50 = await _p99(db, ws)
            # Ingestion: the events of one live hour, replayed as fast as they come.
            live_ws, live_ids = await _generate(db, LIVE, 3600, seed=8)
            rate, events = await _throughput(db, live_ws, live_ids)
            padded, pad_p99, pad_p50 = 0, float("nan"), float("nan")
            if PAD:
                padded = await _pad(db, ws)
                pad_p99, pad_p50 = await _p99(db, ws)
            async with db.read() as session:
                rollup_rows = await session.scalar(select(func.count()).select_from(Rollup))
        finally:
            await db.dispose()
    metrics = [
        Metric("rollup_events_per_s", rate, "events/s", ">= 20000"),
        Metric("rebuild_rows_per_s", rebuild_rows, "rows/s", ">= 1000"),
        Metric("dashboard_p99_ms", p99, "ms", "<= 200"),
        Metric("dashboard_p50_ms", p50, "ms", "<= 200"),
    ]
    if PAD:
        metrics += [
            Metric("dashboard_p99_ms_year_padded", pad_p99, "ms", "<= 200"),
            Metric("dashboard_p50_ms_year_padded", pad_p50, "ms", "<= 200"),
        ]
    notes = (
        f"PostgreSQL; history: {SCALE:,} conversations, {len(ids['offer']):,} offers, "
        f"{len(ids['order']):,} orders over {DAYS} days (generated in {generated:.0f} s); "
        f"live hour: {LIVE:,} conversations, {events:,} events; {rollup_rows:,} hourly rollup rows"
        f"{f' ({padded:,} of them padding: a year of hours)' if PAD else ''}"
    )
    return report("analytics", metrics, notes)
