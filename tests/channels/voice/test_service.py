"""Callbacks: the number joins the customer's profile, and no callback outlives its
conversation in ``pending`` (both databases)."""

from __future__ import annotations

from typing import Any

import pytest

from hovor.channels.voice import listeners
from hovor.channels.voice import service as voice
from hovor.channels.voice.models import CallbackRequest
from hovor.contacts import service as contacts
from hovor.conversations import service as conversations
from hovor.conversations.opening import do_find_or_open_conversation
from hovor.db.transaction import Database
from tests.support.events import CapturedEvents, capture_events
from tests.support.factories import make_team

PHONE = "+420 601 234 567"
E164 = "+420601234567"


async def _request(db: Database, ws: str, visitor_id: str, phone: str = PHONE) -> str:
    async with db.transaction() as tx:
        conversation, _ = await voice.do_request_callback(
            tx,
            ws,
            visitor_id=visitor_id,
            phone=phone,
            preferred_at=None,
            reason="cart abandoned",
            context={},
        )
        return conversation.id


async def _notes(db: Database, conversation_id: str) -> list[str]:
    async with db.read() as session:
        rows, _ = await conversations.list_messages(
            session, [conversation_id], limit=50, before=None
        )
    return [m.body for m in rows if m.private]


async def _callback(db: Database, ws: str, conversation_id: str) -> CallbackRequest:
    async with db.read() as session:
        (callback,) = await voice.list_callbacks(session, ws, [conversation_id])
    return callback


@pytest.fixture
async def ws(db: Database) -> str:
    """A workspace whose closing transactions settle callbacks, as the app's do."""
    listeners.register(db.dispatcher)
    return (await make_team(db, agents=1)).workspace.id


async def _outcome(db: Database, ws: str, conversation_id: str, outcome: str) -> str:
    """Record an attempt's outcome; the conversation's status after it."""
    async with db.transaction() as tx:
        conversation = await conversations.access_conversation(tx.session, ws, conversation_id)
        await voice.do_record_outcome(tx, conversation, outcome, agent_name="Alice")
        return conversation.status


async def _close(db: Database, ws: str, conversation_id: str) -> CapturedEvents:
    with capture_events(db) as captured:
        async with db.transaction() as tx:
            conversation = await conversations.access_conversation(tx.session, ws, conversation_id)
            await conversations.do_close_conversation(tx, conversation)
    return captured


async def test_closing_a_pending_callback_without_an_outcome_cancels_it_and_says_so(
    db: Database, ws: str
) -> None:
    conversation_id = await _request(db, ws, "v_close")

    captured = await _close(db, ws, conversation_id)

    callback = await _callback(db, ws, conversation_id)
    assert (callback.status, callback.attempts, callback.last_outcome) == ("cancelled", 0, None)
    notes = await _notes(db, conversation_id)
    assert notes[-1].startswith("Closed without a call outcome: the callback is cancelled")
    # The note is written in the closing transaction and announced after its commit.
    assert captured.names() == ["conversation.closed", "message.created"]
    assert captured.payloads("message.created")[0]["message"]["body"] == notes[-1]


async def test_a_callback_ended_by_its_outcome_is_not_touched_when_it_closes(
    db: Database, ws: str
) -> None:
    conversation_id = await _request(db, ws, "v_done")
    assert await _outcome(db, ws, conversation_id, "reached") == "closed"

    callback = await _callback(db, ws, conversation_id)
    assert (callback.status, callback.last_outcome) == ("done", "reached")
    assert not any("Closed without" in n for n in await _notes(db, conversation_id))


async def test_a_callback_retried_then_closed_by_hand_keeps_its_attempts(
    db: Database, ws: str
) -> None:
    conversation_id = await _request(db, ws, "v_retry")
    assert await _outcome(db, ws, conversation_id, "no_answer") == "open"

    await _close(db, ws, conversation_id)

    callback = await _callback(db, ws, conversation_id)
    assert (callback.status, callback.attempts, callback.last_outcome) == (
        "cancelled",
        1,
        "no_answer",
    )


