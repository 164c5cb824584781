"""The localStorage-cart recipe of docs/integrate-your-shop.md, as written, in Chromium.

The product and cart markup is taken from the guide's recipe (section 5.1) and served on the
server's own origin (the demo site key allows it) with the guide's snippet. Clicking the
add-to-cart button twice must fill the server's cart (what rules read as
``session.cart_items`` and the desktop shows under Live visitors), removing the cart row
must empty it, and showing the coupon error must send ``coupon.failed`` with its code, which
the server accepts.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Route

from tests.browser.conftest import ContextFactory
from tests.support.server import ADMIN, DEMO_PASSWORD, DEMO_SITE_KEY, ServerProcess
from tests.support.waiting import wait_until

pytestmark = pytest.mark.browser

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "integrate-your-shop.md"
DOCS_HOST = "https://chat.example.com"
DOCS_SITE_KEY = "pk_oVezfwTPx0TMW4hp"


def guide_block(after: str, language: str) -> str:
    """The first ```language block after the line ``after`` in the guide."""
    text = GUIDE.read_text()
    match = re.search(rf"```{language}\n(.*?)\n```", text[text.index(after) :], re.DOTALL)
    assert match, f"no {language} block after {after!r} in {GUIDE.name}"
    return match.group(1)


def recipe_pages() -> tuple[str, str]:
    """The recipe's product page and cart page markup."""
    markup = guide_block("### 5.1", "html")
    product, cart = markup.split("<!-- cart.html")
    return product, "<!-- cart.html" + cart


@pytest.fixture
def admin(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url) as http:
        r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        r.raise_for_status()
        yield http


def live_visitor(admin: httpx.Client, visitor_id: str) -> dict[str, Any] | None:
    r = admin.get("/v1/visitors/live")
    r.raise_for_status()
    return next((v for v in r.json() if v["visitor_id"] == visitor_id), None)


def sent_events(payload: str | bytes, event_type: str) -> list[dict[str, Any]]:
    """The events of ``event_type`` in a frame the tracker sent."""
    frame = json.loads(payload)
    events = frame.get("events", []) if frame.get("type") == "events" else []
    return [e for e in events if e["type"] == event_type]


def acknowledged(payload: str | bytes) -> list[str]:
    """The ids a frame from the server says are stored."""
    frame = json.loads(payload)
    return list(frame["accepted"]) if frame.get("type") == "events.ack" else []


def test_the_localstorage_cart_recipe_reaches_the_server(
    server: ServerProcess, new_context: ContextFactory, admin: httpx.Client
) -> None:
    snippet = guide_block("## 1. The snippet", "html")
    snippet = snippet.replace(DOCS_HOST, server.base_url).replace(DOCS_SITE_KEY, DEMO_SITE_KEY)
    product, cart = recipe_pages()
    base = f"{server.base_url}/guide-{uuid.uuid4().hex[:8]}"

    def serve(body: str) -> Any:
        html = f'<!doctype html><html lang="cs"><body><ul>{body}</ul>\n{snippet}</body></html>'

        def fulfil(route: Route) -> None:
            route.fulfill(status=200, headers={"Content-Type": "text/html"}, body=html)

        return fulfil

    context = new_context("shopper")
    context.grant_permissions(["local-network-access"], origin=server.base_url)
    page = context.new_page()
    page.route(f"{base}/product.html?id=tv-55", serve(product))
    page.route(f"{base}/cart.html", serve(cart))

    with page.expect_response("**/v1/widget/session") as session:
        page.goto(f"{base}/product.html?id=tv-55")
    visitor_id = session.value.json()["visitor_id"]

    add = page.locator("#add")
    add.click()
    add.click()
    wait_until(
        "two items at 899 in the server's cart",
        lambda: (
            (v := live_visitor(admin, visitor_id))
            and (v["cart_items"], v["cart_value"]) == (2, 1798)
        ),
    )

    with page.expect_websocket() as socket:
        page.goto(f"{base}/cart.html")
    ws = socket.value
    wait_until(
        "the cart page to be the visitor's page",
        lambda: (
            (v := live_visitor(admin, visitor_id)) and str(v["page_url"]).endswith("/cart.html")
        ),
    )
    # The shop's script removes the row (both items of it): the tracker sends cart.remove.
    with ws.expect_event(
        "framesent", predicate=lambda p: bool(sent_events(p, "cart.remove"))
    ) as sent:
        page.evaluate("document.querySelector('[data-hovor-cart-item]').remove()")
    [removal] = sent_events(sent.value, "cart.remove")
    assert removal["props"] == {"id": "tv-55", "name": "VistaView 55", "price": 899, "quantity": 2}
    wait_until(
        "an empty cart on the server",
        lambda: (
            (v := live_visitor(admin, visitor_id)) and (v["cart_items"], v["cart_value"]) == (0, 0)
        ),
    )

    # The coupon error is shown: coupon.failed with the code goes out and is accepted.
    accepted: set[str] = set()
    ws.on("framereceived", lambda p: accepted.update(acknowledged(p)))
    with ws.expect_event(
        "framesent", predicate=lambda p: bool(sent_events(p, "coupon.failed"))
    ) as sent:
        page.evaluate("document.querySelector('[data-hovor-error]').hidden = false")
    [coupon] = sent_events(sent.value, "coupon.failed")
    assert coupon["props"] == {"code": "SPRING10"}
    # Frames are handled only inside Playwright calls: nothing is missed between the two.
    if coupon["id"] not in accepted:
        ws.wait_for_event("framereceived", predicate=lambda p: coupon["id"] in acknowledged(p))
