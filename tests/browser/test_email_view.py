"""An e-mail with HTML and files in the desktop, in Chromium, on both server backends.

The mail comes in through the MTA endpoint: HTML with a script, an ``onerror`` image, a
``javascript:`` link, an inline ``cid:`` image and a remote (tracking) image, and a PDF
attached. Alice sees the sanitised HTML with the inline image shown from its stored
attachment and the remote one not loaded, nothing runs, and she downloads the PDF.
"""

from __future__ import annotations

import re
import uuid
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Dialog, StorageState, expect

from tests.browser.conftest import TIMEOUT_MS, ContextFactory
from tests.browser.test_deliveries import SUPPORT
from tests.support.server import ADMIN, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.browser

PNG = bytes.fromhex(  # a 1x1 image
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63"
    "f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082"
)
SIGNED_FILE = re.compile(r"/v1/widget/attachments/\w+/file\?expires=\d+&signature=[0-9a-f]{64}$")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def rich_mail(tag: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Petra {tag} <petra-{tag}@example.cz>"
    message["To"] = SUPPORT
    message["Subject"] = f"Damaged box {tag}"
    message["Message-ID"] = f"<{tag}@mail.example.cz>"
    message.set_content(f"The box {tag} arrived damaged, see the photo.")
    message.add_alternative(
        f"<html><head><script>alert('head')</script></head><body>"
        f"<p>The box <b>{tag}</b> arrived <i>damaged</i>, see the photo.</p>"
        f'<p><img src="cid:photo-{tag}@mail.example.cz" alt="photo"></p>'
        f'<img src="x" onerror="alert(\'onerror\')">'
        f"<p><a href=\"javascript:alert('link')\">Click me</a></p>"
        f'<p><img src="https://tracker.example.com/open.gif?t={tag}" alt="logo"></p>'
        f"</body></html>",
        subtype="html",
    )
    html = message.get_payload()[1]  # type: ignore[index]
    assert isinstance(html, EmailMessage)
    html.add_related(
        PNG, "image", "png", cid=f"<photo-{tag}@mail.example.cz>", filename="photo.png"
    )
    message.add_attachment(PDF, "application", "pdf", filename=f"invoice-{tag}.pdf")
    return message.as_bytes(policy=SMTP)


def mail_comes_in(server: ServerProcess, tag: str) -> None:
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT_MS / 1000) as http:
        r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        r.raise_for_status()
        csrf = {"X-CSRF-Token": r.json()["csrf_token"]}
        r = http.put("/v1/channels/email/settings", json={"support_address": SUPPORT}, headers=csrf)
        assert r.status_code == 200, r.text
        r = http.post("/v1/api-tokens", json={"name": f"mta-{tag}"}, headers=csrf)
        assert r.status_code == 201, r.text
        token = r.json()["token"]
    r = httpx.post(
        server.base_url + "/v1/channels/email/inbound",
        content=rich_mail(tag),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "message/rfc822"},
        timeout=TIMEOUT_MS / 1000,
    )
    assert r.status_code == 200, r.text


def test_the_agent_sees_the_sanitised_mail_and_downloads_its_attachment(
    server: ServerProcess,
    new_context: ContextFactory,
    alice_state: StorageState,
    tmp_path: Path,
) -> None:
    tag = uuid.uuid4().hex[:10]
    mail_comes_in(server, tag)

    context = new_context("agent", storage_state=alice_state)
    remote: list[str] = []
    context.on(
        "request", lambda r: remote.append(r.url) if "tracker.example.com" in r.url else None
    )
    agent = context.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    agent.on("dialog", dismiss)
    agent.goto(server.base_url + "/app/")
    agent.get_by_test_id("inbox-tab-all").click()
    item = agent.get_by_test_id("conversation-item").filter(has_text=tag)
    expect(item).to_have_count(1)
    item.click()

    html = agent.get_by_test_id("email-html")
    expect(html).to_be_visible()
    expect(html.locator("b")).to_have_text(tag)
    expect(html.locator("script")).to_have_count(0)
    expect(html.locator("[onerror]")).to_have_count(0)
    expect(html.locator('a[href^="javascript"]')).to_have_count(0)
    # The inline image is the stored attachment, by its signed URL, and it loaded.
    photo = html.locator('img[alt="photo"]')
    expect(photo).to_have_attribute("src", SIGNED_FILE)
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 1
    # The remote image is a link, not a request.
    expect(html.locator(".email-body__remote")).to_contain_text("[remote image: logo]")
    expect(html.locator('img[src*="tracker"]')).to_have_count(0)

    files = agent.get_by_test_id("email-attachment")
    expect(files).to_have_count(1)  # the photo is shown in the HTML, not listed again
    link = files.get_by_role("link", name=f"invoice-{tag}.pdf")
    with agent.expect_download() as download:
        link.click()
    saved = tmp_path / "invoice.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF
    assert download.value.suggested_filename == f"invoice-{tag}.pdf"
    agent.screenshot(path=str(tmp_path / "email.png"))
    assert dialogs == [] and remote == []