async def test_the_number_becomes_an_unverified_phone_identity_of_the_visitor(
    db: Database, ws: str
) -> None:
    conversation_id = await _request(db, ws, "v_phone")
    await _request(db, ws, "v_phone", phone=E164)  # asked again: nothing doubles

    async with db.transaction() as tx:
        visitor = await contacts.find_by_identity(tx.session, ws, "visitor", "v_phone")
        assert visitor is not None
        identities = await contacts.identities_of(tx.session, ws, visitor.id)
        assert [(i.kind, i.value, i.verified) for i in identities if i.kind == "phone"] == [
            ("phone", E164, False)
        ]
        # A later call from that number finds the same customer.
        later, _ = await do_find_or_open_conversation(
            tx, ws, channel="callback", source_id=E164, identity_kind="phone", continue_open=False
        )
        assert later.contact_id == visitor.id
    assert not any("belongs to another" in n for n in await _notes(db, conversation_id))


async def test_a_number_of_another_customer_is_not_taken_and_a_note_says_so(
    db: Database, ws: str
) -> None:
    async with db.transaction() as tx:
        owner = await contacts.do_get_or_create_by_identity(
            tx, ws, "email", "jana@example.org", name="Jana Nováková"
        )
        await contacts.do_add_identity(tx, owner, "phone", E164, verified=True)
        owner_id = owner.id

    conversation_id = await _request(db, ws, "v_other")

    async with db.read() as session:
        found = await contacts.find_by_identity(session, ws, "phone", E164)
        visitor = await contacts.find_by_identity(session, ws, "visitor", "v_other")
        assert visitor is not None
        theirs = await contacts.identities_of(session, ws, visitor.id)
    assert found is not None and found.id == owner_id  # still Jana's
    assert [i.kind for i in theirs] == ["visitor"]
    (note,) = [n for n in await _notes(db, conversation_id) if "belongs to another" in n]
    assert note.startswith(f"{E164} already belongs to another customer, Jana Nováková")
    # The request itself stands: the callback is pending on the number given.
    callback = await _callback(db, ws, conversation_id)
    assert (callback.phone, callback.status) == (E164, "pending")


async def test_a_number_taken_by_another_request_meanwhile_still_leaves_the_callback(
    db: Database, ws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race: the number was free when looked up, and another request stored it for
    its own customer before this one's insert. Only the identity's savepoint rolls back."""
    async with db.transaction() as tx:
        owner = await contacts.do_get_or_create_by_identity(
            tx, ws, "visitor", "v_first", name="First visitor"
        )
        await contacts.do_add_identity(tx, owner, "phone", E164, verified=False)
    lookups: list[str] = []
    find_identity = contacts.find_identity

    async def free_at_first(*args: Any) -> Any:
        lookups.append(args[-1])
        return None if len(lookups) == 1 else await find_identity(*args)

    # The identity's own check sees the number free: its insert then meets the other's row.
    monkeypatch.setattr(contacts, "find_identity", free_at_first)

    conversation_id = await _request(db, ws, "v_second")

    assert lookups[:1] == [E164]
    callback = await _callback(db, ws, conversation_id)
    assert (callback.phone, callback.status) == (E164, "pending")
    (note,) = [n for n in await _notes(db, conversation_id) if "belongs to another" in n]
    assert note.startswith(f"{E164} already belongs to another customer, First visitor")


async def test_callbacks_are_listed_for_the_conversations_asked_within_the_workspace(
    db: Database, ws: str
) -> None:
    other = (await make_team(db, "Other", agents=1)).workspace.id
    first = await _request(db, ws, "v_list_1")
    second = await _request(db, ws, "v_list_2")
    elsewhere = await _request(db, other, "v_list_3")

    async with db.read() as session:
        listed = await voice.list_callbacks(session, ws, [first, second, elsewhere, "nope"])
        none = await voice.list_callbacks(session, ws, [])
    assert sorted(c.conversation_id for c in listed) == sorted([first, second])
    assert none == []
