"""Tickets: numbering under concurrency, transitions, links, notes, audit, isolation, the
open-tickets note on a new conversation, tickets following a contact merge."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from hovor.contacts import timeline
from hovor.contacts.merge import LinkedRows, do_merge_contacts, do_unmerge
from hovor.conversations import service as conversations
from hovor.conversations.models import Conversation
from hovor.conversations.service import do_move_conversations
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.db.transaction import Database, Tx
from hovor.orders.service import do_move_orders
from hovor.tickets import links, listeners, listing, notes, service
from hovor.tickets.models import Ticket
from hovor.tickets.service import Changes
from tests.support.events import CaptureEvents
from tests.support.factories import make_team, visitor_writes
from tests.support.waiting import eventually

pytestmark = pytest.mark.storage
LINKS = LinkedRows(
    {
        "conversations": do_move_conversations,
        "orders": do_move_orders,
        "tickets": service.do_move_tickets,
    }
)
DUE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def conversation(db: Database, workspace_id: str, visitor_id: str) -> Conversation:
    received = await visitor_writes(db, workspace_id, visitor_id, "Hello")
    async with db.read() as session:
        return await conversations.access_conversation(
            session, workspace_id, received.conversation_id
        )


async def open_on(
    db: Database, workspace_id: str, contact_id: str, channel: str, source_id: str
) -> Conversation:
    async with db.transaction() as tx:
        return await conversations.do_open_conversation(
            tx, workspace_id, contact_id=contact_id, channel=channel, source_id=source_id
        )


async def create(
    db: Database,
    conv: Conversation,
    subject: str = "Refund for TV",
    *,
    user_id: str | None = None,
    priority: str = "normal",
    assignee_id: str | None = None,
    due_at: datetime | None = None,
) -> Ticket:
    async with db.transaction() as tx:
        fresh = await conversations.access_conversation(tx.session, conv.workspace_id, conv.id)
        return await service.do_create_ticket(
            tx,
            fresh,
            user_id=user_id,
            subject=subject,
            priority=priority,
            assignee_id=assignee_id,
            due_at=due_at,
        )


async def update(
    db: Database, ticket: Ticket, user_id: str | None = None, **changes: object
) -> Ticket:
    async with db.transaction() as tx:
        fresh = await service.access_ticket(tx.session, ticket.workspace_id, ticket.id)
        return await service.do_update_ticket(tx, fresh, Changes(**changes), user_id=user_id)


async def test_a_ticket_is_made_from_a_conversation(
    db: Database, capture_events: CaptureEvents
) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    agent = team.agents[0]
    conv = await conversation(db, ws, "v_1")
    with capture_events(db) as captured:
        ticket = await create(
            db, conv, "  Refund   for TV ", user_id=agent.id, priority="high", due_at=DUE
        )
        assert (ticket.number, ticket.subject, ticket.status, ticket.priority) == (
            1,
            "Refund for TV",
            "new",
            "high",
        )
        assert ticket.contact_id == conv.contact_id and ticket.created_by == agent.id
    seen = captured.of("ticket.created")
    [event] = seen
    assert event.payload["ticket"]["conversation_ids"] == [conv.id]
    assert event.payload["ticket"]["number"] == 1
    assert event.payload["actor"] == f"user:{agent.id}"
    with pytest.raises(Conflict, match="already belongs to ticket #1"):
        await create(db, conv, "Again")
    async with db.read() as session:
        entries, _ = await timeline.list_entries(session, ws, conv.contact_id)
        history = await service.list_history(session, ticket)
    assert ("ticket.opened", "Ticket #1 opened: Refund for TV") in [
        (e.kind, e.summary) for e in entries
    ]
    assert [(h.field, h.old_value, h.new_value) for h in history] == [("created", None, "new")]


async def test_bad_input_is_refused_with_field_errors(db: Database) -> None:
    team = await make_team(db)
    other = await make_team(db, "Other")
    conv = await conversation(db, team.workspace.id, "v_1")
    with pytest.raises(InvalidInput) as err:
        await create(db, conv, "   ")
    assert err.value.errors == [{"loc": ["body", "subject"], "msg": "1 to 200 characters"}]
    with pytest.raises(InvalidInput) as err:
        await create(db, conv, assignee_id=other.agents[0].id)
    assert err.value.errors == [{"loc": ["body", "assignee_id"], "msg": "no such user"}]
    ticket = await create(db, conv)
    with pytest.raises(InvalidInput):
        await update(db, ticket, priority="whenever")
    with pytest.raises(InvalidInput):
        await update(db, ticket, assignee_id=other.admin.id)


async def test_numbers_are_sequential_per_workspace_even_when_created_at_once(
    db: Database,
) -> None:
    one = await make_team(db, "One")
    two = await make_team(db, "Two")
    convs = [await conversation(db, one.workspace.id, f"v_{i}") for i in range(8)]
    convs += [await conversation(db, two.workspace.id, f"w_{i}") for i in range(4)]
    # All at once: on PostgreSQL each runs on its own connection and they queue on the
    # counter row; on SQLite they queue on the single writer.
    tickets = await asyncio.gather(*(create(db, c, f"T {i}") for i, c in enumerate(convs)))
    by_workspace: dict[str, list[int]] = {}
    for t in tickets:
        by_workspace.setdefault(t.workspace_id, []).append(t.number)
    assert sorted(by_workspace[one.workspace.id]) == list(range(1, 9))
    assert sorted(by_workspace[two.workspace.id]) == list(range(1, 5))


async def test_two_open_transactions_draw_different_numbers(db: Database) -> None:
    """The first transaction holds its number while the second asks for one."""
    if db.is_sqlite:
        pytest.skip("SQLite has one writer: the second transaction cannot start meanwhile")
    team = await make_team(db)
    ws = team.workspace.id
    first_conv = await conversation(db, ws, "v_1")
    second_conv = await conversation(db, ws, "v_2")
    await create(db, await conversation(db, ws, "v_0"), "the counter row exists")
    other = Database(db.url, db.dispatcher)
    holding = asyncio.Event()
    release = asyncio.Event()
    first_pid: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    second_pid: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def first() -> int:
        async with db.transaction() as tx:
            first_pid.set_result(await backend_pid(tx))
            conv = await conversations.access_conversation(tx.session, ws, first_conv.id)
            ticket = await service.do_create_ticket(tx, conv, user_id=None, subject="first")
            holding.set()
            await release.wait()
            return ticket.number

    async def second() -> int:
        await holding.wait()
        async with other.transaction() as tx:
            second_pid.set_result(await backend_pid(tx))
            conv = await conversations.access_conversation(tx.session, ws, second_conv.id)
            ticket = await service.do_create_ticket(tx, conv, user_id=None, subject="second")
            return ticket.number

    try:
        task_one, task_two = asyncio.create_task(first()), asyncio.create_task(second())
        # PostgreSQL itself says when the second transaction waits for the first one's lock.
        blocker, waiter = await asyncio.wait_for(asyncio.gather(first_pid, second_pid), 10)
        await eventually(
            "the second transaction waits for the first one's lock",
            lambda: blocked_by(db, waiter, blocker),
        )
        assert not task_two.done()  # waiting for the first transaction's counter row
        release.set()
        assert sorted(await asyncio.gather(task_one, task_two)) == [2, 3]
    finally:
        release.set()
        await other.dispose()


async def backend_pid(tx: Tx) -> int:
    return int((await tx.session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def blocked_by(db: Database, waiter: int, blocker: int) -> bool:
    """Whether PostgreSQL backend ``waiter`` waits for a lock that ``blocker`` holds."""
    async with db.read() as session:
        query = text("SELECT CAST(:blocker AS integer) = ANY(pg_blocking_pids(:waiter))")
        result = await session.execute(query, {"blocker": blocker, "waiter": waiter})
        return bool(result.scalar_one())


async def test_status_follows_the_allowed_transitions(
    db: Database, capture_events: CaptureEvents
) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    agent = team.agents[0]
    conv = await conversation(db, ws, "v_1")
    ticket = await create(db, conv)
    with capture_events(db) as captured:
        ticket = await update(db, ticket, agent.id, status="pending")
        ticket = await update(db, ticket, agent.id, status="open")
        ticket = await update(db, ticket, agent.id, status="solved")
        assert ticket.solved_at is not None
        with pytest.raises(Conflict, match="cannot go from solved to pending"):
            await update(db, ticket, status="pending")
        ticket = await update(db, ticket, agent.id, status="open")  # reopened
        assert ticket.solved_at is None
        ticket = await update(db, ticket, agent.id, status="solved")
        ticket = await update(db, ticket, agent.id, status="closed")
        assert ticket.closed_at is not None
        for change in ({"status": "open"}, {"priority": "low"}, {"subject": "x"}):
            with pytest.raises(Conflict, match="closed"):
                await update(db, ticket, **change)
    seen = captured.of("ticket.updated")
    assert [e.payload["changes"] for e in seen] == [
        [{"field": "status", "from": f, "to": t}]
        for f, t in [
            ("new", "pending"),
            ("pending", "open"),
            ("open", "solved"),
            ("solved", "open"),
            ("open", "solved"),
            ("solved", "closed"),
        ]
    ]
    async with db.read() as session:
        entries, _ = await timeline.list_entries(session, ws, conv.contact_id)
    kinds = [e.kind for e in entries if e.kind.startswith("ticket.")]
    assert sorted(kinds) == sorted(
        ["ticket.opened", "ticket.solved", "ticket.solved", "ticket.closed"]
    )


async def test_new_to_new_is_no_change(db: Database) -> None:
    team = await make_team(db)
    ticket = await create(db, await conversation(db, team.workspace.id, "v_1"))
    same = await update(db, ticket, status="new")
    assert same.status == "new"
    with pytest.raises(Conflict, match="cannot go from pending to new"):
        await update(db, await update(db, ticket, status="pending"), status="new")


async def test_assign_priority_due_are_audited(db: Database) -> None:
    team = await make_team(db)
    agent, other = team.agents
    ticket = await create(db, await conversation(db, team.workspace.id, "v_1"))
    ticket = await update(db, ticket, agent.id, assignee_id=other.id, priority="urgent", due_at=DUE)
    ticket = await update(db, ticket, other.id, assignee_id=None, due_at=None)
    ticket = await update(db, ticket, other.id, priority="urgent")  # no change, no audit
    async with db.read() as session:
        history = await service.list_history(session, ticket)
    assert [(h.field, h.old_value, h.new_value, h.actor) for h in history] == [
        ("created", None, "new", "system:tickets"),
        ("priority", "normal", "urgent", f"user:{agent.id}"),
        ("assignee", None, other.id, f"user:{agent.id}"),
        ("due_at", None, DUE.isoformat(), f"user:{agent.id}"),
        ("assignee", other.id, None, f"user:{other.id}"),
        ("due_at", DUE.isoformat(), None, f"user:{other.id}"),
    ]
    assert (ticket.assignee_id, ticket.due_at, ticket.priority) == (None, None, "urgent")


async def test_conversations_of_the_same_contact_on_any_channel_link(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    chat = await conversation(db, ws, "v_1")
    call = await open_on(db, ws, chat.contact_id, "callback", "+442079460958")
    stranger = await conversation(db, ws, "v_2")
    ticket = await create(db, chat)
    async with db.transaction() as tx:
        t = await service.access_ticket(tx.session, ws, ticket.id)
        await links.do_link_conversation(tx, t, call, user_id=None)
        await links.do_link_conversation(tx, t, call, user_id=None)  # again: nothing new
    with pytest.raises(InvalidInput, match="another contact"):
        async with db.transaction() as tx:
            t = await service.access_ticket(tx.session, ws, ticket.id)
            await links.do_link_conversation(tx, t, stranger, user_id=None)
    second = await create(db, await open_on(db, ws, chat.contact_id, "webchat", "v_1"))
    with pytest.raises(Conflict, match="already belongs to ticket #1"):
        async with db.transaction() as tx:
            t = await service.access_ticket(tx.session, ws, second.id)
            await links.do_link_conversation(tx, t, call, user_id=None)
    async with db.transaction() as tx:
        t = await service.access_ticket(tx.session, ws, ticket.id)
        await links.do_unlink_conversation(tx, t, chat.id, user_id=None)
        with pytest.raises(NotFound):
            await links.do_unlink_conversation(tx, t, stranger.id, user_id=None)
    async with db.read() as session:
        t = await service.access_ticket(session, ws, ticket.id)
        described = await listing.describe_ticket(session, t)
        history = await service.list_history(session, t)
    assert described.conversation_ids == [call.id]
    assert [(h.field, h.old_value, h.new_value) for h in history][1:] == [
        ("conversation_linked", None, call.id),
        ("conversation_unlinked", chat.id, None),
    ]
    # The unlinked conversation may start a ticket of its own.
    assert (await create(db, chat, "Another issue")).number == 3


async def test_notes_are_internal_and_allowed_on_closed_tickets(
    db: Database, capture_events: CaptureEvents
) -> None:
    team = await make_team(db)
    agent = team.agents[0]
    ticket = await create(db, await conversation(db, team.workspace.id, "v_1"))
    with capture_events(db) as captured:
        ticket = await update(db, ticket, status="closed")
        async with db.transaction() as tx:
            t = await service.access_ticket(tx.session, ticket.workspace_id, ticket.id)
            await notes.do_add_note(tx, t, "  Called the courier. ", user_id=agent.id)
            with pytest.raises(InvalidInput):
                await notes.do_add_note(tx, t, "   ", user_id=agent.id)
        async with db.read() as session:
            stored = await notes.list_notes(session, ticket)
        assert [(n.body, n.author_id) for n in stored] == [("Called the courier.", agent.id)]
    seen = captured.of("ticket.note_added")
    [event] = seen
    assert event.payload["note"]["body"] == "Called the courier."


async def test_other_workspaces_tickets_are_not_found(db: Database) -> None:
    team = await make_team(db)
    other = await make_team(db, "Other")
    ticket = await create(db, await conversation(db, team.workspace.id, "v_1"))
    theirs = await conversation(db, other.workspace.id, "v_1")
    async with db.transaction() as tx:
        with pytest.raises(NotFound):
            await service.access_ticket(tx.session, other.workspace.id, ticket.id)
        t = await service.access_ticket(tx.session, team.workspace.id, ticket.id)
        with pytest.raises(NotFound):
            await links.do_link_conversation(tx, t, theirs, user_id=None)
        rows, _ = await listing.list_tickets(tx.session, other.workspace.id)
    assert rows == []


async def test_listing_filters_and_pages(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    agent = team.agents[0]
    tickets = []
    for i in range(5):
        conv = await conversation(db, ws, f"v_{i}")
        tickets.append(await create(db, conv, f"Issue {i} with 100% _refund_"))
    await update(db, tickets[1], assignee_id=agent.id, status="pending")
    await update(db, tickets[2], status="solved")
    async with db.read() as session:
        pending, _ = await listing.list_tickets(session, ws, statuses=["pending"])
        mine, _ = await listing.list_tickets(session, ws, assignee_id=agent.id)
        nobody, _ = await listing.list_tickets(session, ws, unassigned=True)
        unsolved, _ = await listing.list_tickets(
            session, ws, statuses=listing.parse_statuses("unsolved")
        )
        by_number, _ = await listing.list_tickets(session, ws, q="#4")
        by_subject, _ = await listing.list_tickets(session, ws, q="issue 3")
        literal, _ = await listing.list_tickets(session, ws, q="100% _r")
        by_contact, _ = await listing.list_tickets(session, ws, contact_id=tickets[0].contact_id)
        first, cursor = await listing.list_tickets(session, ws, limit=3)
        rest, end = await listing.list_tickets(session, ws, limit=3, cursor=cursor)
    assert [t.number for t in pending] == [2] and [t.number for t in mine] == [2]
    assert len(nobody) == 4 and len(unsolved) == 4
    assert [t.number for t in by_number] == [4]
    assert [t.number for t in by_subject] == [4]
    assert len(literal) == 5
    assert [t.number for t in by_contact] == [1]
    assert len(first) == 3 and len(rest) == 2 and end is None
    assert {t.id for t in first + rest} == {t.id for t in tickets}
    with pytest.raises(InvalidInput):
        listing.parse_statuses("open,later")


async def test_open_tickets_are_noted_on_a_new_conversation(
    db: Database, capture_events: CaptureEvents
) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    listeners.register(db.dispatcher, db)
    first = await conversation(db, ws, "v_1")
    # No open tickets yet: nothing was added to the first conversation.
    async with db.read() as session:
        messages, _ = await conversations.list_messages(session, [first.id], limit=10, before=None)
    assert [m.author_type for m in messages] == ["visitor"]
    refund = await create(db, first, "Refund for TV", due_at=DUE)
    await update(db, refund, status="pending")
    done = await create(db, await open_on(db, ws, first.contact_id, "webchat", "v_1"), "Done")
    await update(db, done, status="solved")
    with capture_events(db) as captured:
        # A new conversation of the same contact on another channel.
        call = await open_on(db, ws, first.contact_id, "callback", "+442079460958")
        async with db.read() as session:
            messages, _ = await conversations.list_messages(
                session, [call.id], limit=10, before=None
            )
        [note] = messages
        assert note.private and note.author_type == "system"
        assert note.body == "Open tickets: #1 Refund for TV (pending, due 2026-03-01 12:00 UTC)"
    created = captured.of("message.created")
    assert any(e.payload["message"]["id"] == note.id for e in created)
    # Re-running the listener adds nothing.
    async with db.transaction() as tx:
        c = await conversations.access_conversation(tx.session, ws, call.id)
        await conversations._conversation_event(tx, "conversation.created", c)
    async with db.read() as session:
        again, _ = await conversations.list_messages(session, [call.id], limit=10, before=None)
        open_now = await listing.open_tickets_for_contact(session, ws, first.contact_id)
    assert len(again) == 1
    assert [t.number for t in open_now] == [1]


async def test_tickets_follow_a_merge_and_its_undo(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    agent = team.agents[0]
    source_conv = await conversation(db, ws, "v_source")
    target_conv = await conversation(db, ws, "v_target")
    ticket = await create(db, source_conv, "Broken screen")
    async with db.transaction() as tx:
        merge = await do_merge_contacts(
            tx, ws, source_conv.contact_id, target_conv.contact_id, f"user:{agent.id}", links=LINKS
        )
    assert merge.moved["tickets"] == [ticket.id]
    async with db.read() as session:
        moved = await service.access_ticket(session, ws, ticket.id)
        open_now = await listing.open_tickets_for_contact(session, ws, target_conv.contact_id)
        entries, _ = await timeline.list_entries(session, ws, target_conv.contact_id)
    assert moved.contact_id == target_conv.contact_id
    assert [t.id for t in open_now] == [ticket.id]
    assert "ticket.opened" in [e.kind for e in entries]
    # The target's other conversation can now be linked: it is the same customer.
    async with db.transaction() as tx:
        t = await service.access_ticket(tx.session, ws, ticket.id)
        await links.do_link_conversation(tx, t, target_conv, user_id=agent.id)
    async with db.transaction() as tx:
        await do_unmerge(tx, ws, merge.id, f"user:{agent.id}", links=LINKS)
    async with db.read() as session:
        back = await service.access_ticket(session, ws, ticket.id)
        history = await service.list_history(session, back)
    assert back.contact_id == source_conv.contact_id
    assert [(h.field, h.actor) for h in history if h.field == "contact"] == [
        ("contact", "system:merge"),
        ("contact", "system:merge"),
    ]
