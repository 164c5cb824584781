"""Rollups: figures on a hand-built store, idempotent refreshes, and (property test) equal to
a full recomputation after any order of the events that name the changed rows."""

from __future__ import annotations

import asyncio
import math
import random
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hovor.analytics import listeners, reports, rollups
from hovor.analytics.models import DailyRollup
from hovor.core.dispatch import Dispatcher
from hovor.db.transaction import Database
from hovor.engagement import guarded
from hovor.engagement.models import Offer
from hovor.models import metadata
from hovor.routing.models import RoutingTask
from tests.analytics.world import T0, World

pytestmark = pytest.mark.storage
H = timedelta(hours=1)
PERIOD = reports.Period(T0.date(), (T0 + timedelta(days=6)).date(), ZoneInfo("Europe/Prague"))


def assert_same(stored: rollups.Delta, expected: rollups.Delta) -> None:
    expected = {k: v for k, v in expected.items() if abs(v[0]) > 0}
    assert set(stored) == set(expected)
    for key, (n, total, sumsq) in expected.items():
        got = stored[key]
        assert got[0] == n, key
        assert math.isclose(got[1], total, rel_tol=1e-9, abs_tol=1e-6), key
        assert math.isclose(got[2], sumsq, rel_tol=1e-9, abs_tol=1e-4), key


async def test_engagement_and_service_figures_on_a_hand_built_store(db: Database) -> None:
    w = await World.create(db)
    chat = await w.conversation(0, T0 + timedelta(minutes=1))
    await w.offer(0, T0, status="accepted", conversation_id=chat)
    await w.offer(1, T0, held_out=True)
    await w.offer(2, T0, status="shown")
    await w.order(0, T0 + H, "1500.00")  # within 24 h of its offer
    await w.order(1, T0 + 2 * H, "1000.00")  # the control group's visitor ordered too
    await w.order(2, T0 + 30 * H, "900.00")  # too late to count for the offer
    await w.reply(chat, T0 + timedelta(minutes=1, seconds=90))
    await w.reply(chat, T0 + timedelta(seconds=70), private=True)  # a note: not a response
    await w.task(chat, T0 + timedelta(minutes=1), assigned_after=30, ended_after=3600)
    await w.close(chat, T0 + timedelta(minutes=61))
    await w.conversation(0, T0 + timedelta(days=3), channel="email")  # a repeat contact
    await w.guarded(T0, "offer_open", 4)
    await w.guarded(T0 + timedelta(minutes=20), "offer_open", 2)  # adds to the same row
    await w.guarded(T0 + H, "quiet_period")
    await w.presence("online", T0)
    await w.presence("away", T0 + timedelta(minutes=90))  # 60 + 30 minutes staffed
    await w.presence("busy", T0 + timedelta(minutes=100))  # 10 minutes away: not staffed
    await w.presence("offline", T0 + timedelta(minutes=130))  # 20 + 10 minutes staffed

    counts = await rollups.rebuild(db)
    assert counts == {
        "offer": 3,
        "conversation": 2,
        "task": 1,
        "order": 3,
        "guarded": 2,
        "presence": 6,  # online 08-09, 09-09:30; away; busy 09:40-10, 10-10:10; offline
    }
    async with db.read() as session:
        (by_rule,) = await reports.engagement_report(session, w.workspace_id, PERIOD, "rule")
        (by_page,) = await reports.engagement_report(session, w.workspace_id, PERIOD, "page")
        service = {
            r["key"]: r
            for r in await reports.service_report(session, w.workspace_id, PERIOD, "channel")
        }
        total = (await reports.service_report(session, w.workspace_id, PERIOD, "all"))[0]
        heat = await reports.heat_map(session, w.workspace_id, PERIOD, "conversations")
    assert by_rule["key"] == "cart_over_1000" and by_page["key"] == "/kosik"
    assert by_rule["funnel"] == {
        "matched": 10,
        "guarded": 7,
        "guarded_by_reason": {
            **dict.fromkeys(guarded.REASONS, 0),
            "offer_open": 6,
            "quiet_period": 1,
        },
        "eligible": 3,
        "held_out": 1,
        "offered": 2,
        "shown": 2,
        "accepted": 1,
        "conversation": 1,
        "order": 1,
    }
    assert by_rule["treated"]["rate"] == 0.5 and by_rule["control"]["rate"] == 1.0
    assert by_rule["revenue_attributed"] == 1500.0
    assert by_rule["conversion_uplift"]["too_small"] is True
    assert by_rule["agent_minutes_per_order"] == 59.5  # assigned 30 s in, ended at 1 h
    chat_row = service["webchat"]
    assert chat_row["first_response_seconds"] == 90.0
    assert chat_row["resolution_seconds"] == 3600.0
    assert chat_row["fcr_rate"] == 0.0 and chat_row["repeat_rate"] == 1.0
    assert chat_row["asa_seconds"] == 30.0 and chat_row["service_level"] == 1.0
    assert service["email"]["fcr_rate"] is None  # open: not counted
    assert total["conversations"] == 2 and total["repeat_rate"] == 0.5
    # Occupancy: 59.5 minutes handled over 120 minutes staffed (online and busy)
    assert total["staffed_minutes"] == 120.0 and total["handle_minutes"] == 59.5
    assert total["occupancy"] == pytest.approx(59.5 / 120)
    async with db.read() as session:
        agents = {
            r["key"]: r
            for r in await reports.service_report(session, w.workspace_id, PERIOD, "agent")
        }
    assert agents[w.agent_id]["occupancy"] == pytest.approx(59.5 / 120)
    assert service["webchat"]["occupancy"] is None  # staffed time has no channel
    assert heat[0][9] == 1 and heat[3][9] == 1  # Monday and Thursday, 09:00 Prague


