"""A task changes hands on request: an agent accepts or rejects a reservation, someone takes
a conversation over by hand, or transfers it to a queue or to an agent."""

from __future__ import annotations

from typing import Any

from hovor.auth.models import User
from hovor.conversations.models import Conversation
from hovor.conversations.service import do_add_system_note, do_assign_conversation
from hovor.core import clock
from hovor.core.channels import ChannelCatalogue
from hovor.core.errors import Conflict, InvalidInput
from hovor.db.transaction import Tx
from hovor.routing import events
from hovor.routing.models import ACTIVE_TASK_STATUSES, RoutingQueue, RoutingTask
from hovor.routing.tasks import active_task, do_apply, do_enqueue


async def do_take_over(
    tx: Tx, conversation: Conversation, agent_id: str | None, channels: ChannelCatalogue
) -> None:
    """Someone assigned the conversation by hand (or took it off an agent): the task follows."""
    task = await active_task(tx.session, conversation.id)
    if task is None:
        if agent_id is None or conversation.status != "open":
            return
        task = await do_enqueue(tx, conversation, channels)
    if agent_id is None:
        if task.status == "waiting":
            return  # nobody had it (an unassign echoed by a transfer or a retry)
        values: dict[str, Any] = {"status": "waiting", "agent_id": None, "assigned_at": None}
    elif task.status == "assigned" and task.agent_id == agent_id:
        return
    else:
        values = {"status": "assigned", "agent_id": agent_id, "assigned_at": clock.now()}
    await do_apply(tx, task, reservation_expires_at=None, **values)
    events.announce_change(tx, task.workspace_id, "task", task.id)


async def do_accept(tx: Tx, task: RoutingTask, agent: User) -> RoutingTask:
    if task.status != "reserved" or task.agent_id != agent.id:
        raise Conflict("this task is not reserved for you (it may have timed out)")
    expires = task.reservation_expires_at
    if expires is not None and expires <= clock.now():
        raise Conflict("the reservation has expired")
    await do_apply(
        tx, task, status="assigned", assigned_at=clock.now(), reservation_expires_at=None
    )
    conversation = await tx.session.get(Conversation, task.conversation_id)
    if conversation is not None:
        await do_assign_conversation(tx, conversation, agent.id)
    events.announce_change(tx, task.workspace_id, "task", task.id)
    return task


async def do_reject(tx: Tx, task: RoutingTask, agent: User) -> RoutingTask:
    if task.status != "reserved" or task.agent_id != agent.id:
        raise Conflict("this task is not reserved for you")
    await do_apply(
        tx,
        task,
        status="waiting",
        agent_id=None,
        reserved_at=None,
        reservation_expires_at=None,
        rejected=sorted({*task.rejected, agent.id}),
    )
    events.announce_change(
        tx, task.workspace_id, "task", task.id, reason="rejected", agent_id=agent.id
    )
    return task


async def do_transfer_to_queue(tx: Tx, task: RoutingTask, queue: RoutingQueue) -> RoutingTask:
    """Back to waiting in another queue; the arrival time and the SLA deadline stay."""
    if task.status not in ACTIVE_TASK_STATUSES:
        raise Conflict("this task has ended")
    await do_apply(
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
    events.announce_change(tx, task.workspace_id, "task", task.id, transfer=True)
    return task


async def do_transfer(
    tx: Tx,
    conversation: Conversation,
    channels: ChannelCatalogue,
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
    task = await active_task(tx.session, conversation.id) or await do_enqueue(
        tx, conversation, channels
    )
    if queue is not None:
        task = await do_transfer_to_queue(tx, task, queue)
        where = f"queue {queue.name}"
    elif agent is not None:
        await do_assign_conversation(tx, conversation, agent.id)
        await do_take_over(tx, conversation, agent.id, channels)
        where = agent.name
    else:
        raise InvalidInput("name a queue or an agent")
    text = f"Transferred to {where} by {by}."
    if note and note.strip():
        text += f" {note.strip()}"
    await do_add_system_note(tx, conversation, text)
    await tx.session.refresh(task)
    return task
