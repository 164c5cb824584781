"""What each stored row contributes to the rollups: its hour, dimensions and measures.

One loader per source reads the rows named by id in a few set queries and returns, per id,
the row's ``Fact`` (or ``None`` when the row is gone). Facts depend only on stored rows, so
recomputing one after any sequence of events gives the same answer (``rollups.py`` applies
the difference). The definitions of the service metrics are in ``definitions.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.analytics import definitions as d
from hovor.auth.models import PresencePeriod
from hovor.auth.presence_history import STAFFED
from hovor.channels.voice.models import CallbackRequest
from hovor.contacts.models import ContactIdentity
from hovor.conversations.models import Conversation, Message
from hovor.engagement.guarded import page_path
from hovor.engagement.models import GuardCount, Offer
from hovor.orders.models import Order
from hovor.routing.models import RoutingAgent, RoutingQueue, RoutingTask

# An order counts for an offer when the visitor's contact placed it within this window
# after the offer was made (docs/analytics.md, "Attribution").
ATTRIBUTION_WINDOW = timedelta(hours=24)
# Upper bounds (seconds) of the distribution buckets of first response and resolution time.
FRT_BUCKETS = (30, 60, 120, 300, 900, 3600)
RESOLUTION_BUCKETS = (300, 900, 1800, 3600, 4 * 3600, 24 * 3600)
NO_RULE = "(agent invite)"
UNKNOWN = "(none)"


@dataclass
class Fact:
    hour: datetime
    dims: dict[str, str]
    measures: dict[str, float] = field(default_factory=dict)

    def put(self, name: str, value: float | bool | None) -> None:
        """Record a measure; ``None`` (not applicable) records nothing."""
        if value is not None:
            self.measures[name] = float(value)


def hour_of(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def bucket(seconds: float, bounds: Sequence[int]) -> int:
    """The index of the first bound ``seconds`` does not exceed (``len(bounds)``: above all)."""
    for i, bound in enumerate(bounds):
        if seconds <= bound:
            return i
    return len(bounds)


def page_of(context: dict[str, object]) -> str:
    """The path of the page the offer was made on (no query: it may carry personal data)."""
    page = context.get("page")
    return page_path(page.get("url") if isinstance(page, dict) else None)


Loader = Callable[[AsyncSession, str, Sequence[str]], Awaitable[dict[str, Fact | None]]]


async def offer_facts(
    session: AsyncSession, workspace_id: str, ids: Sequence[str]
) -> dict[str, Fact | None]:
    """Per offer: its arm (``t`` offered, ``c`` held out as control), its funnel steps, and
    whether the visitor's contact ordered within the attribution window, for how much."""
    rows = (
        await session.scalars(
            select(Offer).where(Offer.workspace_id == workspace_id, Offer.id.in_(ids))
        )
    ).all()
    visitors = {o.visitor_id for o in rows}
    contact_of = dict(
        (
            await session.execute(
                select(ContactIdentity.value, ContactIdentity.contact_id).where(
                    ContactIdentity.workspace_id == workspace_id,
                    ContactIdentity.kind == "visitor",
                    ContactIdentity.value.in_(visitors),
                )
            )
        ).all()
    )
    orders: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    contacts = set(contact_of.values())
    if contacts:
        first = min(o.created_at for o in rows)
        last = max(o.created_at for o in rows) + ATTRIBUTION_WINDOW
        for contact_id, placed_at, total in await session.execute(
            select(Order.contact_id, Order.placed_at, Order.total).where(
                Order.workspace_id == workspace_id,
                Order.contact_id.in_(contacts),
                Order.placed_at >= first,
                Order.placed_at <= last,
            )
        ):
            orders[contact_id].append((placed_at, float(total)))
    handled: dict[str, float] = defaultdict(float)
    conversations = {o.conversation_id for o in rows if o.conversation_id}
    if conversations:
        for conversation_id, assigned_at, ended_at in await session.execute(
            select(
                RoutingTask.conversation_id, RoutingTask.assigned_at, RoutingTask.ended_at
            ).where(
                RoutingTask.workspace_id == workspace_id,
                RoutingTask.conversation_id.in_(conversations),
            )
        ):
            handled[conversation_id] += d.handle_seconds(assigned_at, ended_at) or 0.0
    out: dict[str, Fact | None] = dict.fromkeys(ids)
    for o in rows:
        arm = "c" if o.status == "held_out" else "t"
        fact = Fact(
            hour_of(o.created_at),
            {"rule": o.rule_key or NO_RULE, "kind": o.kind, "page": page_of(o.context)},
        )
        contact = contact_of.get(o.visitor_id)
        won = [
            total
            for placed_at, total in (orders.get(contact, []) if contact else [])
            if o.created_at <= placed_at <= o.created_at + ATTRIBUTION_WINDOW
        ]
        fact.put(f"{arm}.offers", 1)
        fact.put(f"{arm}.converted", bool(won))
        fact.put(f"{arm}.revenue", sum(won) if won else None)
        if arm == "t":
            fact.put(
                "t.shown", o.shown_at is not None or o.status in ("shown", "accepted", "declined")
            )
            fact.put("t.accepted", o.status == "accepted")
            fact.put("t.conversation", o.conversation_id is not None)
            if o.conversation_id:
                fact.put("t.agent_seconds", handled.get(o.conversation_id, 0.0))
                fact.put("t.conv_orders", bool(won))
        out[o.id] = fact
    return out


