"""Issue 17's example end to end in Chromium, on both server backends.

A customer reads an article of the help center (whose pages carry the tracker), opens the
chat there and asks the bot twice; the bot is not sure either time (below its threshold),
hands off and, with nobody free, offers a callback; the customer leaves a phone number.
Then Alice signs in, opens that callback's conversation and sees the article read on the
contact's timeline, the bot's chat and the reason it handed off.
"""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ContextFactory, log_in
from tests.browser.test_bot_ui import bot_switched_off_after
from tests.browser.test_knowledge_ui import admin_client
from tests.support.server import ALICE, DEMO_PASSWORD, DEMO_SITE_KEY, ServerProcess
from tests.support.waiting import wait_until

pytestmark = pytest.mark.browser
__all__ = ["bot_switched_off_after"]  # the fixture, shared with the bot's test

PHONE = "+420 602 555 777"
PHONE_E164 = "+420602555777"
# Nothing in the demo's help center is about these: the bot is below its threshold.
QUESTIONS = ("Jak funguje kvantová chromodynamika?", "A fotosyntéza listů?")
HANDOFF_REASON = "two answers in a row did not help (last: low confidence"


def _help_center_with_bot(http: httpx.Client, csrf: dict[str, str]) -> None:
    """The demo's help center carries the shop's tracker; the web chat's bot is on."""
    site = next(k for k in http.get("/v1/site-keys").json() if k["key"] == DEMO_SITE_KEY)
    r = http.put(
        "/v1/knowledge/help-center",
        headers=csrf,
        json={"slug": "demo", "title": "Nápověda", "site_key_id": site["id"]},
    )
    assert r.status_code == 200, r.text
    r = http.put(
        "/v1/bot/configs/webchat",
        headers=csrf,
        json={"enabled": True, "name": "Hovorka", "threshold": 0.75, "flows": []},
    )
    assert r.status_code == 200, r.text


def _read_an_article(page: Page, server: ServerProcess) -> str:
    """Open the help center's first article (the tracker reports it); its title."""
    with page.expect_response("**/v1/widget/session"):
        page.goto(f"{server.base_url}/help/demo/cs")
    link = page.locator("main a[href^='/help/demo/cs/']").first
    title = link.inner_text().strip()
    with page.expect_response("**/v1/widget/session"):
        link.click()
    expect(page.locator("article h1")).to_have_text(title)
    return title


def _ask(page: Page, text: str, bot_says: str) -> None:
    page.get_by_test_id("hovor-input").fill(text)
    page.get_by_test_id("hovor-send").click()
    said = page.get_by_test_id("hovor-message").filter(has_text=bot_says)
    expect(said.last).to_have_attribute("data-author", "agent")


@pytest.mark.usefixtures("bot_switched_off_after")
def test_from_the_article_to_the_callback_the_agent_sees_what_was_read_and_said(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    http, csrf = admin_client(server)
    _help_center_with_bot(http, csrf)

    customer = new_context("customer").new_page()
    title = _read_an_article(customer, server)
    customer.get_by_test_id("hovor-launcher").click()
    _ask(customer, QUESTIONS[0], "I'm not sure about this one")
    _ask(customer, QUESTIONS[1], "Nobody is free right now")
    _ask(customer, PHONE, f"we will call you at {PHONE_E164}")

    def callback_id() -> str | None:
        listed = http.get("/v1/conversations", params={"view": "all"}).json()["items"]
        return next((str(c["id"]) for c in listed if c["channel"] == "callback"), None)

    callback = wait_until("the callback the bot asked for", callback_id)

    agent = new_context("agent").new_page()
    log_in(agent, server.base_url, ALICE, DEMO_PASSWORD)
    agent.get_by_test_id("inbox-tab-all").click()
    row = agent.locator(f'[data-testid="conversation-item"][data-conversation-id="{callback}"]')
    row.click()
    expect(row).to_have_attribute("aria-current", "true")
    expect(agent.locator(".conversation__header").get_by_test_id("callback-due")).to_contain_text(
        PHONE_E164
    )

    # Why the bot handed off, and its whole chat, in the callback's conversation.
    log = agent.get_by_role("log", name="Messages")
    expect(log.get_by_text(f"From the bot: {HANDOFF_REASON}")).to_be_visible()
    chat = agent.get_by_test_id("message").filter(
        has_text="The chat with the bot before this callback"
    )
    expect(chat).to_contain_text(f"Customer: {QUESTIONS[0]}")
    expect(chat).to_contain_text("Hovorka: Tady si nejsem jistý")
    expect(chat).to_contain_text(f"Customer: {QUESTIONS[1]}")
    expect(chat).to_contain_text("Nobody is free right now")
    expect(chat).to_contain_text(f"Customer: {PHONE}")

    # What the customer read, on the contact's timeline beside the conversation.
    read = agent.get_by_test_id("profile-timeline").locator(
        '[data-testid="timeline-entry"][data-kind="article.viewed"]'
    )
    expect(read.first).to_contain_text(f"Read the help article “{title}")
    handed = agent.get_by_test_id("profile-timeline").locator(
        '[data-testid="timeline-entry"][data-kind="bot.handed_off"]'
    )
    expect(handed).to_contain_text("two answers in a row did not help")
    http.close()
