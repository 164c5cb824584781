"""Canned responses in the desktop, end to end in Chromium, on both server backends.

An admin adds one under Admin → Canned responses (the server's field error shown for an
unknown variable first); an agent types "/" and part of its name in the reply box, picks it
with the keyboard and gets its text for this conversation: the customer's first name filled
in, the order number (the customer has none) left empty with a visible warning, and the
reply sent holds no raw {{…}}.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import StorageState, expect

from tests.browser.conftest import ContextFactory
from tests.browser.test_admin import open_admin
from tests.browser.test_deliveries import mail_comes_in
from tests.support.server import ServerProcess

pytestmark = pytest.mark.browser


def test_an_admin_adds_a_canned_response_and_an_agent_inserts_it_with_a_slash(
    server: ServerProcess, new_context: ContextFactory, alice_state: StorageState
) -> None:
    tag = uuid.uuid4().hex[:10]
    shortcut = f"zasilka{tag[:6]}"
    admin = new_context("admin").new_page()
    open_admin(admin, server, "canned")
    admin.get_by_test_id("canned-title").fill(f"Zásilka na cestě {tag}")
    admin.get_by_test_id("canned-shortcut").fill(shortcut)
    admin.get_by_test_id("canned-body").fill("Dobrý den {{contact.nickname}}")
    admin.get_by_test_id("canned-save").click()
    error = admin.locator('[data-testid="field-error"][data-field="body"]')
    expect(error).to_contain_text("unknown variable {{contact.nickname}}")
    body = "Dobrý den {{contact.first_name}}, objednávka {{order.number}} je na cestě. {{agent.first_name}}"
    admin.get_by_test_id("canned-body").fill(body)
    admin.get_by_test_id("canned-save").click()
    row = admin.get_by_test_id("canned-row").filter(has_text=shortcut)
    expect(row).to_contain_text(f"Zásilka na cestě {tag}")

    mail_comes_in(server, tag)  # from "Buyer <tag>": a first name, no orders
    agent = new_context("agent", storage_state=alice_state).new_page()
    agent.goto(server.base_url + "/app/")
    agent.get_by_test_id("inbox-tab-all").click()
    agent.get_by_test_id("conversation-item").filter(has_text=tag).click()
    expect(agent.locator('[data-author="visitor"]').filter(has_text=tag)).to_be_visible()

    box = agent.get_by_test_id("reply-input")
    box.press_sequentially(f"/zasilka{tag[:3]}")
    option = agent.get_by_test_id("canned-option").filter(has_text=shortcut)
    expect(option).to_have_count(1)
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(box).to_have_value("Dobrý den Buyer, objednávka  je na cestě. Alice")
    warning = agent.get_by_test_id("canned-warning")
    expect(warning).to_contain_text("{{order.number}}")
    expect(agent.get_by_test_id("canned-picker")).to_have_count(0)

    box.press("Enter")  # the picker is closed: Enter sends
    sent = agent.locator('[data-author="agent"]').filter(has_text="Dobrý den Buyer")
    expect(sent).to_have_count(1)
    expect(sent).not_to_contain_text("{{")
    expect(warning).to_have_count(0)

    # Escape closes the picker and leaves the typed text alone.
    box.press_sequentially("/zasil")
    expect(agent.get_by_test_id("canned-picker")).to_be_visible()
    box.press("Escape")
    expect(agent.get_by_test_id("canned-picker")).to_have_count(0)
    expect(box).to_have_value("/zasil")
