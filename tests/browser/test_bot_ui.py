"""The bot in Chromium, on both server backends: an admin switches it on for the web chat in
Admin → Bot (a flow without keywords refused, the error on its field), a visitor asks the demo shop's chat, the
bot answers from the help center with a link, the visitor asks for a person, and Alice gets
the conversation with the bot's transcript and the reason it handed off, and the side panel
suggests the returns article, whose link and text she inserts into her reply."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ContextFactory
from tests.browser.test_admin import open_admin
from tests.browser.test_webchat import Agent, Visitor, alice  # noqa: F401
from tests.support.server import ADMIN, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser


@pytest.fixture
def bot_switched_off_after(server: ServerProcess) -> Iterator[None]:
    """Every module's server on PostgreSQL shares one database: a bot left on would answer
    the web chats of the tests that follow instead of routing them to agents."""
    yield
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        r.raise_for_status()
        off = http.put(
            "/v1/bot/configs/webchat",
            json={"enabled": False},
            headers={"X-CSRF-Token": r.json()["csrf_token"]},
        )
        assert off.status_code == 200, off.text


@pytest.mark.usefixtures("bot_switched_off_after")
def test_the_bot_answers_and_hands_off_to_alice_with_its_reason(
    alice: Agent,  # noqa: F811
    new_context: ContextFactory,
    server: ServerProcess,
) -> None:
    admin = new_context("admin").new_page()
    open_admin(admin, server, "bot")
    form = admin.get_by_test_id("bot-form")
    expect(form).to_contain_text("Bot for Web chat")
    admin.get_by_test_id("bot-enabled").check()
    admin.get_by_test_id("bot-name").fill("Hovorka")
    admin.get_by_test_id("bot-threshold").fill("0.5")
    admin.get_by_test_id("flow-add").click()
    admin.get_by_test_id("flow-name").fill("x")
    admin.get_by_test_id("flow-step-say").fill("?")
    admin.get_by_test_id("bot-save").click()
    expect(
        admin.locator('[data-testid="field-error"][data-field="flows.0.keywords"]')
    ).to_contain_text("at least 1 item")
    admin.get_by_test_id("flow-remove").click()
    admin.get_by_test_id("bot-save").click()
    expect(admin.get_by_test_id("bot-saved")).to_be_visible()
    expect(admin.get_by_test_id("bot-scope").first).to_have_attribute("aria-pressed", "true")

    visitor = Visitor.arrive(new_context("visitor"), server)
    visitor.open_chat()
    question = "Jak vrátit zboží?"  # a fresh visitor: their own conversation
    visitor.send(question)
    answer = visitor.messages.filter(has_text="/help/")
    expect(answer).to_have_count(1)
    expect(answer).to_have_attribute("data-author", "agent")
    expect(answer).to_contain_text("Hovorka")

    visitor.send("Chci mluvit s člověkem")
    expect(visitor.messages.filter(has_text="Connecting you to a colleague")).to_have_count(1)

    conversation_id = alice.conversation_with("Connecting you to a colleague")
    alice.open_conversation(conversation_id)
    log = alice.page.get_by_role("log", name="Messages")
    expect(log.get_by_text(question)).to_be_visible()
    expect(log.get_by_text("/help/").first).to_be_visible()
    expect(
        log.get_by_text("Bot handed the conversation to a person: the customer asked for a person.")
    ).to_be_visible()

    suggested = alice.page.get_by_test_id("suggested-article").first
    expect(suggested).to_be_visible()
    box = alice.page.get_by_test_id("reply-input")
    suggested.get_by_test_id("insert-article-link").click()
    expect(box).to_have_value(re.compile(r"^https?://\S+/help/\S+$"))
    suggested.get_by_test_id("insert-article-text").click()
    expect(box).to_have_value(re.compile(r"/help/\S+ \S+"))
