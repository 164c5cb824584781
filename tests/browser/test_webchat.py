"""Web chat end to end: a visitor on the demo shop and an agent on the desktop, in Chromium.

Each test runs against both server backends (SQLite + memory bus, PostgreSQL + Redis), uses
its own visitor context (fresh localStorage, so a new visitor) and finds its conversation by
a unique message text, so the tests do not depend on each other or on their order. The demo
has two agents and routing auto-assigns to whoever is online, so the desktop is always
looked at through "All open"/"All closed", never "Unassigned" or "Mine".
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, StorageState, WebSocket, expect

from tests.browser.conftest import ContextFactory, log_in
from tests.support.server import ALICE, BOB, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser

PRODUCT_PAGE = "/demo/shop/kettle-brewmate.html"
AGENT_NAME = "Alice Agent"


def unique(label: str) -> str:
    return f"{label} {uuid.uuid4().hex[:10]}"


# ------------------------------------------------------------------ visitor --


class Visitor:
    """The widget on a shop page; test ids live inside the open shadow root on #hovor-root."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.launcher = page.get_by_test_id("hovor-launcher")
        self.panel = page.get_by_test_id("hovor-panel")
        self.input = page.get_by_test_id("hovor-input")
        self.messages = page.get_by_test_id("hovor-message")
        self.typing = page.get_by_test_id("hovor-typing")
        self.unread = page.get_by_test_id("hovor-unread")

    @classmethod
    def arrive(cls, context: BrowserContext, server: ServerProcess) -> Visitor:
        page = context.new_page()
        page.goto(server.base_url + PRODUCT_PAGE)
        return cls(page)

    def open_chat(self) -> None:
        expect(self.launcher).to_be_visible()
        if not self.panel.is_visible():
            self.launcher.click()
        expect(self.panel).to_be_visible()

    def close_chat(self) -> None:
        self.page.get_by_test_id("hovor-close").click()
        expect(self.panel).to_be_hidden()

    def write(self, text: str) -> None:
        self.input.fill(text)
        self.page.get_by_test_id("hovor-send").click()

    def message(self, text: str) -> Locator:
        return self.messages.filter(has_text=text)

    def send(self, text: str) -> Locator:
        """Write a message and wait until the server has stored it."""
        self.write(text)
        sent = self.message(text)
        expect(sent).to_have_attribute("data-status", "sent")
        expect(sent).to_have_attribute("data-author", "visitor")
        return sent


# -------------------------------------------------------------------- agent --


def _is_frame(payload: str | bytes, kind: str, **fields: Any) -> bool:
    try:
        frame = json.loads(payload)
    except ValueError:
        return False
    return frame.get("type") == kind and all(frame.get(k) == v for k, v in fields.items())


def _is_agent_socket(ws: WebSocket) -> bool:
    return "/v1/agent/ws" in ws.url


