"""What the router works with: queues and their steps, agents, tasks, and the changes it decides.

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

Each mutating call of the router returns the :class:`Change` list the caller must persist and
announce. What a channel is (real-time or deferred, its default SLA) comes from the
``ChannelCatalogue`` the router is given, never from a list of routing's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from hovor.core.cel import (
    EvaluationError,
    Expression,
    ExpressionError,
    compile_expression,
    evaluate,
)
from hovor.core.channels import ChannelCatalogue

Strategy = Literal["least_occupied", "longest_idle"]
STRATEGIES: tuple[Strategy, ...] = ("least_occupied", "longest_idle")
AGENT_STATUSES = ("available", "busy", "away", "offline")
# A channel the catalogue does not know (or one with no queue target) waits a day, and is
# routed like real-time work: what routing did for unnamed channels before the catalogue.
FALLBACK_SLA_SECONDS = 86_400.0
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

    def sla_for(self, channel: str, channels: ChannelCatalogue) -> float:
        """The first-response target: the queue's own for the channel, else the channel's."""
        own = self.sla_seconds.get(channel)
        if own is not None:
            return own
        return channels.default_sla_seconds(channel, FALLBACK_SLA_SECONDS)


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


Group = tuple[str, int]  # (queue id, step)
Lane = tuple[str, int, str]  # (queue id, step, channel)
Key = tuple[int, float, int, str]  # (-priority, created_at, seq, task id)
