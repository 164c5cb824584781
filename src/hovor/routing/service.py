"""Routing's operations on the database: queues, agent profiles and tasks.

``check_*`` validate, ``do_*`` write inside the caller's transaction. Deciding who gets a
task is the router's job (``routing.engine``, run by ``routing.node``); this module only
stores what was decided, with conditional updates on ``RoutingTask.version`` so a task
changes hands exactly once even with several processes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth import service as auth
from hovor.auth.models import User
from hovor.conversations.models import Conversation
from hovor.conversations.service import do_add_system_note, do_assign_conversation
from hovor.core import clock
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx
from hovor.routing import engine, events
from hovor.routing.models import ACTIVE_TASK_STATUSES, RoutingAgent, RoutingQueue, RoutingTask

DEFAULT_QUEUE_NAME = "General"
STICKY_LOOKBACK = timedelta(days=7)  # "the agent who last served this contact": this far back
CHANNEL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_CAPACITY = 50
MAX_ATTRIBUTES_BYTES = 4096  # an agent's attributes are targeting data, not a document
WEBCHAT = "webchat"
DEFAULT_CAPACITY = {"callback": 1, "email": 5}


# Queues ------------------------------------------------------------------------------------


@dataclass
class QueueSpec:
    name: str
    steps: list[dict[str, Any]]
    channels: list[str]
    strategy: str = "least_occupied"
    overflow_queue_id: str | None = None
    sla_seconds: dict[str, float] | None = None
    sticky_seconds: float = 0.0
    wrap_up_seconds: float = 0.0
    reservation_seconds: float = 30.0
    auto_accept: bool = True
    weight_skill: str | None = None


def to_engine_queue(row: RoutingQueue) -> engine.Queue:
    return engine.Queue(
        id=row.id,
        steps=tuple(
            engine.Step(target=s.get("target", ""), timeout=s.get("timeout_seconds"))
            for s in row.steps
        ),
        strategy=row.strategy,  # type: ignore[arg-type]
        overflow_queue_id=row.overflow_queue_id,
        sla_seconds=dict(row.sla_seconds or {}),
        sticky_seconds=row.sticky_seconds,
        wrap_up_seconds=row.wrap_up_seconds,
        reservation_seconds=row.reservation_seconds,
        auto_accept=row.auto_accept,
        weight_skill=row.weight_skill,
    )


async def check_queue(
    session: AsyncSession, workspace_id: str, spec: QueueSpec, queue_id: str | None = None
) -> None:
    """Field-level errors for everything wrong with a queue; raises InvalidInput."""
    errors: list[dict[str, Any]] = []
    if not spec.name.strip():
        errors.append({"loc": ["name"], "msg": "must not be empty"})
    if not spec.steps:
        errors.append({"loc": ["steps"], "msg": "needs at least one step"})
    for i, step in enumerate(spec.steps):
        try:
            engine.compile_target(step.get("target", ""))
        except engine.TargetError as exc:
            errors.append({"loc": ["steps", i, "target"], "msg": str(exc)})
        timeout = step.get("timeout_seconds")
        if timeout is not None and timeout <= 0:
            errors.append({"loc": ["steps", i, "timeout_seconds"], "msg": "must be above 0"})
    if spec.strategy not in engine.STRATEGIES:
        errors.append(
            {"loc": ["strategy"], "msg": f"must be one of {', '.join(engine.STRATEGIES)}"}
        )
    for channel in spec.channels:
        if not CHANNEL_NAME.match(channel):
            errors.append({"loc": ["channels"], "msg": f"not a channel name: {channel!r}"})
    for channel, seconds in (spec.sla_seconds or {}).items():
        if not CHANNEL_NAME.match(channel) or seconds <= 0:
            errors.append({"loc": ["sla_seconds", channel], "msg": "must be above 0"})
    for name in ("sticky_seconds", "wrap_up_seconds"):
        if getattr(spec, name) < 0:
            errors.append({"loc": [name], "msg": "must not be negative"})
    if spec.weight_skill is not None and not CHANNEL_NAME.match(spec.weight_skill):
        errors.append(
            {"loc": ["weight_skill"], "msg": "a skill name is lower-case letters, digits and _"}
        )
    if spec.reservation_seconds <= 0:
        errors.append({"loc": ["reservation_seconds"], "msg": "must be above 0"})
    if spec.overflow_queue_id is not None:
        if spec.overflow_queue_id == queue_id:
            errors.append(
                {"loc": ["overflow_queue_id"], "msg": "a queue cannot overflow into itself"}
            )
        elif await _queue_row(session, workspace_id, spec.overflow_queue_id) is None:
            errors.append({"loc": ["overflow_queue_id"], "msg": "no such queue"})
    clash = await session.scalar(
        select(RoutingQueue.id).where(
            RoutingQueue.workspace_id == workspace_id,
            RoutingQueue.name == spec.name.strip(),
            RoutingQueue.id != (queue_id or ""),
        )
    )
    if clash is not None:
        errors.append({"loc": ["name"], "msg": "another queue has this name"})
    if errors:
        raise InvalidInput("the queue is not valid", errors=errors)


async def _queue_row(
    session: AsyncSession, workspace_id: str, queue_id: str
) -> RoutingQueue | None:
    return await session.scalar(
        select(RoutingQueue).where(
            RoutingQueue.id == queue_id, RoutingQueue.workspace_id == workspace_id
        )
    )


async def access_queue(session: AsyncSession, workspace_id: str, queue_id: str) -> RoutingQueue:
    row = await _queue_row(session, workspace_id, queue_id)
    if row is None:
        raise NotFound("no such queue")
    return row


async def list_queues(session: AsyncSession, workspace_id: str) -> Sequence[RoutingQueue]:
    rows = await session.scalars(
        select(RoutingQueue)
        .where(RoutingQueue.workspace_id == workspace_id)
        .order_by(RoutingQueue.name)
    )
    return rows.all()


def _apply(row: RoutingQueue, spec: QueueSpec) -> None:
    row.name = spec.name.strip()
    row.steps = [
        {"target": s.get("target", ""), "timeout_seconds": s.get("timeout_seconds")}
        for s in spec.steps
    ]
    row.channels = list(dict.fromkeys(spec.channels))
    row.strategy = spec.strategy
    row.overflow_queue_id = spec.overflow_queue_id
    row.sla_seconds = dict(spec.sla_seconds or {})
    row.sticky_seconds = spec.sticky_seconds
    row.wrap_up_seconds = spec.wrap_up_seconds
    row.reservation_seconds = spec.reservation_seconds
    row.auto_accept = spec.auto_accept
    row.weight_skill = spec.weight_skill
    row.updated_at = clock.now()


async def do_create_queue(tx: Tx, workspace_id: str, spec: QueueSpec) -> RoutingQueue:
    await check_queue(tx.session, workspace_id, spec)
    row = RoutingQueue(workspace_id=workspace_id)
    _apply(row, spec)
    tx.session.add(row)
    await tx.session.flush()
    _changed(tx, workspace_id, "queue", row.id)
    return row


async def do_update_queue(tx: Tx, row: RoutingQueue, spec: QueueSpec) -> RoutingQueue:
    await check_queue(tx.session, row.workspace_id, spec, queue_id=row.id)
    _apply(row, spec)
    _changed(tx, row.workspace_id, "queue", row.id)
    return row


async def do_delete_queue(tx: Tx, row: RoutingQueue) -> None:
    active = await tx.session.scalar(
        select(func.count())
        .select_from(RoutingTask)
        .where(RoutingTask.queue_id == row.id, RoutingTask.status.in_(ACTIVE_TASK_STATUSES))
    )
    if active:
        raise Conflict(f"{active} task(s) are still in this queue; transfer them first")
    ended = await tx.session.scalar(
        select(func.count()).select_from(RoutingTask).where(RoutingTask.queue_id == row.id)
    )
    if ended:
        raise Conflict("this queue has a history of tasks; rename it instead of deleting it")
    await tx.session.delete(row)
    _changed(tx, row.workspace_id, "queue", row.id)


async def do_default_queue(tx: Tx, workspace_id: str, channel: str) -> RoutingQueue:
    """The queue serving ``channel``: one that lists it, else "General" (created if missing)."""
    queues = await list_queues(tx.session, workspace_id)
    for row in queues:
        if channel in (row.channels or []):
            return row
    for row in queues:
        if row.name == DEFAULT_QUEUE_NAME:
            return row
    row = RoutingQueue(workspace_id=workspace_id)
    _apply(row, QueueSpec(name=DEFAULT_QUEUE_NAME, steps=[{"target": ""}], channels=[]))
    tx.session.add(row)
    await tx.session.flush()
    _changed(tx, workspace_id, "queue", row.id)
    return row


async def queue_by_name(session: AsyncSession, workspace_id: str, name: str) -> RoutingQueue | None:
    return await session.scalar(
        select(RoutingQueue).where(
            RoutingQueue.workspace_id == workspace_id, RoutingQueue.name == name
        )
    )


# Agents ------------------------------------------------------------------------------------


def presence_to_status(presence: str) -> str:
    """The user's declared presence, as the router reads it ("online" means available)."""
    return "available" if presence == "online" else presence


