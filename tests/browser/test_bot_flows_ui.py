"""A bot flow made in the desktop and run by the widget's bot, in Chromium on both backends.

A manager builds a flow step by step in Admin → Bot (ask for the order number, buttons
leading to steps or to a person, collect an e-mail), is shown the server's error on the
step it is about (two steps with one id), fixes it and saves; the flow is there after a
reload. A visitor on the demo shop then walks it in the chat.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import ContextFactory
from tests.browser.test_admin import open_admin
from tests.browser.test_bot_ui import bot_switched_off_after
from tests.browser.test_webchat import Visitor
from tests.support.server import ServerProcess

pytestmark = pytest.mark.browser
__all__ = ["bot_switched_off_after"]  # the fixture, shared with the bot's test


def _step(admin: Page, index: int) -> Locator:
    return admin.get_by_test_id("flow-step").nth(index)


def _fill_step(admin: Page, index: int, step_id: str, kind: str, say: str) -> Locator:
    step = _step(admin, index)
    step.get_by_test_id("flow-step-id").fill(step_id)
    step.get_by_test_id("flow-step-kind").select_option(kind)
    step.get_by_test_id("flow-step-say").fill(say)
    return step


@pytest.mark.usefixtures("bot_switched_off_after")
def test_a_manager_builds_a_flow_and_the_widgets_bot_runs_it(
    new_context: ContextFactory, server: ServerProcess
) -> None:
    admin = new_context("admin").new_page()
    open_admin(admin, server, "bot")
    admin.get_by_test_id("bot-enabled").check()
    admin.get_by_test_id("bot-name").fill("Hovorka")
    admin.get_by_test_id("flow-add").click()
    admin.get_by_test_id("flow-name").fill("Objednávka")
    admin.get_by_test_id("flow-keywords").fill("objednávk, order")
    for _ in range(3):
        admin.get_by_test_id("flow-step-add").click()
    expect(admin.get_by_test_id("flow-step")).to_have_count(4)

    ask = _fill_step(admin, 0, "ask", "collect", "Jaké je číslo objednávky?")
    ask.get_by_test_id("flow-step-collect").select_option("order_number")
    menu = _fill_step(admin, 1, "menu", "buttons", "Objednávka {{order_number}}: co potřebujete?")
    mail = _fill_step(admin, 2, "mail", "collect", "Pošleme stav e-mailem. Jaký je váš e-mail?")
    mail.get_by_test_id("flow-step-collect").select_option("email")
    # The last step's id is taken: the server says so on that step's id.
    _fill_step(admin, 3, "ask", "message", "Děkuji, stav {{order_number}} pošleme na {{email}}.")
    ask.get_by_test_id("flow-step-next").select_option("menu")
    for label, target in (("Stav doručení", "mail"), ("Mluvit s člověkem", "@handoff")):
        menu.get_by_test_id("flow-button-add").click()
        button = menu.get_by_test_id("flow-button").last
        button.get_by_test_id("flow-button-label").fill(label)
        button.get_by_test_id("flow-button-target").select_option(target)
    admin.get_by_test_id("bot-save").click()
    duplicate = admin.locator('[data-testid="field-error"][data-field="flows.0.steps.3.id"]')
    expect(duplicate).to_contain_text("'ask' is used twice")
    expect(admin.get_by_test_id("bot-saved")).to_have_count(0)

    _step(admin, 3).get_by_test_id("flow-step-id").fill("done")
    mail.get_by_test_id("flow-step-next").select_option("done")
    admin.get_by_test_id("bot-save").click()
    expect(admin.get_by_test_id("bot-saved")).to_be_visible()
    expect(duplicate).to_have_count(0)

    admin.reload()
    expect(admin.get_by_test_id("flow-name")).to_have_value("Objednávka")
    expect(admin.get_by_test_id("flow-step")).to_have_count(4)
    expect(_step(admin, 1).get_by_test_id("flow-button-target").first).to_have_value("mail")
    expect(_step(admin, 2).get_by_test_id("flow-step-next")).to_have_value("done")

    visitor = Visitor.arrive(new_context("visitor"), server)
    visitor.open_chat()
    visitor.send("Kde je moje objednávka?")
    expect(visitor.message("Jaké je číslo objednávky?")).to_have_attribute("data-author", "agent")
    # write, not send: the answers also appear in the bot's replies
    visitor.write("OBJ-12345")
    menu_text = visitor.message("Objednávka OBJ-12345: co potřebujete?")
    expect(menu_text).to_contain_text("1) Stav doručení")
    expect(menu_text).to_contain_text("2) Mluvit s člověkem")
    visitor.write("1")
    expect(visitor.message("Jaký je váš e-mail?")).to_have_count(1)
    visitor.send("to nevím")  # not an e-mail: asked again
    expect(visitor.message("Jaký je váš e-mail?")).to_have_count(2)
    visitor.write("jana@example.cz")
    expect(visitor.message("Děkuji, stav OBJ-12345 pošleme na jana@example.cz.")).to_have_attribute(
        "data-author", "agent"
    )
