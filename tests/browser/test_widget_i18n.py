"""The widget speaks the page's language: Czech on a Czech page, Slovak when the snippet says so.

A shop page is served from the test itself (``page.route`` on the server's own origin, which
the demo site key allows) with the snippet exactly as docs/widget-embedding.md shows it. The
browser itself is English, so Czech can only come from the page's ``<html lang>`` and Slovak
only from the snippet's ``data-lang`` line documented under "Language". The session answer
carries the server's default title and greeting (what a key created without settings has):
the widget shows them in the page's language.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import ContextFactory
from tests.support.server import DEMO_SITE_KEY, ServerProcess

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "widget-embedding.md"
DOCS_HOST = "https://chat.example.com"
DOCS_SITE_KEY = "pk_oVezfwTPx0TMW4hp"
SERVER_DEFAULTS = {"title": "Chat with us", "greeting": "Hi! How can we help?"}


def documented(pattern: str) -> str:
    match = re.search(pattern, DOCS.read_text(), re.DOTALL)
    assert match, f"{pattern!r} not found in docs/widget-embedding.md"
    return match.group(1)


def shop_page(
    page: Page, server: ServerProcess, *, lang: str, snippet: str, path: str | None = None
) -> None:
    """Open a shop page (at ``path``, else a fresh one) with ``<html lang=...>`` holding
    ``snippet`` for the demo site key."""
    snippet = snippet.replace(DOCS_HOST, server.base_url).replace(DOCS_SITE_KEY, DEMO_SITE_KEY)
    path = path or f"/shop-{uuid.uuid4().hex[:8]}.html"
    html = (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset=utf-8><title>Obchod</title>'
        f"</head><body><h1>Obchod</h1>\n{snippet}\n</body></html>"
    )

    def serve_page(route: Route) -> None:
        route.fulfill(status=200, headers={"Content-Type": "text/html; charset=utf-8"}, body=html)

    def default_texts(route: Route) -> None:
        response = route.fetch()
        data = response.json()
        data["settings"].update(SERVER_DEFAULTS)
        route.fulfill(response=response, body=json.dumps(data))

    page.route(server.base_url + path, serve_page)
    page.route(server.base_url + "/v1/widget/session", default_texts)
    page.goto(server.base_url + path)


def english_browser(new_context: ContextFactory, server: ServerProcess) -> Page:
    context = new_context("visitor", locale="en-US")
    # A routed page has no remote address; let it reach the server like a real site would
    # (see tests/browser/test_widget_csp.py).
    context.grant_permissions(["local-network-access"], origin=server.base_url)
    return context.new_page()


def test_a_czech_page_gets_a_czech_widget(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    page = english_browser(new_context, server)
    assert page.evaluate("navigator.language") == "en-US"
    shop_page(
        page, server, lang="cs", snippet=documented(r"```html\n(<script>\n.*?</script>)\n```")
    )

    launcher = page.get_by_test_id("hovor-launcher")
    expect(launcher).to_have_attribute("aria-label", "Otevřít chat")
    launcher.click()
    panel = page.get_by_test_id("hovor-panel")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading")).to_have_text("Napište nám")
    expect(page.get_by_test_id("hovor-greeting")).to_have_text("Dobrý den! Jak vám můžeme pomoci?")
    expect(page.get_by_text("Obvykle odpovídáme do několika minut")).to_be_visible()
    expect(page.get_by_test_id("hovor-input")).to_have_attribute("placeholder", "Napište zprávu…")
    expect(page.get_by_test_id("hovor-send")).to_have_attribute("aria-label", "Odeslat zprávu")
    expect(page.get_by_test_id("hovor-close")).to_have_attribute("aria-label", "Zavřít chat")
    expect(launcher).to_have_attribute("aria-label", "Zavřít chat")

    # A sent message's time in the Czech format (24-hour clock, no AM/PM).
    text = f"Dobrý den, máte skladem {uuid.uuid4().hex[:6]}?"
    page.get_by_test_id("hovor-input").fill(text)
    page.get_by_test_id("hovor-send").click()
    sent = page.get_by_test_id("hovor-message").filter(has_text=text)
    expect(sent).to_have_attribute("data-status", "sent")
    expect(sent.locator(".meta")).to_have_text(re.compile(r"^\d{2}:\d{2}$"))


def test_the_snippet_can_choose_slovak_on_a_czech_page(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    line = documented(r"```js\n(s\.dataset\.lang = \"sk\";)\n```")
    snippet = documented(r"```html\n(<script>\n.*?</script>)\n```").replace(
        "s.dataset.site = key;", f"s.dataset.site = key; {line}"
    )
    assert line in snippet
    page = english_browser(new_context, server)
    shop_page(page, server, lang="cs", snippet=snippet)

    launcher = page.get_by_test_id("hovor-launcher")
    expect(launcher).to_have_attribute("aria-label", "Otvoriť chat")
    launcher.click()
    expect(page.get_by_test_id("hovor-input")).to_have_attribute("placeholder", "Napíšte správu…")
    expect(page.get_by_test_id("hovor-greeting")).to_have_text("Dobrý deň! Ako vám môžeme pomôcť?")
