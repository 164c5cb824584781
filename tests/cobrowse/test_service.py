"""Co-browse sessions: consent, control, end, timeline and events; settings; retention."""

from __future__ import annotations

import pytest

from hovor.cobrowse import events, service
from hovor.cobrowse.models import CobrowseChunk, CobrowseSession
from hovor.cobrowse.retention import purge_recordings
from hovor.cobrowse.schemas import CobrowseSettingsIn
from hovor.contacts import timeline
from hovor.conversations.service import access_conversation
from hovor.core import clock
from hovor.core.errors import Conflict, Forbidden, NotFound
from hovor.db.transaction import Database, Tx
from tests.support.events import CaptureEvents
from tests.support.factories import Team, make_team, visitor_writes

pytestmark = pytest.mark.storage


async def requested(db: Database, team: Team, visitor: str = "v_jana") -> CobrowseSession:
    received = await visitor_writes(db, team.workspace.id, visitor, "Nevím, kde je košík")
    async with db.transaction() as tx:
        return await service.do_request(
            tx, team.workspace.id, received.conversation_id, team.agents[0]
        )


async def reload(db: Database, row: CobrowseSession) -> CobrowseSession:
    async with db.read() as session:
        return await service.access_session(session, row.workspace_id, row.id)


async def test_consent_then_end_records_who_and_how_long(
    db: Database, capture_events: CaptureEvents, manual_clock: clock.ManualClock
) -> None:
    team = await make_team(db)
    with capture_events(db) as captured:
        row = await requested(db, team)
        async with db.transaction() as tx:
            row = await reload_in(tx, row)
            await service.do_consent(tx, row, accepted=True, control=False)
        manual_clock.advance(200)
        async with db.transaction() as tx:
            row = await reload_in(tx, row)
            await service.do_end(tx, row, by="agent")
            await service.do_end(tx, row, by="visitor")  # a second end changes nothing
    names = [n for n in captured.names() if n.startswith("cobrowse.")]
    assert names == [events.COBROWSE_REQUESTED, events.COBROWSE_STARTED, events.COBROWSE_ENDED]
    ended = captured.payloads(events.COBROWSE_ENDED)[0]["session"]
    assert ended["ended_by"] == "agent" and ended["status"] == "ended"
    async with db.read() as session:
        entries, _ = await timeline.list_entries(
            session, team.workspace.id, (await conversation_contact(db, row))
        )
    by_kind = {e.kind: e for e in entries}
    assert by_kind["cobrowse.ended"].data["duration_seconds"] == 200
    assert by_kind["cobrowse.ended"].summary == (
        "Co-browsing with Agent 0 ended by Agent 0 after 3 min 20 s"
    )
    assert by_kind["cobrowse.started"].data["agent_id"] == team.agents[0].id


async def reload_in(tx: Tx, row: CobrowseSession) -> CobrowseSession:
    return await service.access_session(tx.session, row.workspace_id, row.id)


async def conversation_contact(db: Database, row: CobrowseSession) -> str:
    async with db.read() as session:
        conversation = await access_conversation(session, row.workspace_id, row.conversation_id)
    return conversation.contact_id


async def test_control_needs_an_active_session_and_the_visitors_answer(db: Database) -> None:
    team = await make_team(db)
    row = await requested(db, team)
    async with db.transaction() as tx:
        row = await reload_in(tx, row)
        with pytest.raises(Conflict):
            await service.do_request_control(tx, row, on=True)
        # An answer about control before it was asked changes nothing.
        await service.do_consent(tx, row, accepted=True, control=True)
        assert row.control == "none" and row.status == "requested"
        await service.do_consent(tx, row, accepted=True, control=False)
        await service.do_request_control(tx, row, on=True)
        assert row.control == "requested"
        await service.do_consent(tx, row, accepted=False, control=True)
        assert row.control == "none"
        await service.do_request_control(tx, row, on=True)
        await service.do_consent(tx, row, accepted=True, control=True)
        assert row.control == "granted"
        await service.do_end(tx, row, by="visitor")
        assert row.control == "none"


async def test_one_live_session_per_visitor_and_unanswered_requests_lapse(
    db: Database, manual_clock: clock.ManualClock
) -> None:
    team = await make_team(db)
    first = await requested(db, team)
    with pytest.raises(Conflict):
        await requested(db, team)
    manual_clock.advance(service.REQUEST_SECONDS + 1)
    second = await requested(db, team)
    assert (await reload(db, first)).end_reason == "unanswered"
    async with db.transaction() as tx:
        late = await reload_in(tx, second)
        manual_clock.advance(service.REQUEST_SECONDS + 1)
        await service.do_consent(tx, late, accepted=True, control=False)
        assert late.status == "ended" and late.end_reason == "unanswered"


async def test_sessions_are_scoped_to_workspace_visitor_and_agent(db: Database) -> None:
    team, other = await make_team(db), await make_team(db, "Other Co")
    row = await requested(db, team)
    async with db.read() as session:
        with pytest.raises(NotFound):
            await service.access_session(session, other.workspace.id, row.id)
        with pytest.raises(Forbidden):
            await service.visitor_session(session, team.workspace.id, "v_someone_else", row.id)
        assert (await service.visitor_session(session, team.workspace.id, "v_jana", row.id)).id
    with pytest.raises(Forbidden):
        service.check_agent(row, team.agents[1])
    service.check_agent(row, team.agents[0])


async def test_the_switch_and_recording_retention(
    db: Database, manual_clock: clock.ManualClock
) -> None:
    team = await make_team(db)
    async with db.transaction() as tx:
        await service.do_update_settings(
            tx,
            team.workspace.id,
            CobrowseSettingsIn(enabled=False, record=False, retention_days=30),
        )
    with pytest.raises(Forbidden, match="switched off"):
        await requested(db, team)
    async with db.transaction() as tx:
        await service.do_update_settings(
            tx, team.workspace.id, CobrowseSettingsIn(enabled=True, record=True, retention_days=7)
        )
    row = await requested(db, team)
    assert row.recorded
    async with db.transaction() as tx:
        for seq in (0, 1):
            tx.session.add(
                CobrowseChunk(
                    workspace_id=team.workspace.id,
                    session_id=row.id,
                    seq=seq,
                    events=[{"type": 4, "timestamp": seq}],
                    received_at=clock.now(),
                )
            )
    manual_clock.advance(6 * 86400)
    assert await purge_recordings(db, team.workspace.id) == 0
    manual_clock.advance(2 * 86400)
    assert await purge_recordings(db, team.workspace.id) == 2


def test_durations_read_naturally() -> None:
    assert service.duration_text(7) == "7 s"
    assert service.duration_text(60) == "1 min"
    assert service.duration_text(200) == "3 min 20 s"
