"""WhatsApp's 24-hour window in the desktop, end to end in Chromium, on both server backends.

A customer writes to a WhatsApp inbox whose Graph API is a local stand-in (the webhook call
signed as Meta signs it). Alice opens the conversation and sees the time left to reply
freely. Her customer's message is then made 25 hours old in the server's database: on
reload the text box is gone, a sentence says why, and a picker offers the inbox's approved
templates (listed from the stand-in). She picks one, fills its {{1}}, sees the preview and
sends it; the stand-in receives exactly Meta's template payload.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import StorageState, expect
from sqlalchemy import update

from hovor.channels.meta.webhook import sign
from hovor.conversations.models import Message
from hovor.core import clock
from hovor.core.dispatch import Dispatcher
from hovor.db.transaction import Database
from tests.browser.conftest import TIMEOUT_MS, ContextFactory
from tests.channels.whatsapp.cloud_api import (
    APP_SECRET,
    PHONE_NUMBER_ID,
    CloudApi,
    cloud_api,
    config,
    fixture_bytes,
)
from tests.conftest import _in_thread
from tests.support.server import ADMIN, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser


@pytest.fixture
def api() -> Iterator[CloudApi]:
    with cloud_api() as api:
        api.wamid_prefix = f"wamid.{uuid.uuid4().hex[:12]}-"  # unique in a shared database
        yield api


def customer_writes(server: ServerProcess, api: CloudApi, tag: str) -> dict[str, Any]:
    """A WhatsApp inbox on the stand-in, and the fixture's text from this run's customer,
    signed with the app secret through the real webhook route; its conversation."""
    wa_id = f"420777{uuid.uuid4().int % 10**6:06d}"
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT_MS / 1000) as http:
        r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        r.raise_for_status()
        csrf = {"X-CSRF-Token": r.json()["csrf_token"]}
        r = http.post(
            "/v1/inboxes",
            json={"kind": "whatsapp", "name": f"Shop {tag}", "config": config(api.url)},
            headers=csrf,
        )
        assert r.status_code == 201, r.text
        inbox = r.json()
        body = (
            fixture_bytes("text.json")
            .replace(b"16505551234", wa_id.encode())
            .replace(b"Sheena Nelson", f"Sheena {tag}".encode())
        )
        r = httpx.post(
            inbox["webhook_url"],
            content=body,
            headers={"X-Hub-Signature-256": sign(APP_SECRET, body)},
            timeout=TIMEOUT_MS / 1000,
        )
        assert r.json() == {"received": 1, "receipts": 0}, r.text
        r = http.get("/v1/conversations", params={"view": "all", "limit": 100})
        [conversation] = [c for c in r.json()["items"] if c["contact"]["name"] == f"Sheena {tag}"]
        return dict(conversation) | {"phone": f"+{wa_id}"}


def make_messages_older(server: ServerProcess, conversation_id: str, hours: int) -> None:
    async def backdate() -> None:
        db = Database(server.database_url, Dispatcher())
        try:
            async with db.transaction() as tx:
                await tx.session.execute(
                    update(Message)
                    .where(Message.conversation_id == conversation_id)
                    .values(created_at=clock.now() - timedelta(hours=hours))
                )
        finally:
            await db.dispose()

    _in_thread(backdate)


def test_outside_the_window_the_agent_sends_an_approved_template(
    server: ServerProcess,
    api: CloudApi,
    new_context: ContextFactory,
    alice_state: StorageState,
    tmp_path: Path,
) -> None:
    tag = uuid.uuid4().hex[:8]
    conversation = customer_writes(server, api, tag)

    agent = new_context("agent", storage_state=alice_state).new_page()
    agent.goto(server.base_url + "/app/")
    agent.get_by_test_id("inbox-tab-all").click()
    item = agent.get_by_test_id("conversation-item").filter(has_text=f"Sheena {tag}")
    expect(item).to_have_count(1)
    item.click()
    expect(agent.locator('[data-author="visitor"]')).to_contain_text(
        "Does it come in another color?"
    )
    # Inside the window: the reply box, with the time left to reply freely.
    expect(agent.get_by_test_id("whatsapp-window")).to_contain_text("left to reply freely")
    expect(agent.get_by_test_id("whatsapp-window")).to_contain_text("23h")
    expect(agent.get_by_test_id("reply-input")).to_be_visible()
    agent.screenshot(path=str(tmp_path / "window-open.png"))

    make_messages_older(server, conversation["id"], hours=25)
    agent.reload()
    notice = agent.get_by_test_id("whatsapp-window-closed")
    expect(notice).to_contain_text("more than 24 hours ago")
    expect(notice).to_contain_text("approved template")
    expect(agent.get_by_test_id("reply-input")).to_have_count(0)

    select = agent.get_by_test_id("whatsapp-template-select")
    # Approved, with numbered body parameters: the PENDING, REJECTED, named-variable and
    # location-header templates of the stand-in's list are not offered.
    expect(select.locator("option")).to_have_text(
        ["Choose a template…", "follow_up (en_US)", "order_shipped (en_US)"]
    )
    send = agent.get_by_test_id("whatsapp-template-send")
    select.select_option(label="follow_up (en_US)")
    preview = agent.get_by_test_id("whatsapp-template-preview")
    expect(preview).to_contain_text("Hello {{1}}, we have an answer to your question.")
    expect(send).to_be_disabled()  # {{1}} is empty
    agent.get_by_test_id("whatsapp-template-param-1").fill(f"Sheena {tag}")
    expect(preview).to_contain_text(f"Hello Sheena {tag}, we have an answer to your question.")
    agent.screenshot(path=str(tmp_path / "template-picker.png"))
    with agent.expect_response("**/whatsapp/templates/send") as answered:
        send.click()
    assert answered.value.status == 201
    message_id = answered.value.json()["id"]

    sent = agent.locator(f'[data-message-id="{message_id}"]')
    expect(sent).to_contain_text(f"Hello Sheena {tag}, we have an answer to your question.")
    expect(sent.get_by_test_id("delivery")).to_have_attribute("data-delivery-status", "sent")
    [call] = [c for c in api.calls if c["method"] == "POST"]
    assert call["path"] == f"/v26.0/{PHONE_NUMBER_ID}/messages"
    payload = dict(call["json"])
    assert payload.pop("biz_opaque_callback_data")  # the delivery's id
    assert payload == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": conversation["phone"],
        "type": "template",
        "template": {
            "name": "follow_up",
            "language": {"code": "en_US"},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": f"Sheena {tag}"}]}
            ],
        },
    }
    # Still outside the window: the picker stays, ready for another template.
    expect(select).to_have_value("")
    expect(agent.get_by_test_id("reply-input")).to_have_count(0)
