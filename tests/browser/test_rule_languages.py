"""A manager writes an offer's text per language in the rule builder, as a manager would.

From the "High-value items removed" template: **Write per language** turns the text box
into a row per language (cs, sk, en); the rule is saved with the texts written (empty
languages left out). Opened again, the editor shows each language's row and lets the
manager choose the rule's default language, saved as version 2.
"""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, ContextFactory
from tests.browser.test_rules import open_rules, unique_key
from tests.support.server import ADMIN, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser

CZECH = "Rozmysleli jste si {{event.props.name}}? Poradíme."
ENGLISH = "Changed your mind about {{event.props.name}}? We can help."


def stored_rule(server: ServerProcess, key: str) -> dict[str, object]:
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT_MS / 1000) as http:
        r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        r.raise_for_status()
        rule = http.get(f"/v1/rules/{key}")
        rule.raise_for_status()
        return dict(rule.json()["data"])


def test_a_manager_writes_the_offer_in_czech_and_english(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    page = new_context("admin").new_page()
    open_rules(page, server)
    key = unique_key("langs")
    page.get_by_test_id("rule-new").click()
    page.get_by_test_id("template-select").select_option("high_value_removed")
    page.get_by_test_id("rule-advanced").click()
    page.get_by_test_id("param-key").fill(key)

    page.get_by_test_id("param-text-per-language").click()
    expect(page.get_by_test_id("param-text-languages")).to_be_visible()
    page.get_by_test_id("param-text-cs").fill(CZECH)
    page.get_by_test_id("param-text-en").fill(ENGLISH)  # Slovak left empty: left out
    page.get_by_test_id("template-build").click()
    page.get_by_test_id("rule-save").click()
    expect(page.get_by_test_id("rule-action-text-languages")).to_be_visible()

    data = stored_rule(server, key)
    assert data["action"] == {
        "type": "chat",
        "queue": "sales",
        "text": {"en": ENGLISH, "cs": CZECH},
    }
    assert "language" not in data

    expect(page.get_by_test_id("rule-action-text-cs")).to_have_value(CZECH)
    page.get_by_test_id("rule-action-text-default-language").select_option("cs")
    page.get_by_test_id("rule-save").click()
    expect(page.get_by_test_id("rule-saved")).to_contain_text("version 2")
    data = stored_rule(server, key)
    assert data["language"] == "cs"
    assert data["action"]["text"] == {"en": ENGLISH, "cs": CZECH}  # type: ignore[index]
