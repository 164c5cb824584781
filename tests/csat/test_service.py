"""CSAT on both databases: asked once when a conversation closes, rated once, everywhere."""

from __future__ import annotations

import pytest

from hovor.channels.registry import built_in_catalogue
from hovor.contacts import timeline
from hovor.conversations.service import (
    access_conversation,
    do_assign_conversation,
    do_close_conversation,
    do_open_conversation,
    do_reopen_conversation,
    list_messages,
)
from hovor.core.errors import Conflict, NotFound
from hovor.csat import listeners, service, tokens
from hovor.db.transaction import Database
from tests.support.events import CaptureEvents
from tests.support.factories import make_team, visitor_writes

pytestmark = pytest.mark.storage
SECRET = "test-secret"
ORIGIN = "https://chat.example.cz"


async def test_closing_asks_once_and_the_rating_lands_everywhere(
    db: Database, capture_events: CaptureEvents
) -> None:
    listeners.register(db.dispatcher, db, built_in_catalogue(), origin=ORIGIN, secret=SECRET)
    team = await make_team(db)
    ws = team.workspace.id
    received = await visitor_writes(db, ws, "v_csat_1", "Díky za pomoc")
    conversation_id = received.conversation_id
    async with db.transaction() as tx:
        conversation = await access_conversation(tx.session, ws, conversation_id)
        await do_assign_conversation(tx, conversation, team.agents[0].id)
    for _ in range(2):  # closed, reopened, closed again: asked once
        async with db.transaction() as tx:
            conversation = await access_conversation(tx.session, ws, conversation_id)
            await do_close_conversation(tx, conversation)
        async with db.transaction() as tx:
            conversation = await access_conversation(tx.session, ws, conversation_id)
            await do_reopen_conversation(tx, conversation)

    async with db.read() as session:
        survey = await service.survey_of_conversation(session, ws, conversation_id)
        messages, _ = await list_messages(session, [conversation_id], limit=50, before=None)
    assert survey is not None and survey.agent_id == team.agents[0].id
    asks = [m for m in messages if m.client_id == service.ASK_CLIENT_ID]
    assert len(asks) == 1 and not asks[0].private and asks[0].author_type == "system"
    token = tokens.sign(SECRET, survey.id)
    assert asks[0].body.endswith(f"{ORIGIN}/csat/{token}")

    with capture_events(db) as captured:
        async with db.transaction() as tx:
            found = await service.access_survey_by_token(tx.session, SECRET, token)
            await service.do_rate(tx, found, service.check_rating(4, " Rychlé, díky "))
    rated = captured.of("csat.rated")
    assert len(rated) == 1
    assert rated[0].payload["score"] == 4 and rated[0].payload["agent_id"] == team.agents[0].id
    with pytest.raises(Conflict):
        async with db.transaction() as tx:
            found = await service.access_survey_by_token(tx.session, SECRET, token)
            await service.do_rate(tx, found, service.check_rating(1, None))
    with pytest.raises(NotFound):
        async with db.read() as session:
            await service.access_survey_by_token(session, "other-secret", token)

    async with db.read() as session:
        entries, _ = await timeline.list_entries(session, ws, survey.contact_id)
        messages, _ = await list_messages(session, [conversation_id], limit=50, before=None)
        summary = await service.summarise(session, ws, agent_id=team.agents[0].id)
        none = await service.summarise(session, ws, agent_id=team.agents[1].id)
    assert [e.summary for e in entries if e.kind == "csat.rated"] == [
        "Rated a conversation 4/5: “Rychlé, díky”"
    ]
    notes = [m.body for m in messages if m.private and "rated" in m.body]
    assert notes == ["The customer rated this conversation 4/5: “Rychlé, díky”"]
    assert (summary.asked, summary.rated, summary.average) == (1, 1, 4.0)
    assert (none.asked, none.rated, none.average) == (0, 0, None)


async def test_a_callback_is_not_asked(db: Database) -> None:
    """Nothing can be sent on a callback (the channel declares no outbound)."""
    listeners.register(db.dispatcher, db, built_in_catalogue(), origin=ORIGIN, secret=SECRET)
    team = await make_team(db)
    ws = team.workspace.id
    received = await visitor_writes(db, ws, "v_csat_2", "hi")
    async with db.transaction() as tx:
        chat = await access_conversation(tx.session, ws, received.conversation_id)
        callback = await do_open_conversation(
            tx, ws, contact_id=chat.contact_id, channel="callback", source_id="+420600000000"
        )
    async with db.transaction() as tx:
        await do_close_conversation(tx, await access_conversation(tx.session, ws, callback.id))
    async with db.read() as session:
        assert await service.survey_of_conversation(session, ws, callback.id) is None
