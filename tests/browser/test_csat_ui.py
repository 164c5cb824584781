"""The rating card in the widget, end to end in Chromium, on both server backends.

Alice closes a web chat; the visitor's widget draws the question as a card (1-5 and a
comment) instead of a link, the visitor rates, the card thanks them and stays thanked after
a reload (the link is used), and Alice sees the rating on the closed conversation live.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import ContextFactory
from tests.browser.test_webchat import Agent, Visitor, alice, unique  # noqa: F401
from tests.support.server import ServerProcess

pytestmark = pytest.mark.browser


def test_the_visitor_rates_a_closed_chat_in_the_widget(
    alice: Agent,  # noqa: F811
    new_context: ContextFactory,
    server: ServerProcess,
) -> None:
    context: BrowserContext = new_context("visitor")
    visitor = Visitor.arrive(context, server)
    text = unique("Rate me")
    conversation_id = alice.start_chat_with(visitor, text)
    alice.reply("Glad to help")
    alice.page.get_by_test_id("close-conversation").click()

    card = visitor.page.get_by_test_id("hovor-csat")
    expect(card).to_be_visible()
    expect(card).to_contain_text("How did we do?")
    send = card.get_by_test_id("hovor-csat-send")
    expect(send).to_be_disabled()
    card.locator('[data-score="4"]').click()
    expect(card.locator('[data-score="4"]')).to_have_attribute("aria-pressed", "true")
    card.get_by_role("textbox").fill("Rychlé a milé")
    send.click()
    expect(visitor.page.get_by_test_id("hovor-csat-done")).to_contain_text("4/5")

    # A reload draws the card from the history: the link is used, so it thanks at once.
    visitor.page.reload()
    visitor.open_chat()
    expect(visitor.page.get_by_test_id("hovor-csat-done")).to_contain_text("4/5")

    alice.show("closed")
    alice.open_conversation(conversation_id)
    log = alice.page.get_by_role("log", name="Messages")
    expect(
        log.get_by_text("The customer rated this conversation 4/5: “Rychlé a milé”")
    ).to_be_visible()
