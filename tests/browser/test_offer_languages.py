"""An offer written in several languages reaches a Czech page in Czech.

A manager's rule (through the API) says its text in English, Czech and Slovak; a shop page
``<html lang="cs">`` (served by the test, with the documented snippet, as in
test_widget_i18n.py) is viewed in an English browser. The tracker's ``page.view`` carries
the page's language; the server picks the Czech text. The rule offers a message, which no
agent has to take, so no one need be online; it fires on the test's own page only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, ContextFactory
from tests.browser.test_widget_i18n import documented, english_browser, shop_page
from tests.support.server import ADMIN, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser

TEXTS = {
    "en": "Hello from the shop, {{event.props.path}}",
    "cs": "Dobrý den z obchodu, {{event.props.path}}",
    "sk": "Dobrý deň z obchodu, {{event.props.path}}",
}


@pytest.fixture
def admin(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT_MS / 1000) as http:
        r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        r.raise_for_status()
        http.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        yield http


def test_a_czech_page_gets_the_rules_czech_text(
    server: ServerProcess, new_context: ContextFactory, admin: httpx.Client
) -> None:
    page = english_browser(new_context, server)
    key = f"czech-{uuid.uuid4().hex[:8]}"
    path = f"/shop-{key}.html"
    rule = {
        "key": key,
        "name": "Hello on a Czech page",
        "language": "en",
        "trigger": {"events": ["page.view"]},
        "condition": f'has(event.props.path) && event.props.path == "{path}"',
        "action": {"type": "message", "text": TEXTS},
    }
    created = admin.post("/v1/rules", json={"data": rule})
    assert created.status_code == 201, created.text
    assert created.json()["data"]["action"]["text"] == TEXTS  # stored as written
    try:
        shop_page(
            page,
            server,
            lang="cs",
            snippet=documented(r"```html\n(<script>\n.*?</script>)\n```"),
            path=path,
        )
        expect(page.get_by_test_id("hovor-offer-text")).to_have_text(f"Dobrý den z obchodu, {path}")
    finally:
        admin.put(f"/v1/rules/{key}/enabled", json={"enabled": False})
