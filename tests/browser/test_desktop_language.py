"""The desktop speaks English or Czech: the browser's language first, the agent's choice after.

Headless Chromium here is English (``navigator.language`` is en-US), so the desktop opens in
English, as every other browser test expects; the agent switches to Czech in the top bar and
the navigation and the inbox read Czech, and stay Czech after a reload (localStorage). A
browser whose language is Czech opens the desktop in Czech without being asked.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import StorageState, expect

from tests.browser.conftest import ContextFactory
from tests.support.server import ServerProcess

pytestmark = pytest.mark.browser


def test_an_agent_switches_the_desktop_to_czech(
    server: ServerProcess, new_context: ContextFactory, alice_state: StorageState
) -> None:
    page = new_context("alice", storage_state=alice_state).new_page()
    page.goto(server.base_url + "/app/")
    assert page.evaluate("navigator.language") == "en-US"
    nav = page.get_by_role("navigation", name="Inbox views")
    expect(nav).to_contain_text("Conversations")
    expect(page.get_by_test_id("inbox-tab-unassigned")).to_contain_text("Unassigned")
    expect(page.get_by_test_id("logout")).to_have_text("Log out")

    page.get_by_test_id("language-select").select_option("cs")

    expect(page.get_by_role("navigation", name="Pohledy schránky")).to_contain_text("Konverzace")
    expect(page.get_by_test_id("inbox-tab-unassigned")).to_contain_text("Nepřiřazené")
    expect(page.get_by_test_id("inbox-tab-mine")).to_contain_text("Moje")
    expect(page.get_by_test_id("inbox-status-open")).to_have_text("Otevřené")
    expect(page.get_by_role("navigation", name="Zákazníci")).to_contain_text("Kontakty")
    expect(page.get_by_test_id("logout")).to_have_text("Odhlásit se")
    expect(page.locator("html")).to_have_attribute("lang", "cs")

    page.reload()
    expect(page.get_by_test_id("inbox-tab-unassigned")).to_contain_text("Nepřiřazené")
    page.get_by_test_id("language-select").select_option("en")
    expect(page.get_by_test_id("inbox-tab-unassigned")).to_contain_text("Unassigned")


def test_a_czech_browser_opens_the_desktop_in_czech(
    server: ServerProcess, new_context: ContextFactory, alice_state: StorageState
) -> None:
    page = new_context("alice", storage_state=alice_state, locale="cs-CZ").new_page()
    page.goto(server.base_url + "/app/")
    expect(page.get_by_test_id("inbox-tab-unassigned")).to_contain_text("Nepřiřazené")
    expect(page.get_by_test_id("language-select")).to_have_value("cs")
