"""Agents as routing sees them: status from presence, skills, attributes, capacity per channel.

Presence and web chat capacity live on the user (ADR 0005); the rest of an agent's routing
profile is a ``RoutingAgent`` row. Default capacities come from the channel catalogue.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth import service as auth
from hovor.auth.models import User
from hovor.conversations.models import Conversation
from hovor.core import clock
from hovor.core.channels import ChannelCatalogue
from hovor.core.errors import InvalidInput
from hovor.db.transaction import Tx
from hovor.routing import events, model
from hovor.routing.models import RoutingAgent
from hovor.routing.queues import SKILL_NAME

MAX_CAPACITY = 50
MAX_ATTRIBUTES_BYTES = 4096  # an agent's attributes are targeting data, not a document
WEBCHAT = "webchat"  # its capacity is the user's chat capacity (ADR 0005)


def presence_to_status(presence: str) -> str:
    """The user's declared presence, as the router reads it ("online" means available)."""
    return "available" if presence == "online" else presence


async def get_profile(session: AsyncSession, user: User) -> RoutingAgent | None:
    return await session.get(RoutingAgent, user.id)


def capacity_of(
    user: User, profile: RoutingAgent | None, channels: ChannelCatalogue
) -> dict[str, int]:
    """Slots per channel: web chat from the user's chat capacity, the rest from the profile
    over each channel's declared default; 0 turns a channel off."""
    defaults = {info.kind: info.default_capacity for info in channels}
    capacity = {**defaults, **(profile.capacity if profile is not None else {})}
    capacity[WEBCHAT] = user.chat_capacity
    return capacity


def to_engine_agent(
    user: User, profile: RoutingAgent | None, channels: ChannelCatalogue
) -> model.Agent:
    return model.Agent(
        id=user.id,
        status=presence_to_status(user.presence) if user.is_active else "offline",
        skills=dict(profile.skills) if profile is not None else {},
        attributes=dict(profile.attributes) if profile is not None else {},
        capacity=capacity_of(user, profile, channels),
    )


def check_profile(
    channels: ChannelCatalogue,
    skills: dict[str, int] | None,
    capacity: dict[str, int] | None,
    attributes: dict[str, Any] | None = None,
) -> None:
    """Field-level errors; capacity is given only for channels of ``channels``."""
    errors: list[dict[str, Any]] = []
    if attributes is not None and len(json.dumps(attributes, default=str)) > MAX_ATTRIBUTES_BYTES:
        errors.append(
            {"loc": ["attributes"], "msg": f"at most {MAX_ATTRIBUTES_BYTES} bytes of JSON"}
        )
    for name, level in (skills or {}).items():
        if not SKILL_NAME.match(name):
            errors.append(
                {"loc": ["skills", name], "msg": "a skill name is lower-case letters, digits and _"}
            )
        if level not in model.SKILL_LEVELS:
            errors.append({"loc": ["skills", name], "msg": "level must be between 1 and 5"})
    for channel, slots in (capacity or {}).items():
        if channel not in channels:
            errors.append({"loc": ["capacity", channel], "msg": "no such channel"})
        if not isinstance(slots, int) or not 0 <= slots <= MAX_CAPACITY:
            errors.append(
                {"loc": ["capacity", channel], "msg": f"must be between 0 and {MAX_CAPACITY}"}
            )
    if errors:
        raise InvalidInput("the routing profile is not valid", errors=errors)


async def do_set_profile(
    tx: Tx,
    user: User,
    channels: ChannelCatalogue,
    *,
    skills: dict[str, int] | None = None,
    attributes: dict[str, Any] | None = None,
    capacity: dict[str, int] | None = None,
) -> RoutingAgent:
    """Replace what is given (skills, attributes, capacity per channel) of an agent's profile."""
    check_profile(channels, skills, capacity, attributes)
    profile = await get_profile(tx.session, user)
    if profile is None:
        profile = RoutingAgent(
            user_id=user.id, workspace_id=user.workspace_id, skills={}, attributes={}, capacity={}
        )
        tx.session.add(profile)
    if skills is not None:
        profile.skills = dict(skills)
    if attributes is not None:
        profile.attributes = dict(attributes)
    if capacity is not None:
        others = {c: n for c, n in capacity.items() if c != WEBCHAT}
        profile.capacity = others
        if WEBCHAT in capacity:
            await auth.do_set_chat_capacity(tx, user, capacity[WEBCHAT])
    profile.updated_at = clock.now()
    await tx.session.flush()
    events.announce_change(tx, user.workspace_id, "agent", user.id)
    return profile


async def team(session: AsyncSession, workspace_id: str) -> list[tuple[User, RoutingAgent | None]]:
    users = await auth.list_users(session, workspace_id)
    profiles = {
        p.user_id: p
        for p in await session.scalars(
            select(RoutingAgent).where(RoutingAgent.workspace_id == workspace_id)
        )
    }
    return [(u, profiles.get(u.id)) for u in users]


async def chat_loads(session: AsyncSession, workspace_id: str) -> dict[str, int]:
    """Open web chats per agent."""
    rows = await session.execute(
        select(Conversation.assignee_id, func.count())
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.channel == WEBCHAT,
            Conversation.status == "open",
            Conversation.assignee_id.is_not(None),
        )
        .group_by(Conversation.assignee_id)
    )
    return {row[0]: row[1] for row in rows if row[0] is not None}


async def online_agents(session: AsyncSession, workspace_id: str) -> Sequence[User]:
    result = await session.scalars(
        select(User).where(
            User.workspace_id == workspace_id, User.is_active, User.presence == "online"
        )
    )
    return result.all()


async def free_chat_slots(session: AsyncSession, workspace_id: str) -> tuple[int, int]:
    """(free web-chat slots of online agents, web chats waiting for an agent)."""
    agents = await online_agents(session, workspace_id)
    loads = await chat_loads(session, workspace_id)
    free = sum(max(0, a.chat_capacity - loads.get(a.id, 0)) for a in agents)
    waiting = await session.scalar(
        select(func.count())
        .select_from(Conversation)
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.channel == WEBCHAT,
            Conversation.status == "open",
            Conversation.assignee_id.is_(None),
        )
    )
    return free, waiting or 0