async def guard_facts(
    session: AsyncSession, workspace_id: str, ids: Sequence[str]
) -> dict[str, Fact | None]:
    """Per stored count of stopped matches (``engagement/guarded.py``): the count under
    ``g.<reason>``, by rule, offer type and page, in its hour."""
    rows = (
        await session.scalars(
            select(GuardCount).where(
                GuardCount.workspace_id == workspace_id, GuardCount.id.in_(ids)
            )
        )
    ).all()
    out: dict[str, Fact | None] = dict.fromkeys(ids)
    for g in rows:
        fact = Fact(g.hour, {"rule": g.rule_key, "kind": g.kind, "page": g.page})
        fact.put(f"g.{g.reason}", g.count)
        out[g.id] = fact
    return out


async def presence_facts(
    session: AsyncSession, workspace_id: str, ids: Sequence[str]
) -> dict[str, Fact | None]:
    """Per ended presence period (within one hour): its staffed seconds, by agent and team
    (``definitions.staffed_seconds``); away, offline and open periods add nothing."""
    rows = (
        await session.scalars(
            select(PresencePeriod).where(
                PresencePeriod.workspace_id == workspace_id, PresencePeriod.id.in_(ids)
            )
        )
    ).all()
    teams = await _teams(session, workspace_id, {p.user_id for p in rows})
    out: dict[str, Fact | None] = dict.fromkeys(ids)
    for p in rows:
        seconds = d.staffed_seconds(p.status, p.started_at, p.ended_at, STAFFED)
        if seconds is None:
            continue
        fact = Fact(
            hour_of(p.started_at), {"agent": p.user_id, "team": teams.get(p.user_id, UNKNOWN)}
        )
        fact.put("staffed", seconds)
        out[p.id] = fact
    return out


async def _teams(session: AsyncSession, workspace_id: str, agents: set[str]) -> dict[str, str]:
    """An agent's team: the ``team`` attribute of their routing profile (docs/routing.md)."""
    if not agents:
        return {}
    rows = await session.execute(
        select(RoutingAgent.user_id, RoutingAgent.attributes).where(
            RoutingAgent.workspace_id == workspace_id, RoutingAgent.user_id.in_(agents)
        )
    )
    return {
        user_id: str(attrs.get("team"))
        for user_id, attrs in rows
        if isinstance(attrs, dict) and attrs.get("team")
    }


