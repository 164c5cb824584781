"""The co-browse sweep: visitors who left, lapsed requests, unused consents; hourly purge."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hovor.bus import Bus
from hovor.bus.memory import MemoryBus
from hovor.bus.topics import visitor_topic
from hovor.cobrowse import service
from hovor.cobrowse.models import CobrowseChunk, CobrowseSession
from hovor.cobrowse.schemas import CobrowseSettingsIn
from hovor.cobrowse.sweeper import VISITOR_GONE_SECONDS, CobrowseSweeper
from hovor.contacts import timeline
from hovor.conversations.service import access_conversation
from hovor.core import clock
from hovor.db.transaction import Database
from tests.support.factories import Team, make_team, visitor_writes

pytestmark = pytest.mark.storage


async def requested(db: Database, team: Team, visitor: str = "v_jana") -> CobrowseSession:
    received = await visitor_writes(db, team.workspace.id, visitor, "Kde je košík?")
    async with db.transaction() as tx:
        return await service.do_request(
            tx, team.workspace.id, received.conversation_id, team.agents[0]
        )


async def active(db: Database, team: Team, visitor: str = "v_jana") -> CobrowseSession:
    row = await requested(db, team, visitor)
    async with db.transaction() as tx:
        row = await service.access_session(tx.session, row.workspace_id, row.id)
        await service.do_consent(tx, row, accepted=True, control=False)
    return row


async def reload(db: Database, row: CobrowseSession) -> CobrowseSession:
    async with db.read() as session:
        return await service.access_session(session, row.workspace_id, row.id)


async def test_a_closed_tab_ends_the_session_but_a_page_change_does_not(
    db: Database, bus: Bus, manual_clock: clock.ManualClock
) -> None:
    team = await make_team(db)
    row = await active(db, team)
    staying = await active(db, team, "v_petr")
    sweeper = CobrowseSweeper(db, bus)
    topic = visitor_topic(team.workspace.id, row.visitor_id)
    async with bus.subscribe(visitor_topic(team.workspace.id, "v_petr")):
        assert await sweeper.sweep() == 0  # v_jana unheard from now on
        manual_clock.advance(VISITOR_GONE_SECONDS - 10)
        async with bus.subscribe(topic):  # the next page's socket: counting starts again
            assert await sweeper.sweep() == 0
        manual_clock.advance(5)
        assert await sweeper.sweep() == 0
        manual_clock.advance(VISITOR_GONE_SECONDS - 1)
        assert await sweeper.sweep() == 0
        assert (await reload(db, row)).status == "active"
        manual_clock.advance(1)
        assert await sweeper.sweep() == 1
    ended = await reload(db, row)
    assert (ended.status, ended.ended_by, ended.end_reason) == ("ended", "system", "visitor_left")
    assert (await reload(db, staying)).status == "active"  # still connected
    async with db.read() as session:
        conversation = await access_conversation(session, team.workspace.id, row.conversation_id)
        entries, _ = await timeline.list_entries(
            session, team.workspace.id, conversation.contact_id
        )
    assert any(e.kind == "cobrowse.ended" and e.data["ended_by"] == "system" for e in entries)


async def test_lapsed_requests_and_unused_consents_are_ended(
    db: Database, manual_clock: clock.ManualClock
) -> None:
    team = await make_team(db)
    bus = MemoryBus()
    sweeper = CobrowseSweeper(db, bus)
    row = await requested(db, team)
    received = await visitor_writes(db, team.workspace.id, "v_petr", "Pomůžete mi?")
    async with db.transaction() as tx:
        consent = await service.do_record_offer_consent(
            tx, team.workspace.id, received.conversation_id, "v_petr"
        )
    assert consent is not None
    async with bus.subscribe(visitor_topic(team.workspace.id, "v_jana")):
        manual_clock.advance(service.REQUEST_SECONDS + 1)
        assert await sweeper.sweep() == 1
        assert (await reload(db, row)).end_reason == "unanswered"
        manual_clock.advance(service.CONSENT_MINUTES * 60)
        assert await sweeper.sweep() == 1
    used = await reload(db, consent)
    assert (used.status, used.ended_by, used.end_reason) == ("ended", "system", "unused")


async def test_retention_runs_on_the_timer(db: Database, manual_clock: clock.ManualClock) -> None:
    team, quiet = await make_team(db), await make_team(db, "Quiet Co")
    async with db.transaction() as tx:
        await service.do_update_settings(
            tx, team.workspace.id, CobrowseSettingsIn(enabled=True, record=True, retention_days=2)
        )
    row = await requested(db, team)
    await requested(db, quiet)  # a workspace that never recorded: the purge skips it

    async def chunk(seq: int) -> None:
        async with db.transaction() as tx:
            tx.session.add(
                CobrowseChunk(
                    workspace_id=team.workspace.id,
                    session_id=row.id,
                    seq=seq,
                    events=[{"type": 4, "timestamp": seq}],
                    received_at=clock.now(),
                )
            )

    async def left() -> int:
        async with db.read() as session:
            return len((await session.scalars(select(CobrowseChunk.id))).all())

    await chunk(0)
    manual_clock.advance(86400)
    await chunk(1)
    manual_clock.advance(86400 - 1800)
    sweeper = CobrowseSweeper(db, MemoryBus())
    await sweeper.tick()  # the first tick purges: nothing is 2 days old yet
    assert await left() == 2
    manual_clock.advance(2400)
    await sweeper.tick()  # batch 0 is past 2 days, but the last purge was 40 min ago
    assert await left() == 2
    manual_clock.advance(1200)
    await sweeper.tick()  # the hourly purge
    assert await left() == 1
