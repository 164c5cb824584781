"""Web chat operations: a visitor's history, inbound messages, typing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.bus import Bus
from hovor.bus.topics import agents_topic, visitor_topic
from hovor.channels.base import RawInbound
from hovor.channels.inbound import Received, receive_inbound
from hovor.channels.webchat.adapter import KIND, WebChatAdapter
from hovor.channels.webchat.frames import AgentTypingFrame, MessageSend, VisitorTypingFrame
from hovor.conversations.models import Conversation, Message
from hovor.conversations.service import find_latest_conversation, list_messages
from hovor.core.errors import Forbidden
from hovor.core.visitor_tokens import VisitorClaims
from hovor.db.transaction import Tx


async def visitor_history(
    session: AsyncSession, claims: VisitorClaims, *, limit: int, before: str | None
) -> tuple[Conversation | None, list[Message], bool]:
    """The visitor's latest conversation and their messages across all their chats."""
    latest = await find_latest_conversation(session, claims.workspace_id, KIND, claims.visitor_id)
    ids = (
        await session.scalars(
            select(Conversation.id).where(
                Conversation.workspace_id == claims.workspace_id,
                Conversation.channel == KIND,
                Conversation.source_id == claims.visitor_id,
            )
        )
    ).all()
    if not ids:
        return latest, [], False
    messages, has_more = await list_messages(
        session, ids, limit=limit, before=before, include_private=False
    )
    return latest, messages, has_more


async def receive_visitor_message(
    tx: Tx, adapter: WebChatAdapter, claims: VisitorClaims, frame: MessageSend
) -> Received:
    raw = RawInbound(payload=frame, workspace_id=claims.workspace_id, source_id=claims.visitor_id)
    adapter.verify(raw)
    (inbound,) = adapter.parse(raw)
    return await receive_inbound(tx, inbound)


async def relay_visitor_typing(
    session: AsyncSession, bus: Bus, claims: VisitorClaims, state: bool
) -> None:
    latest = await find_latest_conversation(session, claims.workspace_id, KIND, claims.visitor_id)
    if latest is None or latest.status != "open":
        return
    await bus.publish(
        agents_topic(claims.workspace_id),
        VisitorTypingFrame(conversation_id=latest.id, state=state).data(),
    )


async def relay_agent_typing(
    bus: Bus, conversation: Conversation, agent_name: str, state: bool
) -> None:
    if conversation.channel != KIND:
        raise Forbidden("typing is only relayed on web chat")
    await bus.publish(
        visitor_topic(conversation.workspace_id, conversation.source_id),
        AgentTypingFrame(author_name=agent_name, state=state).data(),
    )
