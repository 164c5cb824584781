"""The router's decisions: which agent gets which task, and when. In memory, free of I/O.

The service (``routing.service``) keeps this in step with the database and writes what it
decides; the simulation (``routing.simulation``) drives the very same object on a virtual
clock. Times are seconds (floats) on whatever clock the caller uses.

Model
-----
* A **queue** has ordered **steps**. Each step has a *target* (a CEL expression over the
  agent's ``skills`` (name → level 1-5) and ``attributes``) and a timeout; when a task has
  waited a step's timeout it moves to the next step (usually a wider target), and after the
  last step to the queue's overflow queue, if any.
* An **agent** has a status (only ``available`` agents get work), a capacity per channel
  (``{"webchat": 3, "callback": 1, "email": 5}``) and a load per channel. Work on a
  *deferred* channel (e-mail) goes to an agent only while no real-time task that the agent
  could take is waiting.
* A **task** is one piece of work waiting for an agent. It is *reserved* for one agent;
  the agent accepts (or the queue accepts for them: ``auto_accept``), rejects, or lets the
  reservation time out, and then the next agent is tried. A task with a *sticky agent*
  (who last served the contact) waits up to ``sticky_seconds`` for that agent first.
  After completion the agent's slot stays taken for the queue's wrap-up time.

Agents are chosen by the queue's strategy: ``least_occupied`` (lowest load/capacity on the
task's channel) or ``longest_idle`` (free of all work for longest). With ``weight_skill``
set, the skill's level weights the choice: idle time is multiplied by the level, occupancy
divided by it (ties: higher level first).

Each mutating call returns the :class:`Change` list the caller must persist and announce.
"""

from __future__ import annotations

import functools
import heapq
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast

from sortedcontainers import SortedList

from hovor.core.cel import (
    EvaluationError,
    Expression,
    ExpressionError,
    compile_expression,
    evaluate,
)

Strategy = Literal["least_occupied", "longest_idle"]
STRATEGIES: tuple[Strategy, ...] = ("least_occupied", "longest_idle")
AGENT_STATUSES = ("available", "busy", "away", "offline")
DEFERRED_CHANNELS = frozenset({"email"})
DEFAULT_SLA_SECONDS = {"webchat": 30.0, "callback": 300.0, "call": 20.0, "messenger": 300.0}
FALLBACK_SLA_SECONDS = 86_400.0  # e-mail and anything unnamed: a day
SLA_WARNING_SHARE = 0.8  # a warning when 80 % of the target has passed
SKILL_LEVELS = range(1, 6)
TARGET_ROOTS = frozenset({"skills", "attributes"})
DEFAULT_HANDLE_SECONDS = 300.0
REJECTION_MEMORY = 120.0  # seconds a rejection (or a reservation let time out) keeps an agent off


class TargetError(ValueError):
    """A step target that does not compile or reads something other than the agent."""


def compile_target(source: str) -> Expression | None:
    """Compile a target once; the empty target (``""``) means any agent."""
    if not source.strip():
        return None
    try:
        expression = compile_expression(source)
    except ExpressionError as exc:
        raise TargetError(exc.describe()) from None
    unknown = expression.roots - TARGET_ROOTS
    if unknown:
        raise TargetError(
            f"unknown name {', '.join(sorted(unknown))}: a target reads only skills and attributes"
        )
    return expression


def target_matches(
    expression: Expression | None, skills: dict[str, int], attributes: dict[str, Any]
) -> bool:
    if expression is None:
        return True
    try:
        return evaluate(expression, {"skills": skills, "attributes": attributes}) is True
    except EvaluationError:
        return False  # e.g. a skill the agent does not have: not a match


@dataclass(frozen=True, slots=True)
class Step:
    target: str = ""
    timeout: float | None = None  # seconds in this step before the next one; None: stay


@dataclass(slots=True)
class Queue:
    id: str
    steps: tuple[Step, ...] = (Step(),)
    strategy: Strategy = "least_occupied"
    overflow_queue_id: str | None = None
    sla_seconds: dict[str, float] = field(default_factory=dict)
    sticky_seconds: float = 0.0
    wrap_up_seconds: float = 0.0
    reservation_seconds: float = 30.0
    auto_accept: bool = True
    weight_skill: str | None = None
    compiled: tuple[Expression | None, ...] = ()

    def __post_init__(self) -> None:
        if not self.steps:
            raise TargetError("a queue needs at least one step")
        self.compiled = tuple(compile_target(s.target) for s in self.steps)

    def sla_for(self, channel: str) -> float:
        return self.sla_seconds.get(channel, DEFAULT_SLA_SECONDS.get(channel, FALLBACK_SLA_SECONDS))


@dataclass(slots=True)
class Agent:
    id: str
    status: str = "offline"
    skills: dict[str, int] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    capacity: dict[str, int] = field(default_factory=dict)
    load: dict[str, int] = field(default_factory=dict)
    idle_since: float = 0.0

    def has_room(self, channel: str) -> bool:
        return self.status == "available" and self.load.get(channel, 0) < self.capacity.get(
            channel, 0
        )

    def occupancy(self, channel: str) -> float:
        capacity = self.capacity.get(channel, 0)
        return self.load.get(channel, 0) / capacity if capacity else 1.0

    def total_load(self) -> int:
        return sum(self.load.values())


