"""The outbox's API shapes and its live frame on the agents' socket."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from hovor.core.frames import ServerFrame

DeliveryStatus = Literal["pending", "sending", "sent", "delivered", "read", "failed"]


class DeliveryOut(BaseModel):
    """Whether a message left on its channel; shown beside the message in the desktop."""

    id: str
    message_id: str
    conversation_id: str
    channel: str
    status: DeliveryStatus
    attempts: int = Field(description="attempts made since it was written or last retried")
    next_attempt_at: datetime | None = Field(description="when the next attempt is due, if any")
    last_error: str | None = Field(description="the provider's reason for the last failure")
    sent_at: datetime | None


class DeliveryUpdatedFrame(ServerFrame):
    """A delivery was sent, failed, retried, or the provider reported it delivered or read."""

    type: Literal["delivery.updated"] = "delivery.updated"
    delivery: DeliveryOut