async def _queue_names(session: AsyncSession, workspace_id: str, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = await session.execute(
        select(RoutingQueue.id, RoutingQueue.name).where(
            RoutingQueue.workspace_id == workspace_id, RoutingQueue.id.in_(ids)
        )
    )
    return {queue_id: name for queue_id, name in rows}


async def conversation_facts(
    session: AsyncSession, workspace_id: str, ids: Sequence[str]
) -> dict[str, Fact | None]:
    """Per conversation: first response, resolution, repeat contact and FCR, by channel,
    queue (of its last routing task), agent (assignee) and the agent's team."""
    rows = (
        await session.scalars(
            select(Conversation).where(
                Conversation.workspace_id == workspace_id, Conversation.id.in_(ids)
            )
        )
    ).all()
    first_reply: dict[str, datetime] = {
        conversation_id: at
        for conversation_id, at in await session.execute(
            select(Message.conversation_id, func.min(Message.created_at))
            .where(
                Message.workspace_id == workspace_id,
                Message.conversation_id.in_([c.id for c in rows]),
                Message.author_type == "agent",
                Message.private.is_(False),
            )
            .group_by(Message.conversation_id)
        )
    }
    queue_of: dict[str, str] = {}
    for conversation_id, queue_id, _created in await session.execute(
        select(RoutingTask.conversation_id, RoutingTask.queue_id, RoutingTask.created_at)
        .where(
            RoutingTask.workspace_id == workspace_id,
            RoutingTask.conversation_id.in_([c.id for c in rows]),
        )
        .order_by(RoutingTask.created_at, RoutingTask.id)
    ):
        queue_of[conversation_id] = queue_id  # the last task's queue wins
    names = await _queue_names(session, workspace_id, set(queue_of.values()))
    teams = await _teams(session, workspace_id, {c.assignee_id for c in rows if c.assignee_id})
    opened: dict[str, list[datetime]] = defaultdict(list)
    contacts = {c.contact_id for c in rows}
    if contacts:
        first = min(c.created_at for c in rows)
        for contact_id, created_at in await session.execute(
            select(Conversation.contact_id, Conversation.created_at).where(
                Conversation.workspace_id == workspace_id,
                Conversation.contact_id.in_(contacts),
                Conversation.created_at > first,
            )
        ):
            opened[contact_id].append(created_at)
    out: dict[str, Fact | None] = dict.fromkeys(ids)
    for c in rows:
        others = [t for t in opened.get(c.contact_id, []) if t != c.created_at]
        fact = Fact(
            hour_of(c.created_at),
            {
                "channel": c.channel,
                "queue": names.get(queue_of.get(c.id, ""), UNKNOWN),
                "agent": c.assignee_id or UNKNOWN,
                "team": teams.get(c.assignee_id or "", UNKNOWN),
            },
        )
        fact.put("conversations", 1)
        frt = d.first_response_seconds(c.created_at, first_reply.get(c.id))
        fact.put("frt", frt)
        if frt is not None:
            fact.put(f"frt.b{bucket(frt, FRT_BUCKETS)}", 1)
        resolution = d.resolution_seconds(c.created_at, c.closed_at)
        fact.put("resolution", resolution)
        if resolution is not None:
            fact.put(f"res.b{bucket(resolution, RESOLUTION_BUCKETS)}", 1)
        fact.put("repeat", d.is_repeat_contact(c.created_at, others))
        fact.put("fcr", d.is_first_contact_resolution(c.closed_at, others))
        out[c.id] = fact
    return out


async def task_facts(
    session: AsyncSession, workspace_id: str, ids: Sequence[str]
) -> dict[str, Fact | None]:
    """Per routing task: speed of answer, abandonment, service level and handle time."""
    rows = (
        await session.scalars(
            select(RoutingTask).where(
                RoutingTask.workspace_id == workspace_id, RoutingTask.id.in_(ids)
            )
        )
    ).all()
    names = await _queue_names(session, workspace_id, {t.queue_id for t in rows})
    teams = await _teams(session, workspace_id, {t.agent_id for t in rows if t.agent_id})
    out: dict[str, Fact | None] = dict.fromkeys(ids)
    for t in rows:
        fact = Fact(
            hour_of(t.created_at),
            {
                "channel": t.channel,
                "queue": names.get(t.queue_id, UNKNOWN),
                "agent": t.agent_id or UNKNOWN,
                "team": teams.get(t.agent_id or "", UNKNOWN),
            },
        )
        fact.put("tasks", 1)
        fact.put("asa", d.speed_of_answer_seconds(t.created_at, t.assigned_at))
        fact.put("abandoned", d.is_abandoned(t.assigned_at, t.ended_at))
        fact.put("sl", d.met_service_level(t.assigned_at, t.ended_at, t.deadline))
        fact.put("handle", d.handle_seconds(t.assigned_at, t.ended_at))
        out[t.id] = fact
    return out


async def callback_facts(
    session: AsyncSession, workspace_id: str, ids: Sequence[str]
) -> dict[str, Fact | None]:
    """Per callback request: reached within 5 minutes (the reached outcome closes the
    conversation, so its closing time is when the customer was reached)."""
    rows = (
        await session.execute(
            select(CallbackRequest, Conversation.closed_at, Conversation.assignee_id)
            .join(Conversation, Conversation.id == CallbackRequest.conversation_id)
            .where(CallbackRequest.workspace_id == workspace_id, CallbackRequest.id.in_(ids))
        )
    ).all()
    teams = await _teams(session, workspace_id, {a for _c, _t, a in rows if a})
    out: dict[str, Fact | None] = dict.fromkeys(ids)
    for callback, closed_at, assignee in rows:
        fact = Fact(
            hour_of(callback.created_at),
            {
                "channel": "callback",
                "agent": assignee or UNKNOWN,
                "team": teams.get(assignee or "", UNKNOWN),
            },
        )
        fact.put("callbacks", 1)
        fact.put(
            "cb_reached", d.reached_within_target(callback.created_at, callback.status, closed_at)
        )
        out[callback.id] = fact
    return out


async def order_facts(
    session: AsyncSession, workspace_id: str, ids: Sequence[str]
) -> dict[str, Fact | None]:
    """Per order: one order and its total, in the hour it was placed."""
    rows = (
        await session.scalars(
            select(Order).where(Order.workspace_id == workspace_id, Order.id.in_(ids))
        )
    ).all()
    out: dict[str, Fact | None] = dict.fromkeys(ids)
    for o in rows:
        fact = Fact(hour_of(o.placed_at), {})
        fact.put("orders", 1)
        fact.put("order_value", float(o.total))
        out[o.id] = fact
    return out


LOADERS: dict[str, Loader] = {
    "offer": offer_facts,
    "conversation": conversation_facts,
    "task": task_facts,
    "callback": callback_facts,
    "order": order_facts,
    "guarded": guard_facts,
    "presence": presence_facts,
}
# The stored rows of each source (id and time), for a rebuild since a date.
SOURCE_ROWS = {
    "offer": (Offer.id, Offer.created_at, Offer.workspace_id),
    "conversation": (Conversation.id, Conversation.created_at, Conversation.workspace_id),
    "task": (RoutingTask.id, RoutingTask.created_at, RoutingTask.workspace_id),
    "callback": (CallbackRequest.id, CallbackRequest.created_at, CallbackRequest.workspace_id),
    "order": (Order.id, Order.placed_at, Order.workspace_id),
    "guarded": (GuardCount.id, GuardCount.hour, GuardCount.workspace_id),
    "presence": (PresencePeriod.id, PresencePeriod.started_at, PresencePeriod.workspace_id),
}
