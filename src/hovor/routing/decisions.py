"""Writing the router's decisions: each :class:`Change` becomes a conditional update of its
task row, in a transaction of its own, and the events that tell clients about it.

A decision can be overtaken: the row changed since the router last read it (an agent
accepted through the API, someone assigned the conversation by hand, another leader wrote
first). Then the write fails with ``StaleTask``, or the row is put right and ``Reread`` is
raised after the commit; either way the node re-reads the row and the router follows it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from hovor.conversations.models import Conversation
from hovor.conversations.service import do_claim_unassigned
from hovor.core import clock
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database, Tx
from hovor.routing import events
from hovor.routing.model import Change, Task
from hovor.routing.models import ACTIVE_TASK_STATUSES, RoutingTask
from hovor.routing.tasks import StaleTask, do_apply, task_out


class Reread(Exception):
    """A decision was overtaken and the row was put right instead: commit, then re-read."""


def dt(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


@dataclass(frozen=True, slots=True)
class Decision:
    """One change to write: the router's view of the task (None: it left the router)."""

    change: Change
    task: Task | None
    queue_names: dict[str, str]  # the workspace's queues by id, for the events' payload


class _Outcome(Enum):
    """What a step did: wrote the decision, wrote nothing, or put the row right instead."""

    WRITTEN = "written"
    UNCHANGED = "unchanged"
    REREAD = "reread"


async def write_decision(db: Database, decision: Decision) -> None:
    """Write one decision; raises StaleTask or Reread when the node must re-read the row."""
    reread = False
    async with db.transaction() as tx:
        row = await tx.session.get(
            RoutingTask, decision.change.task_id, with_for_update=not db.is_sqlite
        )
        if row is None or row.status not in ACTIVE_TASK_STATUSES:
            raise StaleTask(decision.change.task_id)
        step = _STEPS.get(decision.change.kind)
        if step is None:
            return
        outcome = await step(tx, row, decision)
        if outcome is _Outcome.UNCHANGED:
            return
        reread = outcome is _Outcome.REREAD
        _announce(tx, events.TASK_CHANGED, row, decision)
    if reread:
        raise Reread(decision.change.task_id)


async def _reserved(tx: Tx, row: RoutingTask, decision: Decision) -> _Outcome:
    if row.status != "waiting" or decision.task is None:
        raise StaleTask(row.id)
    await do_apply(
        tx,
        row,
        status="reserved",
        agent_id=decision.change.agent_id,
        reserved_at=clock.now(),
        reservation_expires_at=dt(decision.change.detail["expires_at"]),
        rejected=sorted(decision.task.rejected),  # "no"s the router has forgotten go too
    )
    return _Outcome.WRITTEN


async def _assigned(tx: Tx, row: RoutingTask, decision: Decision) -> _Outcome:
    agent_id = decision.change.agent_id
    if row.status == "assigned" and row.agent_id == agent_id:
        return _Outcome.UNCHANGED  # accepted through the API: already written
    if row.status == "reserved" and row.agent_id != agent_id:
        raise StaleTask(row.id)
    now = clock.now()
    conversation = await tx.session.get(Conversation, row.conversation_id)
    if conversation is None or conversation.status != "open":
        # Closed without its task ending (a lost listener run): end it now, so the router
        # stops handing it out; the re-read removes it there.
        await do_apply(tx, row, status="cancelled", ended_at=now, end_reason="closed")
        return _Outcome.REREAD
    holder = conversation.assignee_id
    if holder is not None and holder != agent_id:
        # Someone assigned it by hand meanwhile: the task follows the person.
        await do_apply(tx, row, status="assigned", agent_id=holder, assigned_at=now)
        return _Outcome.REREAD
    await do_apply(
        tx,
        row,
        status="assigned",
        agent_id=agent_id,
        assigned_at=now,
        reservation_expires_at=None,
        reserved_at=row.reserved_at or now,
    )
    if holder is None and not await do_claim_unassigned(tx, conversation, agent_id or ""):
        raise StaleTask(row.id)
    return _Outcome.WRITTEN


async def _requeued(tx: Tx, row: RoutingTask, decision: Decision) -> _Outcome:
    if row.status == "waiting":
        return _Outcome.UNCHANGED  # rejected through the API: already written
    task = decision.task
    await do_apply(
        tx,
        row,
        status="waiting",
        agent_id=None,
        reserved_at=None,
        reservation_expires_at=None,
        rejected=sorted(task.rejected) if task is not None else row.rejected,
    )
    return _Outcome.WRITTEN


async def _moved(tx: Tx, row: RoutingTask, decision: Decision) -> _Outcome:
    """The next step of its queue, or its overflow queue."""
    task = decision.task
    if task is None:
        return _Outcome.UNCHANGED
    await do_apply(
        tx, row, queue_id=task.queue_id, step=task.step, step_started_at=clock.now(), rejected=[]
    )
    return _Outcome.WRITTEN


async def _sla_warned(tx: Tx, row: RoutingTask, decision: Decision) -> _Outcome:
    await do_apply(tx, row, sla_warned=True)
    _announce(tx, events.TASK_SLA_WARNED, row, decision)
    return _Outcome.WRITTEN


async def _sla_breached(tx: Tx, row: RoutingTask, decision: Decision) -> _Outcome:
    await do_apply(tx, row, sla_breached=True)
    _announce(tx, events.TASK_SLA_BREACHED, row, decision)
    return _Outcome.WRITTEN


async def _routable(tx: Tx, row: RoutingTask, decision: Decision) -> _Outcome:
    unroutable = decision.change.kind == "unroutable"
    await do_apply(tx, row, unroutable=unroutable)
    if unroutable:
        _announce(tx, events.TASK_MARKED_UNROUTABLE, row, decision)
    return _Outcome.WRITTEN


_Step = Callable[[Tx, RoutingTask, Decision], Awaitable[_Outcome]]
_STEPS: dict[str, _Step] = {
    "reserved": _reserved,
    "assigned": _assigned,
    "requeued": _requeued,
    "step": _moved,
    "overflowed": _moved,
    "sla_warning": _sla_warned,
    "sla_breached": _sla_breached,
    "unroutable": _routable,
    "routable": _routable,
}


def _announce(tx: Tx, name: str, row: RoutingTask, decision: Decision) -> None:
    payload = {"task": task_out(row, decision.queue_names.get(row.queue_id))}
    tx.publish_on_commit(DomainEvent(name, row.workspace_id, payload))
