"""Domain events emitted by routing (``noun.past_verb``, the same string everywhere)."""

from __future__ import annotations

from typing import Any

from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx

# Internal: a queue, agent profile or task row changed; the routing node re-reads it.
ROUTING_CHANGED = "routing.changed"
# For clients (desktop, wallboard) and other contexts; payload: {"task": the task as the API
# shows it}. The gateway turns them into the agents' ``task.changed``/``alert.raised`` frames.
TASK_CHANGED = "task.changed"  # reserved, assigned, requeued, moved a step or queue
TASK_SLA_WARNED = "task.sla_warned"  # 80 % of its first-response target has passed
TASK_SLA_BREACHED = "task.sla_breached"  # its target has passed, still unanswered
TASK_MARKED_UNROUTABLE = "task.marked_unroutable"  # no agent could ever take it as things are


def announce_change(tx: Tx, workspace_id: str, kind: str, key: str, **extra: Any) -> None:
    """After the commit, tell the routing node that a ``kind`` row (queue, agent, task) changed."""
    tx.publish_on_commit(
        DomainEvent(ROUTING_CHANGED, workspace_id, {"kind": kind, "id": key, **extra})
    )