@dataclass(slots=True)
class Task:
    id: str
    queue_id: str
    channel: str
    created_at: float  # arrival; the SLA counts from here, through steps and overflows
    priority: int = 0  # higher first
    ready_at: float = 0.0  # not routed before (a callback's preferred time)
    sticky_agent_id: str | None = None
    deadline: float | None = None  # SLA deadline; None: created_at + the queue's target
    status: str = "waiting"  # waiting | reserved | assigned | done
    step: int = 0
    step_started_at: float = 0.0
    agent_id: str | None = None
    reserved_at: float | None = None
    reservation_expires_at: float | None = None
    assigned_at: float | None = None
    rejected: set[str] = field(default_factory=set)
    sla_warned: bool = False
    sla_breached: bool = False
    unroutable: bool = False
    seq: int = 0  # tie-break for equal priority and arrival


ChangeKind = Literal[
    "reserved",  # offered to agent_id; accept or reject before detail["expires_at"]
    "assigned",  # agent_id has it (accepted, or the queue accepts for them)
    "requeued",  # a reservation was rejected or timed out (detail["reason"])
    "step",  # moved to the next step of its queue (detail["step"])
    "overflowed",  # moved to another queue (detail["queue_id"])
    "sla_warning",
    "sla_breached",
    "unroutable",  # no agent, whatever their status, matches any step it can reach
    "routable",  # an agent matches again
    "wrap_up_ended",  # agent_id's slot on detail["channel"] is free again
]


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    task_id: str
    agent_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


_Group = tuple[str, int]  # (queue id, step)
_Lane = tuple[str, int, str]  # (queue id, step, channel)
_Key = tuple[int, float, int, str]  # (-priority, created_at, seq, task id)


_Method = TypeVar("_Method", bound=Callable[..., list[Change]])


def _unblocking(method: _Method) -> _Method:
    """After a public call, hand out e-mail that waiting real-time work held back."""

    @functools.wraps(method)
    def wrapper(self: Router, *args: Any, **kwargs: Any) -> list[Change]:
        changes = method(self, *args, **kwargs)
        now = kwargs.get("now", args[-1] if args else 0.0)
        return changes + self._unblock_deferred(now)

    return cast(_Method, wrapper)


class Router:
    """Queues, agents and tasks of one workspace, and the timers that move them."""

    def __init__(self) -> None:
        self.queues: dict[str, Queue] = {}
        self.agents: dict[str, Agent] = {}
        self.tasks: dict[str, Task] = {}
        self._waiting: dict[_Lane, SortedList] = {}  # (queue, step, channel) → keys in order
        self._eligible: dict[_Group, set[str]] = {}
        self._groups_of: dict[str, set[_Group]] = {}
        self._free: dict[str, set[str]] = {}  # channel → agents with room on it
        self._sticky: dict[str, set[str]] = {}  # agent → tasks waiting for them first
        self._timers: list[tuple[float, int, str, str, str]] = []  # when, seq, kind, id, extra
        self._seq = itertools.count()
        self._handle: dict[str, float] = {}  # queue → average handle time (moving average)
        self._unroutable: set[str] = set()
        self._gone: dict[str, Agent] = {}  # removed while holding work: their load, till it ends
        self._realtime_in: dict[_Group, int] = {}  # group → real-time tasks in its lists
        self._cleared: set[_Group] = set()  # groups whose real-time wait ended: e-mail may go

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
        groups: set[_Group] = set()
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
            task.deadline = max(task.created_at, task.ready_at) + queue.sla_for(task.channel)
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

    @_unblocking
    def advance(self, now: float) -> list[Change]:
        """Fire every timer due by ``now`` (steps, reservations, SLA, wrap-up, sticky, ready)."""
        changes: list[Change] = []
        while self._timers and self._timers[0][0] <= now:
            when, _, kind, key, extra = heapq.heappop(self._timers)
            changes += self._fire(kind, key, extra, when, now)
        return changes

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

    # -- inside -------------------------------------------------------------------------

    def _timer(self, when: float, kind: str, key: str, extra: str = "") -> None:
        heapq.heappush(self._timers, (when, next(self._seq), kind, key, extra))

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

    def _has_next(self, queue: Queue, step: int) -> bool:
        """A task in ``step`` of ``queue`` has a later step or an overflow queue to go to."""
        return step + 1 < len(queue.steps) or (
            queue.overflow_queue_id is not None and queue.overflow_queue_id in self.queues
        )

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

    def _place(self, task: Task, now: float) -> None:
        lane = (task.queue_id, task.step, task.channel)
        self._waiting.setdefault(lane, SortedList()).add(self._key(task))
        if task.channel not in DEFERRED_CHANNELS:
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
                if task.channel not in DEFERRED_CHANNELS:
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
    def _key(task: Task) -> _Key:
        return (-task.priority, task.created_at, task.seq, task.id)

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
        if task.channel in DEFERRED_CHANNELS and self._realtime_in:
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
        best: tuple[_Key, Task] | None = None
        deferred: tuple[_Key, Task] | None = None
        for queue_id, step in self._groups_of.get(agent.id, ()):
            for channel in channels:
                for key in self._waiting.get((queue_id, step, channel), ()):
                    if agent.id in self.tasks[key[3]].rejected:
                        continue
                    if channel in DEFERRED_CHANNELS:
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
        if not any(w for lane, w in self._waiting.items() if lane[2] in DEFERRED_CHANNELS):
            return []
        members: set[str] = set()
        for group in cleared:
            members |= self._eligible.get(group, set())
        changes: list[Change] = []
        for channel in sorted(DEFERRED_CHANNELS):
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

    def _check_routable(self, task: Task, known: dict[_Lane, bool] | None = None) -> list[Change]:
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
        known: dict[_Lane, bool] = {}
        changes: list[Change] = []
        for task_id in ids:
            task = self.tasks.get(task_id)
            if task is not None and task.status == "waiting":
                changes += self._check_routable(task, known)
        return changes

    def load_of(self, agent_ids: Iterable[str]) -> dict[str, dict[str, int]]:
        return {a: dict(self.agents[a].load) for a in agent_ids if a in self.agents}
