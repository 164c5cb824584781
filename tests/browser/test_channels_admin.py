"""Admin → Channels, end to end in Chromium, on both server backends.

The server knows one channel the desktop has never heard of: the test-only echo channel
(tests/channels/echo), registered through ``HOVOR_CHANNEL_ADAPTERS`` exactly as
tests/integration/test_outbox.py does, with its provider a local stand-in. The admin adds an
echo inbox through the form the channel's ``config_fields`` make (a URL the adapter refuses
first: its error shows on that input), copies the webhook URL and secret the page shows, tests
the connection against the stand-in, and removes the inbox after confirming.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, ContextFactory, log_in
from tests.channels.echo.provider import Provider, echo_provider
from tests.conftest import BACKENDS, server_storage
from tests.support.server import ADMIN, DEMO_PASSWORD, ServerProcess, run_server

pytestmark = pytest.mark.browser

ECHO = "tests.channels.echo.adapter:create"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with echo_provider() as provider:
        yield provider


@pytest.fixture(scope="module", params=BACKENDS)
def echo_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """``hovor run --demo`` with the echo channel registered, on SQLite or PostgreSQL + Redis."""
    tmp: Path = tmp_path_factory.mktemp("echo-server")
    url, redis_url = server_storage(request.param, tmp)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(os.environ, "HOVOR_CHANNEL_ADAPTERS", ECHO)
        with run_server(tmp, database_url=url, redis_url=redis_url) as server:
            yield server


def admin_get(server: ServerProcess, path: str) -> list[dict[str, Any]]:
    """What the API answers the admin (the page must agree with it)."""
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT_MS / 1000) as http:
        r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        r.raise_for_status()
        r = http.get(path)
        r.raise_for_status()
        answer: list[dict[str, Any]] = r.json()
        return answer


def test_admin_adds_an_echo_inbox_tests_it_and_removes_it(
    echo_server: ServerProcess, provider: Provider, new_context: ContextFactory
) -> None:
    context = new_context("admin", permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    log_in(page, echo_server.base_url, ADMIN, DEMO_PASSWORD)
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id("admin-tab-channels").click()
    expect(page.get_by_test_id("admin-tab-channels")).to_have_attribute("aria-selected", "true")

    # Only channels with inboxes are offered; the form is the echo channel's config_fields.
    kind = page.get_by_test_id("inbox-kind")
    kinds = [c["kind"] for c in admin_get(echo_server, "/v1/channels") if c["inboxes"]]
    assert "echo" in kinds
    expect(kind.locator("option")).to_have_count(len(kinds))
    kind.select_option("echo")
    expect(page.get_by_test_id("inbox-field-config.url")).to_have_attribute("type", "text")
    expect(page.get_by_test_id("inbox-field-config.token")).to_have_attribute("type", "password")
    expect(page.get_by_text("where the stand-in takes messages")).to_be_visible()
    expect(page.get_by_test_id("inbox-field-config.url")).to_have_attribute("required", "")
    expect(page.get_by_test_id("inbox-field-config.token")).not_to_have_attribute("required", "")

    # Other modules' servers on PostgreSQL share the database, and may have left inboxes.
    existing = len(admin_get(echo_server, "/v1/inboxes"))
    expect(page.get_by_test_id("inbox-row")).to_have_count(existing)
    name = f"Echo {uuid.uuid4().hex[:8]}"
    page.get_by_test_id("inbox-field-name").fill(name)
    page.get_by_test_id("inbox-field-config.url").fill("https://provider.example.com/messages")
    page.get_by_test_id("inbox-field-config.token").fill("tok-secret-1234")
    page.get_by_test_id("inbox-submit").click()

    # The adapter's 422 names config.url: the error is on that input and nowhere else.
    error = page.locator('[data-testid="field-error"][data-field="config.url"]')
    expect(error).to_contain_text("127.0.0.1")
    expect(page.get_by_test_id("field-error")).to_have_count(1)
    expect(page.get_by_test_id("inbox-field-config.url")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("inbox-row")).to_have_count(existing)  # nothing was added

    page.get_by_test_id("inbox-field-config.url").fill(provider.url)
    expect(page.get_by_test_id("field-error")).to_have_count(0)
    page.get_by_test_id("inbox-submit").click()

    created = page.get_by_test_id("inbox-created")
    expect(created).to_contain_text(name)
    [inbox] = [i for i in admin_get(echo_server, "/v1/inboxes") if i["name"] == name]
    url = f"{echo_server.base_url}/v1/channels/echo/{inbox['id']}/webhook"
    assert inbox["webhook_url"] == url
    assert inbox["config"] == {"url": provider.url, "token": "…1234"}
    expect(created.get_by_test_id("inbox-created-url")).to_have_text(url)
    expect(created.get_by_test_id("inbox-created-secret")).to_have_text(
        str(inbox["webhook_secret"])
    )
    created.get_by_role("button", name="Copy URL").click()
    expect(created.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url

    # Test connection: the server calls the stand-in with the inbox's settings.
    created.get_by_test_id("inbox-test").click()
    result = created.get_by_test_id("inbox-test-result")
    expect(result).to_have_attribute("data-ok", "true")
    expect(result).to_contain_text("the provider answered 204")

    row = page.get_by_test_id("inbox-row").filter(has_text=name)
    expect(row).to_contain_text("Echo (test)")
    expect(row.get_by_test_id("inbox-webhook-url")).to_have_text(url)

    # Removing asks first; dismissing keeps the inbox, accepting removes it.
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_test_id("inbox-remove").click()
    expect(row).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_test_id("inbox-remove").click()
    expect(row).to_have_count(0)
    assert [i for i in admin_get(echo_server, "/v1/inboxes") if i["name"] == name] == []
