"""The desktop's admin area, end to end in Chromium, on both server backends.

An admin adds a team member (seeing the server's field error for a short password
first), creates a site key and copies its snippet, edits a key's origins and widget
settings (the server's field error shown on the origins), rotates a key's identity secret
(with a day's grace, then at once), creates an API token whose secret is
shown once and works against the API; an agent never sees the admin area. The database
lives for the whole module, so every test makes its own e-mails and names.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, StorageState, expect

from tests.browser.conftest import ContextFactory, log_in
from tests.support.server import ADMIN, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "widget-embedding.md"


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}"


def documented_snippet(server_origin: str, site_key: str) -> str:
    """The snippet of docs/widget-embedding.md, with this server and a real key."""
    text = DOCS.read_text()
    section = text[text.index("## 2. Paste the snippet") :]
    match = re.search(r"```html\n(.*?)\n```", section, re.S)
    assert match, "no snippet in docs/widget-embedding.md"
    return (
        match.group(1)
        .replace("https://chat.example.com", server_origin)
        .replace("pk_oVezfwTPx0TMW4hp", site_key)
    )


def open_admin(page: Page, server: ServerProcess, tab: str) -> None:
    log_in(page, server.base_url, ADMIN, DEMO_PASSWORD)
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id(f"admin-tab-{tab}").click()
    expect(page.get_by_test_id(f"admin-tab-{tab}")).to_have_attribute("aria-selected", "true")


def test_admin_adds_an_agent_who_can_then_log_in(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    page = new_context("admin").new_page()
    open_admin(page, server, "team")
    expect(page.get_by_test_id("user-row").filter(has_text=ADMIN)).to_be_visible()

    email = f"{unique('nova')}@example.org"
    name = unique("Nova Agent")
    page.get_by_test_id("user-form-email").fill(email)
    page.get_by_test_id("user-form-name").fill(name)
    page.get_by_test_id("user-form-password").fill("short")
    page.get_by_test_id("user-form-role").select_option("agent")
    page.get_by_test_id("user-form-capacity").fill("4")
    page.get_by_test_id("user-form-submit").click()

    # The server's 422 names the field; the desktop shows it there and nowhere else.
    error = page.locator('[data-testid="field-error"][data-field="password"]')
    expect(error).to_contain_text("8")
    expect(page.get_by_test_id("field-error")).to_have_count(1)
    expect(page.get_by_test_id("user-form-password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("user-row").filter(has_text=email)).to_have_count(0)

    page.get_by_test_id("user-form-password").fill("long-enough-password")
    expect(page.get_by_test_id("field-error")).to_have_count(0)
    page.get_by_test_id("user-form-submit").click()
    row = page.get_by_test_id("user-row").filter(has_text=email)
    expect(row).to_be_visible()
    expect(row).to_contain_text(name)
    expect(row).to_contain_text("agent")
    expect(row).to_contain_text("4")
    expect(page.get_by_test_id("user-form-email")).to_have_value("")

    # The same e-mail again: 409, shown for the form as a whole.
    page.get_by_test_id("user-form-email").fill(email.upper())
    page.get_by_test_id("user-form-name").fill(name)
    page.get_by_test_id("user-form-password").fill("long-enough-password")
    page.get_by_test_id("user-form-submit").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("exists already")
    expect(page.get_by_test_id("field-error")).to_have_count(0)

    agent = new_context("new agent").new_page()
    log_in(agent, server.base_url, email, "long-enough-password")
    expect(agent.get_by_test_id("presence-select")).to_be_visible()
    expect(agent.get_by_text(name)).to_be_visible()
    expect(agent.get_by_test_id("nav-admin")).to_have_count(0)


def test_admin_creates_a_site_key_and_gets_its_snippet(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    context = new_context("admin", permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    open_admin(page, server, "websites")

    name = unique("shop.example.org")
    page.get_by_test_id("site-form-name").fill(name)
    page.get_by_test_id("site-form-origins").fill(
        "https://shop.example.org\n\nhttps://shop.example.org/checkout"
    )
    page.get_by_test_id("site-form-submit").click()
    # The service names the second origin by its position; the desktop shows which one.
    error = page.locator('[data-testid="field-error"][data-field="allowed_origins"]')
    expect(error).to_contain_text("https://shop.example.org/checkout")
    expect(page.get_by_test_id("site-row").filter(has_text=name)).to_have_count(0)

    page.get_by_test_id("site-form-origins").fill("https://shop.example.org\n")
    page.get_by_test_id("site-form-submit").click()
    row = page.get_by_test_id("site-row").filter(has_text=name)
    expect(row).to_be_visible()
    expect(row).to_contain_text("https://shop.example.org")
    key = row.get_attribute("data-key")
    assert key and key.startswith("pk_")

    snippet = row.get_by_test_id("site-snippet")
    expect(snippet).to_contain_text(key)
    assert snippet.text_content() == documented_snippet(server.base_url, key)

    row.get_by_role("button", name="Copy snippet").click()
    expect(row.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == documented_snippet(
        server.base_url, key
    )

    # Deleting asks first; dismissing keeps the key, accepting removes it.
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_test_id("site-delete").click()
    expect(row).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_test_id("site-delete").click()
    expect(row).to_have_count(0)


def test_admin_rotates_a_site_keys_identity_secret(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    page = new_context("admin").new_page()
    open_admin(page, server, "websites")
    name = unique("identity.example.org")
    page.get_by_test_id("site-form-name").fill(name)
    page.get_by_test_id("site-form-origins").fill("https://identity.example.org")
    page.get_by_test_id("site-form-submit").click()
    row = page.get_by_test_id("site-row").filter(has_text=name)
    row.get_by_test_id("identity-secret-show").click()
    value = row.get_by_test_id("identity-secret-value")
    expect(value).to_contain_text("hid_")
    first = value.text_content()

    # Rotating keeps the old secret working for a day, and says until when.
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_test_id("identity-secret-rotate").click()
    expect(value).not_to_have_text(first or "")
    expect(row.get_by_test_id("identity-secret-previous")).to_contain_text("works until")
    # A leaked secret: rotated now, the previous one stops at once.
    second = value.text_content()
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_test_id("identity-secret-rotate-now").click()
    expect(value).not_to_have_text(second or "")
    expect(row.get_by_test_id("identity-secret-previous")).to_have_count(0)


def widget_session(server: ServerProcess, site_key: str, origin: str) -> httpx.Response:
    """What loader.js asks for on a page of ``origin``: refused (403) unless it is allowed."""
    return httpx.post(
        server.base_url + "/v1/widget/session",
        json={"site_key": site_key, "token": None},
        headers={"origin": origin},
    )


def test_admin_edits_a_site_keys_origins_and_widget_settings(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    page = new_context("admin").new_page()
    open_admin(page, server, "websites")

    name = unique("eshop.example.cz")
    page.get_by_test_id("site-form-name").fill(name)
    page.get_by_test_id("site-form-origins").fill("https://eshop.example.cz")
    page.get_by_test_id("site-form-consent").check()
    page.get_by_test_id("site-form-submit").click()
    row = page.get_by_test_id("site-row").filter(has_text=name)
    expect(row).to_be_visible()
    key = row.get_attribute("data-key")
    assert key
    snippet_before = row.get_by_test_id("site-snippet").text_content()
    assert widget_session(server, key, "https://www.eshop.example.cz").status_code == 403

    # The edit form starts from what the key has now.
    row.get_by_test_id("site-edit").click()
    edit = row.get_by_role("form", name=f"Edit {name}")
    expect(edit.get_by_test_id("site-edit-origins")).to_have_value("https://eshop.example.cz")
    expect(edit.get_by_test_id("site-edit-title")).to_have_value("Chat with us")
    expect(edit.get_by_test_id("site-edit-consent")).to_be_checked()

    # A refused origin: the server's error is shown on the origins field, naming the line.
    edit.get_by_test_id("site-edit-origins").fill(
        "https://eshop.example.cz\nhttps://www.eshop.example.cz/kosik"
    )
    edit.get_by_test_id("site-edit-title").fill("Napište nám")
    edit.get_by_test_id("site-edit-submit").click()
    error = edit.locator('[data-testid="field-error"][data-field="allowed_origins"]')
    expect(error).to_contain_text("https://www.eshop.example.cz/kosik")
    expect(edit.get_by_test_id("site-edit-origins")).to_have_attribute("aria-invalid", "true")
    expect(edit.get_by_test_id("field-error")).to_have_count(1)
    # Nothing was saved: the add form's fields are untouched and show no error either.
    expect(page.get_by_test_id("site-form-name")).to_have_value("")

    edit.get_by_test_id("site-edit-origins").fill(
        "https://eshop.example.cz\nhttps://www.eshop.example.cz"
    )
    expect(edit.get_by_test_id("field-error")).to_have_count(0)
    edit.get_by_test_id("site-edit-greeting").fill("Dobrý den, s čím poradíme?")
    edit.get_by_test_id("site-edit-submit").click()
    expect(edit).to_have_count(0)
    expect(row).to_contain_text("https://www.eshop.example.cz")
    expect(row).to_contain_text("Napište nám")
    expect(row).to_contain_text("Dobrý den, s čím poradíme?")
    # The key, and so the snippet on the shop's pages, stays the same.
    expect(row).to_have_attribute("data-key", key)
    assert row.get_by_test_id("site-snippet").text_content() == snippet_before

    # The server took it: the new origin gets a widget session with the new settings,
    # and the consent setting the form did not touch is kept.
    answer = widget_session(server, key, "https://www.eshop.example.cz")
    assert answer.status_code == 200, answer.text
    settings = answer.json()["settings"]
    assert settings["title"] == "Napište nám"
    assert settings["greeting"] == "Dobrý den, s čím poradíme?"
    assert settings["require_consent"] is True

    # Cancel leaves the key as it is.
    row.get_by_test_id("site-edit").click()
    row.get_by_test_id("site-edit-title").fill("Something else")
    row.get_by_test_id("site-edit-cancel").click()
    expect(row.get_by_test_id("site-edit-title")).to_have_count(0)
    expect(row).to_contain_text("Napište nám")


def test_admin_creates_an_api_token_shown_once_that_works(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    page = new_context("admin").new_page()
    open_admin(page, server, "tokens")

    name = unique("CRM sync")
    page.get_by_test_id("token-form-name").fill(name)
    page.get_by_test_id("token-form-submit").click()
    secret_box = page.get_by_test_id("token-secret")
    expect(secret_box).to_have_text(re.compile(r"^hvr_\S{20,}$"))
    secret = (secret_box.text_content() or "").strip()
    expect(page.get_by_text("will not be shown again")).to_be_visible()
    row = page.get_by_test_id("token-row").filter(has_text=name)
    expect(row).to_contain_text(secret[:8])
    expect(row).not_to_contain_text(secret)

    answer = httpx.get(
        server.base_url + "/v1/site-keys", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status_code == 200, answer.text
    assert isinstance(answer.json(), list)

    # Shown once: after leaving the tab the secret is gone for good.
    page.get_by_test_id("admin-tab-team").click()
    page.get_by_test_id("admin-tab-tokens").click()
    expect(row).to_be_visible()
    expect(page.get_by_test_id("token-secret")).to_have_count(0)
    assert secret not in page.content()

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_test_id("token-revoke").click()
    expect(row).to_have_count(0)
    revoked = httpx.get(
        server.base_url + "/v1/site-keys", headers={"Authorization": f"Bearer {secret}"}
    )
    assert revoked.status_code == 401

    # Back to the inbox through the existing navigation.
    page.get_by_test_id("inbox-tab-all").click()
    expect(page.get_by_test_id("admin-tab-team")).to_have_count(0)
    expect(page.get_by_test_id("inbox-status-open")).to_be_visible()


def test_an_agent_sees_no_admin_area(
    server: ServerProcess, new_context: ContextFactory, alice_state: StorageState
) -> None:
    page = new_context("alice", storage_state=alice_state).new_page()
    page.goto(server.base_url + "/app/#/admin/tokens")
    expect(page.get_by_test_id("presence-select")).to_be_visible()
    expect(page.get_by_test_id("inbox-tab-unassigned")).to_be_visible()
    expect(page.get_by_test_id("nav-admin")).to_have_count(0)
    expect(page.get_by_test_id("admin-tab-tokens")).to_have_count(0)
    # The server refuses her too, whatever the desktop shows.
    assert page.request.get(server.base_url + "/v1/site-keys").status == 403
    assert page.request.get(server.base_url + "/v1/api-tokens").status == 403