async def get_profile(session: AsyncSession, user: User) -> RoutingAgent | None:
    return await session.get(RoutingAgent, user.id)


def capacity_of(user: User, profile: RoutingAgent | None) -> dict[str, int]:
    """Slots per channel: web chat from the user's chat capacity, the rest from the profile
    over the defaults (one callback at a time, five e-mails); 0 turns a channel off."""
    capacity = {**DEFAULT_CAPACITY, **(profile.capacity if profile is not None else {})}
    capacity[WEBCHAT] = user.chat_capacity
    return capacity


def to_engine_agent(user: User, profile: RoutingAgent | None) -> engine.Agent:
    return engine.Agent(
        id=user.id,
        status=presence_to_status(user.presence) if user.is_active else "offline",
        skills=dict(profile.skills) if profile is not None else {},
        attributes=dict(profile.attributes) if profile is not None else {},
        capacity=capacity_of(user, profile),
    )


def check_profile(
    skills: dict[str, int] | None,
    capacity: dict[str, int] | None,
    attributes: dict[str, Any] | None = None,
) -> None:
    errors: list[dict[str, Any]] = []
    if attributes is not None and len(json.dumps(attributes, default=str)) > MAX_ATTRIBUTES_BYTES:
        errors.append(
            {"loc": ["attributes"], "msg": f"at most {MAX_ATTRIBUTES_BYTES} bytes of JSON"}
        )
    for name, level in (skills or {}).items():
        if not CHANNEL_NAME.match(name):
            errors.append(
                {"loc": ["skills", name], "msg": "a skill name is lower-case letters, digits and _"}
            )
        if level not in engine.SKILL_LEVELS:
            errors.append({"loc": ["skills", name], "msg": "level must be between 1 and 5"})
    for channel, slots in (capacity or {}).items():
        if not CHANNEL_NAME.match(channel):
            errors.append({"loc": ["capacity", channel], "msg": "not a channel name"})
        if not isinstance(slots, int) or not 0 <= slots <= MAX_CAPACITY:
            errors.append(
                {"loc": ["capacity", channel], "msg": f"must be between 0 and {MAX_CAPACITY}"}
            )
    if errors:
        raise InvalidInput("the routing profile is not valid", errors=errors)


