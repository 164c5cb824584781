"""The router's decisions: which agent gets which task, and when. In memory, free of I/O.

The routing node (``routing.node``) keeps this in step with the database and writes what it
decides; the simulation (``routing.simulation``) drives the very same object on a virtual
clock. Times are seconds (floats) on whatever clock the caller uses. The model (queues,
steps, agents, tasks, strategies) is described in ``routing.model``; the bookkeeping in
``routing.placement``, the choices in ``routing.assignment``; this module holds the public
operations and the timers that move tasks on.
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable
from typing import Any, TypeVar, cast

from hovor.routing.assignment import Assigner
from hovor.routing.model import (
    REJECTION_MEMORY,
    SLA_WARNING_SHARE,
    Agent,
    Change,
    Group,
    Queue,
    Task,
    target_matches,
)

_Method = TypeVar("_Method", bound=Callable[..., list[Change]])


def _unblocking(method: _Method) -> _Method:
    """After a public call, hand out e-mail that waiting real-time work held back."""

    @functools.wraps(method)
    def wrapper(self: Router, *args: Any, **kwargs: Any) -> list[Change]:
        changes = method(self, *args, **kwargs)
        now = kwargs.get("now", args[-1] if args else 0.0)
        return changes + self._unblock_deferred(now)

    return cast(_Method, wrapper)


class Router(Assigner):
    """Queues, agents and tasks of one workspace, and the timers that move them."""

    # -- configuration ------------------------------------------------------------------

    @_unblocking
    def put_queue(self, queue: Queue, now: float) -> list[Change]:
        old = self.queues.get(queue.id)
        self.queues[queue.id] = queue
        for step in range(max(len(queue.steps), len(old.steps) if old else 0)):
            group = (queue.id, step)
            if step >= len(queue.steps):
                self._eligible.pop(group, None)
                for aid in list(self._groups_of):
                    self._groups_of[aid].discard(group)
                continue
            expression = queue.compiled[step]
            members = {
                a.id
                for a in self.agents.values()
                if target_matches(expression, a.skills, a.attributes)
            }
            self._eligible[group] = members
            for aid, groups in self._groups_of.items():
                if aid in members:
                    groups.add(group)
                else:
                    groups.discard(group)
        if old is not None:  # tasks in steps that no longer exist start over at the last one
            for task in self.tasks.values():
                if task.queue_id == queue.id and task.step >= len(queue.steps):
                    placed = self._is_placed(task)
                    self._unplace(task)
                    task.step = len(queue.steps) - 1
                    if placed:
                        self._place(task, now)
        changes = self._recheck_unroutable(everyone=True)
        return changes + self._match_all(now)

    @_unblocking
    def put_agent(self, agent: Agent, now: float) -> list[Change]:
        """Add or replace an agent's profile (status, skills, attributes, capacity)."""
        old = self.agents.get(agent.id) or self._gone.pop(agent.id, None)
        if old is not None:
            agent.load = old.load  # load is the router's own bookkeeping
            became_available = old.status != "available" and agent.status == "available"
            agent.idle_since = now if became_available else old.idle_since
        elif not agent.idle_since:
            agent.idle_since = now
        self.agents[agent.id] = agent
        groups: set[Group] = set()
        for queue in self.queues.values():
            for step, expression in enumerate(queue.compiled):
                group = (queue.id, step)
                members = self._eligible.setdefault(group, set())
                if target_matches(expression, agent.skills, agent.attributes):
                    members.add(agent.id)
                    groups.add(group)
                else:
                    members.discard(agent.id)
        lost = old is not None and (
            bool(self._groups_of.get(agent.id, set()) - groups)
            or any(agent.capacity.get(c, 0) < n for c, n in old.capacity.items())
        )
        self._groups_of[agent.id] = groups
        self._refresh_free(agent)
        changes = self._recheck_unroutable(everyone=lost)
        return changes + self._fill_agent(agent, now)

    def remove_agent(self, agent_id: str) -> list[Change]:
        """Forget an agent. Work they hold stays theirs (and counts) until it ends."""
        agent = self.agents.pop(agent_id, None)
        if agent is not None and agent.total_load():
            agent.status = "offline"
            self._gone[agent_id] = agent
        for members in self._eligible.values():
            members.discard(agent_id)
        for free in self._free.values():
            free.discard(agent_id)
        self._groups_of.pop(agent_id, None)
        return self._recheck_unroutable(everyone=True)

    # -- work ---------------------------------------------------------------------------

    @_unblocking
    def submit(self, task: Task, now: float) -> list[Change]:
        """Take a new task (or one reloaded after a restart, in whatever state it was)."""
        if task.queue_id not in self.queues:
            raise KeyError(task.queue_id)
        task.seq = next(self._seq)
        self.tasks[task.id] = task
        queue = self.queues[task.queue_id]
        if task.deadline is None:
            task.deadline = max(task.created_at, task.ready_at) + queue.sla_for(
                task.channel, self.channels
            )
        if not task.step_started_at:
            task.step_started_at = max(now, task.ready_at)
        changes: list[Change] = []
        if not task.sla_breached:
            start = max(task.created_at, task.ready_at)
            warn_at = start + (task.deadline - start) * SLA_WARNING_SHARE
            if not task.sla_warned:
                self._timer(warn_at, "sla_warning", task.id)
            self._timer(task.deadline, "sla_breach", task.id)
        if task.status == "reserved" and task.agent_id in self.agents:
            self._take_slot(self.agents[task.agent_id], task.channel)
            self._timer(task.reservation_expires_at or now, "reservation", task.id)
            return changes
        if task.status == "assigned" and task.agent_id in self.agents:
            self._take_slot(self.agents[task.agent_id], task.channel)
            return changes
        task.status, task.agent_id = "waiting", None
        if task.rejected:  # reloaded after a restart: the "no"s fade as they would have
            self._timer(now + REJECTION_MEMORY, "forgive", task.id)
        if task.ready_at > now:
            self._timer(task.ready_at, "ready", task.id)
            return changes
        return changes + self._enter(task, now)

    def accept(self, task_id: str, agent_id: str, now: float) -> list[Change]:
        task = self.tasks.get(task_id)
        if task is None or task.status != "reserved" or task.agent_id != agent_id:
            raise LookupError("no such reservation")
        return [self._assign(task, now)]

    @_unblocking
    def reject(
        self, task_id: str, agent_id: str, now: float, *, reason: str = "rejected"
    ) -> list[Change]:
        task = self.tasks.get(task_id)
        if task is None or task.status != "reserved" or task.agent_id != agent_id:
            raise LookupError("no such reservation")
        agent = self._holding(agent_id)
        task.rejected.add(agent_id)
        task.status, task.agent_id = "waiting", None
        task.reserved_at = task.reservation_expires_at = None
        changes = [Change("requeued", task.id, agent_id, {"reason": reason})]
        if agent is not None:
            self._free_slot(agent, task.channel, now)
        eligible = self._reachable(task)
        if eligible and eligible <= task.rejected:
            task.rejected.clear()  # everyone said no: offer it round again
        # A "no" is remembered for a while, not for ever: if only those who said no are
        # around, the task is offered to them again after REJECTION_MEMORY seconds.
        self._timer(now + REJECTION_MEMORY, "forgive", task.id)
        changes += self._enter(task, now)
        if agent is not None:
            changes += self._fill_agent(agent, now)
        return changes

    @_unblocking
    def complete(self, task_id: str, now: float) -> list[Change]:
        """The agent finished (conversation closed); the slot frees after wrap-up."""
        task = self.tasks.pop(task_id, None)
        if task is None:
            return []
        self._unplace(task)
        changes: list[Change] = []
        agent = self._holding(task.agent_id or "")
        if task.status in ("reserved", "assigned") and agent is not None:
            if task.assigned_at is not None:
                handled = now - task.assigned_at
                average = self._handle.get(task.queue_id, handled)
                self._handle[task.queue_id] = 0.8 * average + 0.2 * handled
            queue = self.queues.get(task.queue_id)
            wrap = queue.wrap_up_seconds if queue and task.status == "assigned" else 0.0
            if wrap > 0:
                self._timer(now + wrap, "wrap_up", agent.id, task.channel)
            else:
                self._free_slot(agent, task.channel, now)
                changes += self._fill_agent(agent, now)
        task.status = "done"
        self._unroutable.discard(task.id)
        return changes

    def resume_wrap_up(self, agent_id: str, channel: str, until: float, now: float) -> None:
        """A wrap-up that began before this router existed (another leader completed the task,
        then this one rebuilt from the database): the agent's slot on ``channel`` stays
        taken until ``until``, exactly as if this router had completed the task itself."""
        agent = self.agents.get(agent_id)
        if agent is None or until <= now:
            return
        self._take_slot(agent, channel)
        self._timer(until, "wrap_up", agent.id, channel)

    def cancel(self, task_id: str, now: float) -> list[Change]:
        """The work went away before an agent took it (the visitor left, the chat closed)."""
        return self.complete(task_id, now)

    @_unblocking
    def transfer(self, task_id: str, queue_id: str, now: float) -> list[Change]:
        """Move a task to another queue (its agent, if any, lets go); arrival and SLA stay."""
        task = self.tasks[task_id]
        if queue_id not in self.queues:
            raise KeyError(queue_id)
        self._unplace(task)
        changes = self._release(task, now)
        task.queue_id, task.step, task.step_started_at = queue_id, 0, max(now, task.ready_at)
        task.rejected.clear()
        if task.ready_at > now:
            return changes  # a callback not yet due: its ready timer enters it
        return changes + self._enter(task, now)

    @_unblocking
    def assign_to(self, task_id: str, agent_id: str, now: float) -> list[Change]:
        """Give a task to one agent directly (manual assignment, transfer to an agent).

        The agent's capacity is not checked: a person decided. Their load counts it.
        """
        task = self.tasks[task_id]
        agent = self.agents.get(agent_id)
        if agent is None:
            raise KeyError(agent_id)
        if task.agent_id == agent_id and task.status == "assigned":
            return []
        self._unplace(task)
        changes = self._release(task, now)
        task.status, task.agent_id, task.reserved_at = "reserved", agent.id, now
        self._take_slot(agent, task.channel)
        return [*changes, self._assign(task, now)]

    @_unblocking
    def advance(self, now: float) -> list[Change]:
        """Fire every timer due by ``now`` (steps, reservations, SLA, wrap-up, sticky, ready)."""
        changes: list[Change] = []
        while self._timers and self._timers[0][0] <= now:
            when, _, kind, key, extra = heapq.heappop(self._timers)
            changes += self._fire(kind, key, extra, when, now)
        return changes

    # -- timers -------------------------------------------------------------------------

    def _fire(self, kind: str, key: str, extra: str, when: float, now: float) -> list[Change]:
        if kind == "wrap_up":
            agent = self._holding(key)
            if agent is None:
                return []
            self._free_slot(agent, extra, now)
            return [
                Change("wrap_up_ended", "", agent.id, {"channel": extra}),
                *self._fill_agent(agent, now),
            ]
        task = self.tasks.get(key)
        if task is None:
            return []
        if kind == "ready":
            return (
                self._enter(task, now)
                if task.status == "waiting"
                and not self._is_placed(task)
                and not self._waits_for_sticky(task)
                else []
            )
        if kind == "sticky":
            queue = self.queues[task.queue_id]
            until = max(task.created_at, task.ready_at) + queue.sticky_seconds
            if task.status == "waiting" and self._waits_for_sticky(task) and until <= when:
                self._sticky.get(task.sticky_agent_id or "", set()).discard(task.id)
                task.sticky_agent_id = None
                return self._enter(task, now)
            return []
        if kind == "forgive":
            if task.status != "waiting" or not task.rejected or not self._is_placed(task):
                return []
            self._unplace(task)
            task.rejected.clear()
            return self._enter(task, now)
        if kind == "reservation":
            if task.status == "reserved" and (task.reservation_expires_at or 0) <= now:
                return self.reject(task.id, task.agent_id or "", now, reason="timeout")
            return []
        if kind == "sla_warning":
            if task.status in ("waiting", "reserved") and not task.sla_warned:
                task.sla_warned = True
                return [Change("sla_warning", task.id, detail={"deadline": task.deadline})]
            return []
        if kind == "sla_breach":
            if task.status in ("waiting", "reserved") and not task.sla_breached:
                task.sla_breached = True
                return [Change("sla_breached", task.id, detail={"deadline": task.deadline})]
            return []
        if kind == "step":
            # Only the timer of the step the task is in now: not one left from an earlier
            # wait in this step (a reservation came between), nor from another queue.
            timeout = self.queues[task.queue_id].steps[task.step].timeout
            if (
                task.step != int(extra)
                or timeout is None
                or task.step_started_at + timeout > when
                or not self._is_placed(task)
            ):
                return []
            return self._next_step(task, now)
        raise AssertionError(kind)

    def _next_step(self, task: Task, now: float) -> list[Change]:
        queue = self.queues[task.queue_id]
        overflow = queue.overflow_queue_id
        if task.step + 1 < len(queue.steps):
            self._unplace(task)
            task.rejected.clear()
            task.step += 1
            task.step_started_at = now
            return [Change("step", task.id, detail={"step": task.step}), *self._enter(task, now)]
        if overflow is not None and overflow in self.queues:
            self._unplace(task)
            task.rejected.clear()
            task.queue_id, task.step, task.step_started_at = overflow, 0, now
            return [
                Change("overflowed", task.id, detail={"queue_id": overflow}),
                *self._enter(task, now),
            ]
        return []  # last step, nowhere to go: keep waiting here
