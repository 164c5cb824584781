"""Routing endpoints: queues, agents' routing profiles, tasks, transfers and the wallboard."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status

from hovor.auth import service as auth
from hovor.auth.deps import ActorDep
from hovor.conversations.service import access_conversation
from hovor.core.channels import ChannelCatalogue
from hovor.core.errors import InvalidInput
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.routing import agents, handover, queues, tasks
from hovor.routing.node import RoutingNode
from hovor.routing.schemas import (
    AgentOut,
    ProfileIn,
    QueueIn,
    QueueOut,
    QueueToday,
    TaskOut,
    TransferIn,
    Wallboard,
    WallboardLive,
)
from hovor.routing.service_level import service_level_today
from hovor.routing.tasks import task_out
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1", tags=["routing"], responses=PROBLEM_RESPONSES)


def get_node(request: Request) -> RoutingNode:
    node: RoutingNode = request.app.state.routing
    return node


NodeDep = Annotated[RoutingNode, Depends(get_node)]


def _supervise(actor: ActorDep) -> None:
    auth.require_role(actor.user, "admin", "supervisor")


def _spec(body: QueueIn) -> queues.QueueSpec:
    return queues.QueueSpec(
        name=body.name,
        steps=[s.model_dump() for s in body.steps],
        channels=body.channels,
        strategy=body.strategy,
        overflow_queue_id=body.overflow_queue_id,
        sla_seconds=body.sla_seconds,
        sticky_seconds=body.sticky_seconds,
        wrap_up_seconds=body.wrap_up_seconds,
        reservation_seconds=body.reservation_seconds,
        auto_accept=body.auto_accept,
        weight_skill=body.weight_skill,
    )


# Queues ------------------------------------------------------------------------------------


@router.get("/routing/queues", response_model=list[QueueOut])
async def list_queues(actor: ActorDep, runtime: RuntimeDep) -> list[QueueOut]:
    async with runtime.db.read() as session:
        rows = await queues.list_queues(session, actor.workspace_id)
    return [QueueOut.model_validate(r) for r in rows]


@router.post("/routing/queues", response_model=QueueOut, status_code=status.HTTP_201_CREATED)
async def create_queue(body: QueueIn, actor: ActorDep, runtime: RuntimeDep, tx: TxDep) -> QueueOut:
    """A queue: ordered steps (CEL target over agents' skills and attributes, timeout), the
    strategy, SLA targets per channel, sticky/wrap-up/reservation times, an overflow queue."""
    _supervise(actor)
    row = await queues.do_create_queue(tx, actor.workspace_id, _spec(body), runtime.channels)
    return QueueOut.model_validate(row)


@router.get("/routing/queues/{queue_id}", response_model=QueueOut)
async def get_queue(queue_id: str, actor: ActorDep, runtime: RuntimeDep) -> QueueOut:
    async with runtime.db.read() as session:
        row = await queues.access_queue(session, actor.workspace_id, queue_id)
    return QueueOut.model_validate(row)


@router.put("/routing/queues/{queue_id}", response_model=QueueOut)
async def update_queue(
    queue_id: str, body: QueueIn, actor: ActorDep, runtime: RuntimeDep, tx: TxDep
) -> QueueOut:
    _supervise(actor)
    row = await queues.access_queue(tx.session, actor.workspace_id, queue_id)
    row = await queues.do_update_queue(tx, row, _spec(body), runtime.channels)
    return QueueOut.model_validate(row)


@router.delete("/routing/queues/{queue_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_queue(queue_id: str, actor: ActorDep, tx: TxDep) -> None:
    """409 while tasks wait in it or once it has a history (rename it instead)."""
    _supervise(actor)
    row = await queues.access_queue(tx.session, actor.workspace_id, queue_id)
    await queues.do_delete_queue(tx, row)


# Agents ------------------------------------------------------------------------------------


@router.get("/routing/agents", response_model=list[AgentOut])
async def list_agents(actor: ActorDep, runtime: RuntimeDep) -> list[AgentOut]:
    async with runtime.db.read() as session:
        team = await agents.team(session, actor.workspace_id)
    return [_agent_out(user, profile, runtime.channels) for user, profile in team]


@router.put("/routing/agents/{user_id}", response_model=AgentOut)
async def set_profile(
    user_id: str, body: ProfileIn, actor: ActorDep, runtime: RuntimeDep, tx: TxDep
) -> AgentOut:
    """Skills (name → level 1-5), attributes and capacity per channel; what is left out stays."""
    _supervise(actor)
    user = await auth.access_user(tx.session, actor.workspace_id, user_id)
    profile = await agents.do_set_profile(
        tx,
        user,
        runtime.channels,
        skills=body.skills,
        attributes=body.attributes,
        capacity=body.capacity,
    )
    return _agent_out(user, profile, runtime.channels)


def _agent_out(user: Any, profile: Any, channels: ChannelCatalogue) -> AgentOut:
    return AgentOut(
        id=user.id,
        name=user.name,
        role=user.role,
        presence=user.presence,
        presence_reason=user.presence_reason,
        skills=dict(profile.skills) if profile else {},
        attributes=dict(profile.attributes) if profile else {},
        capacity=agents.capacity_of(user, profile, channels),
    )


# Tasks -------------------------------------------------------------------------------------


@router.get("/routing/tasks", response_model=list[TaskOut])
async def list_tasks(
    actor: ActorDep,
    runtime: RuntimeDep,
    queue_id: str | None = None,
    mine: bool = False,
    active: bool = True,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[TaskOut]:
    """Active tasks (waiting, reserved, assigned) oldest first, or with ``active=false`` all
    tasks newest first; ``mine`` for the caller's."""
    async with runtime.db.read() as session:
        rows = await tasks.list_tasks(
            session,
            actor.workspace_id,
            queue_id=queue_id,
            agent_id=actor.user.id if mine else None,
            active=active,
            limit=limit,
        )
        names = {q.id: q.name for q in await queues.list_queues(session, actor.workspace_id)}
    return [TaskOut.model_validate(task_out(r, names.get(r.queue_id))) for r in rows]


@router.post("/routing/tasks/{task_id}/accept", response_model=TaskOut)
async def accept_task(task_id: str, actor: ActorDep, tx: TxDep) -> TaskOut:
    """Take a task reserved for you; 409 if the reservation is gone (timed out, taken back)."""
    task = await tasks.access_task(tx.session, actor.workspace_id, task_id)
    return TaskOut.model_validate(task_out(await handover.do_accept(tx, task, actor.user)))


@router.post("/routing/tasks/{task_id}/reject", response_model=TaskOut)
async def reject_task(task_id: str, actor: ActorDep, tx: TxDep) -> TaskOut:
    """Decline a task reserved for you; it goes to the next agent."""
    task = await tasks.access_task(tx.session, actor.workspace_id, task_id)
    return TaskOut.model_validate(task_out(await handover.do_reject(tx, task, actor.user)))


@router.post("/conversations/{conversation_id}/transfer", response_model=TaskOut)
async def transfer(
    conversation_id: str, body: TransferIn, actor: ActorDep, runtime: RuntimeDep, tx: TxDep
) -> TaskOut:
    """To a queue (it waits there, keeping its SLA) or to an agent; the history stays with the
    conversation and ``note`` is added as a private note for whoever takes it."""
    if (body.queue_id is None) == (body.agent_id is None):
        raise InvalidInput(
            "name a queue or an agent",
            errors=[{"loc": ["queue_id"], "msg": "give exactly one of queue_id and agent_id"}],
        )
    conversation = await access_conversation(tx.session, actor.workspace_id, conversation_id)
    queue = (
        await queues.access_queue(tx.session, actor.workspace_id, body.queue_id)
        if body.queue_id is not None
        else None
    )
    agent = (
        await auth.access_user(tx.session, actor.workspace_id, body.agent_id)
        if body.agent_id is not None
        else None
    )
    task = await handover.do_transfer(
        tx,
        conversation,
        runtime.channels,
        queue=queue,
        agent=agent,
        by=actor.user.name,
        note=body.note,
    )
    return TaskOut.model_validate(task_out(task))


# Supervisor --------------------------------------------------------------------------------


@router.get("/routing/wallboard", response_model=Wallboard)
async def wallboard(actor: ActorDep, runtime: RuntimeDep, node: NodeDep) -> Wallboard:
    """Right now (waiting per queue, longest wait, agents by state, estimated waits; the same
    figures arrive live as ``wallboard.updated`` frames) and today's service level per queue."""
    live = node.snapshot(actor.workspace_id) if node.leader else node.stats.get(actor.workspace_id)
    if live is None and node.leader:
        await node.kick(actor.workspace_id, "reload", "")
        live = node.snapshot(actor.workspace_id)
    async with runtime.db.read() as session:
        today = await service_level_today(session, actor.workspace_id)
    return Wallboard(
        live=WallboardLive.model_validate(live) if live is not None else None,
        today=[QueueToday(**figures) for figures in today],
    )


@router.get("/routing/estimated-wait")
async def estimated_wait(
    actor: ActorDep, node: NodeDep, channel: str = "webchat"
) -> dict[str, float | None]:
    """Seconds a new task on ``channel`` would wait (the shortest over the queues); null when
    no available agent could take it. Engagement pacing reads the same figure."""
    return {"seconds": node.estimated_wait(actor.workspace_id, channel)}
