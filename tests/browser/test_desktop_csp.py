"""The agent desktop under its own Content-Security-Policy (core/security_headers.py).

The policy allows only the desktop's own origin, no inline script or style: the built
desktop must sign in, open its socket and show the inbox without a single violation.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ContextFactory, log_in
from tests.support.server import ALICE, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser

# Collects violations before any page script runs (init scripts are not subject to CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sample})`);
}, true);
"""


def test_the_desktop_logs_in_and_shows_the_inbox_without_a_csp_violation(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    context = new_context("alice")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    with page.expect_response(lambda r: r.url.rstrip("/").endswith("/app")) as answer:
        page.goto(server.base_url + "/app/")
    policy = answer.value.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert answer.value.headers["x-frame-options"] == "DENY"

    with page.expect_websocket() as socket:
        log_in(page, server.base_url, ALICE, DEMO_PASSWORD)
        expect(page.get_by_test_id("presence-select")).to_be_visible()
    page.get_by_test_id("inbox-tab-all").click()
    expect(page.get_by_test_id("inbox-tab-all")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("connection-banner")).to_have_count(0)
    assert not socket.value.is_closed()  # connect-src let the desktop's socket open

    assert page.evaluate("window.__cspViolations") == []
    assert [e for e in console_errors if "Content Security Policy" in e] == []
