"""The intake of mail that arrives by itself: auto-replies are stored, never answered."""

from __future__ import annotations

from sqlalchemy import select

from hovor.channels.email.intake import do_intake
from hovor.channels.registry import built_in_catalogue
from hovor.conversations.models import Conversation, Delivery
from hovor.csat import listeners as csat_listeners
from hovor.csat.service import survey_of_conversation
from hovor.db.transaction import Database
from tests.channels.email.intake_support import mail, make_inbox, messages
from tests.support.events import CaptureEvents
from tests.support.factories import make_team

AUTO_REPLIED = {"Auto-Submitted": "auto-replied"}


async def test_an_auto_reply_in_an_open_thread_is_a_note_and_reopens_nothing(
    db: Database,
) -> None:
    team = await make_team(db, agents=1)
    inbox = await make_inbox(db, team.workspace.id)
    first = await do_intake(db, inbox, mail("Dotaz", message_id="<dotaz-1@example.cz>"))
    assert first.created and first.automatic is None
    auto = mail(
        "Jsem mimo kancelář.",
        headers={"In-Reply-To": "<dotaz-1@example.cz>", "Precedence": "bulk"},
    )
    got = await do_intake(db, inbox, auto)
    again = await do_intake(db, inbox, auto)  # the mailbox read again: stored once
    assert got.conversation_id == first.conversation_id and got.automatic == "Precedence: bulk"
    assert (again.message_id, again.created) == (got.message_id, False)
    stored = await messages(db, team.workspace.id)
    assert [m.private for m in stored] == [False, True]  # no bot answers a note
    async with db.read() as session:
        conversation = await session.get(Conversation, first.conversation_id)
        deliveries = (await session.scalars(select(Delivery))).all()
    assert conversation is not None and conversation.status == "open"
    assert deliveries == []


async def test_an_auto_reply_filed_closed_is_not_asked_for_a_rating(
    db: Database, capture_events: CaptureEvents
) -> None:
    """A rating request to an out-of-office robot would be answered by another auto-reply."""
    csat_listeners.register(
        db.dispatcher, db, built_in_catalogue(), origin="https://chat.example.cz", secret="s"
    )
    team = await make_team(db, agents=1)
    inbox = await make_inbox(db, team.workspace.id)
    with capture_events(db) as captured:
        got = await do_intake(db, inbox, mail("Jsem na dovolené.", headers=AUTO_REPLIED))
    assert [p["ask_rating"] for p in captured.payloads("conversation.closed")] == [False]
    assert got.automatic == "Auto-Submitted: auto-replied"
    async with db.read() as session:
        survey = await survey_of_conversation(session, team.workspace.id, got.conversation_id)
    assert survey is None
    assert [m.author_type for m in await messages(db, team.workspace.id)] == ["visitor"]
