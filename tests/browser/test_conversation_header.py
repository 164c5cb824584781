"""The conversation header at 1400 px: every action on one line (issue 20, item 12).

It used to wrap onto three lines (outcome, transfer, ticket, assignment, close...), most
of all for a callback, which has the most actions. The less frequent assignment actions
now sit behind "More", which is reached and left with the keyboard alone.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, StorageState, ViewportSize, expect

from tests.browser.conftest import ContextFactory
from tests.browser.test_callbacks_ui import _callback_requested, _desk
from tests.browser.test_offers import Team, staff, team
from tests.browser.test_webchat import Agent, Visitor, alice, unique, visitor
from tests.support.server import ServerProcess

pytestmark = pytest.mark.browser
__all__ = ["alice", "staff", "team", "visitor"]  # the fixtures, shared with those tests

WIDE: ViewportSize = {"width": 1400, "height": 900}
SAME_LINE_PX = 4


def assert_actions_on_one_line(page: Page, expected: tuple[str, ...]) -> list[str]:
    """Every visible action of the header shares one top, inside the header; their test ids.

    Waits until each of ``expected`` is visible (the header renders in steps as its queries
    load), then reads every control's box in one pass so a re-render cannot shift the list.
    """
    header = page.locator(".conversation__header")
    actions = page.get_by_test_id("conversation-actions")
    expect(actions).to_be_visible()
    for name in expected:
        expect(actions.get_by_test_id(name)).to_be_visible()
    controls = actions.locator(
        ":scope > button, :scope > a, :scope > div > button, :scope > div > a"
    )
    found: list[dict[str, object]] = controls.evaluate_all(
        """els => els.map(el => {
            const r = el.getBoundingClientRect();
            return {name: el.dataset.testid || el.innerText, x: r.x, y: r.y,
                    width: r.width, height: r.height};
        }).filter(b => b.width > 0 && b.height > 0)"""
    )
    boxes = [(str(b["name"]), b) for b in found]
    assert len(boxes) >= 4, boxes
    tops = [float(str(box["y"])) for _, box in boxes]
    assert max(tops) - min(tops) <= SAME_LINE_PX, boxes
    outer = header.bounding_box()
    assert outer is not None
    right = outer["x"] + outer["width"]
    assert all(
        float(str(box["x"])) + float(str(box["width"])) <= right + 0.5 for _, box in boxes
    ), (outer, boxes)
    names = [name for name, _ in boxes]
    assert set(expected) <= set(names), names
    return names


def test_a_web_chat_header_fits_one_line_and_more_works_from_the_keyboard(
    alice: Agent, visitor: Visitor
) -> None:
    alice.page.set_viewport_size(WIDE)
    text = unique("Is the kettle's lid removable?")
    alice.start_chat_with(visitor, text)
    page = alice.page

    assert_actions_on_one_line(page, ("transfer-open", "conversation-more", "close-conversation"))

    # "More" holds the assignment to someone else: Enter opens it, Tab reaches the select,
    # Escape closes it and gives the focus back.
    more = page.get_by_test_id("conversation-more")
    more.focus()
    page.keyboard.press("Enter")
    expect(more).to_have_attribute("aria-expanded", "true")
    select = page.get_by_test_id("assign-select")
    expect(select).to_be_visible()
    page.keyboard.press("Tab")
    expect(select).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("conversation-more-panel")).to_have_count(0)
    expect(more).to_be_focused()

    # Assigning and unassigning from it work, and close it. Alice steps away before she
    # unassigns, or routing would hand the unassigned chat straight back to her.
    assignee = page.get_by_test_id("conversation-assignee")
    more.click()
    page.get_by_test_id("assign-select").select_option(label="Alice Agent (you)")
    expect(assignee).to_have_text("Assigned to you")
    expect(page.get_by_test_id("conversation-more-panel")).to_have_count(0)
    alice.set_presence("away")
    more.click()
    page.get_by_test_id("unassign").click()
    expect(assignee).to_have_text("Unassigned")
    expect(page.get_by_test_id("conversation-more-panel")).to_have_count(0)
    assert_actions_on_one_line(page, ("assign-me", "close-conversation"))


def test_a_callback_header_with_the_most_actions_fits_one_line(
    new_context: ContextFactory, server: ServerProcess, team: Team, alice_state: StorageState
) -> None:
    conversation_id = _callback_requested(new_context, server, team)
    desk = _desk(new_context, server, alice_state)
    desk.set_viewport_size(WIDE)
    desk.locator(
        f'[data-testid="conversation-item"][data-conversation-id="{conversation_id}"]'
    ).click()
    expect(desk.locator(".conversation__header").get_by_test_id("callback-due")).to_be_visible()

    # The most actions a header shows: an unassigned callback adds "Assign to me". Alice
    # steps away first, or routing would hand the unassigned callback straight back to her.
    team.alice.set_presence("away")
    if desk.get_by_test_id("assign-me").count() == 0:
        desk.get_by_test_id("conversation-more").click()
        desk.get_by_test_id("unassign").click()
    expect(desk.get_by_test_id("conversation-assignee")).to_have_text("Unassigned")
    names = assert_actions_on_one_line(
        desk,
        (
            "call-outcome-open",
            "transfer-open",
            "assign-me",
            "conversation-more",
            "close-conversation",
        ),
    )
    assert "ticket-create" in names or "ticket-link" in names, names

    # The outcome's form still opens from its place on the line.
    desk.get_by_test_id("call-outcome-open").click()
    expect(desk.get_by_test_id("call-outcome-form")).to_be_visible()
