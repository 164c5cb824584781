"""Hypothesis throws random and malformed frames at the visitor and the agent socket of a real
server: wrong types, unknown frame types, deep nesting, huge strings and numbers, NUL
characters, text that is not JSON. Every frame must be answered as the protocols say (an
``error`` frame, never ``internal_error``) and the socket must stay open and answer the next
``ping`` (docs/widget-protocol.md, docs/tracker-protocol.md, docs/api.md#agent-websocket).

Derandomized with a bounded number of examples, so CI sees the same frames every run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.support.server import ALICE, DEMO_PASSWORD, DEMO_SITE_KEY, ServerProcess

pytestmark = pytest.mark.storage

VISITOR_TYPES = ["message.send", "typing", "events", "ping", "offer.shown", "offer.accepted"]
VISITOR_TYPES += ["offer.declined", "cobrowse.consent", "cobrowse.events", "cobrowse.resume"]
VISITOR_TYPES += ["cobrowse.stop"]
AGENT_TYPES = ["typing", "ping", "cobrowse.join", "cobrowse.leave", "cobrowse.point"]
AGENT_TYPES += ["cobrowse.input"]
FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

texts = st.text(max_size=40) | st.sampled_from(["", "\x00", "a\x00b", "é" * 5, "\ud7ff"])
numbers = st.integers() | st.sampled_from([2**63, -(2**63) - 1, 2**200]) | st.floats()
scalars = st.none() | st.booleans() | numbers | texts
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def frames(types: list[str]) -> st.SearchStrategy[str]:
    """Text frames: objects of a known or unknown type with random fields, JSON that is not an
    object, text that is not JSON, nesting past the limit and frames past 16 KiB."""
    typed = st.builds(
        lambda type_, fields: {**fields, "type": type_},
        st.sampled_from(types) | texts | numbers | st.none(),
        st.dictionaries(
            st.sampled_from(
                [
                    "client_id",
                    "body",
                    "conversation_id",
                    "state",
                    "events",
                    "session_id",
                    "offer_id",
                    "seq",
                ]
            )
            | texts,
            values,
            max_size=5,
        ),
    )
    return st.one_of(
        typed.map(json.dumps),
        values.map(json.dumps),
        texts,
        st.integers(65, 5000).map(nested),
        st.sampled_from(types).map(lambda t: json.dumps({"type": t, "body": "x" * 70_000})),
    )


class Socket:
    """One socket kept open across the examples of a test."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    def answer(self, frame: str) -> list[dict[str, Any]]:
        """The frames the server sends until it answers a ping sent right after ``frame``."""
        self.ws.send(frame)
        self.ws.send(json.dumps({"type": "ping"}))
        seen: list[dict[str, Any]] = []
        while True:
            reply = json.loads(self.ws.recv(timeout=10))
            if reply["type"] == "pong":
                return seen
            seen.append(reply)


def check_answers(socket: Socket, frame: str) -> None:
    try:
        replies = socket.answer(frame)
    except ConnectionClosed as closed:
        code = closed.rcvd.code if closed.rcvd else None
        pytest.fail(f"the socket closed ({code}) after the frame {frame[:200]!r}")
    for reply in replies:
        assert reply.get("code") != "internal_error", (frame[:200], reply)


@pytest.fixture(scope="module")
def visitor_socket(server: ServerProcess) -> Iterator[Socket]:
    origin = {"origin": server.origin}
    session = httpx.post(
        server.base_url + "/v1/widget/session",
        json={"site_key": DEMO_SITE_KEY, "token": None},
        headers=origin,
    ).json()
    url = f"{server.ws_url}/v1/visitor?site={DEMO_SITE_KEY}&token={session['token']}"
    with connect(url, additional_headers=origin, max_size=None) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "hello"
        yield Socket(ws)


@pytest.fixture(scope="module")
def agent_socket(server: ServerProcess) -> Iterator[Socket]:
    with httpx.Client(base_url=server.base_url) as http:
        http.post("/v1/auth/login", json={"email": ALICE, "password": DEMO_PASSWORD})
        cookie = http.cookies["hovor_session"]
    headers = {"cookie": f"hovor_session={cookie}", "origin": server.origin}
    with connect(server.ws_url + "/v1/agent/ws", additional_headers=headers, max_size=None) as ws:
        yield Socket(ws)


@FUZZ
@given(frame=frames(VISITOR_TYPES))
def test_the_visitor_socket_answers_any_frame_and_stays_open(
    visitor_socket: Socket, frame: str
) -> None:
    check_answers(visitor_socket, frame)


@FUZZ
@given(frame=frames(AGENT_TYPES))
def test_the_agent_socket_answers_any_frame_and_stays_open(
    agent_socket: Socket, frame: str
) -> None:
    check_answers(agent_socket, frame)
