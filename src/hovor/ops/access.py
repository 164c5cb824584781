"""Which peers are the operator's own: loopback and the configured trusted proxies."""

from __future__ import annotations

import ipaddress
import secrets
from functools import lru_cache

from fastapi import Request

from hovor.core.errors import NotFound

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Peers:
    def __init__(self, trusted_proxies: str) -> None:
        self.networks: list[_Network] = []
        for part in trusted_proxies.split(","):
            if part.strip() and part.strip() != "*":
                self.networks.append(ipaddress.ip_network(part.strip(), strict=False))
        self.everyone = any(p.strip() == "*" for p in trusted_proxies.split(","))

    @lru_cache(maxsize=256)  # noqa: B019 - one Peers per process, a few scraper addresses
    def trusted(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return self.everyone or address.is_loopback or any(address in n for n in self.networks)


def allow_metrics(request: Request, token: str | None, peers: Peers) -> None:
    """With a token: the bearer must match. Without: loopback or a trusted proxy only.

    Refused as 404, so a public scan cannot tell the endpoint exists.
    """
    if token:
        given = request.headers.get("authorization", "")
        if secrets.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return
        raise NotFound("not found")
    host = request.client.host if request.client else ""
    if not peers.trusted(host):
        raise NotFound("not found")
