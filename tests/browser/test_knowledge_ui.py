"""The help center in Chromium, on both server backends.

An admin writes an article in the desktop (Markdown with a script in it), previews it
(sanitised), saves a second version, reads the diff in its history and publishes it. A
visitor then reads it on the public help center, searches there and starts a chat from the
widget on the same page; the contact's timeline holds the article read and the search.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, ContextFactory, log_in
from tests.support.server import ADMIN, DEMO_PASSWORD, DEMO_SITE_KEY, ServerProcess
from tests.support.waiting import wait_until

pytestmark = pytest.mark.browser


def admin_client(server: ServerProcess) -> tuple[httpx.Client, dict[str, str]]:
    http = httpx.Client(base_url=server.base_url, timeout=TIMEOUT_MS / 1000)
    r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
    r.raise_for_status()
    return http, {"X-CSRF-Token": r.json()["csrf_token"]}


def test_write_preview_history_publish_then_read_on_the_help_center(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    tag = uuid.uuid4().hex[:6]
    title = f"Vrácení zboží {tag}"
    http, csrf = admin_client(server)
    site = next(k for k in http.get("/v1/site-keys").json() if k["key"] == DEMO_SITE_KEY)
    r = http.put(
        "/v1/knowledge/help-center",
        headers=csrf,
        json={"slug": "demo", "title": "Nápověda", "site_key_id": site["id"]},
    )
    assert r.status_code == 200, r.text

    admin = new_context("admin").new_page()
    log_in(admin, server.base_url, ADMIN, DEMO_PASSWORD)
    admin.get_by_test_id("nav-knowledge").click()
    admin.get_by_test_id("knowledge-new").click()
    admin.get_by_test_id("knowledge-new-title-input").fill(title)
    admin.get_by_test_id("knowledge-new-body").fill(
        "Zboží můžete **vrátit do 14 dnů**.\n\n<script>window.owned = 1</script>"
        '<img src="x" onerror="window.owned = 2">'
    )
    admin.get_by_test_id("knowledge-create").click()
    expect(admin.get_by_test_id("knowledge-status")).to_have_text("draft")

    admin.get_by_test_id("knowledge-preview-toggle").click()
    preview = admin.get_by_test_id("knowledge-preview")
    expect(preview.locator("strong")).to_have_text("vrátit do 14 dnů")
    expect(preview.locator("script")).to_have_count(0)
    assert admin.evaluate("window.owned") is None
    assert preview.locator("img").get_attribute("onerror") is None

    body = admin.get_by_test_id("knowledge-body")
    body.fill("Zboží můžete **vrátit do 30 dnů** bez udání důvodu.")
    admin.get_by_test_id("knowledge-note").fill("30 dní")
    admin.get_by_test_id("knowledge-save").click()
    expect(admin.get_by_test_id("knowledge-editor")).to_contain_text("version 2")
    admin.get_by_test_id("knowledge-version-2").click()
    diff = admin.get_by_test_id("knowledge-diff")
    expect(diff).to_contain_text("-Zboží můžete **vrátit do 14 dnů**.")
    expect(diff).to_contain_text("+Zboží můžete **vrátit do 30 dnů** bez udání důvodu.")
    expect(admin.get_by_test_id("knowledge-history")).to_contain_text("30 dní")

    admin.get_by_test_id("knowledge-publish").click()
    expect(admin.get_by_test_id("knowledge-status")).to_have_text("published")
    link = admin.get_by_test_id("knowledge-public-link")
    slug = f"vraceni-zbozi-{tag}"
    expect(link).to_have_attribute("href", f"/help/demo/cs/{slug}")

    # The visitor reads it on the help center (the tracker loads there), searches, chats.
    visitor = new_context("visitor").new_page()
    with visitor.expect_response("**/v1/widget/session"):
        visitor.goto(f"{server.base_url}/help/demo/cs/{slug}")
    expect(visitor.locator("article strong")).to_have_text("vrátit do 30 dnů")
    visitor.get_by_role("searchbox").fill(f"vraceni zbozi {tag}")
    with visitor.expect_response("**/v1/widget/session"):
        visitor.get_by_role("searchbox").press("Enter")
    # every word of the query in its title: the best hit
    expect(visitor.locator("main a").first).to_have_text(title)
    visitor.get_by_role("link", name=title).click()
    expect(visitor.locator("article h1")).to_have_text(title)
    visitor.get_by_role("button", name="Ano").click()
    expect(visitor.get_by_role("status")).to_have_text("Děkujeme za odpověď.")
    question = f"Chci vrátit televizi {tag}"
    visitor.get_by_test_id("hovor-launcher").click()
    visitor.get_by_test_id("hovor-input").fill(question)
    visitor.get_by_test_id("hovor-send").click()
    expect(visitor.get_by_test_id("hovor-message").filter(has_text=question)).to_have_attribute(
        "data-status", "sent"
    )

    def contact_id() -> str | None:
        for c in http.get("/v1/conversations", params={"view": "all"}).json()["items"]:
            messages = http.get(f"/v1/conversations/{c['id']}/messages").json()["items"]
            if any(question in (m.get("body") or "") for m in messages):
                return str(c["contact"]["id"])
        return None

    contact = wait_until("the visitor's conversation", contact_id)

    def reading() -> list[dict[str, Any]]:
        entries = http.get(f"/v1/contacts/{contact}/timeline").json()["items"]
        kinds = {e["kind"] for e in entries}
        return entries if {"article.viewed", "help.searched"} <= kinds else []

    entries = wait_until("article read and search on the timeline", reading)
    read = [e for e in entries if e["kind"] == "article.viewed"]
    # the first visit, the search result clicked, the page again after "did this help?"
    assert len(read) == 3 and all(title in e["summary"] for e in read)
    searched = next(e for e in entries if e["kind"] == "help.searched")
    assert f"vraceni zbozi {tag}" in searched["summary"]
    assert searched["data"]["results"] >= 1  # the demo's own help center matches too
    http.close()
