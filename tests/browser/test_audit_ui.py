"""The admin's audit log in Chromium, on both server backends: the admin adds a team member
and finds the action, with the new user's id, under Admin → Audit log; the CSV export is
offered for the same filter."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ContextFactory, log_in
from tests.support.server import ADMIN, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser


def test_the_admin_sees_the_user_they_just_created_in_the_audit_log(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    page = new_context("admin").new_page()
    log_in(page, server.base_url, ADMIN, DEMO_PASSWORD)
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id("admin-tab-team").click()
    email = f"audited-{uuid.uuid4().hex[:8]}@example.org"
    page.get_by_test_id("user-form-email").fill(email)
    page.get_by_test_id("user-form-name").fill("Audited Agent")
    page.get_by_test_id("user-form-password").fill("long-enough-password")
    page.get_by_test_id("user-form-submit").click()
    expect(page.get_by_test_id("user-row").filter(has_text=email)).to_be_visible()

    page.get_by_test_id("admin-tab-audit").click()
    expect(page.get_by_test_id("admin-tab-audit")).to_have_attribute("aria-selected", "true")
    newest = page.get_by_test_id("audit-row").first
    expect(newest).to_have_attribute("data-route", "/v1/users")
    expect(newest).to_contain_text("Create user")
    expect(newest).to_contain_text(ADMIN)
    expect(newest).to_contain_text("127.0.0.1")

    # Filtered to the admin: the export link carries the same filter.
    admin_id = page.evaluate("fetch('/v1/auth/me').then(r => r.json()).then(me => me.user.id)")
    page.get_by_test_id("audit-actor").select_option(admin_id)
    expect(page.get_by_test_id("audit-export")).to_have_attribute(
        "href", f"/v1/audit.csv?actor_id={admin_id}"
    )
    expect(page.get_by_test_id("audit-row").first).to_have_attribute("data-route", "/v1/users")
