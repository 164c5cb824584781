"""Outbox operations: promise a delivery with its message, claim due ones, record outcomes.

A delivery row is written in the transaction that stores the message (``register``: an
in-transaction writer of ``message.created``), so a committed reply always has one, and a
rolled-back reply never does. Workers on every node claim due rows (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL; SQLite has one writer and one node), send them through the channel's
adapter and record the outcome; back-off and the final reason are kept in the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.conversations import events as conversation_events
from hovor.conversations.models import Delivery, Message
from hovor.conversations.schemas import MessageOut
from hovor.core import clock
from hovor.core.channels import ChannelCatalogue
from hovor.core.dispatch import Dispatcher
from hovor.core.errors import Conflict, NotFound
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx

DELIVERY_UPDATED = "delivery.updated"
# Waits after attempts 1, 2, 3, 4; a fifth failure is final.
RETRY_DELAYS = (
    timedelta(seconds=10),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
)
CLAIM_LEASE = timedelta(seconds=60)  # a claim not settled by then is due again (worker died)
MAX_REASON = 2000


def register(
    dispatcher: Dispatcher, catalogue: ChannelCatalogue, *, claim_for: timedelta | None = None
) -> None:
    """Write a delivery with every stored message that must leave on its channel.

    ``claim_for``: the node writing the message claims the delivery at once for that long
    (its outbox worker sends it right after the commit, without a claiming transaction);
    ``None`` leaves it ``pending`` for any worker's next round.
    """

    @dispatcher.within(conversation_events.MESSAGE_CREATED)
    async def promise_delivery(tx: Any, event: DomainEvent) -> None:
        message = event.payload["message"]
        if message["author_type"] == "visitor" or message["private"]:
            return  # the customer's own words, or a note for the team only
        info = catalogue.get(event.payload["channel"])
        if info is not None and not info.outbound:
            return  # a callback: the agent's messages are notes on the call
        await do_promise_delivery(tx, event, message, claim_for)


async def do_promise_delivery(
    tx: Tx,
    event: DomainEvent,
    message: dict[str, Any],
    claim_for: timedelta | None = None,
    *,
    channel: str | None = None,
    recipient: str | None = None,
) -> Delivery:
    """The message's delivery on its conversation's channel to its source, or on
    ``channel`` to ``recipient`` (a push to one of the visitor's devices)."""
    now = clock.now()
    delivery = Delivery(
        workspace_id=event.workspace_id,
        message_id=message["id"],
        conversation_id=message["conversation_id"],
        channel=channel or event.payload["channel"],
        inbox_id=event.payload.get("inbox_id") if channel is None else None,
        recipient=recipient or event.payload["source_id"],
        status="pending" if claim_for is None else "sending",
        attempts=0 if claim_for is None else 1,
        next_attempt_at=now if claim_for is None else now + claim_for,
        updated_at=now,
    )
    tx.session.add(delivery)
    await tx.session.flush()
    _publish(tx, delivery)  # desktops show "sending…" beside the reply at once
    return delivery


@dataclass(frozen=True)
class Claimed:
    """A delivery a worker holds for one attempt, with what the adapter needs."""

    delivery: Delivery
    message: MessageOut


async def claim_due(
    tx: Tx, *, limit: int = 50, ids: Sequence[str] = (), lease: timedelta = CLAIM_LEASE
) -> list[Claimed]:
    """Take up to ``limit`` due deliveries for one attempt each (all of ``ids``, if given).

    The claim moves ``next_attempt_at`` to the end of a lease: if this worker dies before it
    records the outcome, the row is due again then, and the next attempt reuses the same
    idempotency key (the delivery id).
    """
    now = clock.now()
    due = or_(Delivery.status == "pending", Delivery.status == "sending")
    query = select(Delivery).where(due, Delivery.next_attempt_at <= now)
    if ids:
        query = query.where(Delivery.id.in_(ids))
    query = query.order_by(Delivery.next_attempt_at).limit(limit).with_for_update(skip_locked=True)
    rows = list((await tx.session.scalars(query)).all())
    for delivery in rows:
        delivery.status = "sending"
        delivery.attempts += 1
        delivery.next_attempt_at = now + lease
        delivery.updated_at = now
    return await _with_messages(tx.session, rows)


async def claimed_at_birth(session: AsyncSession, message_ids: Sequence[str]) -> list[Claimed]:
    """The deliveries of just-committed messages that their node claimed when writing them
    (``register(claim_for=…)``): read, not locked; the claim is already in the row."""
    rows = list(
        (
            await session.scalars(
                select(Delivery).where(
                    Delivery.message_id.in_(message_ids),
                    Delivery.status == "sending",
                    Delivery.attempts == 1,
                )
            )
        ).all()
    )
    return await _with_messages(session, rows)


async def _with_messages(session: AsyncSession, rows: list[Delivery]) -> list[Claimed]:
    if not rows:
        return []
    messages = {
        m.id: m
        for m in await session.scalars(
            select(Message).where(Message.id.in_([d.message_id for d in rows]))
        )
    }
    return [Claimed(d, MessageOut.model_validate(messages[d.message_id])) for d in rows]


def _publish(tx: Tx, delivery: Delivery) -> None:
    tx.publish_on_commit(
        DomainEvent(DELIVERY_UPDATED, delivery.workspace_id, {"delivery": describe(delivery)})
    )


def describe(delivery: Delivery) -> dict[str, Any]:
    """The delivery as the API and live frames show it."""
    return {
        "id": delivery.id,
        "message_id": delivery.message_id,
        "conversation_id": delivery.conversation_id,
        "channel": delivery.channel,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": _iso(delivery.next_attempt_at)
        if delivery.status in ("pending", "sending")
        else None,
        "last_error": delivery.last_error,
        "sent_at": _iso(delivery.sent_at),
    }


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


async def do_record_sent(tx: Tx, delivery_id: str, provider_message_id: str | None) -> None:
    delivery = await tx.session.get(Delivery, delivery_id)
    if delivery is None or delivery.status not in ("pending", "sending"):
        return  # deleted with its conversation, or settled by another worker
    now = clock.now()
    delivery.status = "sent"
    delivery.sent_at = now
    delivery.updated_at = now
    delivery.last_error = None
    delivery.provider_message_id = provider_message_id
    _publish(tx, delivery)


async def do_record_failure(tx: Tx, delivery_id: str, reason: str, *, permanent: bool) -> None:
    """Back off for a retry, or fail for good after the last one (or a permanent refusal)."""
    delivery = await tx.session.get(Delivery, delivery_id)
    if delivery is None or delivery.status not in ("pending", "sending"):
        return
    now = clock.now()
    delivery.last_error = reason[:MAX_REASON]
    delivery.updated_at = now
    if permanent or delivery.attempts > len(RETRY_DELAYS):
        delivery.status = "failed"
    else:
        delivery.status = "pending"
        delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    _publish(tx, delivery)


async def do_record_receipt(
    tx: Tx,
    workspace_id: str,
    channel: str,
    provider_message_id: str,
    status: str,
    *,
    error: str | None = None,
) -> Delivery | None:
    """A provider's receipt (delivered, read, failed) for a message we sent."""
    if status not in ("delivered", "read", "failed"):
        raise ValueError(f"unknown receipt status {status!r}")
    delivery = await tx.session.scalar(
        select(Delivery).where(
            Delivery.workspace_id == workspace_id,
            Delivery.channel == channel,
            Delivery.provider_message_id == provider_message_id,
        )
    )
    order = ("sent", "delivered", "read")
    if delivery is None or (
        status in order
        and delivery.status in order
        and order.index(status) <= order.index(delivery.status)
    ):
        return delivery  # unknown, or a receipt older than what we know (they arrive out of order)
    delivery.status = status
    delivery.updated_at = clock.now()
    if status == "failed":
        delivery.last_error = (error or "the provider reported it undelivered")[:MAX_REASON]
    _publish(tx, delivery)
    return delivery


async def access_delivery(session: AsyncSession, workspace_id: str, delivery_id: str) -> Delivery:
    delivery = await session.scalar(
        select(Delivery).where(Delivery.id == delivery_id, Delivery.workspace_id == workspace_id)
    )
    if delivery is None:
        raise NotFound("no such delivery")
    return delivery


async def do_retry_now(tx: Tx, delivery: Delivery) -> Delivery:
    """An agent's "retry now": a failed or waiting delivery is due at once, attempts anew."""
    if delivery.status not in ("failed", "pending"):
        raise Conflict(
            f"the delivery is {delivery.status}; only a failed or waiting one is retried"
        )
    now = clock.now()
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.updated_at = now
    _publish(tx, delivery)
    return delivery


async def deliveries_of(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> list[Delivery]:
    return list(
        (
            await session.scalars(
                select(Delivery)
                .where(
                    Delivery.workspace_id == workspace_id,
                    Delivery.conversation_id == conversation_id,
                )
                .order_by(Delivery.created_at, Delivery.id)
            )
        ).all()
    )


async def next_due_at(session: AsyncSession) -> datetime | None:
    return await session.scalar(
        select(Delivery.next_attempt_at)
        .where(or_(Delivery.status == "pending", Delivery.status == "sending"))
        .order_by(Delivery.next_attempt_at)
        .limit(1)
    )


async def do_forget_claims(tx: Tx, ids: Sequence[str]) -> None:
    """Give back claims a stopping worker did not attempt (they are due again at once)."""
    if ids:
        await tx.session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids), Delivery.status == "sending")
            .values(status="pending", next_attempt_at=clock.now(), attempts=Delivery.attempts - 1)
            .execution_options(synchronize_session=False)
        )
