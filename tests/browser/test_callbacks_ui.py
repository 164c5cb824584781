"""A callback in the agent desktop, end to end in Chromium, on both server backends.

The visitor asks for a callback through an offer on the demo shop (the same rule and
shopper as tests/browser/test_offers.py); Alice sees its due time count down in her
conversation list and in the conversation's header, red once it is overdue (the page's
clock is Playwright's, moved forward rather than waited for), and closing it asks how the
call went; closing without an outcome cancels the callback, and a note says so.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, StorageState, expect

from tests.browser.conftest import ContextFactory
from tests.browser.test_offers import Shopper, Team, staff, team, unique_key
from tests.support.server import ServerProcess

pytestmark = pytest.mark.browser
__all__ = ["staff", "team"]  # the fixtures, shared with the offer tests

PHONE = "+420 602 555 123"
PHONE_E164 = "+420602555123"
DUE_IN = re.compile(r"^due in [0-5]:[0-5]\d$")  # a fresh callback is due within 5 minutes


def _callback_requested(new_context: ContextFactory, server: ServerProcess, team: Team) -> str:
    """A visitor removes the TV, is offered a callback and asks for one; its conversation."""
    team.make_rule(unique_key("tv-callback-due"), action="callback", amount=1000)
    shopper = Shopper.on_tv_page(new_context("visitor"), server)
    shopper.removes_the_tv()
    expect(shopper.phone).to_be_visible()
    offer = shopper.received("offer")["offer"]
    shopper.phone.fill(PHONE)
    shopper.page.get_by_test_id("hovor-offer-accept").click()
    updated = shopper.received("offer.updated", offer_id=offer["id"], status="accepted")
    conversation_id = str(updated["conversation_id"])
    team.conversations.append(conversation_id)
    return conversation_id


def _desk(new_context: ContextFactory, server: ServerProcess, state: StorageState) -> Page:
    """Alice's desktop on the "All" view, with a clock the test can move."""
    page = new_context("agent", storage_state=state).new_page()
    page.clock.install()  # time flows as usual until the test moves it
    page.goto(f"{server.base_url}/app/")
    page.get_by_test_id("inbox-tab-all").click()
    expect(page.get_by_test_id("inbox-tab-all")).to_have_attribute("aria-selected", "true")
    return page


def test_a_callback_counts_down_in_the_list_turns_red_when_overdue_and_asks_for_an_outcome(
    new_context: ContextFactory, server: ServerProcess, team: Team, alice_state: StorageState
) -> None:
    conversation_id = _callback_requested(new_context, server, team)
    desk = _desk(new_context, server, alice_state)

    # In the list: the callback's row counts down to its due time, second by second.
    row = desk.locator(
        f'[data-testid="conversation-item"][data-conversation-id="{conversation_id}"]'
    )
    due = row.get_by_test_id("callback-due")
    expect(due).to_have_text(DUE_IN)
    expect(due).to_have_attribute("data-tone", "due")
    shown = due.inner_text()
    expect(due).not_to_have_text(shown)  # a second later it says less
    expect(due).to_have_text(DUE_IN)

    # In the conversation: the number to call and the same count-down.
    row.click()
    header = desk.locator(".conversation__header").get_by_test_id("callback-due")
    expect(header).to_contain_text(PHONE_E164)
    expect(header).to_contain_text(re.compile(r"due in [0-5]:[0-5]\d"))

    # Six minutes later nobody has called: overdue, in red, in both places.
    desk.clock.fast_forward("06:00")
    expect(due).to_have_text(re.compile(r"^overdue [0-9]+:[0-5]\d$"))
    expect(due).to_have_attribute("data-tone", "overdue")
    expect(due).to_have_class(re.compile(r"\bchip--danger\b"))
    expect(header).to_have_class(re.compile(r"\bchip--danger\b"))

    # Closing a pending callback asks how the call went first...
    desk.get_by_test_id("close-conversation").click()
    expect(desk.get_by_test_id("call-outcome-form")).to_be_visible()
    expect(desk.get_by_test_id("call-outcome-closing")).to_contain_text(
        "closing without an outcome cancels it"
    )
    expect(desk.get_by_test_id("reopen-conversation")).to_have_count(0)  # not closed yet
    # ...and closing without one cancels it, with a note that says so.
    desk.get_by_test_id("call-outcome-close-anyway").click()
    expect(desk.get_by_test_id("reopen-conversation")).to_be_visible()
    expect(header).to_have_text(f"{PHONE_E164} · Callback cancelled")
    expect(header).to_have_attribute("data-tone", "ended")
    expect(
        desk.get_by_test_id("message").filter(has_text="Closed without a call outcome")
    ).to_be_visible()
