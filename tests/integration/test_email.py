"""A real server: the MTA posts a raw message with an API token; the reply goes out by SMTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.channels.email.smtp_sink import Sink, smtp_sink
from tests.conftest import BACKENDS, server_storage
from tests.support.clients import Desktop
from tests.support.server import ADMIN, ServerProcess, run_server

FIXTURES = Path(__file__).parents[2] / "src/hovor/channels/email/fixtures"
SUPPORT = "support@acme.example.org"


@pytest.fixture(scope="module")
def sink() -> Iterator[Sink]:
    with smtp_sink() as (sink, _port):
        yield sink


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sink: Sink
) -> Iterator[ServerProcess]:
    """Like the shared ``server``, with HOVOR_SMTP_URL pointing at the local SMTP sink."""
    tmp = tmp_path_factory.mktemp("email-server")
    url, redis_url = server_storage(request.param, tmp)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(os.environ, "HOVOR_SMTP_URL", f"smtp://127.0.0.1:{sink.port}")
        with run_server(tmp, database_url=url, redis_url=redis_url) as process:
            patch.delitem(os.environ, "HOVOR_SMTP_URL")
            yield process


async def test_mail_in_reply_out(server: ServerProcess, sink: Sink) -> None:
    admin = await Desktop(server).login(ADMIN)
    r = await admin.change("PUT", "/v1/channels/email/settings", json={"support_address": SUPPORT})
    assert r.status_code == 200 and r.json()["smtp_configured"] is True
    r = await admin.change("POST", "/v1/api-tokens", json={"name": "postfix"})
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    # A unique Message-ID per backend: the server and its database are shared by this module's tests.
    raw = (
        (FIXTURES / "plain.eml")
        .read_bytes()
        .replace(b"CAF1a2b3c4d5e6", os.urandom(6).hex().encode())
    )
    async with httpx.AsyncClient(base_url=server.base_url) as mta:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "message/rfc822"}
        r = await mta.post("/v1/channels/email/inbound", content=raw, headers=headers)
        assert r.status_code == 200, r.text
        received = r.json()
        assert received["created"] and not received["threaded"]
        again = await mta.post("/v1/channels/email/inbound", content=raw, headers=headers)
        assert again.json()["message_id"] == received["message_id"]
        bad = await mta.post(
            "/v1/channels/email/inbound",
            content=(FIXTURES / "missing_from.eml").read_bytes(),
            headers=headers,
        )
        assert bad.status_code == 422 and "From" in bad.json()["detail"]
        no_token = await mta.post(
            "/v1/channels/email/inbound", content=raw, headers={"Content-Type": "message/rfc822"}
        )
        assert no_token.status_code == 401
    conversation_id = received["conversation_id"]
    before = len(sink.messages)
    r = await admin.change(
        "POST",
        f"/v1/conversations/{conversation_id}/messages",
        json={"body": "Your parcel is out for delivery.", "client_id": "reply-1"},
    )
    assert r.status_code in (200, 201), r.text
    sent = await sink.received(before + 1)
    assert sent["To"] == "jane.doe@example.com"
    assert sent["Subject"] == "Re: Order 1042 has not arrived"
    assert "Your parcel is out for delivery." in sent.get_content()
    await admin.http.aclose()
