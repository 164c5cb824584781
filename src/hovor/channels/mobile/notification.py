"""What a push notification says about an agent's reply, the same for every provider."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hovor.channels.base import DeliveryFailed

MAX_BODY = 180  # characters of the reply shown on a lock screen


@dataclass(frozen=True)
class Notification:
    title: str
    body: str
    conversation_id: str
    message_id: str

    @classmethod
    def of_reply(cls, message: dict[str, Any]) -> Notification:
        text = " ".join(str(message["body"]).split())
        if len(text) > MAX_BODY:
            text = text[: MAX_BODY - 1].rstrip() + "…"
        return cls(
            title=message.get("author_name") or "New reply",
            body=text,
            conversation_id=message["conversation_id"],
            message_id=message["id"],
        )

    def data(self) -> dict[str, str]:
        """What the app reads to open the right chat (string values: FCM's data map)."""
        return {
            "hovor": "message",
            "conversation_id": self.conversation_id,
            "message_id": self.message_id,
        }


class TokenGone(DeliveryFailed):
    """The provider says the device token no longer exists: it is deleted, not retried."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, permanent=True)
