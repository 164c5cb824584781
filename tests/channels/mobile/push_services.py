"""Stand-ins of the push providers and the credentials a test server pushes with.

One JSON stand-in (``tests/support/stand_in.py``) plays Google's OAuth token endpoint, FCM's
HTTP v1 ``messages:send`` and a browser's Web Push service, answering as each documents; the
APNs stand-in speaks HTTP/2 (``apns_stand_in.py``). Keys are made fresh for each run: the
test checks each request's signature with the public half.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import http_ece  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.channels.mobile.apns_stand_in import Apns, apns_stand_in
from tests.support.stand_in import StandIn, stand_in

PROJECT = "hovor-test"
ACCESS_TOKEN = "ya29.stand-in-access-token"
TEAM_ID = "TEAM123456"
KEY_ID = "KEY1234567"
TOPIC = "cz.shop.app"
GONE_FCM = "gone-registration-token-0001"  # FCM answers 404 UNREGISTERED


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _pem(key: Any) -> str:
    return str(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    )


def answer(call: dict[str, Any]) -> tuple[int, Any]:
    path = call["path"]
    if path == "/token":
        return 200, {"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"}
    if path == f"/v1/projects/{PROJECT}/messages:send":
        if call["headers"].get("authorization") != f"Bearer {ACCESS_TOKEN}":
            return 401, {"error": {"code": 401, "status": "UNAUTHENTICATED", "message": "no"}}
        if call["json"]["message"]["token"] == GONE_FCM:
            return 404, {
                "error": {
                    "code": 404,
                    "message": "Requested entity was not found.",
                    "status": "NOT_FOUND",
                    "details": [
                        {
                            "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                            "errorCode": "UNREGISTERED",
                        }
                    ],
                }
            }
        return 200, {"name": f"projects/{PROJECT}/messages/0:{len(call['path'])}"}
    if path.startswith("/push/"):
        return 201, {}
    return 404, {"error": "unknown path"}


@dataclass
class PushServices:
    api: StandIn  # OAuth, FCM, Web Push
    apns: Apns
    fcm_key: rsa.RSAPrivateKey
    apns_key: ec.EllipticCurvePrivateKey
    vapid_key: ec.EllipticCurvePrivateKey
    env: dict[str, str]

    def fcm_sends(self) -> list[dict[str, Any]]:
        return [c for c in self.api.calls if c["path"].endswith("messages:send")]

    def web_pushes(self) -> list[dict[str, Any]]:
        return [c for c in self.api.calls if c["path"].startswith("/push/")]


@dataclass
class Browser:
    """A browser's push subscription: its keys decrypt what the push service delivers."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey
    auth: bytes

    def subscription(self) -> dict[str, Any]:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return dict(json.loads(plain))


def browser(services: PushServices) -> Browser:
    return Browser(
        f"{services.api.origin}/push/{os.urandom(8).hex()}",
        ec.generate_private_key(ec.SECP256R1()),
        os.urandom(16),
    )


@contextmanager
def push_services(tmp: Path) -> Iterator[PushServices]:
    fcm_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    apns_key = ec.generate_private_key(ec.SECP256R1())
    vapid_key = ec.generate_private_key(ec.SECP256R1())
    with stand_in(answer) as api, apns_stand_in() as apns:
        account = {
            "type": "service_account",
            "project_id": PROJECT,
            "private_key_id": "stand-in-key",
            "private_key": _pem(fcm_key),
            "client_email": f"hovor@{PROJECT}.iam.gserviceaccount.com",
            "token_uri": f"{api.origin}/token",
        }
        (tmp / "fcm.json").write_text(json.dumps(account))
        (tmp / "apns.p8").write_text(_pem(apns_key))
        (tmp / "vapid.pem").write_text(_pem(vapid_key))
        env = {
            "HOVOR_FCM_CREDENTIALS": str(tmp / "fcm.json"),
            "HOVOR_FCM_URL": api.origin,
            "HOVOR_APNS_KEY_FILE": str(tmp / "apns.p8"),
            "HOVOR_APNS_KEY_ID": KEY_ID,
            "HOVOR_APNS_TEAM_ID": TEAM_ID,
            "HOVOR_APNS_TOPIC": TOPIC,
            "HOVOR_APNS_URL": apns.origin,
            "HOVOR_VAPID_PRIVATE_KEY": str(tmp / "vapid.pem"),
            "HOVOR_VAPID_SUBJECT": "mailto:ops@shop.example",
            "HOVOR_WEBPUSH_ENDPOINTS": f"{api.origin}/push/",
            "HOVOR_DATA_DIR": str(tmp / "data"),
        }
        yield PushServices(api, apns, fcm_key, apns_key, vapid_key, env)
