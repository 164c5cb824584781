"""Accepting a co-browse offer is the visitor's consent: the agent's request starts it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hovor.bus.memory import MemoryBus
from hovor.bus.topics import agents_topic, visitor_topic
from hovor.cobrowse import events, listeners, service
from hovor.cobrowse.models import CobrowseSession
from hovor.cobrowse.schemas import CobrowseSettingsIn
from hovor.contacts import timeline
from hovor.conversations.service import access_conversation, do_close_conversation
from hovor.core import clock
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database
from tests.support.events import CaptureEvents
from tests.support.factories import Team, make_team, visitor_writes

pytestmark = pytest.mark.storage


async def accepted_offer(db: Database, team: Team, visitor: str = "v_jana") -> str:
    """A web chat opened by an accepted co-browse offer (``offer.accepted`` dispatched)."""
    received = await visitor_writes(db, team.workspace.id, visitor, "Rád bych pomohl s košíkem")
    offer = {
        "id": f"offer_{visitor}",
        "kind": "cobrowse",
        "visitor_id": visitor,
        "conversation_id": received.conversation_id,
    }
    async with db.transaction() as tx:
        tx.publish_on_commit(
            DomainEvent(listeners.OFFER_ACCEPTED, team.workspace.id, {"offer": offer})
        )
    return received.conversation_id


async def sessions(db: Database, conversation_id: str) -> list[CobrowseSession]:
    async with db.read() as session:
        rows = await session.scalars(
            select(CobrowseSession)
            .where(CobrowseSession.conversation_id == conversation_id)
            .order_by(CobrowseSession.created_at)
        )
        return list(rows.all())


async def test_an_accepted_offer_lets_the_agent_start_without_asking_again(
    db: Database, capture_events: CaptureEvents, manual_clock: clock.ManualClock
) -> None:
    bus = MemoryBus()
    listeners.register(db.dispatcher, bus, db)
    team = await make_team(db)
    async with bus.subscribe(
        visitor_topic(team.workspace.id, "v_jana"), agents_topic(team.workspace.id)
    ) as sub:
        with capture_events(db) as captured:
            conversation_id = await accepted_offer(db, team)
        [consent] = await sessions(db, conversation_id)
        assert consent.status == "consented" and consent.agent_id is None
        assert consent.agent_name == "" and consent.created_at == clock.now()
        assert captured.names()[-1] == events.COBROWSE_CONSENTED
        # Only the desktops hear of it: the widget must not ask.
        topic, frame = await anext(aiter(sub))
        assert topic == agents_topic(team.workspace.id)
        assert frame["type"] == "cobrowse.updated"
        assert frame["session"]["status"] == "consented"

        manual_clock.advance(service.CONSENT_MINUTES * 60 - 5)
        async with db.transaction() as tx:
            row = await service.do_request(tx, team.workspace.id, conversation_id, team.agents[0])
        assert row.id == consent.id and row.status == "active"
        assert row.agent_id == team.agents[0].id and row.started_at == clock.now()
        topic, frame = await anext(aiter(sub))
        assert topic == visitor_topic(team.workspace.id, "v_jana")
        assert frame["type"] == "cobrowse.state" and frame["session"]["status"] == "active"

    async with db.read() as session:
        conversation = await access_conversation(session, team.workspace.id, conversation_id)
        entries, _ = await timeline.list_entries(
            session, team.workspace.id, conversation.contact_id
        )
    started = next(e for e in entries if e.kind == "cobrowse.started")
    assert "accepting the offer" in started.summary and started.data["consent"] == "offer"

    # The consent is used: the next request asks the visitor as usual.
    async with db.transaction() as tx:
        row = await service.access_session(tx.session, team.workspace.id, row.id)
        await service.do_end(tx, row, by="agent")
    async with db.transaction() as tx:
        again = await service.do_request(tx, team.workspace.id, conversation_id, team.agents[0])
    assert again.status == "requested" and again.id != consent.id


async def test_a_stale_consent_is_ended_and_the_visitor_is_asked(
    db: Database, manual_clock: clock.ManualClock
) -> None:
    listeners.register(db.dispatcher, MemoryBus(), db)
    team = await make_team(db)
    conversation_id = await accepted_offer(db, team)
    manual_clock.advance(service.CONSENT_MINUTES * 60 + 1)
    async with db.transaction() as tx:
        row = await service.do_request(tx, team.workspace.id, conversation_id, team.agents[0])
    assert row.status == "requested"
    stale, _ = await sessions(db, conversation_id)
    assert stale.status == "ended" and stale.end_reason == "unused"
    assert stale.ended_by == "system"


async def test_no_consent_when_switched_off_or_not_a_cobrowse_offer(db: Database) -> None:
    listeners.register(db.dispatcher, MemoryBus(), db)
    team = await make_team(db)
    async with db.transaction() as tx:
        await service.do_update_settings(
            tx,
            team.workspace.id,
            CobrowseSettingsIn(enabled=False, record=False, retention_days=30),
        )
    assert await sessions(db, await accepted_offer(db, team)) == []
    async with db.transaction() as tx:
        await service.do_update_settings(
            tx, team.workspace.id, CobrowseSettingsIn(enabled=True, record=False, retention_days=30)
        )
    received = await visitor_writes(db, team.workspace.id, "v_petr", "Chci zavolat")
    async with db.transaction() as tx:
        chat = {"id": "o1", "kind": "chat", "visitor_id": "v_petr"}
        tx.publish_on_commit(
            DomainEvent(
                listeners.OFFER_ACCEPTED,
                team.workspace.id,
                {"offer": {**chat, "conversation_id": received.conversation_id}},
            )
        )
    assert await sessions(db, received.conversation_id) == []


async def test_a_second_acceptance_keeps_one_consent_and_closing_ends_it(db: Database) -> None:
    listeners.register(db.dispatcher, MemoryBus(), db)
    team = await make_team(db)
    conversation_id = await accepted_offer(db, team)
    assert conversation_id == await accepted_offer(db, team)
    [consent] = await sessions(db, conversation_id)
    # A consent is not a session: the agent is not blocked by it, the visitor is in none.
    async with db.transaction() as tx:
        conversation = await access_conversation(tx.session, team.workspace.id, conversation_id)
        await service.check_request(tx, conversation)
        await do_close_conversation(tx, conversation)
    [ended] = await sessions(db, conversation_id)
    assert ended.id == consent.id
    assert (ended.status, ended.ended_by, ended.end_reason) == ("ended", "system", "unused")
