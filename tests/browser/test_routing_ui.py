"""The router in the desktop, end to end in Chromium, on both server backends.

A supervisor's wallboard follows a chat live (waiting 0 → 1 → 0, the chart with it); an
agent on a queue that asks before assigning gets an incoming-work card, accepts, and the
conversation opens; a queue with a bad CEL target shows the error under that step.

The module makes its own agent ("Rita", with a skill of her own) and a web chat queue whose
target asks for that skill, so only Rita ever takes its work, whatever other agents or
conversations earlier tests left in the database (on PostgreSQL the database lives for the
whole run). It lends the web chat channel from the demo's queue to its own while it runs
and gives it back, with Rita offline, at the end: later modules see the routing they expect.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ContextFactory, log_in
from tests.browser.test_webchat import Agent, Visitor
from tests.support.server import ADMIN, ALICE, BOB, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser


def unique(label: str) -> str:
    return f"{label} {uuid.uuid4().hex[:8]}"


class Api:
    """A signed-in HTTP session (cookie and CSRF token), for setting the scene."""

    def __init__(self, server: ServerProcess, email: str, password: str = DEMO_PASSWORD) -> None:
        self.http = httpx.Client(base_url=server.base_url, timeout=10)
        r = self.http.post("/v1/auth/login", json={"email": email, "password": password})
        r.raise_for_status()
        self.http.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        self.user: dict[str, Any] = r.json()["user"]

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        r = self.http.request(method, path, **kwargs)
        assert r.is_success, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    def presence(self, status: str) -> None:
        self.call("PUT", "/v1/me/presence", json={"status": status})

    def close(self) -> None:
        self.http.close()


@dataclass
class Desk:
    admin: Api
    rita: Api
    rita_email: str
    rita_name: str
    queue_id: str
    queue_name: str
    skill: str

    def queue(self, **settings: Any) -> None:
        """Set the web chat queue (target: Rita's skill) with these settings."""
        body = {
            "name": self.queue_name,
            "channels": ["webchat"],
            "steps": [{"target": f"has(skills.{self.skill})", "timeout_seconds": None}],
            "reservation_seconds": 60,
            "auto_accept": True,
            **settings,
        }
        self.admin.call("PUT", f"/v1/routing/queues/{self.queue_id}", json=body)


@pytest.fixture(scope="module")
def desk(server: ServerProcess) -> Iterator[Desk]:
    admin = Api(server, ADMIN)
    # Nobody from the demo is online: the scene starts with no agent to take a chat.
    for email in (ALICE, BOB):
        other = Api(server, email)
        other.presence("offline")
        other.close()
    admin.presence("offline")

    suffix = uuid.uuid4().hex[:8]
    skill = f"desk_{suffix}"
    rita_email, rita_name = f"rita-{suffix}@example.org", f"Rita {suffix}"
    rita_user = admin.call(
        "POST",
        "/v1/users",
        json={
            "email": rita_email,
            "name": rita_name,
            "password": DEMO_PASSWORD,
            "role": "agent",
            # Room for whatever earlier tests left waiting in other queues, and for ours.
            "chat_capacity": 30,
        },
    )
    admin.call("PUT", f"/v1/routing/agents/{rita_user['id']}", json={"skills": {skill: 3}})
    # Only this queue may be the web chat queue while the module runs (the demo's "Web
    # chat" queue gets the channel back at the end).
    lent: list[tuple[str, dict[str, Any]]] = []
    for queue in admin.call("GET", "/v1/routing/queues"):
        if "webchat" in queue["channels"]:
            body = {k: v for k, v in queue.items() if k not in ("id", "created_at", "updated_at")}
            lent.append((queue["id"], body))
            without = {**body, "channels": [c for c in body["channels"] if c != "webchat"]}
            admin.call("PUT", f"/v1/routing/queues/{queue['id']}", json=without)
    queue_name = f"Desk {suffix}"
    queue = admin.call(
        "POST",
        "/v1/routing/queues",
        json={
            "name": queue_name,
            "channels": ["webchat"],
            "steps": [{"target": f"has(skills.{skill})"}],
            "reservation_seconds": 60,
            "auto_accept": True,
        },
    )
    rita = Api(server, rita_email)
    rita.presence("offline")
    state = Desk(admin, rita, rita_email, rita_name, queue["id"], queue_name, skill)
    try:
        yield state
    finally:
        rita.presence("offline")
        state.queue(channels=[], auto_accept=True)
        for queue_id, body in lent:
            admin.call("PUT", f"/v1/routing/queues/{queue_id}", json=body)
        rita.close()
        admin.close()


def open_wallboard(page: Page, server: ServerProcess) -> None:
    log_in(page, server.base_url, ADMIN, DEMO_PASSWORD)
    page.get_by_test_id("nav-wallboard").click()
    expect(page.get_by_test_id("wallboard")).to_be_visible()


def queue_row(page: Page, name: str) -> Any:
    return page.locator(f'[data-testid="wallboard-queue"][data-queue-name="{name}"]')


def test_wallboard_follows_a_chat_live(
    server: ServerProcess, new_context: ContextFactory, desk: Desk
) -> None:
    desk.queue(auto_accept=True)
    page = new_context("supervisor").new_page()
    open_wallboard(page, server)
    row = queue_row(page, desk.queue_name)
    bar = page.locator(f'[data-testid="waiting-bar"][data-queue="{desk.queue_name}"]')
    expect(row.get_by_test_id("queue-waiting")).to_have_text("0")
    expect(bar).to_have_attribute("data-waiting", "0")
    # Marks this page load: if the wallboard reloaded, the mark would be gone.
    page.evaluate("window.__hovorTestNoReload = true")

    # A visitor writes while nobody who could take it is online: it waits.
    question = unique("Is the FrostKing fridge frost-free?")
    visitor = Visitor.arrive(new_context("visitor"), server)
    visitor.open_chat()
    visitor.send(question)

    expect(row.get_by_test_id("queue-waiting")).to_have_text("1")
    expect(bar).to_have_attribute("data-waiting", "1")
    expect(bar).to_contain_text("1")
    # The longest wait ticks between frames.
    longest = row.get_by_test_id("queue-longest-wait")
    expect(longest).to_have_text(re.compile(r"^\d+s$"))
    seen = longest.inner_text()
    expect(longest).not_to_have_text(seen)
    trend = page.get_by_test_id("waiting-trend")
    expect(trend).to_have_attribute("data-latest", re.compile(r"^[1-9]\d*$"))
    assert page.evaluate("window.__hovorTestNoReload === true"), "the wallboard reloaded"

    # Rita, who has the queue's skill, comes online: the chat is hers at once.
    desk.rita.presence("online")
    expect(row.get_by_test_id("queue-waiting")).to_have_text("0")
    expect(bar).to_have_attribute("data-waiting", "0")
    expect(row.get_by_test_id("queue-held")).to_contain_text("/ 1")
    # Today's figures follow the assignment: answered within the target.
    expect(row.get_by_test_id("queue-sla")).to_contain_text("100 %")
    expect(row.get_by_test_id("queue-sla")).to_contain_text("1/1 answered")
    sla_bar = page.locator(f'[data-testid="sla-bar"][data-queue="{desk.queue_name}"]')
    expect(sla_bar).to_have_attribute("data-percent", "100")
    assert page.evaluate("window.__hovorTestNoReload === true"), "the wallboard reloaded"
    desk.rita.presence("offline")


def test_agent_accepts_a_reservation_and_the_conversation_opens(
    server: ServerProcess, new_context: ContextFactory, desk: Desk
) -> None:
    desk.queue(auto_accept=False, reservation_seconds=60)
    agent = Agent.log_in(new_context("rita"), server, desk.rita_email)
    page = agent.page
    agent.go_online()
    expect(page.get_by_test_id("reservation-card")).to_have_count(0)

    question = unique("Can the FrostKing go in a garage?")
    visitor = Visitor.arrive(new_context("visitor"), server)
    visitor.open_chat()
    visitor.send(question)

    card = page.get_by_test_id("reservation-card")
    expect(card).to_have_count(1)
    expect(card.get_by_test_id("reservation-queue")).to_have_text(desk.queue_name)
    expect(card).to_contain_text("Web chat")
    expect(card.get_by_test_id("reservation-countdown")).to_have_text(re.compile(r"^[01]:\d\d$"))
    expect(card).to_contain_text(question)
    conversation_id = card.get_attribute("data-conversation-id")
    assert conversation_id

    card.get_by_test_id("reservation-accept").click()
    expect(page.get_by_test_id("reservation-card")).to_have_count(0)
    assert page.url.endswith(f"#/c/{conversation_id}")
    expect(page.get_by_test_id("reply-input")).to_be_visible()
    expect(agent.message(question)).to_have_attribute("data-author", "visitor")
    expect(page.get_by_test_id("conversation-assignee")).to_have_text("Assigned to you")
    # The server agrees: the conversation is Rita's.
    stored = desk.admin.call("GET", f"/v1/conversations/{conversation_id}")
    assert stored["assignee"]["name"] == desk.rita_name
    agent.set_presence("offline")


def test_a_bad_target_is_shown_under_its_step(
    server: ServerProcess, new_context: ContextFactory, desk: Desk
) -> None:
    page = new_context("admin").new_page()
    log_in(page, server.base_url, ADMIN, DEMO_PASSWORD)
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id("admin-tab-routing").click()
    expect(page.get_by_test_id("admin-tab-routing")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("queue-row").filter(has_text=desk.queue_name)).to_be_visible()

    name = unique("Fridges")
    page.get_by_test_id("queue-new").click()
    page.get_by_test_id("queue-form-name").fill(name)
    page.get_by_test_id("step-target-0").fill("has(skills.fridges) && skills.fridges >= 3")
    page.get_by_test_id("step-timeout-0").fill("60")
    page.get_by_test_id("step-add").click()
    page.get_by_test_id("step-target-1").fill("has(skills.fridges &&")
    page.get_by_test_id("queue-form-submit").click()

    # The server's CEL error lands under the second step's target, and only there.
    error = page.locator('[data-testid="field-error"][data-field="steps.1.target"]')
    expect(error).to_contain_text("syntax error at 1:")
    expect(page.get_by_test_id("field-error")).to_have_count(1)
    expect(page.get_by_test_id("step-target-1")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("step-target-0")).to_have_attribute("aria-invalid", "false")
    expect(page.get_by_test_id("queue-row").filter(has_text=name)).to_have_count(0)

    page.get_by_test_id("step-target-1").fill("")
    expect(page.get_by_test_id("field-error")).to_have_count(0)
    page.get_by_test_id("queue-form-submit").click()
    row = page.get_by_test_id("queue-row").filter(has_text=name)
    expect(row).to_be_visible()
    expect(row).to_contain_text("skills.fridges >= 3")
    expect(row).to_contain_text("any agent")
    expect(page.get_by_test_id("queue-form")).to_have_count(0)
