"""Suggested articles for the agent, on both databases: from the customer's last messages."""

from __future__ import annotations

import pytest

from hovor.bot.suggestions import suggest_articles
from hovor.conversations.service import access_conversation
from hovor.db.transaction import Database
from tests.knowledge.test_search import publish_all
from tests.support.factories import make_team, visitor_writes

pytestmark = pytest.mark.storage
ORIGIN = "https://shop.example.cz"


async def test_suggestions_follow_the_customers_words(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    await publish_all(db, ws)
    got = await visitor_writes(db, ws, "v_sug_1", "jak vratit zbozi")  # no diacritics
    await visitor_writes(db, ws, "v_sug_1", "prosím")
    async with db.read() as session:
        conversation = await access_conversation(session, ws, got.conversation_id)
        found = await suggest_articles(session, conversation, ORIGIN)
    assert found and found[0].title == "Vrácení zboží"
    assert found[0].url.startswith(f"{ORIGIN}/help/")
    assert "vrátit do 14 dnů" in found[0].text and "**" not in found[0].text
