"""Assignment of waiting conversations to agents: simple least-occupied routing.

An agent can take a chat when they are online and hold fewer open conversations than their
chat capacity. Among those, the least occupied (load / capacity) wins, then the one online
for longest. Claims are conditional updates, so two nodes never assign the same conversation.
The routing issue grows this into queues, skills, reservations and SLAs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.models import User
from hovor.conversations.models import Conversation
from hovor.conversations.service import do_claim_unassigned
from hovor.db.transaction import Database

log = logging.getLogger(__name__)

MAX_ASSIGNMENTS_PER_PASS = 200
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def agent_loads(session: AsyncSession, workspace_id: str) -> dict[str, int]:
    rows = await session.execute(
        select(Conversation.assignee_id, func.count())
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.status == "open",
            Conversation.assignee_id.is_not(None),
        )
        .group_by(Conversation.assignee_id)
    )
    return {row[0]: row[1] for row in rows if row[0] is not None}


def choose_agent(agents: Sequence[User], loads: dict[str, int]) -> User | None:
    """The least occupied online agent with free chat capacity, or None."""
    free = [
        a
        for a in agents
        if a.presence == "online" and a.chat_capacity > 0 and loads.get(a.id, 0) < a.chat_capacity
    ]
    if not free:
        return None
    return min(
        free,
        key=lambda a: (
            loads.get(a.id, 0) / a.chat_capacity,
            loads.get(a.id, 0),
            a.presence_changed_at or _EPOCH,
            a.id,
        ),
    )


async def online_agents(session: AsyncSession, workspace_id: str) -> Sequence[User]:
    result = await session.scalars(
        select(User).where(
            User.workspace_id == workspace_id, User.is_active, User.presence == "online"
        )
    )
    return result.all()


async def assign_conversation(db: Database, workspace_id: str, conversation_id: str) -> str | None:
    """Try to give one waiting conversation to an agent; returns the agent's id or None."""
    async with db.transaction() as tx:
        conversation = await tx.session.get(Conversation, conversation_id)
        if (
            conversation is None
            or conversation.workspace_id != workspace_id
            or conversation.status != "open"
            or conversation.assignee_id is not None
        ):
            return None
        agent = choose_agent(
            await online_agents(tx.session, workspace_id),
            await agent_loads(tx.session, workspace_id),
        )
        if agent is None or not await do_claim_unassigned(tx, conversation, agent.id):
            return None
        log.info("assigned conversation %s to %s", conversation_id, agent.id)
        return agent.id


async def assign_waiting(db: Database, workspace_id: str) -> int:
    """Hand out waiting conversations, oldest first, while some agent has capacity."""
    assigned = 0
    skipped: set[str] = set()
    while assigned < MAX_ASSIGNMENTS_PER_PASS:
        async with db.read() as session:
            query = (
                select(Conversation.id)
                .where(
                    Conversation.workspace_id == workspace_id,
                    Conversation.status == "open",
                    Conversation.assignee_id.is_(None),
                )
                .order_by(Conversation.created_at, Conversation.id)
            )
            if skipped:
                query = query.where(Conversation.id.not_in(skipped))
            waiting = await session.scalar(query.limit(1))
        if waiting is None:
            break
        if await assign_conversation(db, workspace_id, waiting) is None:
            # Either no agent is free (stop) or someone else took it (skip it and go on).
            async with db.read() as session:
                agents = await online_agents(session, workspace_id)
                if choose_agent(agents, await agent_loads(session, workspace_id)) is None:
                    break
            skipped.add(waiting)
            continue
        assigned += 1
    return assigned


async def free_chat_slots(session: AsyncSession, workspace_id: str) -> tuple[int, int]:
    """(free chat slots of online agents, conversations waiting for an agent)."""
    agents = await online_agents(session, workspace_id)
    loads = await agent_loads(session, workspace_id)
    free = sum(max(0, a.chat_capacity - loads.get(a.id, 0)) for a in agents)
    waiting = await session.scalar(
        select(func.count())
        .select_from(Conversation)
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.status == "open",
            Conversation.assignee_id.is_(None),
        )
    )
    return free, waiting or 0