async def test_a_refresh_is_idempotent_and_follows_later_orders(db: Database) -> None:
    w = await World.create(db)
    offer = await w.offer(0, T0)
    async with db.transaction() as tx:
        assert await rollups.do_refresh(tx, w.workspace_id, {"offer": [offer]}) == 1
    async with db.transaction() as tx:
        assert await rollups.do_refresh(tx, w.workspace_id, {"offer": [offer]}) == 0
    order = await w.order(0, T0 + H, "2400.50")
    async with db.transaction() as tx:
        await listeners.refresh_noted(tx, w.workspace_id, {listeners.ORDER_AND_OFFERS: {order}})
    async with db.read() as session:
        (row,) = await reports.engagement_report(session, w.workspace_id, PERIOD, "rule")
        assert row["funnel"]["order"] == 1 and row["revenue_attributed"] == 2400.5
        assert_same(
            await rollups.stored(session, w.workspace_id),
            await rollups.recompute(session, w.workspace_id),
        )


# --- property: random rows, random event orders, rollups == recomputation ---------------

Step = tuple[str, int, int]
steps = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "offer",
                "held_out",
                "accept",
                "order",
                "conversation",
                "reply",
                "close",
                "task",
                "assign",
                "end",
                "callback",
                "guarded",
                "presence",
                "flush",
            ]
        ),
        st.integers(0, 5),
        st.integers(0, 200),  # hours after T0 (spreads rows over windows and days)
    ),
    min_size=1,
    max_size=24,
)


