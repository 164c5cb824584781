"""Tickets in the desktop, end to end in Chromium, on both server backends.

A visitor chats on the demo shop; Alice opens the conversation and makes a ticket from it
(subject prefilled from the visitor's first message), finds it in the ticket list, sets it
pending with a due date, adds an internal note and solves it; the history shows each change.
A change the server refuses (409: someone closed the ticket meanwhile) is shown as an error.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, StorageState, expect

from tests.browser.conftest import TIMEOUT_MS, ContextFactory
from tests.support.server import ADMIN, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser

LANDING_PAGE = "/demo/shop/tv-vistaview.html"


def visitor_asks(page: Page, server: ServerProcess, question: str) -> None:
    with page.expect_response("**/v1/widget/session"):
        page.goto(server.base_url + LANDING_PAGE)
    page.get_by_test_id("hovor-launcher").click()
    page.get_by_test_id("hovor-input").fill(question)
    page.get_by_test_id("hovor-send").click()
    expect(page.get_by_test_id("hovor-message").filter(has_text=question)).to_have_attribute(
        "data-status", "sent"
    )


def admin_client(server: ServerProcess) -> tuple[httpx.Client, dict[str, str]]:
    http = httpx.Client(base_url=server.base_url, timeout=TIMEOUT_MS / 1000)
    r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
    r.raise_for_status()
    return http, {"X-CSRF-Token": r.json()["csrf_token"]}


def test_agent_makes_a_ticket_from_a_chat_and_works_it_to_solved(
    server: ServerProcess,
    new_context: ContextFactory,
    alice_state: StorageState,
    tmp_path: Path,
) -> None:
    tag = uuid.uuid4().hex[:8]
    question = f"My TV arrived broken {tag}"
    visitor_asks(new_context("visitor").new_page(), server, question)

    agent = new_context("agent", storage_state=alice_state).new_page()
    agent.goto(server.base_url + "/app/")
    agent.get_by_test_id("inbox-tab-all").click()
    item = agent.get_by_test_id("conversation-item").filter(has_text=question)
    expect(item).to_have_count(1)
    item.click()
    expect(agent.get_by_test_id("reply-input")).to_be_visible()
    expect(agent.locator('[data-author="visitor"]').filter(has_text=question)).to_be_visible()

    # Create: the subject comes from the first visitor message.
    agent.get_by_test_id("ticket-create").click()
    expect(agent.get_by_test_id("ticket-create-subject")).to_have_value(question)
    agent.get_by_test_id("ticket-create-priority").select_option("high")
    agent.screenshot(path=str(tmp_path / "create.png"))
    agent.get_by_test_id("ticket-create-submit").click()
    link = agent.get_by_test_id("ticket-link")
    expect(link).to_have_text(re.compile(r"^Ticket #\d+$"))
    ticket_id = link.get_attribute("data-ticket-id")
    assert ticket_id
    expect(agent.get_by_test_id("ticket-create")).to_have_count(0)

    # The list finds it (default filter: unsolved, anyone), by subject.
    agent.get_by_test_id("nav-tickets").click()
    agent.get_by_test_id("tickets-search").fill(tag)
    row = agent.locator(f'[data-testid="ticket-row"][data-ticket-id="{ticket_id}"]')
    expect(agent.get_by_test_id("ticket-row")).to_have_count(1)
    expect(row).to_contain_text(question)
    expect(row).to_contain_text("high")
    expect(row).to_contain_text("new")
    agent.screenshot(path=str(tmp_path / "list.png"))
    row.click()

    status = agent.get_by_test_id("ticket-status")
    expect(agent.get_by_test_id("ticket-subject")).to_contain_text(question)
    expect(status).to_have_value("new")
    expect(status.locator('option[value="new"]')).to_be_enabled()

    # Pending, with a due date.
    status.select_option("pending")
    expect(status).to_have_value("pending")
    expect(status.locator('option[value="new"]')).to_be_disabled()
    agent.get_by_test_id("ticket-due").fill("2026-12-01T12:00")
    agent.get_by_test_id("ticket-due-save").click()
    expect(agent.get_by_test_id("ticket-due-clear")).to_be_visible()

    # An internal note.
    agent.get_by_test_id("ticket-note-input").fill(f"Asked the courier for photos {tag}")
    agent.get_by_test_id("ticket-note-add").click()
    expect(agent.get_by_test_id("ticket-note")).to_have_count(1)
    expect(agent.get_by_test_id("ticket-note")).to_contain_text(
        f"Asked the courier for photos {tag}"
    )
    expect(agent.get_by_test_id("ticket-note-input")).to_have_value("")

    # Solved: only reopening or closing remain.
    status.select_option("solved")
    expect(status).to_have_value("solved")
    expect(status.locator('option[value="pending"]')).to_be_disabled()
    expect(status.locator('option[value="open"]')).to_be_enabled()

    history = agent.get_by_test_id("ticket-history")
    expect(history.and_(agent.locator('[data-field="created"]'))).to_have_count(1)
    statuses = history.and_(agent.locator('[data-field="status"]'))
    expect(statuses).to_have_count(2)
    expect(statuses.nth(0)).to_contain_text("new")
    expect(statuses.nth(0)).to_contain_text("pending")
    expect(statuses.nth(0)).to_contain_text("Alice")
    expect(statuses.nth(1)).to_contain_text("solved")
    due = history.and_(agent.locator('[data-field="due_at"]'))
    expect(due).to_have_count(1)
    expect(due).to_contain_text("2026")
    agent.screenshot(path=str(tmp_path / "ticket.png"))
    print(f"screenshots: {tmp_path}")

    # Someone closes it meanwhile; Alice's reopening is refused and shown.
    http, csrf = admin_client(server)
    r = http.patch(f"/v1/tickets/{ticket_id}", json={"status": "closed"}, headers=csrf)
    assert r.status_code == 200, r.text
    status.select_option("open")
    expect(agent.get_by_test_id("form-error")).to_be_visible()
    expect(status).to_have_value("closed")
    expect(status).to_be_disabled()

    # The linked conversation opens in the inbox.
    agent.get_by_test_id("ticket-conversation").click()
    expect(agent.get_by_test_id("reply-input")).to_be_visible()
    expect(agent.get_by_test_id("ticket-link")).to_have_attribute("data-ticket-id", ticket_id)

    # The list: no longer unsolved; found under "all".
    agent.get_by_test_id("nav-tickets").click()
    expect(agent.get_by_test_id("ticket-row")).to_have_count(0)
    agent.get_by_test_id("tickets-status").select_option("all")
    expect(row).to_contain_text("closed")
