"""Contacts in the desktop, end to end in Chromium, on both server backends.

The customer first writes an e-mail to support (posted raw to the inbound endpoint: a contact
known only by an unverified address). Then they browse the demo shop anonymously, and the shop
signs them in (``hovor('identify')`` with an HMAC of their customer id made with the site key's
identity secret) while its back-end vouches for their e-mail (``PUT /v1/customers/{id}`` with
an API token), which merges the e-mail's contact into their profile; they chat, and the
back-end reports an order. Beside the conversation the agent sees the verified identity, the
order, and in the timeline the anonymous visit, the earlier e-mail conversation and the order;
the contacts list finds the customer by e-mail and shows the automatic merge. A
supervisor-level user merges a duplicate in and undoes it.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, StorageState, expect

from tests.browser.conftest import TIMEOUT_MS, ContextFactory, log_in
from tests.support.server import ADMIN, DEMO_PASSWORD, DEMO_SITE_KEY, ServerProcess
from tests.support.waiting import wait_until

pytestmark = pytest.mark.browser

SUPPORT = "support@demo.hovor.dev"
LANDING_PAGE = "/demo/shop/tv-vistaview.html"
PRODUCT_PAGE = "/demo/shop/kettle-brewmate.html"


class Shop:
    """The demo shop's back-end: signs customer ids and reports orders (admin's API token)."""

    def __init__(self, server: ServerProcess) -> None:
        self.http = httpx.Client(base_url=server.base_url, timeout=TIMEOUT_MS / 1000)
        r = self.http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        r.raise_for_status()
        csrf = {"X-CSRF-Token": r.json()["csrf_token"]}
        keys = self.http.get("/v1/site-keys").json()
        site_key_id = next(k["id"] for k in keys if k["key"] == DEMO_SITE_KEY)
        secret = self.http.get(f"/v1/site-keys/{site_key_id}/identity-secret")
        assert secret.status_code == 200, secret.text
        self.secret: str = secret.json()["secret"]
        token = self.http.post("/v1/api-tokens", json={"name": "shop back-end"}, headers=csrf)
        assert token.status_code == 201, token.text
        self.token: str = token.json()["token"]
        self.csrf = csrf

    def sign(self, external_id: str) -> str:
        return hmac.new(self.secret.encode(), external_id.encode(), hashlib.sha256).hexdigest()

    def order(self, external_id: str, customer: dict[str, Any], total: str) -> dict[str, Any]:
        r = httpx.post(
            f"{self.http.base_url}/v1/orders",
            headers={"Authorization": f"Bearer {self.token}"},
            json={
                "external_id": external_id,
                "contact": customer,
                "total": total,
                "currency": "EUR",
                "items": [{"sku": "kettle-brewmate", "name": "BrewMate Kettle", "price": total}],
                "placed_at": "2026-03-12T10:00:00Z",
            },
            timeout=TIMEOUT_MS / 1000,
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    def mail(self, sender: str, name: str, subject: str, text: str) -> dict[str, Any]:
        """The mail server posts a customer's raw e-mail (an API token, like Postfix would)."""
        r = self.http.put(
            "/v1/channels/email/settings", json={"support_address": SUPPORT}, headers=self.csrf
        )
        assert r.status_code == 200, r.text
        raw = (
            f"From: {name} <{sender}>\r\nTo: Support <{SUPPORT}>\r\nSubject: {subject}\r\n"
            f"Message-ID: <{uuid.uuid4().hex}@mail.example.org>\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
        )
        r = httpx.post(
            f"{self.http.base_url}/v1/channels/email/inbound",
            content=raw.encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "message/rfc822"},
            timeout=TIMEOUT_MS / 1000,
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    def vouch(self, external_id: str, **customer: str) -> dict[str, Any]:
        """At sign-in the back-end tells Hovor who its customer is (server to server)."""
        r = httpx.put(
            f"{self.http.base_url}/v1/customers/{external_id}",
            headers={"Authorization": f"Bearer {self.token}"},
            json=customer,
            timeout=TIMEOUT_MS / 1000,
        )
        assert r.status_code in (200, 201), r.text
        return dict(r.json())

    def ticket(self, conversation_id: str, subject: str) -> dict[str, Any]:
        r = self.http.post(
            f"/v1/conversations/{conversation_id}/ticket",
            json={"subject": subject, "priority": "high"},
            headers=self.csrf,
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    def contact_by(self, q: str) -> dict[str, Any] | None:
        items = self.http.get("/v1/contacts", params={"q": q}).json()["items"]
        if len(items) != 1:
            return None
        return dict(self.http.get(f"/v1/contacts/{items[0]['id']}").json())


@pytest.fixture
def shop(server: ServerProcess) -> Shop:
    return Shop(server)


def open_conversation_with(page: Page, server: ServerProcess, text: str) -> None:
    page.goto(server.base_url + "/app/")
    page.get_by_test_id("inbox-tab-all").click()
    item = page.get_by_test_id("conversation-item").filter(has_text=text)
    expect(item).to_have_count(1)
    item.click()
    expect(page.get_by_test_id("reply-input")).to_be_visible()


def test_agent_sees_the_signed_in_customer_beside_the_chat(
    server: ServerProcess,
    new_context: ContextFactory,
    alice_state: StorageState,
    shop: Shop,
    tmp_path: Any,
) -> None:
    tag = uuid.uuid4().hex[:8]
    customer_id, email, name = f"cust-{tag}", f"ann.{tag}@example.org", f"Ann Lee {tag}"
    question = f"Is the kettle in stock? {tag}"
    subject, mail_text = f"Kettle arrived broken {tag}", "The lid is cracked and it leaks."

    # Weeks ago the customer wrote to support: a contact known only by an unverified address.
    mailed = shop.mail(email, name, subject, mail_text)
    mail_contact = shop.contact_by(email)
    assert mail_contact is not None
    assert [(i["kind"], i["verified"]) for i in mail_contact["identities"]] == [("email", False)]

    # Anonymous browsing: a landing page, then the product page.
    visitor = new_context("visitor").new_page()
    with visitor.expect_response("**/v1/widget/session") as session:
        visitor.goto(server.base_url + LANDING_PAGE)
    visitor_id = session.value.json()["visitor_id"]
    visitor.goto(server.base_url + PRODUCT_PAGE)
    expect(visitor.get_by_test_id("hovor-launcher")).to_be_visible()
    # The landing page's view may still be on its way (a beacon, or the next page's resend
    # from the tracker's buffer): sign in once the server has both, as a shopper would.
    wait_until(
        "both page views to reach the server",
        lambda: any(
            v["visitor_id"] == visitor_id and v["page_views"] == 2
            for v in shop.http.get("/v1/visitors/live").json()
        ),
    )

    # The shop signs the customer in; its back-end made the signature.
    visitor.evaluate(
        "(traits) => window.hovor('identify', traits)",
        {
            "external_id": customer_id,
            "email": email,
            "name": name,
            "signature": shop.sign(customer_id),
        },
    )
    contact = wait_until(
        "the visitor's contact to carry the verified customer id",
        lambda: (
            (c := shop.contact_by(customer_id))
            and any(i["kind"] == "external_id" and i["verified"] for i in c["identities"])
            and c
        ),
    )
    # The identify's e-mail is not signed, so the e-mail's contact is still apart ...
    assert all(i["kind"] != "email" for i in contact["identities"])
    # ... until the shop's back-end vouches for the address: that contact joins the profile.
    vouched = shop.vouch(customer_id, email=email, name=name)
    assert vouched["contact"]["id"] == contact["id"]
    assert [(m["source_id"], m["reason"]) for m in vouched["merges"]] == [
        (mail_contact["id"], "customer_api")
    ]

    # They chat; the shop reports their order.
    visitor.get_by_test_id("hovor-launcher").click()
    visitor.get_by_test_id("hovor-input").fill(question)
    visitor.get_by_test_id("hovor-send").click()
    expect(visitor.get_by_test_id("hovor-message").filter(has_text=question)).to_have_attribute(
        "data-status", "sent"
    )
    order = shop.order(f"order-{tag}", {"external_id": customer_id, "email": email}, "39.00")
    assert order["contact_id"] == contact["id"]

    conversation = wait_until(
        "the conversation",
        lambda: next(
            (
                c
                for c in shop.http.get("/v1/conversations", params={"view": "all"}).json()["items"]
                if c["contact"]["id"] == contact["id"] and c["channel"] == "webchat"
            ),
            None,
        ),
    )
    shop.ticket(conversation["id"], f"Kettle delivery {tag}")

    agent = new_context("agent", storage_state=alice_state).new_page()
    open_conversation_with(agent, server, question)
    panel = agent.get_by_test_id("profile-panel")
    expect(panel.get_by_test_id("profile-name")).to_have_text(name)
    verified_id = panel.locator(
        '[data-testid="profile-identity"][data-kind="external_id"][data-verified="true"]'
    )
    expect(verified_id).to_contain_text(customer_id)
    expect(
        panel.locator('[data-testid="profile-identity"][data-kind="visitor"]').first
    ).to_be_visible()
    expect(panel.get_by_test_id("order-row")).to_have_count(1)
    expect(panel.get_by_test_id("order-row")).to_contain_text(f"order-{tag}")
    ticket = panel.get_by_test_id("ticket-row")
    expect(ticket).to_have_count(1)
    expect(ticket).to_contain_text(f"Kettle delivery {tag}")
    expect(ticket).to_contain_text("high")
    # Still on the site: the live visit, on the product page.
    expect(panel.get_by_test_id("profile-live-session")).to_contain_text("BrewMate")

    entries = panel.get_by_test_id("timeline-entry")
    web = entries.and_(agent.locator('[data-kind="web.session"]'))
    expect(web).to_have_count(1)
    expect(web).to_contain_text("Visited the website: 2 pages")
    expect(web).to_contain_text("tv-vistaview.html")
    expect(entries.and_(agent.locator('[data-kind="order.placed"]'))).to_contain_text(
        f"order-{tag}"
    )
    expect(entries.and_(agent.locator('[data-kind="contact.identified"]'))).to_have_count(1)
    # The earlier e-mail conversation, with its subject and text; this conversation's own
    # entries are not repeated beside it.
    started = entries.and_(agent.locator('[data-kind="conversation.started"]'))
    expect(started).to_have_count(1)
    expect(started).to_contain_text(f"E-mail: {subject}")
    expect(started).to_contain_text(mail_text)
    assert mailed["conversation_id"] != conversation["id"]
    agent.screenshot(path=str(tmp_path / "panel.png"))

    # Filter chips ask the server for one kind.
    agent.locator('[data-testid="timeline-filter"][data-kind="order"]').click()
    expect(entries).to_have_count(1)
    expect(entries.first).to_have_attribute("data-kind", "order.placed")
    agent.locator('[data-testid="timeline-filter"][data-kind="all"]').click()
    expect(entries.and_(agent.locator('[data-kind="web.session"]'))).to_have_count(1)

    # The contacts list finds the customer by e-mail and opens the same profile.
    agent.get_by_test_id("nav-contacts").click()
    agent.get_by_test_id("contacts-search").fill(email)
    row = agent.locator(f'[data-testid="contact-row"][data-contact-id="{contact["id"]}"]')
    expect(row).to_contain_text(name)
    expect(agent.get_by_test_id("contact-row")).to_have_count(1)
    agent.screenshot(path=str(tmp_path / "contacts.png"))
    row.click()
    expect(agent.get_by_test_id("profile-name")).to_have_text(name)
    expect(agent.get_by_test_id("order-row")).to_contain_text(f"order-{tag}")
    # The automatic merge of the e-mail's contact is on record.
    expect(
        agent.get_by_test_id("merge-row").filter(has_text="customer_api").filter(has_text=name)
    ).to_have_count(1)
    # Merging is for admins and supervisors.
    expect(agent.get_by_test_id("contact-merge")).to_have_count(0)
    # Leave no unassigned e-mail behind in the shared demo workspace (PostgreSQL).
    closed = shop.http.post(
        f"/v1/conversations/{mailed['conversation_id']}/close", headers=shop.csrf
    )
    assert closed.status_code == 200, closed.text
    print(f"screenshots: {tmp_path}")


def test_admin_merges_a_duplicate_in_and_undoes_it(
    server: ServerProcess, new_context: ContextFactory, shop: Shop, tmp_path: Any
) -> None:
    tag = uuid.uuid4().hex[:8]
    main_email, other_email = f"maria.{tag}@example.org", f"m.{tag}@mail.example"
    shop.order(f"order-a-{tag}", {"email": main_email, "name": f"Maria {tag}"}, "120.00")
    shop.order(f"order-b-{tag}", {"email": other_email, "name": f"M. Rossi {tag}"}, "15.50")
    main = wait_until("the main contact", lambda: shop.contact_by(main_email))
    other = wait_until("the duplicate", lambda: shop.contact_by(other_email))

    page = new_context("admin").new_page()
    log_in(page, server.base_url, ADMIN, DEMO_PASSWORD)
    expect(page.get_by_test_id("presence-select")).to_be_visible()
    page.get_by_test_id("nav-contacts").click()
    page.get_by_test_id("contacts-search").fill(main_email)
    page.locator(f'[data-testid="contact-row"][data-contact-id="{main["id"]}"]').click()
    expect(page.get_by_test_id("order-row")).to_have_count(1)

    page.get_by_test_id("contact-merge").click()
    page.get_by_test_id("merge-search").fill(other_email)
    page.locator(f'[data-testid="merge-candidate"][data-contact-id="{other["id"]}"]').click()
    page.get_by_test_id("merge-confirm").click()

    merge = page.get_by_test_id("merge-row")
    expect(merge).to_have_count(1)
    expect(merge).to_contain_text(f"M. Rossi {tag}")
    expect(merge).to_have_attribute("data-undone", "false")
    expect(page.get_by_test_id("order-row")).to_have_count(2)
    expect(
        page.locator('[data-testid="profile-identity"][data-kind="email"]').filter(
            has_text=other_email
        )
    ).to_be_visible()
    page.screenshot(path=str(tmp_path / "merged.png"), full_page=True)

    page.get_by_test_id("merge-undo").click()
    expect(merge).to_have_attribute("data-undone", "true")
    expect(page.get_by_test_id("merge-undo")).to_have_count(0)
    expect(page.get_by_test_id("order-row")).to_have_count(1)
    expect(page.get_by_test_id("order-row")).to_contain_text(f"order-a-{tag}")

    # The duplicate is back in the list.
    page.get_by_test_id("contacts-back").click()
    page.get_by_test_id("contacts-search").fill(other_email)
    expect(
        page.locator(f'[data-testid="contact-row"][data-contact-id="{other["id"]}"]')
    ).to_be_visible()
    print(f"screenshots: {tmp_path}")
