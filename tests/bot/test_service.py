"""The bot on both databases: holds new chats from routing, answers from the help center with
links, says it does not know, runs a flow, stops a looping one, and hands off (a chat when
someone is free, else a callback) with the reason for the agent."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from hovor.bot import listeners, service
from hovor.bot.models import BotConfig
from hovor.bot.service import BotDeps
from hovor.channels.registry import built_in_catalogue
from hovor.config import Settings
from hovor.contacts import timeline
from hovor.conversations import events as conversation_events
from hovor.conversations.models import Conversation, Message
from hovor.conversations.service import list_messages
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database
from hovor.routing.models import RoutingTask
from hovor.routing.tasks import do_enqueue
from tests.knowledge.test_search import publish_all
from tests.support.factories import make_team, visitor_writes

pytestmark = pytest.mark.storage
ORIGIN = "https://shop.example.cz"
ORDER_FLOW: dict[str, Any] = {
    "name": "order",
    "keywords": ["objednávk"],
    "steps": [
        {
            "id": "ask",
            "say": "Jaké je číslo objednávky?",
            "collect": "order_number",
            "next": "menu",
        },
        {
            "id": "menu",
            "say": "Objednávka {{order_number}}: co potřebujete?",
            "buttons": [{"label": "Stav", "next": "status"}, {"label": "Člověk", "handoff": True}],
        },
        {"id": "status", "say": "Objednávku {{order_number}} vezeme.", "next": "menu"},
    ],
}


class World:
    def __init__(self, db: Database, wait: float | None) -> None:
        self.db = db
        self.wait = wait

    def estimated_wait(self, _workspace_id: str, _channel: str) -> float | None:
        return self.wait


async def setup(
    db: Database,
    wait: float | None,
    flows: list[dict[str, Any]] | None = None,
    settings: Settings | None = None,
) -> tuple[World, str]:
    world = World(db, wait)
    catalogue = built_in_catalogue()
    deps = BotDeps(catalogue, world.estimated_wait, ORIGIN, settings)

    # Routing's own listener with the bot's hold, as the app wires it (without a node).
    @db.dispatcher.on(conversation_events.CONVERSATION_CREATED)
    async def new_work(event: DomainEvent) -> None:
        async with db.transaction() as tx:
            row = await tx.session.get(Conversation, event.payload["conversation"]["id"])
            assert row is not None
            if not await service.holds(tx, row):
                await do_enqueue(tx, row, catalogue)

    listeners.register(db.dispatcher, db, deps)
    team = await make_team(db)
    ws = team.workspace.id
    await publish_all(db, ws)
    async with db.transaction() as tx:
        tx.session.add(
            BotConfig(
                workspace_id=ws,
                scope="webchat",
                enabled=True,
                name="Hovorka",
                threshold=0.5,
                flows=flows or [],
            )
        )
    return world, ws


async def transcript(db: Database, conversation_id: str) -> list[tuple[str, str | None, str]]:
    async with db.read() as session:
        rows, _ = await list_messages(session, [conversation_id], limit=100, before=None)
    return [(m.author_type, m.author_id if not m.private else "note", m.body) for m in rows]


async def tasks_of(db: Database, conversation_id: str) -> list[RoutingTask]:
    async with db.read() as session:
        return list(
            (
                await session.scalars(
                    select(RoutingTask).where(RoutingTask.conversation_id == conversation_id)
                )
            ).all()
        )


async def test_answers_with_links_then_hands_off_on_request_to_a_free_person(db: Database) -> None:
    _, ws = await setup(db, wait=30.0)
    got = await visitor_writes(db, ws, "v_bot_1", "Jak vrátit zboží?")
    conversation_id = got.conversation_id
    said = await transcript(db, conversation_id)
    bot_answers = [b for a, who, b in said if who == "bot"]
    assert len(bot_answers) == 1 and "Vrácení zboží" in bot_answers[0]
    assert f"{ORIGIN}/help/" in bot_answers[0]
    assert await tasks_of(db, conversation_id) == []  # held from routing while the bot answers

    await visitor_writes(db, ws, "v_bot_1", "Chci mluvit s člověkem")
    said = await transcript(db, conversation_id)
    assert (
        "system",
        "note",
        "Bot handed the conversation to a person: the customer asked for a person.",
    ) in said
    assert "Connecting you to a colleague" in said[-1][2] and said[-1][1] == "bot"
    assert len(await tasks_of(db, conversation_id)) == 1
    async with db.read() as session:
        bot = await service.session_of(session, conversation_id)
        conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None
        entries, _ = await timeline.list_entries(session, ws, conversation.contact_id)
    assert bot is not None and bot.status == "handed_off"
    assert bot.handoff_reason == "the customer asked for a person"
    assert "bot.handed_off" in [e.kind for e in entries]

    # Handed off: the bot stays quiet from now on.
    await visitor_writes(db, ws, "v_bot_1", "Haló?")
    assert [who for _, who, _ in await transcript(db, conversation_id)].count("bot") == 2


async def test_two_failed_answers_and_nobody_free_offer_a_callback(db: Database) -> None:
    _, ws = await setup(db, wait=None)
    got = await visitor_writes(db, ws, "v_bot_2", "kvantová chromodynamika")
    conversation_id = got.conversation_id
    said = await transcript(db, conversation_id)
    assert "not sure" in said[-1][2]
    await visitor_writes(db, ws, "v_bot_2", "fotosyntéza listů")
    said = await transcript(db, conversation_id)
    notes = [b for _, who, b in said if who == "note" and "handed" in b]
    assert notes and "two answers in a row did not help" in notes[0]
    assert "Nobody is free right now" in said[-1][2]
    await visitor_writes(db, ws, "v_bot_2", "moje číslo je asi tohle")
    assert "country code" in (await transcript(db, conversation_id))[-1][2]
    await visitor_writes(db, ws, "v_bot_2", "+420 777 123 456")
    said = await transcript(db, conversation_id)
    assert said[-1][2].endswith("we will call you at +420777123456.")
    async with db.read() as session:
        callbacks = (
            await session.scalars(
                select(Conversation).where(
                    Conversation.workspace_id == ws, Conversation.channel == "callback"
                )
            )
        ).all()
    assert len(callbacks) == 1
    # The agent who calls back opens the callback: the reason and the bot's chat are there.
    notes = [b for _, who, b in await transcript(db, callbacks[0].id) if who == "note"]
    assert any("From the bot: two answers in a row did not help" in n for n in notes)
    chat = next(n for n in notes if n.startswith("The chat with the bot before this callback"))
    assert conversation_id in chat.splitlines()[0]
    lines = chat.splitlines()[1:]
    assert lines[0] == "Customer: kvantová chromodynamika"
    assert lines[1].startswith("Hovorka: Tady si nejsem jistý")
    assert lines[-1] == "Customer: +420 777 123 456"
    assert not any("handed the conversation" in line for line in lines)  # notes stay out


async def test_a_flow_collects_offers_buttons_and_a_loop_is_handed_off(db: Database) -> None:
    _, ws = await setup(db, wait=10.0, flows=[ORDER_FLOW])
    got = await visitor_writes(db, ws, "v_bot_3", "Kde je moje objednávka?")
    conversation_id = got.conversation_id
    assert (await transcript(db, conversation_id))[-1][2] == "Jaké je číslo objednávky?"
    await visitor_writes(db, ws, "v_bot_3", "?")  # not an order number: asked again
    assert (await transcript(db, conversation_id))[-1][2] == "Jaké je číslo objednávky?"
    await visitor_writes(db, ws, "v_bot_3", "CZ-1001")
    assert (await transcript(db, conversation_id))[-1][
        2
    ] == "Objednávka CZ-1001: co potřebujete?\n1) Stav\n2) Člověk"
    await visitor_writes(db, ws, "v_bot_3", "1")  # status, then back to the menu (2nd visit)
    said = await transcript(db, conversation_id)
    assert [b for _, who, b in said if who == "bot"][-2:] == [
        "Objednávku CZ-1001 vezeme.",
        "Objednávka CZ-1001: co potřebujete?\n1) Stav\n2) Člověk",
    ]
    await visitor_writes(db, ws, "v_bot_3", "Stav")  # the menu's 3rd visit
    await visitor_writes(db, ws, "v_bot_3", "Stav")  # a 4th: the flow goes round, stopped
    said = await transcript(db, conversation_id)
    notes = [b for _, who, b in said if who == "note" and "handed" in b]
    assert notes == [
        "Bot handed the conversation to a person: the flow “order” went round in a loop."
    ]
    async with db.read() as session:
        bot = await service.session_of(session, conversation_id)
    assert (
        bot is not None
        and bot.collected == {"order_number": "CZ-1001"}
        and bot.status == "handed_off"
    )
    assert len(await tasks_of(db, conversation_id)) == 1


async def test_off_by_default_and_a_person_takes_over(db: Database) -> None:
    _, ws = await setup(db, wait=10.0)
    async with db.transaction() as tx:
        config = (
            await tx.session.scalars(select(BotConfig).where(BotConfig.workspace_id == ws))
        ).one()
        config.enabled = False
    got = await visitor_writes(db, ws, "v_bot_4", "Jak vrátit zboží?")
    assert [who for _, who, _ in await transcript(db, got.conversation_id)].count("bot") == 0
    assert len(await tasks_of(db, got.conversation_id)) == 1
    async with db.read() as session:
        assert await session.scalar(select(Message).where(Message.author_id == "bot")) is None
