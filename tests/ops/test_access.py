"""Who may read /metrics."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from hovor.core.errors import NotFound
from hovor.ops.access import Peers, allow_metrics


def request(host: str, authorization: str | None = None) -> Request:
    headers = [(b"authorization", authorization.encode())] if authorization else []
    return Request({"type": "http", "client": (host, 1234), "headers": headers})


def test_peers() -> None:
    peers = Peers("10.0.0.0/24, 192.168.1.5")
    assert peers.trusted("127.0.0.1") and peers.trusted("::1")
    assert peers.trusted("10.0.0.7") and peers.trusted("192.168.1.5")
    assert not peers.trusted("10.0.1.7") and not peers.trusted("8.8.8.8")
    assert not peers.trusted("testclient")
    assert not Peers("").trusted("10.0.0.7")


def test_without_a_token_only_loopback_and_proxies() -> None:
    peers = Peers("10.0.0.0/24")
    allow_metrics(request("127.0.0.1"), None, peers)
    allow_metrics(request("10.0.0.9"), None, peers)
    with pytest.raises(NotFound):
        allow_metrics(request("203.0.113.4"), None, peers)


def test_with_a_token_the_bearer_must_match_from_anywhere() -> None:
    peers = Peers("")
    allow_metrics(request("203.0.113.4", "Bearer s3cret"), "s3cret", peers)
    for given in (None, "Bearer wrong", "s3cret"):
        with pytest.raises(NotFound):
            allow_metrics(request("127.0.0.1", given), "s3cret", peers)