# Observes (never alters) the page's WebSockets, so a test can wait until the desktop's
# live connection is open before the visitor acts; otherwise a frame could be missed.
WATCH_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__hovorTestSockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__hovorTestSockets.push(this);
    }
  };
})();
"""


class Agent:
    """The agent desktop, signed in, with its live socket proven to deliver frames."""

    def __init__(self, page: Page, socket: WebSocket) -> None:
        self.page = page
        self.socket = socket
        self.presence = page.get_by_test_id("presence-select")

    @classmethod
    def open(cls, context: BrowserContext, server: ServerProcess) -> Agent:
        """Open the desktop in a context that already carries a session cookie."""
        page = cls._new_page(context)
        with page.expect_websocket(_is_agent_socket) as socket:
            page.goto(server.base_url + "/app/")
        return cls(page, socket.value)

    @classmethod
    def log_in(cls, context: BrowserContext, server: ServerProcess, email: str) -> Agent:
        page = cls._new_page(context)
        with page.expect_websocket(_is_agent_socket) as socket:
            log_in(page, server.base_url, email, DEMO_PASSWORD)
        return cls(page, socket.value)

    @staticmethod
    def _new_page(context: BrowserContext) -> Page:
        page = context.new_page()
        page.add_init_script(WATCH_SOCKETS)
        return page

    def wait_connected(self) -> None:
        """Wait until the desktop's socket is open (the server subscribes it before accepting)."""
        self.page.wait_for_function(
            "() => window.__hovorTestSockets.some("
            "s => s.url.includes('/v1/agent/ws') && s.readyState === WebSocket.OPEN)"
        )

    def set_presence(self, status: str) -> None:
        """Choose a status and wait for the server's presence frame on the agent socket."""
        expect(self.presence).to_be_enabled()
        with self.socket.expect_event(
            "framereceived", lambda p: _is_frame(p, "presence.changed", status=status)
        ):
            self.presence.select_option(status)
        expect(self.presence).to_have_value(status)

    def go_online(self) -> None:
        """Be online, and know the live socket works before anyone else acts.

        If another test left Alice online, step away and back: selecting the current value
        changes nothing, and we want the round trip through the socket.
        """
        self.wait_connected()
        expect(self.presence).to_be_enabled()
        if self.presence.input_value() == "online":
            self.set_presence("away")
        self.set_presence("online")

    def show(self, status: str = "open") -> None:
        """The "All" view (safe whoever the conversation was routed to), open or closed."""
        self.page.get_by_test_id("inbox-tab-all").click()
        expect(self.page.get_by_test_id("inbox-tab-all")).to_have_attribute("aria-selected", "true")
        self.page.get_by_test_id(f"inbox-status-{status}").click()
        expect(self.page.get_by_test_id(f"inbox-status-{status}")).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(self.page.get_by_text("Loading conversations…")).to_have_count(0)

    def conversation_with(self, text: str) -> str:
        """The id of the (single) listed conversation whose preview shows ``text``."""
        item = self.page.get_by_test_id("conversation-item").filter(has_text=text)
        expect(item).to_have_count(1)
        conversation_id = item.get_attribute("data-conversation-id")
        assert conversation_id
        return conversation_id

    def item(self, conversation_id: str) -> Locator:
        return self.page.locator(
            f'[data-testid="conversation-item"][data-conversation-id="{conversation_id}"]'
        )

    def open_conversation(self, conversation_id: str) -> None:
        self.item(conversation_id).click()
        expect(self.item(conversation_id)).to_have_attribute("aria-current", "true")
        expect(self.page.get_by_test_id("reply-input")).to_be_visible()

    def message(self, text: str) -> Locator:
        return self.page.get_by_test_id("message").filter(has_text=text)

    def reply(self, text: str) -> None:
        self.page.get_by_test_id("reply-input").fill(text)
        self.page.get_by_test_id("reply-send").click()
        stored = self.message(text)
        expect(stored).to_have_attribute("data-author", "agent")
        expect(stored).not_to_have_attribute("data-pending", "sending")

    def start_chat_with(self, visitor: Visitor, text: str) -> str:
        """The visitor writes ``text``; the agent finds that conversation and opens it."""
        visitor.open_chat()
        visitor.send(text)
        conversation_id = self.conversation_with(text)
        self.open_conversation(conversation_id)
        expect(self.message(text)).to_have_attribute("data-author", "visitor")
        return conversation_id


@pytest.fixture
def alice(new_context: ContextFactory, server: ServerProcess, alice_state: StorageState) -> Agent:
    agent = Agent.open(new_context("agent", storage_state=alice_state), server)
    agent.go_online()
    agent.show("open")
    return agent


@pytest.fixture
def visitor(new_context: ContextFactory, server: ServerProcess) -> Visitor:
    return Visitor.arrive(new_context("visitor"), server)


# -------------------------------------------------------------------- tests --


