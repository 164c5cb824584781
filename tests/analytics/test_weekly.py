"""The supervisors' weekly report: the figures in the mail are the dashboard's for the same
week, and it goes out once per workspace and week even with two nodes racing, to a local
SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hovor.analytics import reports, rollups
from hovor.analytics.api import overview_of
from hovor.analytics.models import WeeklyReportSend
from hovor.analytics.weekly import last_week, weekly_figures
from hovor.analytics.weekly_send import WeeklyReports, build_mail
from hovor.auth.models import User
from hovor.channels.email.smtp import SmtpServer
from hovor.core import clock
from hovor.db.transaction import Database
from tests.analytics.world import T0, World
from tests.channels.email.smtp_sink import Sink, smtp_sink

pytestmark = pytest.mark.storage
UTC_ZONE = ZoneInfo("UTC")
WEEK = T0.date()  # Monday 2 November 2026
NEXT_MONDAY = datetime(2026, 11, 9, 7, 30, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.fixture
def sink() -> Iterator[Sink]:
    with smtp_sink() as (received, _port):
        yield received


@pytest.fixture
def monday_morning() -> Iterator[clock.ManualClock]:
    manual = clock.ManualClock(NEXT_MONDAY)
    previous = clock.set_clock(manual)
    yield manual
    clock.set_clock(previous)


async def a_week(db: Database) -> World:
    """A week of hand-made rows: offers with a control group, a chat with its task, an
    order, matches stopped by guards, the agent's presence, and a supervisor to tell."""
    w = await World.create(db)
    chat = await w.conversation(0, T0 + timedelta(minutes=1))
    await w.offer(0, T0, status="accepted", conversation_id=chat)
    await w.offer(1, T0, held_out=True)
    await w.offer(2, T0 + 26 * H, status="shown")
    await w.order(0, T0 + H, "1500.00")
    await w.reply(chat, T0 + timedelta(minutes=2))
    await w.task(chat, T0 + timedelta(minutes=1), assigned_after=30, ended_after=1800)
    await w.close(chat, T0 + timedelta(minutes=40))
    await w.guarded(T0, "offer_open", 3)
    await w.presence("online", T0)
    await w.presence("offline", T0 + 2 * H)
    await w.conversation(1, T0 + timedelta(days=9))  # the week after: not in the report
    async with db.transaction() as tx:
        for role in ("supervisor", "admin", "agent"):
            tx.session.add(
                User(
                    workspace_id=w.workspace_id,
                    email=f"{role}-x{w.workspace_id.lower()}@shop.example.cz",
                    name=role.title(),
                    role=role,
                    password_hash="!",
                )
            )
    await rollups.rebuild(db)
    return w


def reporter(db: Database, port: int, node: str) -> WeeklyReports:
    return WeeklyReports(
        db,
        SmtpServer.from_url(f"smtp://127.0.0.1:{port}"),
        "http://hovor.example",
        "Hovor <reports@shop.example.cz>",
        UTC_ZONE,
        7,
        node=node,
    )


async def test_the_mail_shows_the_dashboards_figures_for_the_week(db: Database) -> None:
    w = await a_week(db)
    period = reports.Period(WEEK, WEEK + timedelta(days=6), UTC_ZONE)
    async with db.read() as session:
        dashboard = await overview_of(session, w.workspace_id, period)
        by_rule = await reports.engagement_report(session, w.workspace_id, period, "rule")
        figures = await weekly_figures(session, w.workspace_id, WEEK, UTC_ZONE)
    assert figures.engagement == dashboard["engagement"]
    assert figures.rules == by_rule
    service = dashboard["service"]
    assert figures.service == {k: v for k, v in service.items() if k != "label"}
    mail = await build_mail(db, w.workspace_id, WEEK, UTC_ZONE, "http://hovor.example", "x@y.cz")
    funnel, s = service and dashboard["engagement"]["funnel"], service
    for line in (
        f"Matched: {funnel['matched']}",
        f"Stopped by guards or pacing: {funnel['guarded']}",
        f"Offers made: {funnel['offered']}",
        f"Orders won (conversions): {funnel['order']}",
        f"Conversations: {s['conversations']}",
        f"Occupancy: {s['occupancy'] * 100:.1f} %",
        "cart_over_1000: conversion ",
        f"n = {by_rule[0]['treated']['n'] + by_rule[0]['control']['n']}",
        "http://hovor.example/app/#/analytics?from=2026-11-02&to=2026-11-08",
    ):
        assert line in mail.text, line
    assert (funnel["matched"], funnel["guarded"], funnel["offered"]) == (6, 3, 2)
    assert s["conversations"] == 1 and s["occupancy"] == pytest.approx(29.5 / 120)
    assert "Orders won (conversions)</th><td>1</td>" in mail.html
    assert sorted(u.split("-")[0] for u in mail.recipients) == ["admin", "supervisor"]


