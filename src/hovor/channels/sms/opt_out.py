"""Opt-out keywords (STOP…), read from the stored history of the customer's messages.

A customer who texts one of Twilio's opt-out keywords (the whole message, any case) to the
inbox's number asks for no more messages from it; an opt-in keyword (START…) lifts that.
The keyword message itself is the record: it is stored like every inbound message, in the
same transaction that acknowledges Twilio's call, so the opt-out is durable without a table
of its own, and the latest keyword the customer sent decides. Twilio keeps its own list too
and refuses to send to an opted-out number (error 21610), which ``send`` maps the same way.
"""

from __future__ import annotations

from sqlalchemy import func, select

from hovor.conversations.models import Conversation, Message
from hovor.db.transaction import Database

OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN = frozenset({"START", "UNSTOP", "YES"})
OPTED_OUT = "the customer opted out (STOP)"


def keyword(body: str) -> str | None:
    """The keyword a message is, as Twilio matches it (the whole trimmed body, any case)."""
    word = body.strip().upper()
    return word if word in OPT_OUT or word in OPT_IN else None


async def opted_out(
    db: Database, workspace_id: str, channel: str, inbox_id: str, phone: str
) -> bool:
    """Whether the customer's latest keyword to this inbox's number was an opt-out."""
    async with db.read() as session:
        latest = await session.scalar(
            select(func.upper(func.trim(Message.body)))
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(
                Conversation.workspace_id == workspace_id,
                Conversation.channel == channel,
                Conversation.source_id == phone,
                Conversation.inbox_id == inbox_id,
                Message.workspace_id == workspace_id,
                Message.author_type == "visitor",
                func.upper(func.trim(Message.body)).in_(sorted(OPT_OUT | OPT_IN)),
            )
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(1)
        )
    return latest in OPT_OUT
