"""Apple Push Notification service, token-based, over HTTP/2.

``POST {base}/3/device/{device token}`` with ``authorization: bearer`` a JWT signed ES256
by the team's auth key (header ``kid``: key id; claims ``iss``: team id, ``iat``), renewed
every 50 minutes (Apple refuses one older than an hour and one renewed more than every 20
minutes), ``apns-topic`` the app's bundle id, ``apns-push-type: alert``. 200 carries the
``apns-id``; 410 ``Unregistered`` and 400 ``BadDeviceToken`` / ``DeviceTokenNotForTopic``
mean the token is gone; 403 ``ExpiredProviderToken``, 429 and 5xx are retried.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import NoReturn

import httpx
import jwt

from hovor.channels.base import DeliveryFailed
from hovor.channels.mobile.notification import Notification, TokenGone

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
JWT_LIFETIME = 50 * 60.0
GONE = ("Unregistered", "BadDeviceToken", "DeviceTokenNotForTopic")
RENEW = ("ExpiredProviderToken", "InvalidProviderToken")


class Apns:
    def __init__(self, key_file: str, key_id: str, team_id: str, topic: str, base_url: str) -> None:
        self._key_file = key_file
        self._key_id = key_id
        self._team_id = team_id
        self._topic = topic
        self._base = base_url.rstrip("/")
        self._jwt: tuple[str, float] | None = None
        # One HTTP/2 connection, kept open: Apple asks providers not to reconnect per push.
        self._client: httpx.AsyncClient | None = None
        self._lock = asyncio.Lock()

    def _bearer(self) -> str:
        if self._jwt is None or self._jwt[1] <= time.monotonic():
            try:
                key = Path(self._key_file).read_text()
            except OSError as exc:
                raise DeliveryFailed(f"HOVOR_APNS_KEY_FILE: cannot read it: {exc}") from exc
            token = jwt.encode(
                {"iss": self._team_id, "iat": int(time.time())},
                key,
                algorithm="ES256",
                headers={"kid": self._key_id},
            )
            self._jwt = (token, time.monotonic() + JWT_LIFETIME)
        return self._jwt[0]

    async def _http(self) -> httpx.AsyncClient:
        async with self._lock:
            if self._client is None:
                # HTTP/2 only: over https by ALPN, over plain http by prior knowledge (a stand-in).
                self._client = httpx.AsyncClient(http1=False, http2=True, timeout=TIMEOUT)
            return self._client

    async def send(self, device_token: str, note: Notification, delivery_id: str) -> str:
        """The ``apns-id`` of the notification, or DeliveryFailed / TokenGone."""
        payload = {
            "aps": {
                "alert": {"title": note.title, "body": note.body},
                "sound": "default",
                "thread-id": note.conversation_id,
            },
            **note.data(),
        }
        headers = {
            "authorization": f"bearer {self._bearer()}",
            "apns-topic": self._topic,
            "apns-push-type": "alert",
            "apns-priority": "10",
            # The same id on every attempt of one delivery.
            "apns-id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"hovor:delivery:{delivery_id}")),
            "apns-collapse-id": note.conversation_id[:64],
        }
        client = await self._http()
        try:
            response = await client.post(
                f"{self._base}/3/device/{device_token}", json=payload, headers=headers
            )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"APNs unreachable: {type(exc).__name__}: {exc}") from exc
        if response.status_code == 200:
            return str(response.headers.get("apns-id", headers["apns-id"]))
        self._refused(response)

    def _refused(self, response: httpx.Response) -> NoReturn:
        try:
            reason = str(response.json().get("reason", ""))
        except ValueError:
            reason = ""
        status = response.status_code
        text = f"APNs {status} {reason or response.text[:200]}"
        if reason in GONE or status == 410:
            raise TokenGone(text)
        if reason in RENEW:
            self._jwt = None
            raise DeliveryFailed(text)
        raise DeliveryFailed(text, permanent=status < 500 and status != 429)
