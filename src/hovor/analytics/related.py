"""Which rows' facts a change may move, found in a few set queries for a whole batch.

A refresh may name more rows than changed (a superset is harmless: an unchanged row adds
nothing); it must not name fewer. So each finder takes the batch's widest window rather
than one query per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.analytics.definitions import REPEAT_WINDOW
from hovor.analytics.facts import ATTRIBUTION_WINDOW
from hovor.channels.voice.models import CallbackRequest
from hovor.contacts.models import ContactIdentity
from hovor.conversations.models import Conversation
from hovor.engagement.models import Offer
from hovor.orders.models import Order
from hovor.routing.models import RoutingTask

CHUNK = 1000  # ids per IN list (PostgreSQL takes at most 32,767 parameters a statement)

Keys = dict[str, set[str]]


def _chunks(ids: Iterable[str]) -> list[list[str]]:
    ordered = sorted(set(ids))
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


async def of_conversations(session: AsyncSession, workspace_id: str, ids: Iterable[str]) -> Keys:
    """The conversations, the contact's conversations whose 7-day windows they may fall in,
    their routing tasks and callbacks, and the offers they came from."""
    keys: Keys = defaultdict(set)
    for chunk in _chunks(ids):
        keys["conversation"].update(chunk)
        rows = (
            await session.execute(
                select(Conversation.contact_id, Conversation.created_at).where(
                    Conversation.workspace_id == workspace_id, Conversation.id.in_(chunk)
                )
            )
        ).all()
        if rows:
            since = min(created for _c, created in rows) - REPEAT_WINDOW
            for contacts in _chunks(c for c, _t in rows):
                keys["conversation"].update(
                    await session.scalars(
                        select(Conversation.id).where(
                            Conversation.workspace_id == workspace_id,
                            Conversation.contact_id.in_(contacts),
                            or_(
                                Conversation.created_at >= since,
                                and_(
                                    Conversation.closed_at.is_not(None),
                                    Conversation.closed_at >= since,
                                ),
                            ),
                        )
                    )
                )
        for source, id_col, conv_col, ws_col in (
            ("task", RoutingTask.id, RoutingTask.conversation_id, RoutingTask.workspace_id),
            (
                "callback",
                CallbackRequest.id,
                CallbackRequest.conversation_id,
                CallbackRequest.workspace_id,
            ),
            ("offer", Offer.id, Offer.conversation_id, Offer.workspace_id),
        ):
            keys[source].update(
                await session.scalars(
                    select(id_col).where(ws_col == workspace_id, conv_col.in_(chunk))
                )
            )
    return keys


async def of_orders(session: AsyncSession, workspace_id: str, ids: Iterable[str]) -> Keys:
    """The orders, and the offers they may be attributed to: made to one of the contact's
    visitor ids within the attribution window before the order was placed."""
    keys: Keys = defaultdict(set)
    for chunk in _chunks(ids):
        keys["order"].update(chunk)
        rows = (
            await session.execute(
                select(Order.contact_id, Order.placed_at).where(
                    Order.workspace_id == workspace_id, Order.id.in_(chunk)
                )
            )
        ).all()
        if not rows:
            continue
        first = min(at for _c, at in rows) - ATTRIBUTION_WINDOW
        last = max(at for _c, at in rows)
        for contacts in _chunks(c for c, _t in rows):
            visitors = select(ContactIdentity.value).where(
                ContactIdentity.workspace_id == workspace_id,
                ContactIdentity.kind == "visitor",
                ContactIdentity.contact_id.in_(contacts),
            )
            keys["offer"].update(
                await session.scalars(
                    select(Offer.id).where(
                        Offer.workspace_id == workspace_id,
                        Offer.visitor_id.in_(visitors),
                        Offer.created_at >= first,
                        Offer.created_at <= last,
                    )
                )
            )
    return keys


async def of_tasks(session: AsyncSession, workspace_id: str, ids: Sequence[str] | set[str]) -> Keys:
    """The tasks, their conversations (whose queue is the last task's) and the offers those
    came from (whose agent minutes are the tasks' handle time)."""
    keys: Keys = defaultdict(set)
    for chunk in _chunks(ids):
        keys["task"].update(chunk)
        conversations = set(
            await session.scalars(
                select(RoutingTask.conversation_id).where(
                    RoutingTask.workspace_id == workspace_id, RoutingTask.id.in_(chunk)
                )
            )
        )
        keys["conversation"].update(conversations)
        for part in _chunks(conversations):
            keys["offer"].update(
                await session.scalars(
                    select(Offer.id).where(
                        Offer.workspace_id == workspace_id, Offer.conversation_id.in_(part)
                    )
                )
            )
    return keys
