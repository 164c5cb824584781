"""A co-browse offer accepted is the visitor's consent, end to end in Chromium.

A rule offers co-browsing to a shopper who removed the TV from the cart; the shopper
accepts the offer card; Alice opens the chat it made, reads that the visitor agreed, clicks
**Start co-browsing** and sees the shopper's cart page at once. The widget never asks a
second time: no question is shown and no ``cobrowse.consent`` leaves the page, yet the
banner says the agent is viewing the page. The rule is switched off and the chat closed
after the test (the ``team`` fixture of test_offers).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import StorageState, expect

from tests.browser import test_offers
from tests.browser.conftest import ContextFactory
from tests.browser.test_cobrowse import replay
from tests.browser.test_offers import Shopper, Team, unique_key
from tests.browser.test_webchat import Agent
from tests.support.server import ServerProcess

pytestmark = pytest.mark.browser

staff = test_offers.staff  # the demo admin and Alice, signed in once per server
team = test_offers.team  # Alice online; rules switched off, chats closed after each test


def test_an_accepted_cobrowse_offer_lets_the_agent_start_without_a_second_prompt(
    new_context: ContextFactory, server: ServerProcess, team: Team, alice_state: StorageState
) -> None:
    team.make_rule(unique_key("tv-cobrowse"), action="cobrowse", amount=1000)
    shopper = Shopper.on_tv_page(new_context("visitor"), server)
    shopper.removes_the_tv()

    expect(shopper.offer).to_be_visible()
    offer = shopper.received("offer")["offer"]
    assert offer["kind"] == "cobrowse"
    shopper.page.get_by_test_id("hovor-offer-accept").click()
    updated = shopper.received("offer.updated", offer_id=offer["id"], status="accepted")
    conversation_id = updated["conversation_id"]
    assert conversation_id, updated
    team.conversations.append(conversation_id)

    agent = Agent.open(new_context("agent", storage_state=alice_state), server)
    agent.go_online()
    agent.show()
    agent.open_conversation(conversation_id)
    expect(agent.page.get_by_test_id("cobrowse-consented")).to_have_text(
        "The visitor agreed to co-browse when accepting the offer"
    )
    start = agent.page.get_by_test_id("cobrowse-start")
    expect(start).to_have_text("Start co-browsing")
    start.click()

    # The view appears at once: no waiting for the visitor, who is not asked again.
    expect(agent.page.get_by_test_id("cobrowse-live")).to_be_visible()
    expect(agent.page.get_by_test_id("cobrowse-waiting")).to_have_count(0)
    page = replay(agent.page)
    expect(page.get_by_test_id("cart-link")).to_be_visible()
    banner = shopper.page.get_by_test_id("cobrowse-banner")
    expect(banner).to_contain_text("viewing this page")
    expect(banner).to_contain_text("Alice")
    expect(shopper.page.get_by_test_id("cobrowse-ask")).to_have_count(0)
    sent = shopper.page.evaluate("() => (window.__hovorTestFrames || []).filter(f => f.sent)")
    assert not any(f["frame"].get("type") == "cobrowse.consent" for f in sent)

    # The page keeps flowing: the shopper's next step reaches the agent's replay.
    shopper.page.get_by_test_id("cart-link").click()
    expect(banner).to_be_visible()

    agent.page.get_by_test_id("cobrowse-stop").click()
    expect(banner).to_have_count(0)
    expect(agent.page.get_by_test_id("cobrowse-row")).to_contain_text("Co-browsing ended by")
