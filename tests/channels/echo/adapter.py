"""The "echo" channel: a tiny webhook channel that exists only in the tests.

It shows what a new channel is: this folder, and one registration line, here
``HOVOR_CHANNEL_ADAPTERS=tests.channels.echo.adapter:create``. Its provider is a local
stand-in (``provider.py``): inbound calls are JSON signed with HMAC-SHA256 of the body under
the inbox's webhook secret; outbound messages are POSTed to the inbox's ``url`` with the
delivery id as ``Idempotency-Key``, which the stand-in uses to deliver each message once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

import httpx

from hovor.channels.base import (
    ConfigField,
    DeliveryFailed,
    Inbound,
    InboxRef,
    Outbound,
    RawInbound,
    Receipt,
    Sent,
)
from hovor.channels.registry import ChannelDeps
from hovor.core.channels import ChannelInfo
from hovor.core.errors import Forbidden, InvalidInput

INFO = ChannelInfo(
    kind="echo",
    display_name="Echo (test)",
    identity_kinds=("echo",),
    realtime=True,
    default_sla_seconds=60.0,
    default_capacity=2,
)


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _invalid(loc: list[str | int], msg: str) -> InvalidInput:
    return InvalidInput(f"{'.'.join(map(str, loc))}: {msg}", errors=[{"loc": loc, "msg": msg}])


class EchoAdapter:
    kind = INFO.kind
    info = INFO
    config_fields = (
        ConfigField("url", "Provider URL", help="where the stand-in takes messages"),
        ConfigField("token", "API token", secret=True, required=False),
    )

    def __init__(self) -> None:
        self._http = httpx.AsyncClient(timeout=5.0)

    def check_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        url = config.get("url")
        if not isinstance(url, str) or not url.startswith("http://127.0.0.1:"):
            raise _invalid(["body", "config", "url"], "the stand-in's http://127.0.0.1:PORT/ URL")
        token = config.get("token")
        return {"url": url, **({"token": token} if isinstance(token, str) and token else {})}

    def handshake(self, raw: RawInbound) -> str | None:
        assert raw.inbox is not None
        if raw.query.get("token") != raw.inbox.webhook_secret:
            return None
        return raw.query.get("challenge")

    def verify(self, raw: RawInbound) -> None:
        assert raw.inbox is not None
        given = raw.headers.get("x-echo-signature", "")
        if not hmac.compare_digest(given, sign(raw.inbox.webhook_secret, raw.body)):
            raise Forbidden("bad or missing X-Echo-Signature")

    def _payload(self, raw: RawInbound) -> dict[str, Any]:
        try:
            payload = json.loads(raw.body)
        except ValueError as exc:
            raise _invalid(["body"], "not JSON") from exc
        if not isinstance(payload, dict):
            raise _invalid(["body"], "an object")
        return payload

    def receipts(self, raw: RawInbound) -> list[Receipt]:
        assert raw.inbox is not None
        statuses = self._payload(raw).get("statuses") or []
        return [
            Receipt(raw.inbox.workspace_id, self.kind, s["id"], s["status"], s.get("error"))
            for s in statuses
            if isinstance(s, dict) and s.get("status") in ("delivered", "read", "failed")
        ]

    async def check_connection(self, inbox: InboxRef) -> str:
        try:
            response = await self._http.get(inbox.config["url"])
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"the provider did not answer: {exc!r}") from exc
        return f"the provider answered {response.status_code}"

    def parse(self, raw: RawInbound) -> list[Inbound]:
        assert raw.inbox is not None
        payload = self._payload(raw)
        messages = payload.get("messages", [])
        if not isinstance(messages, list):
            raise _invalid(["body", "messages"], "a list of messages")
        parsed = []
        for i, item in enumerate(messages):
            fields = {
                k: item.get(k) if isinstance(item, dict) else None for k in ("id", "from", "text")
            }
            for name, value in fields.items():
                if not isinstance(value, str) or not value:
                    raise _invalid(["body", "messages", i, name], "a non-empty string")
            parsed.append(
                Inbound(
                    workspace_id=raw.inbox.workspace_id,
                    channel=self.kind,
                    source_id=fields["from"],
                    identity_kind="echo",
                    body=fields["text"],
                    provider_message_id=f"echo:{fields['id']}",
                    contact_name=item.get("name") if isinstance(item.get("name"), str) else None,
                    inbox_id=raw.inbox.id,
                )
            )
        return parsed

    async def send(self, outbound: Outbound) -> Sent:
        assert outbound.inbox is not None
        response = await self._http.post(
            outbound.inbox.config["url"],
            json={"to": outbound.source_id, "text": outbound.message["body"]},
            headers={"Idempotency-Key": outbound.delivery_id},
        )
        if response.status_code >= 400:
            reason = f"the provider answered {response.status_code}: {response.text[:200]}"
            raise DeliveryFailed(reason, permanent=response.status_code < 500)
        return Sent(provider_message_id=str(response.json()["id"]))


def create(_deps: ChannelDeps) -> EchoAdapter:
    return EchoAdapter()