def test_visitor_and_agent_chat_live_and_history_survives_reload(
    new_context: ContextFactory, server: ServerProcess
) -> None:
    question = unique("Does the BrewMate kettle have a keep-warm mode?")
    answer = unique("Yes, it keeps water at 80 °C for 30 minutes.")

    agent = Agent.log_in(new_context("agent"), server, ALICE)
    expect(agent.page.get_by_test_id("login-error")).to_have_count(0)
    agent.go_online()
    agent.show("open")
    # Marks this page load: if the desktop reloaded, the mark would be gone.
    agent.page.evaluate("window.__hovorTestNoReload = true")

    visitor = Visitor.arrive(new_context("visitor"), server)
    visitor.open_chat()
    visitor.send(question)

    # The new conversation shows up live on the desktop.
    conversation_id = agent.conversation_with(question)
    assert agent.page.evaluate("window.__hovorTestNoReload === true"), "the desktop reloaded"
    agent.open_conversation(conversation_id)
    expect(agent.message(question)).to_have_attribute("data-author", "visitor")
    agent.reply(answer)

    # The visitor sees the answer at once.
    expect(visitor.message(answer)).to_have_attribute("data-author", "agent")

    # After a reload the history is still there.
    visitor.page.reload()
    visitor.open_chat()
    expect(visitor.message(question)).to_have_attribute("data-author", "visitor")
    expect(visitor.message(question)).to_have_attribute("data-status", "sent")
    expect(visitor.message(answer)).to_have_attribute("data-author", "agent")
    expect(visitor.messages.filter(has_text=question)).to_have_count(1)
    expect(visitor.messages.filter(has_text=answer)).to_have_count(1)


def test_typing_indicators_both_ways(alice: Agent, visitor: Visitor) -> None:
    first = unique("Is the fridge quiet?")
    alice.start_chat_with(visitor, first)
    typing = alice.page.get_by_test_id("visitor-typing")
    expect(typing).to_have_count(0)
    expect(visitor.typing).to_be_hidden()

    # The visitor types: the agent sees it; sending the message ends it.
    follow_up = unique("I mean at night")
    visitor.input.press_sequentially(follow_up[:8])
    expect(typing).to_be_visible()
    visitor.input.fill(follow_up)
    visitor.page.get_by_test_id("hovor-send").click()
    expect(alice.message(follow_up)).to_have_attribute("data-author", "visitor")
    expect(typing).to_have_count(0)

    # The agent types: the visitor sees who; the reply ends it.
    answer = unique("It runs at 35 dB")
    alice.page.get_by_test_id("reply-input").press_sequentially(answer[:8])
    expect(visitor.typing).to_be_visible()
    expect(visitor.typing).to_contain_text(AGENT_NAME)
    alice.page.get_by_test_id("reply-input").fill(answer)
    alice.page.get_by_test_id("reply-send").click()
    expect(visitor.message(answer)).to_have_attribute("data-author", "agent")
    expect(visitor.typing).to_be_hidden()


def test_unread_badge_counts_agent_replies_while_the_panel_is_closed(
    alice: Agent, visitor: Visitor
) -> None:
    question = unique("Do you deliver on Saturdays?")
    alice.start_chat_with(visitor, question)
    visitor.close_chat()
    expect(visitor.unread).to_have_count(0)

    answer = unique("We do, between 9 and 14.")
    alice.reply(answer)
    expect(visitor.unread).to_have_text("1")

    # Opening the panel shows the reply and clears the badge.
    visitor.open_chat()
    expect(visitor.message(answer)).to_have_attribute("data-author", "agent")
    expect(visitor.unread).to_have_count(0)


