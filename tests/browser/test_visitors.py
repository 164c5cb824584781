"""Live visitors in the desktop, end to end in Chromium, on both server backends.

A visitor opens the demo shop in their own browser context; the agent's Live visitors
view shows them on that page; the agent invites them to a chat and the visitor sees the
offer in the widget. Inviting someone who has left is refused with the server's reason.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ContextFactory, log_in
from tests.support.server import ADMIN, ALICE, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser

PRODUCT_PAGE = "/demo/shop/kettle-brewmate.html"
INVITE_TEXT = "Hi! Can I help you with anything?"


def visitor_arrives(new_context: ContextFactory, server: ServerProcess) -> tuple[Page, str]:
    """A new visitor on a product page; returns the page and the visitor's id."""
    page = new_context("visitor").new_page()
    with page.expect_response("**/v1/widget/session") as session:
        page.goto(server.base_url + PRODUCT_PAGE)
    return page, str(session.value.json()["visitor_id"])


def open_visitors(page: Page, server: ServerProcess, email: str) -> None:
    log_in(page, server.base_url, email, DEMO_PASSWORD)
    page.get_by_test_id("nav-visitors").click()
    expect(page.get_by_role("heading", name="Live visitors")).to_be_visible()


def test_agent_sees_a_visitor_and_invites_them_to_chat(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    visitor, visitor_id = visitor_arrives(new_context, server)
    agent = new_context("agent").new_page()
    open_visitors(agent, server, ALICE)

    row = agent.locator(f'[data-testid="visitor-row"][data-visitor-id="{visitor_id}"]')
    expect(row).to_be_visible()
    expect(row.get_by_test_id("visitor-page")).to_contain_text("BrewMate")
    expect(row).to_contain_text(PRODUCT_PAGE)
    expect(row).to_contain_text("New")
    # Agents do not get the node's counters (the server answers 403 to them).
    expect(agent.get_by_test_id("engagement-stats")).to_have_count(0)
    # This visitor is online, so the tile counts at least one (not merely "no 0 in it").
    online = agent.get_by_test_id("summary-online")
    expect(online).to_contain_text("Visitors online")
    expect(online.locator(".tile__value")).to_have_text(re.compile(r"^[1-9][0-9]*$"))

    row.get_by_test_id("visitor-invite").click()
    expect(agent.get_by_test_id("invite-text")).to_have_value(INVITE_TEXT)
    expect(agent.get_by_test_id("invite-kind")).to_have_value("chat")
    agent.get_by_test_id("invite-send").click()
    expect(agent.get_by_test_id("invite-form")).to_have_count(0)
    # The next poll shows the offer made in this visit.
    expect(row.get_by_test_id("visitor-offer").first).to_contain_text("chat")

    offer = visitor.get_by_test_id("hovor-offer")
    expect(offer).to_be_visible()
    expect(visitor.get_by_test_id("hovor-offer-text")).to_have_text(INVITE_TEXT)
    expect(visitor.get_by_test_id("hovor-offer-accept")).to_be_visible()


def test_inviting_a_visitor_who_left_shows_why_it_failed(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    visitor, visitor_id = visitor_arrives(new_context, server)
    admin = new_context("admin").new_page()
    open_visitors(admin, server, ADMIN)
    expect(admin.get_by_test_id("engagement-stats")).to_contain_text("Engagement (this node)")
    expect(admin.get_by_test_id("engagement-stats")).to_contain_text("Offered")

    row = admin.locator(f'[data-testid="visitor-row"][data-visitor-id="{visitor_id}"]')
    row.get_by_test_id("visitor-invite").click()
    visitor.close()  # the visitor leaves before the agent presses Send
    admin.get_by_test_id("invite-text").fill("Still there?")
    admin.get_by_test_id("invite-send").click()
    expect(admin.get_by_test_id("invite-error")).to_contain_text("not on the site now")
