"""The router's choices: which agent gets a task, which task an agent gets next.

Real-time work goes first: a task on a deferred channel (e-mail) goes to an agent only
while no real-time task that the agent could take waits (``RouterState._realtime_in``), and
is handed out as soon as those lists empty (:meth:`Assigner._unblock_deferred`).
"""

from __future__ import annotations

from hovor.routing.model import Agent, Change, Key, Task
from hovor.routing.placement import RouterState


class Assigner(RouterState):
    """Reserving and assigning tasks to agents, on top of the router's bookkeeping."""

    def _enter(self, task: Task, now: float) -> list[Change]:
        """A waiting task goes to its sticky agent, a free agent, or its waiting list."""
        changes = self._check_routable(task)
        queue = self.queues[task.queue_id]
        if task.sticky_agent_id is not None and queue.sticky_seconds > 0:
            sticky_until = max(task.created_at, task.ready_at) + queue.sticky_seconds
            agent = self.agents.get(task.sticky_agent_id)
            if now < sticky_until and agent is not None and agent.id not in task.rejected:
                if agent.has_room(task.channel):
                    return [*changes, self._reserve(task, agent, now)]
                self._sticky.setdefault(agent.id, set()).add(task.id)
                self._timer(sticky_until, "sticky", task.id)
                return changes
            task.sticky_agent_id = None
        agent = self._best_agent(task)
        if agent is not None:
            return [*changes, self._reserve(task, agent, now)]
        self._place(task, now)
        return changes

    def _best_agent(self, task: Task) -> Agent | None:
        members = self._eligible.get((task.queue_id, task.step))
        free = self._free.get(task.channel)
        if not members or not free:
            return None
        candidates = members & free if len(members) > len(free) else free & members
        if task.rejected:
            candidates -= task.rejected
        if not candidates:
            return None
        if task.channel in self._deferred and self._realtime_in:
            blocked = self._realtime_in.keys()
            groups_of = self._groups_of
            candidates = {a for a in candidates if groups_of[a].isdisjoint(blocked)}
            if not candidates:
                return None
        queue = self.queues[task.queue_id]
        pool = [self.agents[a] for a in candidates]
        skill = queue.weight_skill
        if queue.strategy == "longest_idle":
            # Agents holding no work first; among them the longest since their last work
            # ended. With a weight skill: idle time * level (measured against the newest).
            if skill is None:
                return min(pool, key=lambda g: (sum(g.load.values()), g.idle_since, g.id))
            top = max(g.idle_since for g in pool)
            return min(
                pool,
                key=lambda g: (
                    sum(g.load.values()),
                    -(top - g.idle_since + 1.0) * g.skills.get(skill, 1),
                    -g.skills.get(skill, 1),
                    g.id,
                ),
            )
        # Least occupied: load over capacity on the task's channel (every candidate has
        # room there, so capacity >= 1). With a weight skill: divided by the level.
        channel = task.channel
        if skill is None:
            return min(
                pool,
                key=lambda g: (g.load.get(channel, 0) / g.capacity[channel], g.idle_since, g.id),
            )
        return min(
            pool,
            key=lambda g: (
                g.load.get(channel, 0) / g.capacity[channel] / max(1, g.skills.get(skill, 1)),
                -g.skills.get(skill, 0),
                g.idle_since,
                g.id,
            ),
        )

    def _best_task_for(self, agent: Agent) -> Task | None:
        sticky = self._sticky.get(agent.id)
        if sticky:
            for task_id in sorted(sticky, key=lambda t: self._key(self.tasks[t])):
                task = self.tasks[task_id]
                if agent.has_room(task.channel) and agent.id not in task.rejected:
                    sticky.discard(task_id)
                    return task
        channels = [c for c in agent.capacity if agent.has_room(c)]
        best: tuple[Key, Task] | None = None
        deferred: tuple[Key, Task] | None = None
        for queue_id, step in self._groups_of.get(agent.id, ()):
            for channel in channels:
                for key in self._waiting.get((queue_id, step, channel), ()):
                    if agent.id in self.tasks[key[3]].rejected:
                        continue
                    if channel in self._deferred:
                        if deferred is None or key < deferred[0]:
                            deferred = (key, self.tasks[key[3]])
                    elif best is None or key < best[0]:
                        best = (key, self.tasks[key[3]])
                    break
        if best is not None:
            return best[1]
        if deferred is not None and not self._realtime_waits_for(agent.id):
            return deferred[1]
        return None

    def _realtime_waits_for(self, agent_id: str) -> bool:
        """Some real-time task this agent could take is waiting (then no e-mail for them)."""
        waiting = self._realtime_in
        return bool(waiting) and any(g in waiting for g in self._groups_of.get(agent_id, ()))

    def _fill_agent(self, agent: Agent, now: float) -> list[Change]:
        changes: list[Change] = []
        while agent.status == "available":
            task = self._best_task_for(agent)
            if task is None:
                break
            self._unplace(task)
            changes.append(self._reserve(task, agent, now))
        return changes

    def _unblock_deferred(self, now: float) -> list[Change]:
        """After real-time work left the lists, agents held back from e-mail may take some:
        those in the groups where no real-time task waits any more."""
        if not self._cleared:
            return []
        cleared, self._cleared = self._cleared, set()
        if not any(w for lane, w in self._waiting.items() if lane[2] in self._deferred):
            return []
        members: set[str] = set()
        for group in cleared:
            members |= self._eligible.get(group, set())
        changes: list[Change] = []
        for channel in sorted(self._deferred):
            for agent_id in sorted(members & self._free.get(channel, set())):
                changes += self._fill_agent(self.agents[agent_id], now)
        return changes

    def _match_all(self, now: float) -> list[Change]:
        changes: list[Change] = []
        for channel in sorted(self._free):
            for agent_id in sorted(self._free.get(channel, ())):
                changes += self._fill_agent(self.agents[agent_id], now)
        return changes

    def _reserve(self, task: Task, agent: Agent, now: float) -> Change:
        queue = self.queues[task.queue_id]
        task.status, task.agent_id, task.reserved_at = "reserved", agent.id, now
        self._take_slot(agent, task.channel)
        if queue.auto_accept:
            return self._assign(task, now)
        task.reservation_expires_at = now + queue.reservation_seconds
        self._timer(task.reservation_expires_at, "reservation", task.id)
        return Change("reserved", task.id, agent.id, {"expires_at": task.reservation_expires_at})

    def _assign(self, task: Task, now: float) -> Change:
        task.status, task.assigned_at = "assigned", now
        task.reservation_expires_at = None
        return Change("assigned", task.id, task.agent_id)

    def _release(self, task: Task, now: float) -> list[Change]:
        """The task's agent, if any, lets it go at once (no wrap-up)."""
        agent = self._holding(task.agent_id or "")
        held = task.status in ("reserved", "assigned")
        task.status, task.agent_id = "waiting", None
        task.reserved_at = task.reservation_expires_at = task.assigned_at = None
        if held and agent is not None:
            self._free_slot(agent, task.channel, now)
            return self._fill_agent(agent, now)
        return []
