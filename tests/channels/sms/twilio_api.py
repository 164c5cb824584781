"""A local stand-in of Twilio's REST API (``tests.support.stand_in``), for the adapter's tests
and the real-server test.

It answers ``POST /2010-04-01/Accounts/{sid}/Messages.json`` as Twilio does (the fixture
``send_response.json``, each call with a new SID recorded as ``answered``) and
``GET /2010-04-01/Accounts/{sid}.json`` with ``account.json``, but only with the account's
basic auth; it records every call (method, path, form parameters, lower-case headers). A
test can make it refuse (``fail``: status and Twilio's error body) or hang (``hold``).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from hovor.channels.base import InboxRef
from hovor.channels.sms.webhook import sign
from tests.support.stand_in import StandIn, stand_in

FIXTURES = Path(__file__).parents[3] / "src/hovor/channels/sms/fixtures"
ACCOUNT_SID = "AC3f1e9a7c5b2d4e6f8a0b1c2d3e4f5a6b"  # the fixtures' account
AUTH_TOKEN = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
NUMBER = "+15017122661"  # the fixtures' Twilio number
CUSTOMER = "+14017122661"  # the fixtures' customer
SENT_SID = "SM5a9c0b7e3d2f4a6b8c1d0e9f7a6b5c4d"  # the sid the fixtures' statuses name


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture(name: str) -> dict[str, Any]:
    return dict(json.loads(fixture_bytes(name)))


def form_of(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


def signed(url: str, body: bytes, auth_token: str = AUTH_TOKEN) -> dict[str, str]:
    """The headers Twilio sends with ``body`` posted to ``url``."""
    return {
        "x-twilio-signature": sign(auth_token, url, form_of(body)),
        "content-type": "application/x-www-form-urlencoded",
    }


def config(api_base: str) -> dict[str, str]:
    return {
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "phone_number": NUMBER,
        "api_base": api_base,
    }


def inbox_ref(api_base: str, workspace_id: str = "ws-1", inbox_id: str = "inbox-1") -> InboxRef:
    return InboxRef(inbox_id, workspace_id, "sms", config(api_base), "unused-by-twilio")


@dataclass
class TwilioApi:
    server: StandIn | None = None
    fail: tuple[int, Any] | None = None  # status and body to answer
    # Set: sent SIDs are fresh (unique across runs sharing a database); empty: the first is
    # the fixture's, as the fixtures' statuses name it.
    fresh_sids: bool = False

    @property
    def _server(self) -> StandIn:
        assert self.server is not None
        return self.server

    @property
    def url(self) -> str:
        return self._server.origin

    @property
    def calls(self) -> list[dict[str, Any]]:
        return self._server.calls

    @property
    def hold(self) -> threading.Event:
        return self._server.hold

    def wait_for_calls(self, n: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        return self._server.wait_for_calls(n, timeout)

    def answer(self, call: dict[str, Any]) -> tuple[int, Any]:
        expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if call["headers"].get("authorization") != f"Basic {expected}":
            return 401, fixture("error_authenticate.json")
        if self.fail is not None:
            return self.fail
        account = f"/2010-04-01/Accounts/{ACCOUNT_SID}"
        if call["method"] == "GET" and call["path"] == f"{account}.json":
            return 200, fixture("account.json")
        if call["method"] == "POST" and call["path"] == f"{account}/Messages.json":
            answer = fixture("send_response.json")
            posts = sum(1 for c in self.calls if c["method"] == "POST")
            if self.fresh_sids or posts > 1:
                answer["sid"] = f"SM{secrets.token_hex(16)}"
            answer.update(to=call["form"]["To"], body=call["form"]["Body"])
            call["answered"] = answer["sid"]
            return 201, answer
        return 404, {"code": 20404, "message": "The requested resource was not found"}


@contextmanager
def twilio_api() -> Iterator[TwilioApi]:
    api = TwilioApi()
    with stand_in(api.answer) as server:
        api.server = server
        yield api
