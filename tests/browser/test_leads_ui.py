"""Leads in the desktop, end to end in Chromium, on both server backends.

A visitor comes to the demo shop from a Google Ads campaign, puts a fridge in the cart and
leaves their details in the shop's form (``POST /v1/widget/leads``). Alice sees where the
visit came from in Live visitors, finds the lead in Leads by its campaign, with its source,
campaign and cart, takes it and marks it contacted, then won (it leaves the open leads), and
exports the list as CSV.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, StorageState, expect

from tests.browser.conftest import ContextFactory
from tests.support.server import ServerProcess

pytestmark = pytest.mark.browser

EVENTS_KEY = "hovor:pk_demo_shop:events"  # the tracker's unacknowledged events


def visitor_from_a_campaign(page: Page, server: ServerProcess, campaign: str) -> str:
    url = (
        f"{server.base_url}/demo/shop/fridge-frostline.html"
        f"?utm_source=google&utm_medium=cpc&utm_campaign={campaign}"
    )
    with page.expect_response("**/v1/widget/session") as session:
        page.goto(url, referer="https://www.google.com/")
    visitor_id = str(session.value.json()["visitor_id"])
    page.get_by_test_id("add-to-cart").click()
    # Stored: the tracker drops an event from its buffer once the server acknowledged it,
    # and the server acknowledges a batch once it is stored.
    page.wait_for_function(f"() => (localStorage.getItem('{EVENTS_KEY}') || '[]') === '[]'")
    return visitor_id


def leaves_details(page: Page, email: str) -> None:
    status = page.evaluate(
        """async (email) => {
            const r = await fetch('/v1/widget/leads', {
                method: 'POST',
                headers: {'content-type': 'application/json',
                          authorization: 'Bearer ' + window.__hovor.session.token},
                body: JSON.stringify({source: 'offer_form', name: 'Jana Nováková', email,
                                      phone: '+420 777 123 456'}),
            });
            return r.status;
        }""",
        email,
    )
    assert status == 201


def test_a_campaign_visitor_becomes_a_lead_that_an_agent_works_and_exports(
    server: ServerProcess,
    new_context: ContextFactory,
    alice_state: StorageState,
    tmp_path: Path,
) -> None:
    tag = uuid.uuid4().hex[:8]
    campaign, email = f"zima-{tag}", f"jana.{tag}@example.cz"
    visitor = new_context("visitor").new_page()
    visitor_id = visitor_from_a_campaign(visitor, server, campaign)

    agent = new_context("agent", storage_state=alice_state).new_page()
    agent.goto(server.base_url + "/app/#/visitors")
    row = agent.locator(f'[data-testid="visitor-row"][data-visitor-id="{visitor_id}"]')
    expect(row.get_by_test_id("visitor-source")).to_contain_text("from google · cpc")
    expect(row.get_by_test_id("visitor-campaign")).to_have_text(campaign)

    leaves_details(visitor, email)

    agent.get_by_test_id("nav-leads").click()
    expect(agent.get_by_role("heading", name="Leads")).to_be_visible()
    agent.get_by_test_id("leads-campaign").select_option(campaign)
    lead = agent.get_by_test_id("lead-row")
    expect(lead).to_have_count(1)
    expect(lead.get_by_test_id("lead-name")).to_have_text("Jana Nováková")
    expect(lead).to_contain_text(email)
    expect(lead).to_contain_text("+420777123456")
    expect(lead.get_by_test_id("lead-from")).to_contain_text("google · cpc")
    expect(lead.get_by_test_id("lead-campaign")).to_have_text(campaign)
    expect(lead.get_by_test_id("lead-cart")).to_contain_text("1,249")
    agent.screenshot(path=str(tmp_path / "leads.png"))

    lead.get_by_test_id("lead-owner").select_option(label="Alice Agent (me)")
    expect(lead.get_by_test_id("lead-owner")).not_to_have_value("")
    lead.get_by_test_id("lead-status").select_option("contacted")
    expect(lead).to_have_attribute("data-status", "contacted")
    agent.get_by_test_id("leads-owner-me").click()
    expect(agent.get_by_test_id("lead-row")).to_have_count(1)

    # The export takes the same filters (the desktop's session cookie signs it in).
    href = agent.get_by_test_id("leads-export").get_attribute("href")
    assert href and f"campaign={campaign}" in href and "owner=me" in href
    csv = agent.request.get(server.base_url + href)
    assert csv.ok and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text().splitlines()
    assert lines[0].startswith("id,created_at,status,source,name,email,phone")
    assert len(lines) == 2 and email in lines[1] and campaign in lines[1]

    # Won: no longer among the open leads.
    agent.get_by_test_id("lead-row").get_by_test_id("lead-status").select_option("won")
    expect(agent.get_by_test_id("lead-row")).to_have_count(0)
    agent.get_by_test_id("leads-status").select_option("won")
    expect(agent.get_by_test_id("lead-row")).to_have_count(1)


def test_an_admin_points_leads_at_the_crm(
    server: ServerProcess, new_context: ContextFactory, tmp_path: Path
) -> None:
    from tests.browser.conftest import log_in
    from tests.support.server import ADMIN, DEMO_PASSWORD

    admin = new_context("admin").new_page()
    log_in(admin, server.base_url, ADMIN, DEMO_PASSWORD)
    admin.get_by_test_id("nav-leads").click()
    card = admin.get_by_test_id("lead-webhook")
    card.get_by_test_id("lead-webhook-url").fill("ftp://crm.example.com/in")
    card.get_by_test_id("lead-webhook-save").click()
    expect(card.get_by_test_id("lead-webhook-error")).to_contain_text("http:// or https://")
    card.get_by_test_id("lead-webhook-url").fill("http://127.0.0.1:9/crm")
    card.get_by_test_id("lead-webhook-save").click()
    expect(card.get_by_test_id("lead-webhook-secret")).to_have_text(re.compile(r"^whsec_\S{20,}$"))
    first = card.get_by_test_id("lead-webhook-secret").text_content()
    card.get_by_test_id("lead-webhook-rotate").click()
    expect(card.get_by_test_id("lead-webhook-secret")).not_to_have_text(first or "")
    admin.screenshot(path=str(tmp_path / "webhook.png"))
    # Off again: the other tests' leads go nowhere.
    card.get_by_test_id("lead-webhook-enabled").uncheck()
    card.get_by_test_id("lead-webhook-save").click()
    expect(card.get_by_test_id("lead-webhook-enabled")).not_to_be_checked()
