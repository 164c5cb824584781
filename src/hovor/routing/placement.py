"""The router's bookkeeping: who may take what, who has room, what waits where, and its timers.

:class:`RouterState` holds the indexes the choices read (waiting lists per queue, step and
channel; the agents matching each step; the agents with room per channel) and keeps them
right as tasks are placed and taken and slots are taken and freed. Choosing is
``routing.assignment``'s job, the public operations ``routing.engine``'s.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable

from sortedcontainers import SortedList

from hovor.core.channels import ChannelCatalogue
from hovor.routing.model import (
    DEFAULT_HANDLE_SECONDS,
    Agent,
    Change,
    Group,
    Key,
    Lane,
    Queue,
    Task,
)


class RouterState:
    """Queues, agents and tasks of one workspace, and the indexes over them."""

    def __init__(self, channels: ChannelCatalogue) -> None:
        self.channels = channels
        self._deferred = channels.deferred()  # kinds taken only while no real-time work waits
        self.queues: dict[str, Queue] = {}
        self.agents: dict[str, Agent] = {}
        self.tasks: dict[str, Task] = {}
        self._waiting: dict[Lane, SortedList] = {}  # (queue, step, channel) → keys in order
        self._eligible: dict[Group, set[str]] = {}
        self._groups_of: dict[str, set[Group]] = {}
        self._free: dict[str, set[str]] = {}  # channel → agents with room on it
        self._sticky: dict[str, set[str]] = {}  # agent → tasks waiting for them first
        self._timers: list[tuple[float, int, str, str, str]] = []  # when, seq, kind, id, extra
        self._seq = itertools.count()
        self._handle: dict[str, float] = {}  # queue → average handle time (moving average)
        self._unroutable: set[str] = set()
        self._gone: dict[str, Agent] = {}  # removed while holding work: their load, till it ends
        self._realtime_in: dict[Group, int] = {}  # group → real-time tasks in its lists
        self._cleared: set[Group] = set()  # groups whose real-time wait ended: e-mail may go

    def next_timer(self) -> float | None:
        return self._timers[0][0] if self._timers else None

    # -- reading ------------------------------------------------------------------------

    def waiting(self, queue_id: str | None = None) -> list[Task]:
        return [
            t
            for t in self.tasks.values()
            if t.status == "waiting" and (queue_id is None or t.queue_id == queue_id)
        ]

    def average_handle_seconds(self, queue_id: str) -> float:
        return self._handle.get(queue_id, DEFAULT_HANDLE_SECONDS)

    def estimated_wait(self, queue_id: str, channel: str) -> float | None:
        """Seconds a task joining ``queue_id`` now would wait; None if nobody can take it.

        (waiting ahead + 1) * average handle time / the slots of the available agents that
        match the queue's first step. Tasks ahead are those of the same queue and channel.
        """
        members = self._eligible.get((queue_id, 0), set())
        slots = sum(
            self.agents[a].capacity.get(channel, 0)
            for a in members
            if self.agents[a].status == "available"
        )
        if not slots:
            return None
        ahead = sum(
            1
            for t in self.tasks.values()
            if t.queue_id == queue_id and t.channel == channel and t.status == "waiting"
        )
        free = sum(1 for a in members if self.agents[a].has_room(channel))
        if free and not ahead:
            return 0.0
        return (ahead + 1) * self.average_handle_seconds(queue_id) / slots

    def load_of(self, agent_ids: Iterable[str]) -> dict[str, dict[str, int]]:
        return {a: dict(self.agents[a].load) for a in agent_ids if a in self.agents}

    # -- placing ------------------------------------------------------------------------

    def _timer(self, when: float, kind: str, key: str, extra: str = "") -> None:
        heapq.heappush(self._timers, (when, next(self._seq), kind, key, extra))

    def _has_next(self, queue: Queue, step: int) -> bool:
        """A task in ``step`` of ``queue`` has a later step or an overflow queue to go to."""
        return step + 1 < len(queue.steps) or (
            queue.overflow_queue_id is not None and queue.overflow_queue_id in self.queues
        )

    def _place(self, task: Task, now: float) -> None:
        lane = (task.queue_id, task.step, task.channel)
        self._waiting.setdefault(lane, SortedList()).add(self._key(task))
        if task.channel not in self._deferred:
            group = (task.queue_id, task.step)
            self._realtime_in[group] = self._realtime_in.get(group, 0) + 1
        queue = self.queues[task.queue_id]
        timeout = queue.steps[task.step].timeout
        if timeout is not None and self._has_next(queue, task.step):
            self._timer(task.step_started_at + timeout, "step", task.id, str(task.step))

    def _unplace(self, task: Task) -> None:
        waiting = self._waiting.get((task.queue_id, task.step, task.channel))
        if waiting is not None:
            key = self._key(task)
            if key in waiting:
                waiting.remove(key)
                if task.channel not in self._deferred:
                    group = (task.queue_id, task.step)
                    self._realtime_in[group] -= 1
                    if not self._realtime_in[group]:
                        del self._realtime_in[group]
                        self._cleared.add(group)
        if task.sticky_agent_id is not None:
            self._sticky.get(task.sticky_agent_id, set()).discard(task.id)

    def _is_placed(self, task: Task) -> bool:
        waiting = self._waiting.get((task.queue_id, task.step, task.channel))
        return waiting is not None and self._key(task) in waiting

    def _waits_for_sticky(self, task: Task) -> bool:
        return task.id in self._sticky.get(task.sticky_agent_id or "", ())

    @staticmethod
    def _key(task: Task) -> Key:
        return (-task.priority, task.created_at, task.seq, task.id)

    # -- slots --------------------------------------------------------------------------

    def _take_slot(self, agent: Agent, channel: str) -> None:
        agent.load[channel] = agent.load.get(channel, 0) + 1
        self._refresh_free(agent)

    def _free_slot(self, agent: Agent, channel: str, now: float) -> None:
        agent.load[channel] = max(0, agent.load.get(channel, 0) - 1)
        agent.idle_since = now  # longest idle: since the last piece of work ended
        if agent.id in self._gone:
            if not agent.total_load():
                del self._gone[agent.id]
            return
        self._refresh_free(agent)

    def _holding(self, agent_id: str) -> Agent | None:
        """The agent whose load counts a task of theirs, removed or not."""
        return self.agents.get(agent_id) or self._gone.get(agent_id)

    def _refresh_free(self, agent: Agent) -> None:
        for channel in set(agent.capacity) | set(self._free):
            free = self._free.setdefault(channel, set())
            if agent.has_room(channel):
                free.add(agent.id)
            else:
                free.discard(agent.id)

    # -- routable or not ----------------------------------------------------------------

    def _reachable(self, task: Task) -> set[str]:
        """Agents matching the task's current step or any later one, overflow included."""
        reachable: set[str] = set()
        queue_id: str | None = task.queue_id
        step = task.step
        seen: set[str] = set()
        while queue_id is not None and queue_id in self.queues and queue_id not in seen:
            seen.add(queue_id)
            queue = self.queues[queue_id]
            for s in range(step, len(queue.steps)):
                reachable |= self._eligible.get((queue_id, s), set())
            queue_id, step = queue.overflow_queue_id, 0
        return reachable

    def _check_routable(self, task: Task, known: dict[Lane, bool] | None = None) -> list[Change]:
        """Flag (or clear) a task no agent could ever take; ``known`` remembers the answer
        per lane (it depends only on queue, step and channel) across many tasks."""
        lane = (task.queue_id, task.step, task.channel)
        capable = known.get(lane) if known is not None else None
        if capable is None:
            agents, channel = self.agents, task.channel
            capable = any(agents[a].capacity.get(channel, 0) > 0 for a in self._reachable(task))
            if known is not None:
                known[lane] = capable
        if not capable and not task.unroutable:
            task.unroutable = True
            self._unroutable.add(task.id)
            return [Change("unroutable", task.id)]
        if capable and task.unroutable:
            task.unroutable = False
            self._unroutable.discard(task.id)
            return [Change("routable", task.id)]
        return []

    def _recheck_unroutable(self, everyone: bool) -> list[Change]:
        """Re-decide who is unroutable: all waiting tasks when some agent lost a match or
        capacity (``everyone``), else only those flagged (a new match can only help them)."""
        ids = list(self.tasks) if everyone else sorted(self._unroutable)
        known: dict[Lane, bool] = {}
        changes: list[Change] = []
        for task_id in ids:
            task = self.tasks.get(task_id)
            if task is not None and task.status == "waiting":
                changes += self._check_routable(task, known)
        return changes