async def do_set_profile(
    tx: Tx,
    user: User,
    *,
    skills: dict[str, int] | None = None,
    attributes: dict[str, Any] | None = None,
    capacity: dict[str, int] | None = None,
) -> RoutingAgent:
    """Replace what is given (skills, attributes, capacity per channel) of an agent's profile."""
    check_profile(skills, capacity, attributes)
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
    _changed(tx, user.workspace_id, "agent", user.id)
    return profile


# Tasks -------------------------------------------------------------------------------------


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
    *,
    queue: RoutingQueue | None = None,
    priority: int = 0,
    ready_at: datetime | None = None,
    deadline: datetime | None = None,
    announce: bool = True,
) -> RoutingTask:
    """Make the conversation wait for an agent (once: an active task is returned as it is).

    ``announce=False`` when the caller hands the task to the router itself (a full load)."""
    existing = await active_task(tx.session, conversation.id)
    if existing is not None:
        return existing
    now = clock.now()
    if queue is None:
        queue = await do_default_queue(tx, conversation.workspace_id, conversation.channel)
    ready = max(now, ready_at) if ready_at is not None else now
    if deadline is None:
        deadline = ready + timedelta(seconds=to_engine_queue(queue).sla_for(conversation.channel))
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
        _changed(tx, conversation.workspace_id, "task", task.id)
    return task


