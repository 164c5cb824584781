"""A discrete-event simulation of a contact centre that drives the real router.

Work arrives as Poisson streams (one per queue and channel), each with a handle-time
distribution (exponential, fixed or lognormal) and, for real-time work, an exponential
patience: a task still waiting when the customer's patience runs out is abandoned
(``Router.cancel``). Callbacks may be booked for later (``ready_at``). Every decision,
who gets what and when, is made by :class:`hovor.routing.engine.Router`, the object the
service runs, on a virtual clock: the simulation only submits tasks, completes them when
their handle time is over, and calls ``advance`` when the router's next timer is due
(steps, overflow, wrap-up, SLA). Reservations are accepted at once.

It reports service level, average speed of answer, abandonment, occupancy and the share
of callbacks answered within 5 minutes, per stream and overall; for a single queue of
single-skill agents it can be checked against Erlang C (``routing.erlang``).
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass, field
from typing import Literal

from hovor.core.channels import ChannelCatalogue
from hovor.routing.engine import Router
from hovor.routing.model import Agent, Change, Queue, Task

CALLBACK_TARGET_SECONDS = 300.0  # "a callback within 5 minutes"
HandleKind = Literal["exponential", "fixed", "lognormal"]


@dataclass(frozen=True)
class HandleTime:
    mean_seconds: float
    kind: HandleKind = "exponential"
    sigma: float = 0.6  # lognormal: standard deviation of the log

    def draw(self, rng: random.Random) -> float:
        if self.kind == "fixed":
            return self.mean_seconds
        if self.kind == "lognormal":  # mean of exp(N(mu, sigma²)) is exp(mu + sigma²/2)
            mu = math.log(self.mean_seconds) - self.sigma**2 / 2
            return rng.lognormvariate(mu, self.sigma)
        return rng.expovariate(1 / self.mean_seconds)


@dataclass(frozen=True)
class Stream:
    """Work of one channel arriving on one queue."""

    queue_id: str
    channel: str
    arrivals_per_hour: float
    handle: HandleTime
    patience_seconds: float | None = None  # mean patience; None: nobody abandons
    target_seconds: float | None = None  # service-level target; None: the queue's SLA
    scheduled_share: float = 0.0  # callbacks booked for later, the rest as soon as possible
    scheduled_within_seconds: float = 7200.0  # booked uniformly up to this far ahead

    @property
    def name(self) -> str:
        return f"{self.queue_id}/{self.channel}"


@dataclass(frozen=True)
class AgentGroup:
    name: str
    count: int
    capacity: dict[str, int]
    skills: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    queues: tuple[Queue, ...]
    agents: tuple[AgentGroup, ...]
    streams: tuple[Stream, ...]
    hours: float = 8.0
    seed: int = 1
    warmup_hours: float = 0.5  # work arriving before this is not counted
    title: str = "contact centre"
    # What each channel is (real-time or deferred, default SLA). A channel it does not know
    # is routed as real-time work with a day's SLA, so the empty default suits a scenario
    # whose streams name their targets (the single queue checked against Erlang C).
    channels: ChannelCatalogue = field(default_factory=ChannelCatalogue)

    @staticmethod
    def single_queue(
        agents: int,
        arrivals_per_hour: float,
        handle_seconds: float,
        target_seconds: float = 20.0,
        patience_seconds: float | None = None,
        hours: float = 8.0,
        seed: int = 1,
        handle_kind: HandleKind = "exponential",
    ) -> Scenario:
        """One FIFO queue of calls, ``agents`` single-skill agents taking one at a time."""
        return Scenario(
            queues=(Queue("calls"),),
            agents=(AgentGroup("a", agents, {"call": 1}),),
            streams=(
                Stream(
                    "calls",
                    "call",
                    arrivals_per_hour,
                    HandleTime(handle_seconds, handle_kind),
                    patience_seconds,
                    target_seconds,
                ),
            ),
            hours=hours,
            seed=seed,
            title="single queue",
        )

    def queue(self, queue_id: str) -> Queue:
        return next(q for q in self.queues if q.id == queue_id)

    def target_for(self, stream: Stream) -> float:
        if stream.target_seconds is not None:
            return stream.target_seconds
        return self.queue(stream.queue_id).sla_for(stream.channel, self.channels)

    @property
    def agent_count(self) -> int:
        return sum(g.count for g in self.agents)

    def erlang_inputs(self) -> tuple[int, float, float, float] | None:
        """(agents, traffic in Erlangs, mean handle, target) when Erlang C describes this
        scenario: one stream, any agent takes it, one at a time, exponential handling, no
        wrap-up. Erlang C knows no abandonment: with patience the result is not comparable
        (the caller decides)."""
        if len(self.streams) != 1 or len(self.queues) != 1:
            return None
        stream, queue = self.streams[0], self.queues[0]
        if (
            stream.handle.kind != "exponential"
            or any(s.target for s in queue.steps)
            or queue.wrap_up_seconds
            or any(g.capacity.get(stream.channel, 0) != 1 for g in self.agents)
        ):
            return None
        traffic = stream.arrivals_per_hour * stream.handle.mean_seconds / 3600
        return self.agent_count, traffic, stream.handle.mean_seconds, self.target_for(stream)


@dataclass
class StreamResult:
    name: str
    channel: str
    target_seconds: float
    realtime: bool = True  # False: deferred work (e-mail), left out of the service level
    offered: int = 0
    answered: int = 0
    within_target: int = 0
    abandoned: int = 0
    overflowed: int = 0
    unroutable: int = 0
    total_wait: float = 0.0
    waits: list[float] = field(default_factory=list)

    @property
    def service_level(self) -> float:
        """Answered within target over all offered (abandoned count as missed)."""
        return self.within_target / self.offered if self.offered else 0.0

    @property
    def average_speed_of_answer(self) -> float:
        return self.total_wait / self.answered if self.answered else 0.0

    @property
    def abandonment(self) -> float:
        return self.abandoned / self.offered if self.offered else 0.0


@dataclass
class Result:
    streams: list[StreamResult]
    agents: int
    horizon_seconds: float  # the measured window (after warm-up)
    busy_seconds: float = 0.0  # agent-seconds holding at least one task (or wrapping up)
    slot_seconds_used: float = 0.0  # task-seconds held, over all channels
    slot_seconds: float = 0.0  # capacity-seconds staffed, over all channels
    callbacks_offered: int = 0
    callbacks_within_5_minutes: int = 0
    decisions: int = 0  # router calls made

    def _sum(self, name: str, deferred: bool = False) -> int:
        return sum(getattr(s, name) for s in self.streams if deferred or s.realtime)

    @property
    def offered(self) -> int:
        return self._sum("offered", deferred=True)

    @property
    def answered(self) -> int:
        return self._sum("answered", deferred=True)

    @property
    def abandoned(self) -> int:
        return self._sum("abandoned", deferred=True)

    @property
    def service_level(self) -> float:
        """Over real-time work (e-mail has targets of hours and would flatter it)."""
        offered = self._sum("offered")
        return self._sum("within_target") / offered if offered else 0.0

    @property
    def average_speed_of_answer(self) -> float:
        """Over answered real-time work."""
        answered = self._sum("answered")
        waited = sum(s.total_wait for s in self.streams if s.realtime)
        return waited / answered if answered else 0.0

    @property
    def abandonment(self) -> float:
        return self.abandoned / self.offered if self.offered else 0.0

    @property
    def occupancy(self) -> float:
        """Share of staffed time agents spent holding work (classic occupancy for agents
        who take one task at a time)."""
        staffed = self.agents * self.horizon_seconds
        return self.busy_seconds / staffed if staffed else 0.0

    @property
    def slot_utilisation(self) -> float:
        return self.slot_seconds_used / self.slot_seconds if self.slot_seconds else 0.0

    @property
    def callbacks_within_target(self) -> float | None:
        if not self.callbacks_offered:
            return None
        return self.callbacks_within_5_minutes / self.callbacks_offered


@dataclass
class _Work:
    stream: int
    arrived: float
    start: float  # when the wait starts: arrival, or a booked callback's time
    counted: bool  # arrived after the warm-up


class _Simulation:
    def __init__(self, s: Scenario) -> None:
        self.s = s
        self.rng = random.Random(s.seed)
        self.router = Router(s.channels)
        self.horizon = s.hours * 3600
        self.warmup = s.warmup_hours * 3600
        self.result = Result(
            streams=[
                StreamResult(
                    x.name, x.channel, s.target_for(x), x.channel not in s.channels.deferred()
                )
                for x in s.streams
            ],
            agents=s.agent_count,
            horizon_seconds=self.horizon - self.warmup,
        )
        self.events: list[tuple[float, int, str, str]] = []
        self.seq = 0
        self.work: dict[str, _Work] = {}
        self.load: dict[str, int] = {}  # agent → tasks held (as the router counts them)
        self.since: dict[str, float] = {}  # agent → when their load last changed
        self.agent_of: dict[str, str] = {}  # task → the agent who answered it

    def push(self, at: float, kind: str, key: str) -> None:
        self.seq += 1
        heapq.heappush(self.events, (at, self.seq, kind, key))

    def run(self) -> Result:
        for queue in self.s.queues:
            self.router.put_queue(queue, 0.0)
        for group in self.s.agents:
            for i in range(group.count):
                agent = Agent(
                    f"{group.name}{i:03d}",
                    "available",
                    dict(group.skills),
                    {},
                    dict(group.capacity),
                )
                self.router.put_agent(agent, 0.0)
                self.load[agent.id], self.since[agent.id] = 0, 0.0
        self.result.slot_seconds = (
            sum(g.count * sum(g.capacity.values()) for g in self.s.agents)
            * self.result.horizon_seconds
        )
        for index, stream in enumerate(self.s.streams):
            self.push(self.interarrival(stream), "arrival", str(index))
        while True:
            timer = self.router.next_timer()
            event = self.events[0][0] if self.events else math.inf
            now = min(event, math.inf if timer is None else timer)
            if now > self.horizon:
                break
            if timer is not None and timer <= event:
                self.apply(self.router.advance(now), now)
                continue
            _, _, kind, key = heapq.heappop(self.events)
            if kind == "arrival":
                self.arrive(int(key), now)
            elif kind == "done":
                self.apply(self.router.complete(key, now), now)
                self.touch(self.agent_of.pop(key), now)
                self.work.pop(key, None)
            elif kind == "abandon":
                self.abandon(key, now)
        for agent_id in self.load:
            self.touch(agent_id, self.horizon)
        return self.result

    def interarrival(self, stream: Stream) -> float:
        return self.rng.expovariate(stream.arrivals_per_hour / 3600)

    def arrive(self, index: int, now: float) -> None:
        stream = self.s.streams[index]
        self.push(now + self.interarrival(stream), "arrival", str(index))
        self.seq += 1
        task_id = f"t{self.seq}"
        start = now
        if stream.scheduled_share and self.rng.random() < stream.scheduled_share:
            start = now + self.rng.uniform(0, stream.scheduled_within_seconds)
        counted = self.warmup <= start <= self.horizon  # booked past the end: not offered
        self.work[task_id] = _Work(index, now, start, counted)
        if counted:
            self.result.streams[index].offered += 1
            self.result.callbacks_offered += stream.channel == "callback"
        if stream.patience_seconds:
            self.push(start + self.rng.expovariate(1 / stream.patience_seconds), "abandon", task_id)
        task = Task(task_id, stream.queue_id, stream.channel, created_at=now, ready_at=start)
        self.apply(self.router.submit(task, now), now)

    def abandon(self, task_id: str, now: float) -> None:
        task = self.router.tasks.get(task_id)
        if task is None or task.status != "waiting":
            return  # answered (or being offered) before the customer gave up
        work = self.work.pop(task_id)
        if work.counted:
            self.result.streams[work.stream].abandoned += 1
        self.apply(self.router.cancel(task_id, now), now)

    def apply(self, changes: list[Change], now: float) -> None:
        self.result.decisions += 1
        for change in changes:
            if change.kind == "reserved":  # the agent accepts at once
                self.apply(self.router.accept(change.task_id, change.agent_id or "", now), now)
            elif change.kind == "assigned":
                self.answered(change.task_id, change.agent_id or "", now)
            elif change.kind == "wrap_up_ended":
                self.touch(change.agent_id or "", now)
            elif change.kind in ("overflowed", "unroutable"):
                work = self.work.get(change.task_id)
                if work is not None and work.counted:
                    stream = self.result.streams[work.stream]
                    setattr(stream, change.kind, getattr(stream, change.kind) + 1)

    def answered(self, task_id: str, agent_id: str, now: float) -> None:
        work = self.work[task_id]
        stream = self.s.streams[work.stream]
        self.agent_of[task_id] = agent_id
        self.touch(agent_id, now)
        self.push(now + stream.handle.draw(self.rng), "done", task_id)
        if not work.counted:
            return
        wait = now - work.start
        out = self.result.streams[work.stream]
        out.answered += 1
        out.total_wait += wait
        out.waits.append(wait)
        out.within_target += wait <= out.target_seconds
        if stream.channel == "callback":
            self.result.callbacks_within_5_minutes += wait <= CALLBACK_TARGET_SECONDS

    def touch(self, agent_id: str, now: float) -> None:
        """The agent's load may have changed at ``now``: count the time at the old load."""
        agent = self.router.agents[agent_id]
        held, since = self.load[agent_id], self.since[agent_id]
        start, end = max(since, self.warmup), min(now, self.horizon)
        if end > start and held:
            self.result.busy_seconds += end - start
            self.result.slot_seconds_used += (end - start) * held
        self.load[agent_id], self.since[agent_id] = agent.total_load(), now


def simulate(s: Scenario) -> Result:
    return _Simulation(s).run()