async def test_two_nodes_racing_send_the_week_once(
    db: Database, sink: Sink, monday_morning: clock.ManualClock
) -> None:
    w = await a_week(db)
    a, b = reporter(db, sink.port, "node-a"), reporter(db, sink.port, "node-b")
    assert a.due_week(NEXT_MONDAY) == WEEK == last_week(NEXT_MONDAY, UTC_ZONE)
    assert a.due_week(NEXT_MONDAY - H) is None  # before 07:00 on Monday
    assert sorted(await asyncio.gather(a.send_due(), b.send_due())) == [0, 1]
    message = await sink.received(1)
    assert message["Subject"].startswith("Obchod: the week 02 Nov - 08 Nov 2026")
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    assert sorted(message["To"].addresses, key=str)[0].username.startswith("admin")
    # Later wakes of both nodes, that Monday and the days after: nothing more.
    monday_morning.advance(86400)
    assert await asyncio.gather(a.send_due(), b.send_due()) == [0, 0]
    assert len(sink.messages) == 1
    async with db.read() as session:
        row = await session.get(WeeklyReportSend, (w.workspace_id, WEEK))
    assert row is not None and row.sent_at is not None and row.recipients == 2


async def test_a_lapsed_claim_is_taken_over_and_a_failed_send_retried(
    db: Database, sink: Sink, monday_morning: clock.ManualClock
) -> None:
    w = await a_week(db)
    async with db.transaction() as tx:  # a node claimed the week and died before sending
        tx.session.add(
            WeeklyReportSend(
                workspace_id=w.workspace_id,
                week=WEEK,
                claimed_by="dead-node",
                claimed_until=NEXT_MONDAY + timedelta(minutes=5),
                recipients=0,
            )
        )
    alive = reporter(db, sink.port, "node-a")
    assert await alive.send_due() == 0  # the claim still holds
    monday_morning.advance(600)
    broken = reporter(db, 9, "node-b")  # nothing listens on port 9: the send fails
    assert await broken.send_due() == 0
    assert await alive.send_due() == 1  # the failed claim was given back at once
    await sink.received(1)
    assert await alive.send_due() == 0 and len(sink.messages) == 1


async def test_nothing_is_sent_without_smtp_or_when_turned_off(
    db: Database, monday_morning: clock.ManualClock
) -> None:
    await a_week(db)
    off = reporter(db, 9, "node-a")
    off.enabled = False
    assert await off.send_due() == 0
    off.enabled, off.smtp = True, None
    assert await off.send_due() == 0


def test_weeks_run_monday_to_sunday_in_the_report_zone() -> None:
    prague = ZoneInfo("Europe/Prague")
    # Sunday 23:30 UTC is already Monday in Prague: last week is the one just ended there.
    assert last_week(datetime(2026, 11, 8, 23, 30, tzinfo=UTC), prague) == date(2026, 11, 2)
    assert last_week(datetime(2026, 11, 8, 23, 30, tzinfo=UTC), UTC_ZONE) == date(2026, 10, 26)
