"""Admin → Channels: an e-mail inbox reading a real Dovecot mailbox, in Chromium, on both
server backends. The form is the e-mail channel's ``config_fields``; "test connection" logs
in to the mailbox; a mail put in it then becomes a conversation."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, ContextFactory, log_in
from tests.channels.email.dovecot import Dovecot, dovecot_server
from tests.channels.email.intake_support import mail
from tests.conftest import BACKENDS, server_storage
from tests.support.server import ADMIN, DEMO_PASSWORD, ServerProcess, run_server
from tests.support.waiting import wait_until

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    with dovecot_server() as server:
        yield server


@pytest.fixture(scope="module", params=BACKENDS)
def mail_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    tmp: Path = tmp_path_factory.mktemp("email-inbox-server")
    url, redis_url = server_storage(request.param, tmp)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOVOR_IMAP_POLL_SECONDS", "0.5")
        with run_server(tmp, database_url=url, redis_url=redis_url) as server:
            yield server


def test_admin_connects_a_mailbox_and_its_mail_reaches_the_inbox(
    mail_server: ServerProcess, dovecot: Dovecot, new_context: ContextFactory
) -> None:
    run = uuid.uuid4().hex[:8]
    folder = f"Podpora-{run}"
    client = dovecot.client()
    client.create(folder)
    client.logout()
    page = new_context("admin").new_page()
    log_in(page, mail_server.base_url, ADMIN, DEMO_PASSWORD)
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id("admin-tab-channels").click()
    page.get_by_test_id("inbox-kind").select_option("email")
    password = page.get_by_test_id("inbox-field-config.imap_password")
    expect(password).to_have_attribute("type", "password")
    expect(page.get_by_test_id("inbox-field-config.address")).to_have_attribute("required", "")

    name = f"Podpora {run}"
    page.get_by_test_id("inbox-field-name").fill(name)
    page.get_by_test_id("inbox-field-config.address").fill(f"podpora-{run}@obchod.example.cz")
    page.get_by_test_id("inbox-field-config.imap_host").fill("127.0.0.1")
    page.get_by_test_id("inbox-field-config.imap_port").fill(str(dovecot.port))
    page.get_by_test_id("inbox-field-config.imap_tls").fill("starttls")
    page.get_by_test_id("inbox-field-config.imap_user").fill(dovecot.user)
    password.fill(dovecot.password)
    page.get_by_test_id("inbox-field-config.imap_folder").fill(folder)
    page.get_by_test_id("inbox-submit").click()

    # A TLS mode the poller does not offer: the 422 shows on that input.
    error = page.locator('[data-testid="field-error"][data-field="config.imap_tls"]')
    expect(error).to_contain_text("ssl, none")
    page.get_by_test_id("inbox-field-config.imap_tls").fill("none")
    page.get_by_test_id("inbox-submit").click()

    created = page.get_by_test_id("inbox-created")
    expect(created).to_contain_text(name)
    created.get_by_test_id("inbox-test").click()
    result = created.get_by_test_id("inbox-test-result")
    expect(result).to_have_attribute("data-ok", "true")
    expect(result).to_contain_text(f"logged in as shop; {folder} holds 0 messages")

    # Mail put in the mailbox becomes a conversation (what the agents' inbox lists).
    dovecot.append(mail(f"Dobrý den, kde je balík {run}?"), folder)

    def arrived() -> bool:
        listed = admin_get(mail_server, "/v1/conversations?view=all")["items"]
        return any(
            f"kde je balík {run}?" in ((c["last_message"] or {}).get("body") or "") for c in listed
        )

    try:
        wait_until("the mailbox's mail in the inbox", arrived, timeout=20)
    finally:  # the server and its database are shared by this module's tests: other tests count inboxes
        remove_inboxes(mail_server, name)


def admin_get(server: ServerProcess, path: str) -> dict[str, Any]:
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT_MS / 1000) as http:
        r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        r.raise_for_status()
        r = http.get(path)
        r.raise_for_status()
        answer: dict[str, Any] = r.json()
        return answer


def remove_inboxes(server: ServerProcess, name: str) -> None:
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT_MS / 1000) as http:
        r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        r.raise_for_status()
        headers = {"X-CSRF-Token": r.json()["csrf_token"]}
        for inbox in http.get("/v1/inboxes").json():
            if inbox["name"] == name:
                http.delete(f"/v1/inboxes/{inbox['id']}", headers=headers).raise_for_status()
