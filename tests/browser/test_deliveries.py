"""A reply's delivery in the desktop, end to end in Chromium, on both server backends.

A customer's e-mail comes in through the MTA endpoint; Alice answers it in the desktop. The
test server has no SMTP relay (HOVOR_SMTP_URL unset), so the outbox fails the delivery at
once with the adapter's reason: the desktop shows "Not delivered" and that reason beside the
reply, live. "Retry now" puts it back to pending/sending, and it fails again, live, without
a reload.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import StorageState, expect

from tests.browser.conftest import TIMEOUT_MS, ContextFactory
from tests.support.server import ADMIN, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser

SUPPORT = "support@acme.example.org"
NO_SMTP = "not sent: no SMTP configured (HOVOR_SMTP_URL)"


def mail_comes_in(server: ServerProcess, tag: str) -> None:
    """As the MTA does: the workspace's support address set, a raw message posted with a token."""
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT_MS / 1000) as http:
        r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        r.raise_for_status()
        csrf = {"X-CSRF-Token": r.json()["csrf_token"]}
        r = http.put("/v1/channels/email/settings", json={"support_address": SUPPORT}, headers=csrf)
        assert r.status_code == 200, r.text
        assert r.json()["smtp_configured"] is False, "this test needs a server without SMTP"
        r = http.post("/v1/api-tokens", json={"name": f"mta-{tag}"}, headers=csrf)
        assert r.status_code == 201, r.text
        token = r.json()["token"]
    raw = (
        f"From: Buyer {tag} <buyer-{tag}@example.com>\r\n"
        f"To: Acme Support <{SUPPORT}>\r\n"
        f"Subject: Where is parcel {tag}?\r\n"
        f"Message-ID: <{tag}@mail.example.com>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\n'
        "\r\n"
        f"Hello, parcel {tag} has not arrived.\r\n"
    ).encode()
    r = httpx.post(
        server.base_url + "/v1/channels/email/inbound",
        content=raw,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "message/rfc822"},
        timeout=TIMEOUT_MS / 1000,
    )
    assert r.status_code == 200, r.text


def test_a_failed_email_reply_shows_the_reason_and_retry_now_tries_again_live(
    server: ServerProcess,
    new_context: ContextFactory,
    alice_state: StorageState,
    tmp_path: Path,
) -> None:
    tag = uuid.uuid4().hex[:10]
    mail_comes_in(server, tag)

    agent = new_context("agent", storage_state=alice_state).new_page()
    agent.goto(server.base_url + "/app/")
    agent.get_by_test_id("inbox-tab-all").click()
    item = agent.get_by_test_id("conversation-item").filter(has_text=tag)
    expect(item).to_have_count(1)
    item.click()
    expect(agent.locator('[data-author="visitor"]').filter(has_text=tag)).to_be_visible()

    answer = f"Your parcel {tag} is on its way."
    agent.get_by_test_id("reply-input").fill(answer)
    agent.get_by_test_id("reply-send").click()
    reply = agent.locator("[data-message-id]").filter(has_text=answer)
    expect(reply).to_have_count(1)
    delivery = reply.get_by_test_id("delivery")
    expect(delivery).to_have_attribute("data-delivery-status", "failed")
    expect(delivery).to_contain_text("Not delivered")
    expect(delivery).to_contain_text(NO_SMTP)
    agent.screenshot(path=str(tmp_path / "failed.png"))

    # Every status the element shows from here on, recorded as the DOM changes (a pending
    # state may last less than a poll of expect()).
    message_id = reply.get_attribute("data-message-id")
    agent.evaluate(
        """(messageId) => {
          const selector = `[data-message-id="${messageId}"] [data-testid="delivery"]`;
          window.__deliverySeen = [];
          const note = () => {
            const status = document.querySelector(selector)?.getAttribute("data-delivery-status");
            const seen = window.__deliverySeen;
            if (status && seen[seen.length - 1] !== status) seen.push(status);
          };
          note();
          new MutationObserver(note).observe(document.body, {
            subtree: true, childList: true, attributes: true,
            attributeFilter: ["data-delivery-status"],
          });
        }""",
        message_id,
    )
    with agent.expect_response("**/v1/deliveries/*/retry") as answered:
        delivery.get_by_role("button", name="Retry now").click()
    assert answered.value.status == 200
    assert answered.value.json()["status"] == "pending"

    # It fails again on the server, and the desktop hears it over the socket.
    agent.wait_for_function(
        "() => { const s = window.__deliverySeen; return s.length >= 3 && s[s.length - 1] === 'failed'; }"
    )
    seen = agent.evaluate("() => window.__deliverySeen")
    assert seen[0] == "failed" and seen[-1] == "failed"
    assert set(seen[1:-1]) <= {"pending", "sending"} and seen[1:-1], seen
    expect(delivery).to_contain_text(NO_SMTP)
    expect(delivery.get_by_role("button", name="Retry now")).to_be_enabled()
