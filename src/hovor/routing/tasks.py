"""Routing's tasks: work waiting for an agent or held by one, from enqueue to end.

Deciding who gets a task is the router's job (``routing.engine``, run by ``routing.node``);
this module stores tasks and what was decided, with conditional updates on
``RoutingTask.version`` so a task changes hands exactly once even with several processes.
Moving a task between hands by request (accept, reject, transfer) is ``routing.handover``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.conversations.models import Conversation
from hovor.conversations.service import do_assign_conversation
from hovor.core import clock
from hovor.core.channels import ChannelCatalogue
from hovor.core.errors import NotFound
from hovor.db.transaction import Tx
from hovor.routing import events, model
from hovor.routing.models import ACTIVE_TASK_STATUSES, RoutingQueue, RoutingTask
from hovor.routing.queues import do_default_queue, queue_row, to_engine_queue

STICKY_LOOKBACK = timedelta(days=7)  # "the agent who last served this contact": this far back


async def active_task(session: AsyncSession, conversation_id: str) -> RoutingTask | None:
    return await session.scalar(
        select(RoutingTask).where(
            RoutingTask.conversation_id == conversation_id,
            RoutingTask.status.in_(ACTIVE_TASK_STATUSES),
        )
    )


async def access_task(session: AsyncSession, workspace_id: str, task_id: str) -> RoutingTask:
    row = await session.scalar(
        select(RoutingTask).where(
            RoutingTask.id == task_id, RoutingTask.workspace_id == workspace_id
        )
    )
    if row is None:
        raise NotFound("no such task")
    return row


async def _last_agent_of(session: AsyncSession, workspace_id: str, contact_id: str) -> str | None:
    return await session.scalar(
        select(RoutingTask.agent_id)
        .where(
            RoutingTask.workspace_id == workspace_id,
            RoutingTask.contact_id == contact_id,
            RoutingTask.agent_id.is_not(None),
            RoutingTask.created_at >= clock.now() - STICKY_LOOKBACK,
        )
        .order_by(RoutingTask.created_at.desc())
        .limit(1)
    )


async def do_enqueue(
    tx: Tx,
    conversation: Conversation,
    channels: ChannelCatalogue,
    *,
    queue: RoutingQueue | None = None,
    priority: int = 0,
    announce: bool = True,
) -> RoutingTask:
    """Make the conversation wait for an agent from now (once: an active task is returned as
    it is). Its SLA deadline: the queue's target for the channel, else the channel's own.

    ``announce=False`` when the caller hands the task to the router itself (a full load)."""
    existing = await active_task(tx.session, conversation.id)
    if existing is not None:
        return existing
    if queue is None:
        queue = await do_default_queue(tx, conversation.workspace_id, conversation.channel)
    now = clock.now()
    target = to_engine_queue(queue).sla_for(conversation.channel, channels)
    deadline = now + timedelta(seconds=target)
    return await _add_task(tx, conversation, queue, now, deadline, priority, announce)


async def do_schedule(
    tx: Tx,
    conversation: Conversation,
    *,
    ready_at: datetime,
    deadline: datetime,
    queue: RoutingQueue | None = None,
) -> RoutingTask:
    """Make the conversation wait for an agent from ``ready_at`` (not routed before), due by
    ``deadline``: work with a time of its own, like a callback (once, as ``do_enqueue``)."""
    existing = await active_task(tx.session, conversation.id)
    if existing is not None:
        return existing
    if queue is None:
        queue = await do_default_queue(tx, conversation.workspace_id, conversation.channel)
    ready = max(clock.now(), ready_at)
    return await _add_task(tx, conversation, queue, ready, deadline, 0, True)


async def _add_task(
    tx: Tx,
    conversation: Conversation,
    queue: RoutingQueue,
    ready: datetime,
    deadline: datetime,
    priority: int,
    announce: bool,
) -> RoutingTask:
    sticky = (
        await _last_agent_of(tx.session, conversation.workspace_id, conversation.contact_id)
        if queue.sticky_seconds > 0
        else None
    )
    task = RoutingTask(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        contact_id=conversation.contact_id,
        channel=conversation.channel,
        queue_id=queue.id,
        priority=priority,
        status="waiting",
        step=0,
        step_started_at=ready,
        ready_at=ready,
        deadline=deadline,
        sticky_agent_id=sticky,
        rejected=[],
        version=0,
    )
    tx.session.add(task)
    await tx.session.flush()
    if announce:
        events.announce_change(tx, conversation.workspace_id, "task", task.id)
    return task


async def do_end(tx: Tx, conversation_id: str, reason: str) -> RoutingTask | None:
    """The conversation closed: its task ends (completed if an agent had it, else cancelled)."""
    task = await active_task(tx.session, conversation_id)
    if task is None:
        return None
    status = "completed" if task.status == "assigned" else "cancelled"
    await do_apply(tx, task, status=status, ended_at=clock.now(), end_reason=reason)
    events.announce_change(tx, task.workspace_id, "task", task.id)
    return task


async def do_retry_later(
    tx: Tx, conversation: Conversation, *, ready_at: datetime, deadline: datetime, reason: str
) -> RoutingTask:
    """This attempt is over (the agent lets go); the same conversation waits again from
    ``ready_at`` (a callback nobody answered, tried again later)."""
    task = await active_task(tx.session, conversation.id)
    queue = None
    if task is not None:
        queue = await queue_row(tx.session, task.workspace_id, task.queue_id)
        await do_apply(tx, task, status="completed", ended_at=clock.now(), end_reason=reason)
        events.announce_change(tx, task.workspace_id, "task", task.id)
    if conversation.assignee_id is not None:
        await do_assign_conversation(tx, conversation, None)
    return await do_schedule(tx, conversation, ready_at=ready_at, deadline=deadline, queue=queue)


class StaleTask(Exception):
    """The task changed since it was read (another process or request got there first)."""


async def do_apply(tx: Tx, task: RoutingTask, **values: Any) -> None:
    """Write ``values`` only if nobody changed the task since it was read (else StaleTask);
    bump its version. Every write to a task goes through here, the router's own too."""
    result = await tx.session.execute(
        update(RoutingTask)
        .where(RoutingTask.id == task.id, RoutingTask.version == task.version)
        .values(version=task.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise StaleTask(task.id)
    await tx.session.refresh(task)


# Reading -----------------------------------------------------------------------------------


async def list_tasks(
    session: AsyncSession,
    workspace_id: str,
    *,
    queue_id: str | None,
    agent_id: str | None,
    active: bool,
    limit: int,
) -> Sequence[RoutingTask]:
    query = select(RoutingTask).where(RoutingTask.workspace_id == workspace_id)
    if active:
        query = query.where(RoutingTask.status.in_(ACTIVE_TASK_STATUSES))
    if queue_id is not None:
        query = query.where(RoutingTask.queue_id == queue_id)
    if agent_id is not None:
        query = query.where(RoutingTask.agent_id == agent_id)
    order = RoutingTask.created_at if active else RoutingTask.created_at.desc()
    return (await session.scalars(query.order_by(order, RoutingTask.id).limit(limit))).all()


async def active_tasks(session: AsyncSession, workspace_id: str) -> Sequence[RoutingTask]:
    rows = await session.scalars(
        select(RoutingTask)
        .where(
            RoutingTask.workspace_id == workspace_id, RoutingTask.status.in_(ACTIVE_TASK_STATUSES)
        )
        .order_by(RoutingTask.created_at, RoutingTask.id)
    )
    return rows.all()


async def orphan_conversations(session: AsyncSession, workspace_id: str) -> Sequence[Conversation]:
    """Open conversations without an active task (from before routing, or a lost write)."""
    has_task = (
        select(RoutingTask.id)
        .where(
            RoutingTask.conversation_id == Conversation.id,
            RoutingTask.status.in_(ACTIVE_TASK_STATUSES),
        )
        .exists()
    )
    rows = await session.scalars(
        select(Conversation).where(
            Conversation.workspace_id == workspace_id, Conversation.status == "open", ~has_task
        )
    )
    return rows.all()


async def workspaces_with_work(session: AsyncSession) -> list[str]:
    rows = await session.scalars(
        select(RoutingTask.workspace_id)
        .where(RoutingTask.status.in_(ACTIVE_TASK_STATUSES))
        .distinct()
    )
    open_rows = await session.scalars(
        select(Conversation.workspace_id).where(Conversation.status == "open").distinct()
    )
    return sorted({*rows.all(), *open_rows.all()})


async def wrap_ups_since(
    session: AsyncSession, workspace_id: str, since: datetime
) -> Sequence[tuple[str, str, str, datetime]]:
    """(agent, channel, queue, ended at) of tasks agents completed since ``since``: those
    whose queue's wrap-up has not run out yet still hold a slot of their agent."""
    rows = await session.execute(
        select(
            RoutingTask.agent_id, RoutingTask.channel, RoutingTask.queue_id, RoutingTask.ended_at
        )
        .where(
            RoutingTask.workspace_id == workspace_id,
            RoutingTask.status == "completed",
            RoutingTask.agent_id.is_not(None),
            RoutingTask.ended_at >= since,
        )
        .order_by(RoutingTask.ended_at)
    )
    return [(a, c, q, e) for a, c, q, e in rows if a is not None and e is not None]


def task_out(row: RoutingTask, queue_name: str | None = None) -> dict[str, Any]:
    """The task as the API and the live frames show it."""
    return {
        "id": row.id,
        "conversation_id": row.conversation_id,
        "contact_id": row.contact_id,
        "channel": row.channel,
        "queue_id": row.queue_id,
        "queue_name": queue_name,
        "priority": row.priority,
        "status": row.status,
        "step": row.step,
        "agent_id": row.agent_id,
        "created_at": row.created_at.isoformat(),
        "ready_at": row.ready_at.isoformat(),
        "deadline": row.deadline.isoformat(),
        "reservation_expires_at": (
            row.reservation_expires_at.isoformat() if row.reservation_expires_at else None
        ),
        "assigned_at": row.assigned_at.isoformat() if row.assigned_at else None,
        "ended_at": row.ended_at.isoformat() if row.ended_at else None,
        "end_reason": row.end_reason,
        "sla_warned": row.sla_warned,
        "sla_breached": row.sla_breached,
        "unroutable": row.unroutable,
    }


def ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def to_engine_task(row: RoutingTask) -> model.Task:
    return model.Task(
        id=row.id,
        queue_id=row.queue_id,
        channel=row.channel,
        created_at=row.created_at.timestamp(),
        priority=row.priority,
        ready_at=row.ready_at.timestamp(),
        sticky_agent_id=row.sticky_agent_id,
        deadline=row.deadline.timestamp(),
        status=row.status,
        step=row.step,
        step_started_at=row.step_started_at.timestamp(),
        agent_id=row.agent_id,
        reserved_at=ts(row.reserved_at),
        reservation_expires_at=ts(row.reservation_expires_at),
        assigned_at=ts(row.assigned_at),
        rejected=set(row.rejected or ()),
        sla_warned=row.sla_warned,
        sla_breached=row.sla_breached,
        unroutable=row.unroutable,
    )
