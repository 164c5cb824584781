"""Phone calls in the agent desktop, end to end in Chromium, on both server backends, with
a stand-in Twilio playing the phones (tests/channels/voice/telephony/twilio_network.py).

An inbound call pops up as "Incoming call" with the caller; once routing (here: the admin)
gives it to the agent, the desktop opens the caller's conversation and profile by itself.
The caller hangs up: a callback. A new agent opens it and presses "Call": the desktop asks
for their own phone first (it rings before the customer's), then shows the call live,
ringing, on call, ended with its outcome and duration, and the callback is done.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ContextFactory, log_in
from tests.browser.test_offers import Staff
from tests.channels.voice.telephony.test_twilio_flow import a_caller
from tests.channels.voice.telephony.twilio_network import (
    TwilioVoice,
    call_sid,
    config,
    twilio_voice,
)
from tests.support.server import ADMIN, ServerProcess
from tests.support.waiting import wait_until

pytestmark = pytest.mark.browser
T = TypeVar("T")


def on_the_phone(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run the stand-in's (async) call in a thread of its own: Playwright's sync API holds
    this thread's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def network() -> Iterator[TwilioVoice]:
    with twilio_voice() as api:
        yield api


@pytest.fixture
def admin(server: ServerProcess) -> Iterator[Staff]:
    staff = Staff(server, ADMIN)
    yield staff
    staff.http.close()


def an_agent(admin: Staff) -> tuple[str, str, str]:
    """A new agent (no phone on their profile yet): id, e-mail and password."""
    email, password = f"vera-{secrets.token_hex(4)}@demo.hovor.dev", "vera-password-1"
    r = admin.change(
        "POST", "/v1/users", json={"email": email, "name": "Věra Nová", "password": password}
    )
    assert r.status_code == 201, r.text
    return r.json()["id"], email, password


def test_an_inbound_call_pops_the_caller_and_the_callback_is_dialled_from_the_header(
    new_context: ContextFactory, server: ServerProcess, admin: Staff, network: TwilioVoice
) -> None:
    r = admin.change(
        "POST",
        "/v1/inboxes",
        json={"kind": "twilio_voice", "name": "Linka", "config": config(network.url)},
    )
    assert r.status_code == 201, r.text
    webhook = r.json()["webhook_url"]
    agent_id, email, password = an_agent(admin)
    desk: Page = new_context("agent").new_page()
    log_in(desk, server.base_url, email, password)
    expect(desk.get_by_test_id("presence-select")).to_be_visible()

    # A customer calls: the desktop shows who, before anyone picks up.
    caller, sid = a_caller(), call_sid()
    on_the_phone(network.incoming(webhook, caller, sid))
    pop = desk.get_by_test_id("incoming-call").filter(has_text=caller)
    expect(pop).to_be_visible()

    # Routing gives it to this agent: their desktop opens the caller's conversation.
    conversation_id = pop.get_attribute("data-conversation")
    assert conversation_id
    r = admin.change(
        "POST", f"/v1/conversations/{conversation_id}/assign", json={"user_id": agent_id}
    )
    assert r.status_code == 200, r.text
    expect(desk).to_have_url(f"{server.base_url}/app/#/c/{conversation_id}")
    expect(desk.locator(".conversation__header")).to_contain_text(caller)
    expect(desk.get_by_test_id("call-status")).to_have_text(f"Incoming call from {caller}")

    # Nobody picks up; the caller hangs up: the pop goes, the call reads as missed.
    on_the_phone(network.caller_hangs_up(webhook, caller, sid, 15))
    expect(pop).to_have_count(0)
    expect(desk.get_by_test_id("call-status")).to_have_text("Call ended: missed")

    # The missed call's callback: "Call" asks for the agent's own phone first.
    def callback_id() -> str | None:
        page = admin.http.get("/v1/conversations", params={"view": "all", "limit": 100}).json()
        found = [
            c["id"]
            for c in page["items"]
            if c["channel"] == "callback" and c["contact"]["id"] == contact_id
        ]
        return found[0] if found else None

    calls = admin.http.get(f"/v1/conversations/{conversation_id}/calls").json()["items"]
    contact_id = calls[0]["contact_id"]
    callback = wait_until("the missed call's callback", callback_id)
    desk.goto(f"{server.base_url}/app/#/c/{callback}")
    desk.get_by_test_id("call-start").click()
    expect(desk.get_by_test_id("agent-phone-form")).to_be_visible()
    desk.get_by_test_id("agent-phone").fill("12")
    desk.get_by_test_id("agent-phone-save").click()
    expect(desk.get_by_test_id("agent-phone-form").get_by_test_id("form-error")).to_be_visible()
    desk.get_by_test_id("agent-phone").fill("+420 601 444 555")
    desk.get_by_test_id("agent-phone-save").click()

    status = desk.get_by_test_id("call-status")
    expect(status).to_have_text("Ringing your phone…")
    created = wait_until("the call at Twilio", lambda: network.created[-1:] or None)[0]
    assert (created["To"], created["sid"]) == ("+420601444555", created["sid"])
    dial = on_the_phone(network.agent_picks_up(created)).find("Dial")
    assert dial is not None
    child = call_sid()
    on_the_phone(network.dialled_leg(dial, created["sid"], child, "ringing"))
    expect(status).to_have_text(f"Ringing {caller}…")
    on_the_phone(network.dialled_leg(dial, created["sid"], child, "in-progress"))
    expect(status).to_contain_text("On call 0:0")
    on_the_phone(network.dialled_leg(dial, created["sid"], child, "completed", CallDuration="65"))
    expect(status).to_have_text("Call ended: answered · 1:05")
    expect(desk.get_by_test_id("reopen-conversation")).to_be_visible()  # the callback is done