def test_close_and_reopen_move_the_conversation_between_views(
    alice: Agent, visitor: Visitor
) -> None:
    question = unique("Can I change my delivery address?")
    conversation_id = alice.start_chat_with(visitor, question)

    alice.page.get_by_test_id("close-conversation").click()
    expect(alice.page.get_by_test_id("reopen-conversation")).to_be_visible()
    expect(alice.page.get_by_test_id("reply-input")).to_be_disabled()
    expect(alice.item(conversation_id)).to_have_count(0)  # gone from "All open"

    alice.show("closed")
    expect(alice.item(conversation_id)).to_have_count(1)
    expect(alice.item(conversation_id)).to_contain_text("Closed")

    alice.page.get_by_test_id("reopen-conversation").click()
    expect(alice.page.get_by_test_id("close-conversation")).to_be_visible()
    expect(alice.page.get_by_test_id("reply-input")).to_be_enabled()
    expect(alice.item(conversation_id)).to_have_count(0)  # gone from "All closed"

    alice.show("open")
    expect(alice.item(conversation_id)).to_have_count(1)
    expect(alice.item(conversation_id)).not_to_contain_text("Closed")

    # Reopened means usable: a reply still reaches the visitor.
    answer = unique("Yes, until it ships.")
    alice.reply(answer)
    expect(visitor.message(answer)).to_have_attribute("data-author", "agent")


def test_wrong_password_shows_login_error(
    new_context: ContextFactory, server: ServerProcess
) -> None:
    page = new_context("agent").new_page()
    # Bob, not Alice: failed log-ins count against a per-e-mail limit; keep Alice's clear.
    log_in(page, server.base_url, BOB, "not-the-password")
    expect(page.get_by_test_id("login-error")).to_be_visible()
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    expect(page.get_by_test_id("presence-select")).to_have_count(0)


def test_message_written_offline_is_delivered_once_back_online(
    alice: Agent, visitor: Visitor
) -> None:
    first = unique("Is the TV wall-mountable?")
    alice.start_chat_with(visitor, first)

    offline_text = unique("And which bracket fits it?")
    visitor.page.context.set_offline(True)
    visitor.write(offline_text)
    pending = visitor.message(offline_text)
    expect(pending).to_have_attribute("data-status", "sending")

    # Meanwhile the agent (online) completes a round trip through the server; the visitor's
    # message still has not arrived there, and is still shown as sending.
    meanwhile = unique("Any VESA 300x300 bracket.")
    alice.reply(meanwhile)
    expect(alice.message(offline_text)).to_have_count(0)
    expect(pending).to_have_attribute("data-status", "sending")

    visitor.page.context.set_offline(False)
    expect(pending).to_have_attribute("data-status", "sent")
    expect(alice.message(offline_text)).to_have_attribute("data-author", "visitor")
    expect(visitor.message(meanwhile)).to_have_attribute("data-author", "agent")

    # A later message round-trips too; by then any duplicate would have shown up.
    later = unique("Thanks!")
    visitor.send(later)
    expect(alice.message(later)).to_have_count(1)
    expect(visitor.message(offline_text)).to_have_count(1)
    expect(alice.message(offline_text)).to_have_count(1)


def test_message_written_offline_survives_closing_the_tab(
    alice: Agent, visitor: Visitor, server: ServerProcess
) -> None:
    first = unique("Do you price-match?")
    alice.start_chat_with(visitor, first)

    offline_text = unique("Another shop sells it for less")
    context = visitor.page.context
    context.set_offline(True)
    visitor.write(offline_text)
    expect(visitor.message(offline_text)).to_have_attribute("data-status", "sending")
    visitor.page.close()

    # Back online later, the visitor returns to the shop: the unsent message goes out once.
    # (Chromium may push the held frame out as the tab closes, so the server may already
    # have it; either way the outbox and the server's dedupe must end with exactly one.)
    context.set_offline(False)
    returned = Visitor.arrive(context, server)
    returned.open_chat()
    expect(returned.message(offline_text)).to_have_attribute("data-status", "sent")
    expect(alice.message(offline_text)).to_have_attribute("data-author", "visitor")

    later = unique("Thanks!")
    returned.send(later)
    expect(alice.message(later)).to_have_count(1)
    expect(returned.message(offline_text)).to_have_count(1)
    expect(alice.message(offline_text)).to_have_count(1)
