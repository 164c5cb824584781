"""Messenger's watermarks: "every message sent before this time was delivered / read".

A ``read`` (always) and a ``delivery`` without ``mids`` (older Messenger clients) name no
message, only a time. They cover our deliveries to that customer through that inbox that
were recorded as sent by then and are not known to be that far yet. Times compared are
Meta's watermark and the time Hovor recorded the send, just after Meta took it, so a reply
sent in the same instant as the watermark may stay one step behind: never ahead.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.base import InboxRef, Receipt
from hovor.channels.meta import webhook
from hovor.conversations.models import Delivery

BEHIND = {"delivered": ("sent",), "read": ("sent", "delivered")}


def _time(watermark_ms: int) -> datetime:
    return datetime.fromtimestamp(watermark_ms / 1000, tz=UTC)


async def _covered(
    session: AsyncSession, inbox: InboxRef, recipient: str, status: str, watermark_ms: int
) -> list[Receipt]:
    sent_at = Delivery.sent_at
    before = _time(watermark_ms)
    rows = await session.scalars(
        select(Delivery.provider_message_id).where(
            Delivery.workspace_id == inbox.workspace_id,
            Delivery.channel == inbox.kind,
            Delivery.inbox_id == inbox.id,
            Delivery.recipient == recipient,
            Delivery.status.in_(BEHIND[status]),
            Delivery.provider_message_id.is_not(None),
            # read: "sent before or at"; delivered: "sent before"
            sent_at <= before if status == "read" else sent_at < before,
        )
    )
    return [Receipt(inbox.workspace_id, inbox.kind, mid, status) for mid in rows if mid]


async def watermark_receipts(
    session: AsyncSession, inbox: InboxRef, found: list[webhook.Event]
) -> list[Receipt]:
    receipts: list[Receipt] = []
    for event in found:
        read = webhook.read_mark(event)
        if read is not None and read[0] is None and read[1] is not None:
            receipts += await _covered(session, inbox, event.sender, "read", read[1])
        watermark = webhook.delivery_watermark(event)
        if watermark is not None:
            receipts += await _covered(session, inbox, event.sender, "delivered", watermark)
    return receipts
