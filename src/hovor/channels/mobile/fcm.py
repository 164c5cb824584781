"""Firebase Cloud Messaging, HTTP v1 API.

``POST {base}/v1/projects/{project_id}/messages:send`` with ``Authorization: Bearer`` an
OAuth 2.0 access token, obtained from the service account's ``token_uri`` with a JWT
assertion signed RS256 by its private key (scope ``firebase.messaging``). A 404 whose
``FcmError`` is ``UNREGISTERED``, an ``INVALID_ARGUMENT`` about the token and a
``SENDER_ID_MISMATCH`` mean the token is gone; 429 and 5xx are retried by the outbox.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any, NoReturn

import httpx
import jwt

from hovor.channels.base import DeliveryFailed
from hovor.channels.mobile.notification import Notification, TokenGone

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
GONE_CODES = ("UNREGISTERED", "SENDER_ID_MISMATCH")


class Fcm:
    def __init__(self, credentials_path: str, base_url: str) -> None:
        self._path = credentials_path
        self._base = base_url.rstrip("/")
        self._account: dict[str, Any] | None = None
        self._token: tuple[str, float] | None = None  # access token, expiry (monotonic)
        self._lock = asyncio.Lock()

    def _credentials(self) -> dict[str, Any]:
        if self._account is None:
            try:
                account = json.loads(Path(self._path).read_text())
            except (OSError, ValueError) as exc:
                raise DeliveryFailed(
                    f"HOVOR_FCM_CREDENTIALS: cannot read {self._path}: {exc}"
                ) from exc
            missing = {"project_id", "private_key", "client_email", "token_uri"} - set(account)
            if missing:
                raise DeliveryFailed(f"HOVOR_FCM_CREDENTIALS lacks {', '.join(sorted(missing))}")
            self._account = account
        return self._account

    async def _access_token(self, client: httpx.AsyncClient) -> str:
        async with self._lock:
            if self._token is not None and self._token[1] > time.monotonic():
                return self._token[0]
            account = self._credentials()
            now = int(time.time())
            assertion = jwt.encode(
                {
                    "iss": account["client_email"],
                    "scope": SCOPE,
                    "aud": account["token_uri"],
                    "iat": now,
                    "exp": now + 3600,
                },
                account["private_key"],
                algorithm="RS256",
                headers={"kid": account.get("private_key_id", "")},
            )
            response = await client.post(
                account["token_uri"],
                data={
                    "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                    "assertion": assertion,
                },
            )
            if response.status_code != 200:
                raise DeliveryFailed(
                    f"FCM OAuth token refused: {response.status_code} {response.text[:300]}",
                    permanent=response.status_code in (400, 401, 403),
                )
            answer = response.json()
            lifetime = float(answer.get("expires_in", 3600))
            self._token = (answer["access_token"], time.monotonic() + max(60.0, lifetime - 60))
            return self._token[0]

    async def send(self, token: str, note: Notification) -> str:
        """The message's name (``projects/…/messages/…``), or DeliveryFailed / TokenGone."""
        message = {
            "message": {
                "token": token,
                "notification": {"title": note.title, "body": note.body},
                "data": note.data(),
                "android": {"priority": "high", "collapse_key": note.conversation_id[:64]},
                "apns": {"payload": {"aps": {"thread-id": note.conversation_id}}},
            }
        }
        project = self._credentials()["project_id"]
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT) as client:
                bearer = await self._access_token(client)
                response = await client.post(
                    f"{self._base}/v1/projects/{project}/messages:send",
                    json=message,
                    headers={"Authorization": f"Bearer {bearer}"},
                )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"FCM unreachable: {type(exc).__name__}: {exc}") from exc
        if response.status_code == 200:
            return str(response.json().get("name", ""))
        self._refused(response)

    def _refused(self, response: httpx.Response) -> NoReturn:
        status = response.status_code
        error = _error(response)
        code = _fcm_code(error) or str(error.get("status", ""))
        text = f"FCM {status} {code}: {error.get('message', response.text[:300])}"
        if status == 401:
            self._token = None  # the access token expired or was revoked: fetch a new one
            raise DeliveryFailed(text)
        if code in GONE_CODES or (
            code == "INVALID_ARGUMENT" and "registration token" in str(error.get("message", ""))
        ):
            raise TokenGone(text)
        raise DeliveryFailed(text, permanent=status < 500 and status != 429)


def _error(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _fcm_code(error: dict[str, Any]) -> str | None:
    for detail in error.get("details") or ():
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("FcmError"):
            return str(detail.get("errorCode"))
    return None
