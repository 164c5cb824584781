"""Co-browsing end to end in two browser contexts: a visitor on the demo shop allows the
agent to see the page; the agent's replay follows a cart change and a navigation; nothing
typed into a password or card field is in any relayed frame; the agent's highlight reaches
the visitor; Stop on the visitor's banner ends it for both."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import (
    BrowserContext,
    FrameLocator,
    Page,
    Response,
    StorageState,
    expect,
)

from tests.browser.conftest import ContextFactory, log_in
from tests.browser.test_webchat import Agent, Visitor
from tests.support.server import ADMIN, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser

PRODUCT_PAGE = "/demo/shop/kettle-brewmate.html"
CHECKOUT_PAGE = "/demo/shop/checkout.html"
CARD = "4111 1111 1111 1111"
PASSWORD = "Tajne-heslo-42"


def _open_conversations(http: httpx.Client) -> set[str]:
    ids: set[str] = set()
    cursor: str | None = None
    while True:
        params = {"status": "open", "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = http.get("/v1/conversations", params=params).json()
        ids.update(c["id"] for c in page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return ids


@pytest.fixture(scope="module", autouse=True)
def chats_closed_after(server: ServerProcess) -> Iterator[None]:
    """Close the chats this module opens: on PostgreSQL the next modules' servers share the
    database, and Alice's open chats would fill her capacity, so no offer needing an agent
    would be made to their visitors."""
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        r.raise_for_status()
        csrf = {"X-CSRF-Token": r.json()["csrf_token"]}
        before = _open_conversations(http)
        yield
        for conversation_id in _open_conversations(http) - before:
            closed = http.post(f"/v1/conversations/{conversation_id}/close", headers=csrf)
            assert closed.status_code == 200, closed.text


def arrive(context: BrowserContext, server: ServerProcess, sent: list[str]) -> Visitor:
    """The visitor on a product page, every frame their widget sends recorded."""
    page = context.new_page()
    page.on("websocket", lambda ws: ws.on("framesent", lambda p: sent.append(str(p))))
    page.goto(server.base_url + PRODUCT_PAGE)
    return Visitor(page)


def replay(page: Page) -> FrameLocator:
    """The visitor's page as the agent's viewer replays it (rrweb's iframe in the viewer)."""
    return page.frame_locator('[data-testid="cobrowse-frame"]').frame_locator("iframe")


def test_visitor_allows_agent_sees_cart_and_checkout_masked_and_stop_ends_it(
    server: ServerProcess, new_context: ContextFactory, alice_state: StorageState
) -> None:
    relayed: list[str] = []
    sent: list[str] = []
    agent = Agent.open(new_context("agent", storage_state=alice_state), server)
    agent.socket.on("framereceived", lambda p: relayed.append(str(p)))
    agent.go_online()
    visitor = arrive(new_context("visitor"), server, sent)
    text = f"Pomůžete mi s objednávkou? {uuid.uuid4().hex[:8]}"
    visitor.open_chat()
    visitor.send(text)
    visitor.close_chat()

    agent.show()
    agent.open_conversation(agent.conversation_with(text))
    agent.page.get_by_test_id("cobrowse-start").click()
    expect(agent.page.get_by_test_id("cobrowse-waiting")).to_be_visible()

    # The visitor is asked, and nothing is seen before they allow it.
    ask = visitor.page.get_by_test_id("cobrowse-ask")
    expect(ask).to_contain_text("Alice Agent")
    assert not any('"cobrowse.events"' in f for f in sent)
    visitor.page.get_by_test_id("cobrowse-allow").click()
    banner = visitor.page.get_by_test_id("cobrowse-banner")
    expect(banner).to_contain_text("Alice Agent")
    expect(banner).to_contain_text("viewing this page")

    # The agent sees the page, then the cart change.
    expect(agent.page.get_by_test_id("cobrowse-live")).to_be_visible()
    page = replay(agent.page)
    expect(page.get_by_test_id("product-name")).to_have_text("BrewMate Kettle 1.7 L")
    expect(page.get_by_test_id("cart-count")).to_have_text("0")
    visitor.page.get_by_test_id("add-to-cart").click()
    expect(visitor.page.get_by_test_id("cart-count")).to_have_text("1")
    expect(page.get_by_test_id("cart-count")).to_have_text("1")

    # The agent points at something: the visitor sees the highlight.
    agent.page.frame_locator('[data-testid="cobrowse-frame"]').locator("#viewer").click(
        position={"x": 200, "y": 120}
    )
    expect(visitor.page.get_by_test_id("cobrowse-spot").first).to_be_attached()

    # Control only with a second consent: then the agent's click adds to the visitor's cart.
    agent.page.get_by_test_id("cobrowse-control").click()
    expect(visitor.page.get_by_test_id("cobrowse-ask")).to_contain_text("click and scroll")
    visitor.page.get_by_test_id("cobrowse-allow").click()
    expect(banner).to_contain_text("may click on it")
    expect(agent.page.get_by_test_id("cobrowse-control")).to_have_text("Give control back")
    box = page.get_by_test_id("add-to-cart").bounding_box()
    assert box is not None
    agent.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(visitor.page.get_by_test_id("cart-count")).to_have_text("2")
    expect(page.get_by_test_id("cart-count")).to_have_text("2")
    agent.page.get_by_test_id("cobrowse-control").click()
    expect(banner).not_to_contain_text("may click on it")

    # The visitor goes on to the checkout: the replay follows; secrets stay in the browser.
    visitor.page.goto(server.base_url + CHECKOUT_PAGE)
    expect(visitor.page.get_by_test_id("cobrowse-banner")).to_be_visible()
    expect(page.get_by_test_id("step-address")).to_be_visible()
    visitor.page.get_by_test_id("login-toggle").click()
    visitor.page.get_by_test_id("login-password").fill(PASSWORD)
    visitor.page.locator("#address-name").fill("Jana Nováková")
    visitor.page.locator("#address-email").fill("jana@example.cz")
    visitor.page.locator("#address-street").fill("Vinohradská 12")
    visitor.page.locator("#address-zip").fill("120 00")
    visitor.page.locator("#address-city").fill("Praha")
    expect(page.locator("#address-name")).to_have_value("*" * len("Jana Nováková"))
    expect(page.get_by_test_id("login-password")).to_have_value("*" * len(PASSWORD))
    visitor.page.get_by_test_id("checkout-next").click()
    visitor.page.get_by_test_id("payment-card").check()
    visitor.page.get_by_test_id("card-number").press_sequentially(CARD)
    expect(page.get_by_test_id("card-number")).to_have_value("*" * len(CARD))
    visitor.page.get_by_test_id("checkout-next").click()
    # The review shows the address, marked private: the agent sees asterisks.
    expect(visitor.page.get_by_test_id("review-address")).to_contain_text("Praha")
    expect(page.get_by_test_id("review-address")).to_contain_text("*****")
    expect(page.get_by_test_id("review-address")).not_to_contain_text("Praha")
    visitor.page.get_by_test_id("coupon-input").fill("SLEVA10")  # marked data-hovor-unmask
    expect(page.get_by_test_id("coupon-input")).to_have_value("SLEVA10")

    # Stop on the visitor's banner ends it for both.
    visitor.page.get_by_test_id("cobrowse-stop").click()
    expect(banner).to_have_count(0)
    expect(agent.page.get_by_test_id("cobrowse-live")).to_have_count(0)
    expect(agent.page.get_by_test_id("cobrowse-row")).to_contain_text(
        "Co-browsing ended by the visitor"
    )
    expect(agent.page.get_by_test_id("cobrowse-start")).to_be_visible()

    batches = [f for f in relayed if '"cobrowse.batch"' in f]
    parts = [f for f in sent if '"cobrowse.events"' in f]
    assert batches and parts
    for frame in relayed + sent:
        for secret in (
            CARD,
            CARD.replace(" ", ""),
            "4111 1111",
            PASSWORD,
            "Nováková",
            "Vinohradská",
        ):
            assert secret not in frame, f"{secret!r} left the visitor's browser"


def test_the_visitor_can_say_no(
    server: ServerProcess, new_context: ContextFactory, alice_state: StorageState
) -> None:
    sent: list[str] = []
    agent = Agent.open(new_context("agent", storage_state=alice_state), server)
    agent.go_online()
    visitor = arrive(new_context("visitor"), server, sent)
    text = f"Jen se ptám {uuid.uuid4().hex[:8]}"
    visitor.open_chat()
    visitor.send(text)
    agent.show()
    agent.open_conversation(agent.conversation_with(text))
    agent.page.get_by_test_id("cobrowse-start").click()
    visitor.page.get_by_test_id("cobrowse-deny").click()
    expect(agent.page.get_by_test_id("cobrowse-row")).to_contain_text(
        "The visitor did not allow co-browsing."
    )
    expect(visitor.page.get_by_test_id("cobrowse-banner")).to_have_count(0)
    assert not any('"cobrowse.events"' in f for f in sent)


def saved(response: Response) -> bool:
    return response.url.endswith("/v1/cobrowse/settings") and response.request.method == "PUT"


def test_admin_switches_cobrowsing_off_and_agents_are_told(
    server: ServerProcess, new_context: ContextFactory, alice_state: StorageState
) -> None:
    admin = new_context("admin").new_page()
    log_in(admin, server.base_url, ADMIN, DEMO_PASSWORD)
    admin.get_by_test_id("nav-admin").click()
    admin.get_by_test_id("admin-tab-websites").click()
    form = admin.get_by_test_id("cobrowse-settings")
    expect(admin.get_by_test_id("cobrowse-enabled")).to_be_checked()
    admin.get_by_test_id("cobrowse-retention").fill("400")
    expect(form.get_by_role("alert")).to_contain_text("Between 1 and 365 days")
    expect(admin.get_by_test_id("cobrowse-save")).to_be_disabled()
    admin.get_by_test_id("cobrowse-retention").fill("14")
    admin.get_by_test_id("cobrowse-enabled").uncheck()
    admin.get_by_test_id("cobrowse-record").check()
    with admin.expect_response(saved):
        admin.get_by_test_id("cobrowse-save").click()
    expect(admin.get_by_test_id("cobrowse-save")).to_have_text("Saved")
    try:
        admin.reload()
        admin.get_by_test_id("admin-tab-websites").click()
        expect(admin.get_by_test_id("cobrowse-retention")).to_have_value("14")
        expect(admin.get_by_test_id("cobrowse-record")).to_be_checked()

        agent = Agent.open(new_context("agent", storage_state=alice_state), server)
        agent.go_online()
        visitor = arrive(new_context("visitor"), server, [])
        text = f"Vypnuto {uuid.uuid4().hex[:8]}"
        visitor.open_chat()
        visitor.send(text)
        agent.show()
        agent.open_conversation(agent.conversation_with(text))
        agent.page.get_by_test_id("cobrowse-start").click()
        expect(agent.page.get_by_test_id("cobrowse-row")).to_contain_text("switched off")
    finally:
        admin.get_by_test_id("cobrowse-enabled").check()
        admin.get_by_test_id("cobrowse-record").uncheck()
        admin.get_by_test_id("cobrowse-retention").fill("30")
        with admin.expect_response(saved):
            admin.get_by_test_id("cobrowse-save").click()