async def _run(url: str, plan: list[Step], seed: int) -> None:
    db = Database(url, Dispatcher())
    rng = random.Random(seed)
    try:
        async with db.engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                await conn.execute(table.delete())
        w = await World.create(db, contacts=3)
        offers: list[str] = []
        conversations: list[str] = []
        tasks: list[str] = []
        active: dict[str, str] = {}  # conversation -> its active task
        presence_at = T0
        notes: list[tuple[str, str]] = []  # what the listeners would note, in event order

        async def flush(k: int) -> None:
            rng.shuffle(notes)
            for source, row_id in [notes.pop() for _ in range(min(k, len(notes)))]:
                async with db.transaction() as tx:
                    await listeners.refresh_noted(tx, w.workspace_id, {source: {row_id}})

        for kind, i, hours in plan:
            at = T0 + timedelta(hours=hours)
            contact = i % 3
            if kind in ("offer", "held_out"):
                offers.append(await w.offer(contact, at, held_out=kind == "held_out"))
                notes.append(("offer", offers[-1]))
            elif kind == "accept" and offers:
                conversation = await w.conversation(contact, at)
                conversations.append(conversation)
                offer = offers[i % len(offers)]
                async with db.transaction() as tx:
                    row = await tx.session.get(Offer, offer)
                    assert row is not None
                    if row.status != "held_out":
                        row.status, row.conversation_id = "accepted", conversation
                notes += [("offer", offer), (listeners.CONVERSATION_AND_RELATED, conversation)]
            elif kind == "order":
                notes.append(
                    (listeners.ORDER_AND_OFFERS, await w.order(contact, at, f"{100 + 37 * i}.50"))
                )
            elif kind == "conversation":
                conversations.append(
                    await w.conversation(contact, at, channel=rng.choice(["webchat", "email"]))
                )
                notes.append((listeners.CONVERSATION_AND_RELATED, conversations[-1]))
            elif kind == "reply" and conversations:
                conversation = conversations[i % len(conversations)]
                await w.reply(conversation, at)
                notes.append(("conversation", conversation))
            elif kind == "close" and conversations:
                conversation = conversations[i % len(conversations)]
                await w.close(conversation, at)
                notes.append((listeners.CONVERSATION_AND_RELATED, conversation))
            elif kind == "task" and conversations:
                conversation = conversations[i % len(conversations)]
                if conversation in active:  # one active task per conversation: hand it on
                    await w.end(active[conversation], at)
                    notes.append((listeners.TASK_AND_RELATED, active[conversation]))
                tasks.append(await w.task(conversation, at))
                active[conversation] = tasks[-1]
                notes.append((listeners.TASK_AND_RELATED, tasks[-1]))
            elif kind == "assign" and tasks:
                task = tasks[i % len(tasks)]
                await w.assign(task, at)
                notes.append((listeners.TASK_AND_RELATED, task))
                async with db.read() as session:
                    row_task = await session.get(RoutingTask, task)
                    assert row_task is not None
                    notes.append((listeners.CONVERSATION_AND_RELATED, row_task.conversation_id))
            elif kind == "end" and tasks:
                task = tasks[i % len(tasks)]
                await w.end(task, at)
                notes.append((listeners.TASK_AND_RELATED, task))
            elif kind == "callback" and conversations:
                await w.callback(
                    conversations[i % len(conversations)], at, rng.choice(["done", "failed"])
                )
                notes.append(
                    (listeners.CONVERSATION_AND_RELATED, conversations[i % len(conversations)])
                )
            elif kind == "guarded":
                reason = rng.choice(["offer_open", "pacing", "per_day_cap"])
                notes += [("guarded", row) for row in await w.guarded(at, reason, i + 1)]
            elif kind == "presence":
                status = ["online", "busy", "away", "offline"][i % 4]
                at = max(at, presence_at)  # presence moves forward in time
                presence_at = at + timedelta(minutes=7 * i + 1)
                notes += [("presence", row) for row in await w.presence(status, at)]
            elif kind == "flush":
                await flush(i)
        notes += rng.sample(notes, k=len(notes) // 3)  # events delivered twice
        await flush(len(notes))
        async with db.read() as session:
            expected = await rollups.recompute(session, w.workspace_id)
            assert_same(await rollups.stored(session, w.workspace_id), expected)
            assert_same(
                await rollups.stored(session, w.workspace_id, DailyRollup),
                rollups.by_day(expected),
            )
        await rollups.rebuild(db, since=T0 + timedelta(hours=100))
        async with db.read() as session:
            assert_same(
                await rollups.stored(session, w.workspace_id),
                await rollups.recompute(session, w.workspace_id),
            )
    finally:
        await db.dispose()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps, seed=st.integers(0, 2**16))
def test_rollups_equal_a_recomputation_after_any_event_order(
    database_url: str, plan: list[Step], seed: int
) -> None:
    asyncio.run(_run(database_url, plan, seed))


def test_a_period_reads_whole_utc_days_and_the_hours_at_its_edges() -> None:
    prague = ZoneInfo("Europe/Prague")
    edges, days = reports.split(reports.Period(T0.date(), T0.date() + timedelta(days=2), prague))
    # 3 local days from 23:00 UTC the day before: 1 edge hour, 2 whole UTC days, 23 hours.
    assert days is not None and days[1] - days[0] == timedelta(days=2)
    assert [(b - a) for a, b in edges] == [timedelta(hours=1), timedelta(hours=23)]
    edges, days = reports.split(reports.Period(T0.date(), T0.date(), prague))
    assert days is None and edges[0][1] - edges[0][0] == timedelta(hours=24)


async def test_a_csat_rating_counts_for_its_conversation_and_survives_a_rebuild(
    db: Database,
) -> None:
    w = await World.create(db)
    chat = await w.conversation(0, T0)
    payload = {"survey_id": "s1", "conversation_id": chat, "score": 4, "rated_at": T0.isoformat()}
    rating = listeners.csat_fact(payload, T0)
    assert rating == ("s1", chat, 4, T0)
    assert listeners.csat_fact({**payload, "score": 9}, T0) is None
    for _ in range(2):  # the same rating twice counts once
        async with db.transaction() as tx:
            await listeners.record_rating(tx, w.workspace_id, rating)
    await rollups.rebuild(db)
    async with db.read() as session:
        (row,) = await reports.service_report(session, w.workspace_id, PERIOD, "channel")
    assert row["ratings"] == 1 and row["csat_average"] == 4.0 and row["csat_rate"] == 1.0
