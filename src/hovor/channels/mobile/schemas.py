"""HTTP shapes of the mobile API (docs/mobile-api.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Platform = Literal["fcm", "apns", "webpush"]


class WebPushKeys(BaseModel):
    p256dh: str = Field(min_length=1, max_length=200, description="base64url, 65 bytes")
    auth: str = Field(min_length=1, max_length=100, description="base64url, 16 bytes")


class WebPushSubscription(BaseModel):
    """What the browser's ``PushSubscription.toJSON()`` gives (``expirationTime`` ignored)."""

    model_config = ConfigDict(extra="ignore")

    endpoint: str = Field(min_length=1, max_length=1024)
    keys: WebPushKeys


class PushTokenIn(BaseModel):
    """A device to wake: ``token`` for FCM and APNs, ``subscription`` for Web Push."""

    platform: Platform
    token: str | None = Field(
        default=None,
        min_length=1,
        max_length=1024,
        description="FCM registration token, or APNs device token (hex)",
    )
    subscription: WebPushSubscription | None = None
    app_id: str | None = Field(default=None, max_length=200, description="the app's id, shown only")
    locale: str | None = Field(default=None, max_length=35, description="BCP 47, e.g. cs-CZ")


class PushTokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    platform: Platform
    app_id: str | None
    locale: str | None
    created_at: datetime


class PushTokenList(BaseModel):
    items: list[PushTokenOut]


class VapidKeyOut(BaseModel):
    public_key: str = Field(
        description="the VAPID public key, base64url (applicationServerKey of pushManager.subscribe)"
    )


class AttachmentOut(BaseModel):
    id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    conversation_id: str | None
    message_id: str | None
    created_at: datetime
    url: str = Field(description="signed download URL, valid until expires_at; needs no token")
    expires_at: datetime


class AttachmentList(BaseModel):
    items: list[AttachmentOut]
