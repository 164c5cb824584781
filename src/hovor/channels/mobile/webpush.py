"""Web Push (RFC 8030) with message encryption (RFC 8291, aes128gcm) and VAPID (RFC 8292),
by ``pywebpush``: for the widget, whose tab may be closed when the agent replies.

The subscription's endpoint is the browser's push service (only those in
``HOVOR_WEBPUSH_ENDPOINTS`` are accepted at registration). 404 and 410 mean the subscription
expired or was withdrawn; 429 and 5xx are retried.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import aiohttp
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid  # type: ignore[import-untyped]
from pywebpush import WebPushException, webpush_async  # type: ignore[import-untyped]

from hovor.channels.base import DeliveryFailed
from hovor.channels.mobile.notification import Notification, TokenGone

TTL_SECONDS = 24 * 3600  # a browser offline for a day still gets it
TIMEOUT = 10.0


class WebPush:
    def __init__(self, private_key_file: str, subject: str) -> None:
        self._file = private_key_file
        self._subject = subject
        self._vapid: Vapid | None = None

    def vapid(self) -> Vapid:
        if self._vapid is None:
            try:
                self._vapid = Vapid.from_file(private_key_file=self._file)
            except Exception as exc:
                raise DeliveryFailed(f"HOVOR_VAPID_PRIVATE_KEY: cannot load it: {exc}") from exc
        return self._vapid

    def public_key(self) -> str:
        """The application server key a page passes to ``pushManager.subscribe``."""
        raw = self.vapid().public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    async def send(self, endpoint: str, keys: dict[str, Any], note: Notification) -> str | None:
        """The push service's location of the message (if it gives one), or DeliveryFailed."""
        data = json.dumps({"title": note.title, "body": note.body, **note.data()})
        try:
            response = await webpush_async(
                {"endpoint": endpoint, "keys": keys},
                data=data,
                vapid_private_key=self.vapid(),
                vapid_claims={"sub": self._subject},
                ttl=TTL_SECONDS,
                timeout=TIMEOUT,
                headers={"Urgency": "high"},
            )
        except WebPushException as exc:
            status = exc.response.status if exc.response is not None else 0
            text = f"Web Push {status}: {str(exc.message)[:300]}"
            if status in (404, 410):
                raise TokenGone(text) from exc
            raise DeliveryFailed(text, permanent=400 <= status < 500 and status != 429) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryFailed(f"Web Push unreachable: {type(exc).__name__}: {exc}") from exc
        if isinstance(response, str):
            return None
        location = response.headers.get("Location")
        return str(location) if location else None
