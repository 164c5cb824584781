"""A local stand-in of Meta's Graph API (``tests/support/stand_in.py``).

It answers ``POST /v21.0/me/messages`` as the Send API does (``recipient_id`` and a new
``message_id``, ``m_<run>_<n>``) and ``GET /v21.0/me?fields=name`` with the page, and
records every call. A test can make it refuse (``fail``: status and a Graph API error body,
e.g. the fixtures' ``send_error_blocked.json``).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.stand_in import StandIn, stand_in

FIXTURES = Path(__file__).parents[3] / "src/hovor/channels/meta/fixtures"
PAGE_ID = "106385782374655"  # the fixtures' page
IG_ACCOUNT_ID = "17841405822304914"  # the fixtures' Instagram account
PAGE_NAME = "Demo Shop"
TOKEN = "EAAGm0PX4ZCpsBAKZAmple-page-access-token"
APP_SECRET = "6f1c0b4d8a2e4c53b1a9f0e7d2c3b4a5"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture(name: str) -> dict[str, Any]:
    return dict(json.loads(fixture_bytes(name)))


@dataclass
class GraphApi:
    run: str = field(default_factory=lambda: secrets.token_hex(4))  # unique message ids
    fail: tuple[int, Any] | None = None  # status and body to answer
    server: StandIn | None = None
    sent: int = 0

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"{self.server.origin}/v21.0"

    @property
    def calls(self) -> list[dict[str, Any]]:
        assert self.server is not None
        return self.server.calls

    def answer(self, call: dict[str, Any]) -> tuple[int, Any]:
        if self.fail is not None:
            return self.fail
        if (call["method"], call["path"]) == ("GET", "/v21.0/me"):
            return 200, {"name": PAGE_NAME, "id": PAGE_ID}
        if (call["method"], call["path"]) == ("POST", "/v21.0/me/messages"):
            self.sent += 1
            recipient = call["json"]["recipient"]["id"]
            return 200, {"recipient_id": recipient, "message_id": f"m_{self.run}_{self.sent}"}
        return 404, {"error": {"message": "Unknown path", "type": "GraphMethodException"}}


@contextmanager
def graph_api() -> Iterator[GraphApi]:
    api = GraphApi()
    with stand_in(api.answer) as server:
        api.server = server
        yield api
