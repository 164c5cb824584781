"""A local stand-in of the WhatsApp Cloud API (``tests.support.stand_in``), for the adapter's
tests and the real-server test.

It answers ``POST /v26.0/{phone_number_id}/messages`` as the Cloud API does (the fixture
``send_response.json``; each call's wamid is recorded as ``answered``) and
``GET /v26.0/{phone_number_id}`` with the fixture ``phone_number.json`` and
``GET /v26.0/{business_account_id}/message_templates`` with ``message_templates.json``, then,
for its ``after`` cursor, ``message_templates_page2.json``. A test can make it
refuse (``fail``: status and a Graph API error body) or hang (``hold``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hovor.channels.base import InboxRef
from tests.support.stand_in import StandIn, stand_in

FIXTURES = Path(__file__).parents[3] / "src/hovor/channels/whatsapp/fixtures"
PHONE_NUMBER_ID = "106540352242922"  # the fixtures' business number
BUSINESS_ACCOUNT_ID = "102290129340398"  # its WhatsApp Business Account
TOKEN = "EAAJB-sample-system-user-token"
APP_SECRET = "3f1e9a7c5b2d4e6f8a0b1c2d3e4f5a6b"
VERIFY_TOKEN = "inbox-webhook-secret"
CUSTOMER = "+16505551234"  # the fixtures' customer (wa_id 16505551234)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture(name: str) -> dict[str, Any]:
    return dict(json.loads(fixture_bytes(name)))


def config(api_base: str) -> dict[str, str]:
    return {
        "phone_number_id": PHONE_NUMBER_ID,
        "access_token": TOKEN,
        "app_secret": APP_SECRET,
        "business_account_id": BUSINESS_ACCOUNT_ID,
        "api_base": api_base,
    }


def inbox_ref(api_base: str, workspace_id: str = "ws-1", inbox_id: str = "inbox-1") -> InboxRef:
    return InboxRef(inbox_id, workspace_id, "whatsapp", config(api_base), VERIFY_TOKEN)


@dataclass
class CloudApi:
    server: StandIn | None = None
    fail: tuple[int, Any] | None = None  # status and body to answer
    # Set: the wamids answered are ``<prefix><n>`` (unique across runs sharing a database);
    # empty: the first is the fixture's, as the fixtures' statuses name it.
    wamid_prefix: str = ""

    @property
    def _server(self) -> StandIn:
        assert self.server is not None
        return self.server

    @property
    def url(self) -> str:
        return f"{self._server.origin}/v26.0"

    @property
    def calls(self) -> list[dict[str, Any]]:
        return self._server.calls

    def wait_for_calls(self, n: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        return self._server.wait_for_calls(n, timeout)

    def answer(self, call: dict[str, Any]) -> tuple[int, Any]:
        if self.fail is not None:
            return self.fail
        method, path = call["method"], call["path"]
        if method == "GET" and path == f"/v26.0/{PHONE_NUMBER_ID}":
            return 200, fixture("phone_number.json")
        if method == "GET" and path == f"/v26.0/{BUSINESS_ACCOUNT_ID}/message_templates":
            after = call["query"].get("after")
            return 200, fixture(
                "message_templates_page2.json" if after else "message_templates.json"
            )
        if method == "POST" and path == f"/v26.0/{PHONE_NUMBER_ID}/messages":
            sent = sum(1 for c in self.calls if c["method"] == "POST")
            answer = fixture("send_response.json")
            if self.wamid_prefix or sent > 1:
                answer["messages"][0]["id"] = f"{self.wamid_prefix or 'wamid.stand-in-'}{sent}"
            call["answered"] = answer["messages"][0]["id"]
            return 200, answer
        return 400, {"error": {"message": "Unsupported request", "type": "GraphMethodException"}}


@contextmanager
def cloud_api() -> Iterator[CloudApi]:
    api = CloudApi()
    with stand_in(api.answer) as server:
        api.server = server
        yield api
