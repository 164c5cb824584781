"""WhatsApp's 24-hour customer-service window, read from the stored conversation history.

A business may send free-form messages to a WhatsApp user only within 24 hours of that
user's last message to the business number; after that only approved templates go out.
The window belongs to the customer and the number (the inbox), not to one conversation,
so the customer's last message on any conversation of that inbox counts.

It is checked twice: when an agent's free-text reply is stored (``listeners.py`` refuses it
with 409, so nothing is queued to fail later) and again by the adapter right before the
call (the window may close while a reply waits in the outbox).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.conversations.models import Conversation, Message
from hovor.core import clock
from hovor.db.transaction import Database

WINDOW = timedelta(hours=24)
OUTSIDE = "outside WhatsApp's 24-hour window: send an approved template"


async def last_customer_message_in(
    session: AsyncSession, workspace_id: str, channel: str, source_id: str, inbox_id: str
) -> datetime | None:
    latest: datetime | None = await session.scalar(
        select(func.max(Message.created_at))
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.channel == channel,
            Conversation.source_id == source_id,
            Conversation.inbox_id == inbox_id,
            Message.workspace_id == workspace_id,
            Message.author_type == "visitor",
        )
    )
    return latest


async def last_customer_message_at(
    db: Database, workspace_id: str, channel: str, source_id: str, inbox_id: str
) -> datetime | None:
    async with db.read() as session:
        return await last_customer_message_in(session, workspace_id, channel, source_id, inbox_id)


def closes_at(last_customer_message: datetime | None) -> datetime | None:
    """When free text stops being allowed: the customer's last message + 24 h."""
    return last_customer_message + WINDOW if last_customer_message is not None else None


def window_open(last_customer_message: datetime | None) -> bool:
    closing = closes_at(last_customer_message)
    return closing is not None and clock.now() < closing