async def do_take_over(tx: Tx, conversation: Conversation, agent_id: str | None) -> None:
    """Someone assigned the conversation by hand (or took it off an agent): the task follows."""
    task = await active_task(tx.session, conversation.id)
    if task is None:
        if agent_id is None or conversation.status != "open":
            return
        task = await do_enqueue(tx, conversation)
    if agent_id is None:
        if task.status == "waiting":
            return  # nobody had it (an unassign echoed by a transfer or a retry)
        values: dict[str, Any] = {"status": "waiting", "agent_id": None, "assigned_at": None}
    elif task.status == "assigned" and task.agent_id == agent_id:
        return
    else:
        values = {"status": "assigned", "agent_id": agent_id, "assigned_at": clock.now()}
    await _conditional(tx, task, reservation_expires_at=None, **values)
    _changed(tx, task.workspace_id, "task", task.id)


async def do_end(tx: Tx, conversation_id: str, reason: str) -> RoutingTask | None:
    """The conversation closed: its task ends (completed if an agent had it, else cancelled)."""
    task = await active_task(tx.session, conversation_id)
    if task is None:
        return None
    status = "completed" if task.status == "assigned" else "cancelled"
    await _conditional(tx, task, status=status, ended_at=clock.now(), end_reason=reason)
    _changed(tx, task.workspace_id, "task", task.id)
    return task


async def do_retry_later(
    tx: Tx, conversation: Conversation, *, ready_at: datetime, deadline: datetime, reason: str
) -> RoutingTask:
    """This attempt is over (the agent lets go); the same conversation waits again from
    ``ready_at`` (a callback nobody answered, tried again later)."""
    task = await active_task(tx.session, conversation.id)
    queue = None
    if task is not None:
        queue = await _queue_row(tx.session, task.workspace_id, task.queue_id)
        await _conditional(tx, task, status="completed", ended_at=clock.now(), end_reason=reason)
        _changed(tx, task.workspace_id, "task", task.id)
    if conversation.assignee_id is not None:
        await do_assign_conversation(tx, conversation, None)
    return await do_enqueue(tx, conversation, queue=queue, ready_at=ready_at, deadline=deadline)


async def do_accept(tx: Tx, task: RoutingTask, agent: User) -> RoutingTask:
    if task.status != "reserved" or task.agent_id != agent.id:
        raise Conflict("this task is not reserved for you (it may have timed out)")
    expires = task.reservation_expires_at
    if expires is not None and expires <= clock.now():
        raise Conflict("the reservation has expired")
    await _conditional(
        tx, task, status="assigned", assigned_at=clock.now(), reservation_expires_at=None
    )
    conversation = await tx.session.get(Conversation, task.conversation_id)
    if conversation is not None:
        await do_assign_conversation(tx, conversation, agent.id)
    _changed(tx, task.workspace_id, "task", task.id)
    return task


async def do_reject(tx: Tx, task: RoutingTask, agent: User) -> RoutingTask:
    if task.status != "reserved" or task.agent_id != agent.id:
        raise Conflict("this task is not reserved for you")
    await _conditional(
        tx,
        task,
        status="waiting",
        agent_id=None,
        reserved_at=None,
        reservation_expires_at=None,
        rejected=sorted({*task.rejected, agent.id}),
    )
    _changed(tx, task.workspace_id, "task", task.id, reason="rejected", agent_id=agent.id)
    return task


async def do_transfer_to_queue(tx: Tx, task: RoutingTask, queue: RoutingQueue) -> RoutingTask:
    """Back to waiting in another queue; the arrival time and the SLA deadline stay."""
    if task.status not in ACTIVE_TASK_STATUSES:
        raise Conflict("this task has ended")
    await _conditional(
        tx,
        task,
        queue_id=queue.id,
        step=0,
        step_started_at=clock.now(),
        status="waiting",
        agent_id=None,
        reserved_at=None,
        reservation_expires_at=None,
        assigned_at=None,
        rejected=[],
    )
    conversation = await tx.session.get(Conversation, task.conversation_id)
    if conversation is not None and conversation.assignee_id is not None:
        await do_assign_conversation(tx, conversation, None)
    _changed(tx, task.workspace_id, "task", task.id, transfer=True)
    return task


