"""Routing's queues: their validation, storage, and the default queue of a channel.

``check_*`` validate, ``do_*`` write inside the caller's transaction and queue the internal
``routing.changed`` event, on which the routing node re-reads the queue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core import clock
from hovor.core.channels import ChannelCatalogue
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.db.transaction import Tx
from hovor.routing import events, model
from hovor.routing.models import ACTIVE_TASK_STATUSES, RoutingQueue, RoutingTask

DEFAULT_QUEUE_NAME = "General"
SKILL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


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


def to_engine_queue(row: RoutingQueue) -> model.Queue:
    return model.Queue(
        id=row.id,
        steps=tuple(
            model.Step(target=s.get("target", ""), timeout=s.get("timeout_seconds"))
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
    session: AsyncSession,
    workspace_id: str,
    spec: QueueSpec,
    channels: ChannelCatalogue,
    queue_id: str | None = None,
) -> None:
    """Field-level errors for everything wrong with a queue; raises InvalidInput.

    The channels it serves and its SLA targets name channels of ``channels``."""
    errors: list[dict[str, Any]] = []
    if not spec.name.strip():
        errors.append({"loc": ["name"], "msg": "must not be empty"})
    if not spec.steps:
        errors.append({"loc": ["steps"], "msg": "needs at least one step"})
    for i, step in enumerate(spec.steps):
        try:
            model.compile_target(step.get("target", ""))
        except model.TargetError as exc:
            errors.append({"loc": ["steps", i, "target"], "msg": str(exc)})
        timeout = step.get("timeout_seconds")
        if timeout is not None and timeout <= 0:
            errors.append({"loc": ["steps", i, "timeout_seconds"], "msg": "must be above 0"})
    if spec.strategy not in model.STRATEGIES:
        errors.append({"loc": ["strategy"], "msg": f"must be one of {', '.join(model.STRATEGIES)}"})
    for channel in spec.channels:
        if channel not in channels:
            errors.append({"loc": ["channels"], "msg": f"no such channel: {channel!r}"})
    for channel, seconds in (spec.sla_seconds or {}).items():
        if channel not in channels:
            errors.append({"loc": ["sla_seconds", channel], "msg": "no such channel"})
        elif seconds <= 0:
            errors.append({"loc": ["sla_seconds", channel], "msg": "must be above 0"})
    for name in ("sticky_seconds", "wrap_up_seconds"):
        if getattr(spec, name) < 0:
            errors.append({"loc": [name], "msg": "must not be negative"})
    if spec.weight_skill is not None and not SKILL_NAME.match(spec.weight_skill):
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
        elif await queue_row(session, workspace_id, spec.overflow_queue_id) is None:
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


async def queue_row(session: AsyncSession, workspace_id: str, queue_id: str) -> RoutingQueue | None:
    return await session.scalar(
        select(RoutingQueue).where(
            RoutingQueue.id == queue_id, RoutingQueue.workspace_id == workspace_id
        )
    )


async def access_queue(session: AsyncSession, workspace_id: str, queue_id: str) -> RoutingQueue:
    row = await queue_row(session, workspace_id, queue_id)
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


async def do_create_queue(
    tx: Tx, workspace_id: str, spec: QueueSpec, channels: ChannelCatalogue
) -> RoutingQueue:
    await check_queue(tx.session, workspace_id, spec, channels)
    row = RoutingQueue(workspace_id=workspace_id)
    _apply(row, spec)
    tx.session.add(row)
    await tx.session.flush()
    events.announce_change(tx, workspace_id, "queue", row.id)
    return row


async def do_update_queue(
    tx: Tx, row: RoutingQueue, spec: QueueSpec, channels: ChannelCatalogue
) -> RoutingQueue:
    await check_queue(tx.session, row.workspace_id, spec, channels, queue_id=row.id)
    _apply(row, spec)
    events.announce_change(tx, row.workspace_id, "queue", row.id)
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
    events.announce_change(tx, row.workspace_id, "queue", row.id)


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
    events.announce_change(tx, workspace_id, "queue", row.id)
    return row


async def queue_by_name(session: AsyncSession, workspace_id: str, name: str) -> RoutingQueue | None:
    return await session.scalar(
        select(RoutingQueue).where(
            RoutingQueue.workspace_id == workspace_id, RoutingQueue.name == name
        )
    )
