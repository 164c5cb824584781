"""The widget under a strict Content-Security-Policy: no 'unsafe-inline' styles, no 'unsafe-eval'.

A customer page is served from the test itself (``page.route`` on the server's own origin, so
the demo site key's allowed origin matches) with a ``Content-Security-Policy`` header. The page
holds the snippet exactly as docs/widget-embedding.md shows it, allowed by its sha256 hash.
The widget must draw styled (constructable stylesheets, CSSOM custom property for the site
color), connect and send without a single CSP violation.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Route, expect

from tests.browser.conftest import ContextFactory
from tests.support.server import DEMO_SITE_KEY, ServerProcess

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "widget-embedding.md"
DOCS_HOST = "https://chat.example.com"
DOCS_SITE_KEY = "pk_oVezfwTPx0TMW4hp"
PAGE_PATH = "/csp-test.html"
# Not the default color (#4f46e5, also the stylesheet's fallback): proves the site color
# reaches the launcher through the CSSOM custom property.
SITE_COLOR = "#0f766e"
SITE_COLOR_RGB = "rgb(15, 118, 110)"

# Collects violations before any page script runs (init scripts are not subject to CSP).
# Capture phase on the document, and the event is composed, so violations inside the
# widget's shadow root are seen too.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sample})`);
}, true);
"""


def docs_snippet() -> str:
    """The embed snippet from docs/widget-embedding.md, section 2, byte for byte."""
    match = re.search(r"```html\n(<script>\n.*?</script>)\n```", DOCS.read_text(), re.DOTALL)
    assert match, "no <script> snippet found in docs/widget-embedding.md"
    return match.group(1)


def script_hash(snippet: str) -> str:
    """CSP hash source of an inline <script>: sha256 of its exact text content."""
    body = snippet.removeprefix("<script>").removesuffix("</script>")
    digest = hashlib.sha256(body.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def test_widget_is_styled_and_works_under_strict_csp(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    snippet = docs_snippet()
    assert DOCS_HOST in snippet and DOCS_SITE_KEY in snippet
    page_snippet = snippet.replace(DOCS_HOST, server.base_url).replace(DOCS_SITE_KEY, DEMO_SITE_KEY)
    policy = (
        "default-src 'self'; "
        f"script-src 'self' {script_hash(page_snippet)}; "
        "connect-src 'self' ws://127.0.0.1:*; "
        "style-src 'self'"
    )
    html = (
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>CSP test</title>"
        f"</head><body><h1>Strict CSP shop</h1>\n{page_snippet}\n</body></html>"
    )

    context = new_context("visitor")
    # A page fulfilled by page.route has no remote address, so Chromium's Local Network
    # Access checks treat it as public and block its WebSocket to 127.0.0.1
    # (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS). A real site on the public internet
    # talking to a public Hovor host is not affected; grant what a visitor would allow.
    context.grant_permissions(["local-network-access"], origin=server.base_url)
    page = context.new_page()
    console_violations: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if "Content Security Policy" in msg.text or "Refused to" in msg.text:
            console_violations.append(msg.text)

    page.on("console", on_console)
    page.add_init_script(RECORD_VIOLATIONS)

    def serve_page(route: Route) -> None:
        route.fulfill(
            status=200,
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "Content-Security-Policy": policy,
            },
            body=html,
        )

    def recolor_session(route: Route) -> None:
        response = route.fetch()
        data = response.json()
        data["settings"]["color"] = SITE_COLOR
        route.fulfill(response=response, body=json.dumps(data))

    page.route(server.base_url + PAGE_PATH, serve_page)
    page.route(server.base_url + "/v1/widget/session", recolor_session)

    page.goto(server.base_url + PAGE_PATH)

    launcher = page.get_by_test_id("hovor-launcher")
    expect(launcher).to_be_visible()
    # Styled by the adopted stylesheet; a blocked <style> would leave a static grey button.
    expect(launcher).to_have_css("position", "fixed")
    expect(launcher).to_have_css("border-radius", "50%")
    expect(launcher).to_have_css("background-color", SITE_COLOR_RGB)
    assert (
        page.evaluate("document.getElementById('hovor-root').shadowRoot.adoptedStyleSheets.length")
        >= 1
    )
    assert (
        page.evaluate("document.getElementById('hovor-root').shadowRoot.querySelector('style')")
        is None
    )

    # The live connection (connect-src) and the panel work too.
    launcher.click()
    panel = page.get_by_test_id("hovor-panel")
    expect(panel).to_be_visible()
    expect(panel).to_have_css("position", "fixed")
    expect(page.get_by_text("We typically reply in a few minutes")).to_be_visible()
    text = f"csp check {uuid.uuid4().hex[:10]}"
    page.get_by_test_id("hovor-input").fill(text)
    page.get_by_test_id("hovor-send").click()
    sent = page.get_by_test_id("hovor-message").filter(has_text=text)
    expect(sent).to_have_attribute("data-status", "sent")
    expect(sent.locator(".bubble")).to_have_css("background-color", SITE_COLOR_RGB)

    assert page.evaluate("window.__cspViolations") == []
    assert console_violations == []