async def do_transfer(
    tx: Tx,
    conversation: Conversation,
    *,
    queue: RoutingQueue | None,
    agent: User | None,
    by: str,
    note: str | None,
) -> RoutingTask:
    """To a queue (it waits there, keeping its arrival time and SLA deadline) or to an agent
    (assigned to them at once); either way a private note says who moved it, and why."""
    if conversation.status != "open":
        raise Conflict("only an open conversation can be transferred")
    task = await active_task(tx.session, conversation.id) or await do_enqueue(tx, conversation)
    if queue is not None:
        task = await do_transfer_to_queue(tx, task, queue)
        where = f"queue {queue.name}"
    elif agent is not None:
        await do_assign_conversation(tx, conversation, agent.id)
        await do_take_over(tx, conversation, agent.id)
        where = agent.name
    else:
        raise InvalidInput("name a queue or an agent")
    text = f"Transferred to {where} by {by}."
    if note and note.strip():
        text += f" {note.strip()}"
    await do_add_system_note(tx, conversation, text)
    await tx.session.refresh(task)
    return task


class StaleTask(Exception):
    """The task changed since it was read (another process or request got there first)."""


async def _conditional(tx: Tx, task: RoutingTask, **values: Any) -> None:
    """Write ``values`` only if nobody changed the task since it was read; bump its version."""
    result = await tx.session.execute(
        update(RoutingTask)
        .where(RoutingTask.id == task.id, RoutingTask.version == task.version)
        .values(version=task.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise StaleTask(task.id)
    await tx.session.refresh(task)


async def do_apply(tx: Tx, task: RoutingTask, **values: Any) -> None:
    """The router's own writes (reservations, steps, SLA flags): conditional like the rest."""
    await _conditional(tx, task, **values)


def _changed(tx: Tx, workspace_id: str, kind: str, key: str, **extra: Any) -> None:
    tx.publish_on_commit(
        DomainEvent(events.ROUTING_CHANGED, workspace_id, {"kind": kind, "id": key, **extra})
    )


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


async def team(session: AsyncSession, workspace_id: str) -> list[tuple[User, RoutingAgent | None]]:
    users = await auth.list_users(session, workspace_id)
    profiles = {
        p.user_id: p
        for p in await session.scalars(
            select(RoutingAgent).where(RoutingAgent.workspace_id == workspace_id)
        )
    }
    return [(u, profiles.get(u.id)) for u in users]


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


async def service_level_today(session: AsyncSession, workspace_id: str) -> list[dict[str, Any]]:
    """Per queue, tasks that became ready today (UTC) and are decided: answered (in SLA if
    by their deadline), abandoned (cancelled unanswered) or still waiting past the deadline.
    Those still waiting within their target are not counted yet."""
    now = clock.now()
    midnight = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
    rows = (
        await session.execute(
            select(
                RoutingTask.queue_id,
                RoutingTask.status,
                RoutingTask.ready_at,
                RoutingTask.assigned_at,
                RoutingTask.deadline,
            ).where(
                RoutingTask.workspace_id == workspace_id,
                RoutingTask.ready_at >= midnight,
                RoutingTask.ready_at <= now,
            )
        )
    ).all()
    counts = {
        q.id: {"offered": 0, "answered": 0, "in_sla": 0, "abandoned": 0, "waited": 0.0}
        for q in await list_queues(session, workspace_id)
    }
    for queue_id, status, ready, assigned, deadline in rows:
        figures = counts.setdefault(
            queue_id, {"offered": 0, "answered": 0, "in_sla": 0, "abandoned": 0, "waited": 0.0}
        )
        if assigned is None and status in ACTIVE_TASK_STATUSES and deadline > now:
            continue
        figures["offered"] += 1
        if assigned is not None:
            figures["answered"] += 1
            figures["waited"] += max(0.0, (assigned - ready).total_seconds())
            figures["in_sla"] += assigned <= deadline
        elif status == "cancelled":
            figures["abandoned"] += 1
    return [
        {
            "queue_id": queue_id,
            "offered": f["offered"],
            "answered": f["answered"],
            "answered_in_sla": f["in_sla"],
            "abandoned": f["abandoned"],
            "sla_percent": round(100 * f["in_sla"] / f["offered"], 1) if f["offered"] else None,
            "average_answer_seconds": (
                round(f["waited"] / f["answered"], 1) if f["answered"] else None
            ),
        }
        for queue_id, f in counts.items()
    ]
