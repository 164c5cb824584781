"""Engagement rules in the desktop, end to end in Chromium, on both server backends.

The demo admin makes a rule from the "high_value_removed" template, breaks its condition
and sees the server's error under the field, fixes it and saves version 2 with a note
(shown in the history with a diff), disables it from the list, and back-tests it against
tracker events a visitor sent through the beacon endpoint. An agent may look at rules but
is offered no way to change them. The database lives for the whole module, so every test
makes its own rule keys.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import ContextFactory, log_in
from tests.support.server import ADMIN, ALICE, DEMO_PASSWORD, DEMO_SITE_KEY, ServerProcess

pytestmark = pytest.mark.browser


def unique_key(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}"


def tracker_event(type_: str, **props: object) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "ts": datetime.now(UTC).isoformat(),
        "type": type_,
        "props": props,
    }


def visitor_removes_from_cart(server: ServerProcess, price: float) -> str:
    """A visitor (a real visitor token) who adds and then removes an item worth ``price``,
    sent the way the tracker's beacon does. Returns the visitor's id."""
    with httpx.Client(base_url=server.base_url) as http:
        session = http.post(
            "/v1/widget/session",
            json={"site_key": DEMO_SITE_KEY, "token": None},
            headers={"origin": server.origin},
        )
        session.raise_for_status()
        events = [
            tracker_event("page.view", path="/demo/shop/"),
            tracker_event("cart.add", id="tv", name="Television", price=price, quantity=1),
            tracker_event("cart.remove", id="tv", name="Television", price=price, quantity=1),
        ]
        stored = http.post(
            "/v1/track",
            params={"site": DEMO_SITE_KEY, "token": session.json()["token"]},
            content=json.dumps({"events": events}),
            headers={"content-type": "text/plain", "origin": server.origin},
        )
        assert stored.status_code == 202, stored.text
        assert len(stored.json()["accepted"]) == len(events)
        return str(session.json()["visitor_id"])


def field_error(page: Page, path: str) -> Locator:
    return page.locator(f'[data-testid="rule-field-error"][data-field="{path}"]')


def open_rules(page: Page, server: ServerProcess, email: str = ADMIN) -> None:
    log_in(page, server.base_url, email, DEMO_PASSWORD)
    page.get_by_test_id("nav-rules").click()
    expect(page.get_by_role("heading", name="Rules", exact=True)).to_be_visible()


def test_admin_creates_edits_disables_and_backtests_a_rule(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    visitor_id = visitor_removes_from_cart(server, price=80)
    page = new_context("admin").new_page()
    open_rules(page, server)

    # New, from a template: the form is built from the template's parameter schema; the key
    # is made from the name, and may be set under Advanced.
    key = unique_key("hv")
    page.get_by_test_id("rule-new").click()
    page.get_by_test_id("template-select").select_option("high_value_removed")
    expect(page.get_by_test_id("param-amount")).to_have_value("1000")
    expect(page.get_by_test_id("param-action")).to_have_value("chat")
    expect(page.get_by_test_id("param-key")).to_have_value("high-value-items-removed")
    page.get_by_test_id("param-amount").fill("-5")
    page.get_by_test_id("template-build").click()
    expect(field_error(page, "params.amount")).to_contain_text("greater than 0")
    page.get_by_test_id("rule-advanced").click()
    page.get_by_test_id("param-key").fill(key)
    page.get_by_test_id("param-amount").fill("50")
    page.get_by_test_id("template-build").click()
    expect(page.get_by_test_id("backtest-result")).to_contain_text("Would have fired")
    page.get_by_text("The rule as data").click()
    preview = page.get_by_test_id("rule-preview")
    expect(preview).to_contain_text("On cart.remove")
    expect(preview).to_contain_text("facts.removed_value >= 50.0")
    expect(preview).to_contain_text(f'"key": "{key}"')
    page.get_by_test_id("rule-save").click()

    # Saved: the rule's own page opens; the list has it.
    expect(page.get_by_test_id("rule-condition")).to_have_value("facts.removed_value >= 50.0")
    page.get_by_test_id("rules-back").click()
    row = page.locator(f'[data-testid="rule-row"][data-rule-key="{key}"]')
    expect(row).to_contain_text("High-value items removed")
    expect(row).to_contain_text("Chat")
    expect(row).to_contain_text("v1")
    expect(row.get_by_test_id("rule-enabled")).to_be_checked()

    # Edit: a broken condition is named by the server under the condition field.
    row.get_by_test_id("rule-open").click()
    condition = page.get_by_test_id("rule-condition")
    expect(condition).to_be_hidden()  # in the Advanced section, closed at first
    page.get_by_test_id("rule-advanced").click()
    condition.fill("facts.removed_value >= ")
    expect(field_error(page, "condition")).to_contain_text("syntax error at 1:")
    expect(condition).to_have_attribute("aria-invalid", "true")
    # Broken JSON is caught before the server sees it.
    structure = page.get_by_test_id("rule-json")
    original = structure.input_value()
    structure.fill(original + ",")
    expect(field_error(page, "json")).to_contain_text("Not valid JSON")
    structure.fill(original)
    expect(field_error(page, "json")).to_have_count(0)

    condition.fill("facts.removed_value >= 40.0")
    expect(field_error(page, "condition")).to_have_count(0)
    expect(page.get_by_test_id("rule-check-status")).to_have_text("Valid")
    page.get_by_test_id("rule-action-type").select_option("callback")
    page.get_by_test_id("rule-note").fill("lower threshold, callback instead")
    page.get_by_test_id("rule-save").click()
    expect(page.get_by_test_id("rule-saved")).to_contain_text("version 2")

    version = page.locator('[data-testid="rule-version"][data-version="2"]')
    expect(version).to_contain_text("lower threshold, callback instead")
    expect(version).to_contain_text("Ada Admin")
    diff = version.locator('[data-testid="rule-diff"][data-path="condition"]')
    expect(diff).to_contain_text("facts.removed_value >= 50.0")
    expect(diff).to_contain_text("facts.removed_value >= 40.0")
    expect(version.locator('[data-testid="rule-diff"][data-path="action.type"]')).to_contain_text(
        "callback"
    )
    expect(page.get_by_test_id("rule-version")).to_have_count(2)

    # Back-test the form: the visitor's removal of 80 ≥ 40 fires once.
    page.get_by_test_id("backtest-days").fill("3")
    page.get_by_test_id("backtest-run").click()
    result = page.get_by_test_id("backtest-result")
    expect(result).to_contain_text("Would have fired")
    assert int(result.get_attribute("data-fired") or "0") >= 1
    firing = page.get_by_test_id("backtest-firing").filter(has_text=visitor_id[-8:])
    expect(firing).to_contain_text("Changed your mind about Television?")
    expect(page.get_by_test_id("backtest-chart")).to_be_visible()

    # Disable from the list: a new version noted "disabled", kept after a reload.
    page.get_by_test_id("rules-back").click()
    toggle = row.get_by_test_id("rule-enabled")
    toggle.uncheck()
    expect(toggle).not_to_be_checked()
    expect(row).to_contain_text("v3")
    page.reload()
    expect(row.get_by_test_id("rule-enabled")).not_to_be_checked()
    row.get_by_test_id("rule-open").click()
    expect(page.locator('[data-testid="rule-version"][data-version="3"]')).to_contain_text(
        "disabled"
    )


def test_a_manager_goes_from_template_to_saved_rule_without_the_docs(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    """No key to invent, minutes rather than seconds, a sentence that says what the rule
    does, a control group by default, and last week's firings before saving."""
    visitor_id = visitor_removes_from_cart(server, price=180)
    page = new_context("admin").new_page()
    open_rules(page, server)
    page.get_by_test_id("rule-new").click()
    page.get_by_test_id("template-select").select_option(label="High-value items removed")

    expect(page.get_by_test_id("param-key")).to_be_hidden()  # under Advanced, closed
    expect(page.get_by_test_id("param-seconds")).to_have_value("10")  # the template's 600 s
    expect(page.get_by_test_id("param-control")).to_have_value("10")
    expect(page.get_by_text("so you can measure what the rule adds").first).to_be_visible()
    suffix = uuid.uuid4().hex[:6]
    name = f"Big removals {suffix}"
    page.get_by_test_id("param-name").fill(name)
    page.get_by_test_id("param-amount").fill("150")
    page.get_by_test_id("param-seconds").fill("15")
    page.get_by_test_id("param-action").select_option("callback")
    sentence = page.get_by_test_id("rule-sentence")
    expect(sentence).to_contain_text(
        "When a visitor removes items worth at least 150 within 15 minutes, offer a callback "
        "(sales queue), at most once per visit and 3 times a day per visitor"
    )
    expect(sentence).to_contain_text("10 % of these visitors get no offer")

    # Preview before saving: last week replayed through the rule as it is in the form.
    save = page.get_by_test_id("rule-save")
    expect(save).to_be_disabled()
    page.get_by_test_id("template-build").click()
    result = page.get_by_test_id("backtest-result")
    expect(result).to_contain_text("Would have fired")
    assert int(result.get_attribute("data-fired") or "0") >= 1
    expect(page.get_by_test_id("backtest-firing").filter(has_text=visitor_id[-8:])).to_be_visible()
    page.get_by_test_id("param-amount").fill("200")  # a change makes the preview stale
    expect(sentence).to_contain_text("at least 200 within 15 minutes")
    expect(save).to_be_disabled()
    page.get_by_test_id("param-amount").fill("150")
    expect(save).to_be_enabled()  # the same rule as previewed
    save.click()

    expect(page.get_by_test_id("rule-name")).to_have_value(name)
    # The saved rule's editor reads the same way, and follows an edit.
    expect(sentence).to_contain_text(f"When “{name}” happens")
    expect(sentence).to_contain_text("offer a callback (sales queue), at most once per visit")
    page.get_by_test_id("rule-action-type").select_option("chat")
    expect(sentence).to_contain_text("offer a chat (sales queue)")
    page.get_by_test_id("rule-action-type").select_option("callback")
    key = f"big-removals-{suffix}"
    with httpx.Client(base_url=server.base_url) as http:
        login = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        login.raise_for_status()
        data = http.get(f"/v1/rules/{key}").raise_for_status().json()["data"]
    assert data["facts"][0]["window"]["seconds"] == 900  # 15 minutes
    assert data["guards"]["control_share"] == 0.1
    assert data["action"]["type"] == "callback"
    page.get_by_test_id("rules-back").click()
    row = page.locator(f'[data-testid="rule-row"][data-rule-key="{key}"]')
    expect(row).to_contain_text(name)
    expect(row).to_contain_text("Callback")

    # The same name again: the key it makes is taken, and the server says so on the key.
    page.get_by_test_id("rule-new").click()
    page.get_by_test_id("template-select").select_option(label="High-value items removed")
    page.get_by_test_id("param-name").fill(name)
    page.get_by_test_id("template-build").click()
    expect(result).to_be_visible()
    save.click()
    expect(field_error(page, "params.key")).to_contain_text("exists already")
    page.get_by_test_id("param-key").fill(f"{key}-2")
    expect(field_error(page, "params.key")).to_have_count(0)
    page.get_by_test_id("template-build").click()
    expect(save).to_be_enabled()
    save.click()
    expect(page.get_by_test_id("rule-name")).to_have_value(name)
    # The server is shared by the browser tests: the two rules must not offer to their visitors.
    with httpx.Client(base_url=server.base_url) as http:
        login = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        csrf = {"X-CSRF-Token": login.raise_for_status().json()["csrf_token"]}
        for saved in (key, f"{key}-2"):
            off = http.put(f"/v1/rules/{saved}/enabled", json={"enabled": False}, headers=csrf)
            assert off.status_code == 200, off.text


def test_an_agent_may_look_at_rules_but_not_change_them(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    key = unique_key("terms")
    with httpx.Client(base_url=server.base_url) as http:
        login = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
        built = http.post(
            "/v1/rule-templates/terms_revisited/build", json={"params": {"key": key}}, headers=csrf
        )
        created = http.post("/v1/rules", json={"data": built.json()["data"]}, headers=csrf)
        assert created.status_code == 201, created.text

    page = new_context("agent").new_page()
    log_in(page, server.base_url, ALICE, DEMO_PASSWORD)
    expect(page.get_by_test_id("presence-select")).to_be_visible()
    expect(page.get_by_test_id("nav-visitors")).to_be_visible()
    expect(page.get_by_test_id("nav-rules")).to_have_count(0)
    page.goto(server.base_url + "/app/#/rules")
    row = page.locator(f'[data-testid="rule-row"][data-rule-key="{key}"]')
    expect(row.get_by_test_id("rule-enabled")).to_be_disabled()
    expect(page.get_by_test_id("rule-new")).to_have_count(0)
    row.get_by_test_id("rule-open").click()
    expect(page.get_by_test_id("rule-name")).to_be_disabled()
    expect(page.get_by_test_id("rule-save")).to_have_count(0)
