"""The router alone (``routing.engine.Router``, in memory): 1,000 agents with mixed skills
and capacities, 10,000 tasks waiting across several queues with multi-step targets.

- **submit → reservation**: a new task that finds a free agent while the 10,000 wait
  (callbacks and VIP chats: the backlog is web chats and e-mail, so agents have room
  there); one ``submit`` call, including the step, SLA and unroutable bookkeeping.
- **complete → next task**: an agent finishes a chat and, in the same ``complete`` call,
  gets the best of the waiting tasks they may take (then a new chat arrives and waits, so
  the backlog stays at 10,000).
- **decisions per second**: reservations made per CPU second over the whole mixed run.
- for information: an agent losing a skill (every waiting task is re-checked: can anybody
  still take it?) and 30 s passing, so the chats in the first step move to the second.

Each call is timed twice: CPU time of this thread (``time.thread_time``, the target: the
machine is shared, and a neighbour taking the core adds milliseconds that are not the
router's) and wall-clock (``time.perf_counter``). Target: p99 <= 5 ms per decision.
"""

from __future__ import annotations

import gc
import os
import random
import time
from collections.abc import Callable
from typing import Any

from bench.report import Metric, percentile, report
from hovor.channels.email.adapter import INFO as EMAIL
from hovor.channels.voice.adapter import INFO as CALLBACK
from hovor.channels.webchat.adapter import INFO as WEBCHAT
from hovor.core.channels import ChannelCatalogue
from hovor.routing.engine import Router
from hovor.routing.model import Agent, Change, Queue, Step, Task

AGENTS = int(os.environ.get("BENCH_AGENTS", "1000"))
WAITING = int(os.environ.get("BENCH_WAITING", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3000"))
SKILLS = ["sales", "support", "billing", "tech", "returns"]
LANGUAGES = ["en", "de", "fr", "cs"]


def queues() -> list[Queue]:
    out = [
        Queue(
            skill,
            steps=(
                Step(f"skills.{skill} >= 4", timeout=30),
                Step(f"skills.{skill} >= 2", timeout=60),
                Step(f"skills.{skill} >= 1"),
            ),
            strategy="longest_idle" if i % 2 else "least_occupied",
            weight_skill=skill,
        )
        for i, skill in enumerate(SKILLS)
    ]
    out += [
        Queue(
            f"support-{language}",
            steps=(
                Step(f'attributes.language == "{language}" && skills.support >= 3', timeout=45),
                Step(f'attributes.language == "{language}" && skills.support >= 1'),
            ),
            overflow_queue_id="support",
            weight_skill="support",
        )
        for language in LANGUAGES[1:]
    ]
    out.append(Queue("vip", steps=(Step("attributes.vip == true"),), strategy="longest_idle"))
    out.append(
        Queue(
            "callbacks",
            steps=(Step("skills.support >= 1 || skills.sales >= 1 || skills.billing >= 1"),),
        )
    )
    out.append(Queue("email", steps=(Step("skills.support >= 1 || skills.billing >= 1"),)))
    return out


def agents(rng: random.Random) -> list[Agent]:
    out = []
    for i in range(AGENTS):
        attributes = {"language": rng.choice(LANGUAGES), "vip": i % 20 == 0}
        if attributes["vip"]:  # the VIP desk takes VIP chats only
            out.append(Agent(f"a{i:04d}", "available", {}, attributes, {"webchat": 2}))
            continue
        skills = {s: rng.randint(1, 5) for s in rng.sample(SKILLS, rng.randint(1, 3))}
        capacity = {"webchat": rng.randint(1, 4), "email": rng.randint(0, 3)}
        if rng.random() < 0.6:
            capacity["callback"] = 1
        out.append(Agent(f"a{i:04d}", "available", skills, attributes, capacity))
    return out


def backlog_task(rng: random.Random, n: int, now: float) -> Task:
    """Web chats and e-mail: the work that piles up."""
    if rng.random() < 0.2:
        return Task(f"m{n}", "email", "email", created_at=now)
    queue = rng.choice(SKILLS + [f"support-{lang}" for lang in LANGUAGES[1:]])
    return Task(f"c{n}", queue, "webchat", created_at=now, priority=rng.choice([0, 0, 0, 5]))


def reserved(changes: list[Change]) -> list[str]:
    return [c.task_id for c in changes if c.kind in ("reserved", "assigned")]


class Clocks:
    """Wall-clock and CPU milliseconds of each timed call."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def time(
        self, call: Callable[..., list[Change]], *args: Any
    ) -> tuple[list[Change], float, float]:
        c0, t0 = time.thread_time(), time.perf_counter()
        changes = call(*args)
        return changes, (time.perf_counter() - t0) * 1000, (time.thread_time() - c0) * 1000

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)


async def run() -> bool:
    rng = random.Random(11)
    router = Router(ChannelCatalogue([WEBCHAT, CALLBACK, EMAIL]))
    now = 0.0
    for queue in queues():
        router.put_queue(queue, now)
    for agent in agents(rng):
        router.put_agent(agent, now)

    # Fill every chat and e-mail slot, then 10,000 more that wait.
    n = 0
    held: list[str] = []
    started = time.perf_counter()
    while len(router.waiting()) < WAITING:
        for _ in range(500):
            n += 1
            held += reserved(router.submit(backlog_task(rng, n, now), now))
    setup = time.perf_counter() - started
    waiting = len(router.waiting())
    gc.collect()
    gc.freeze()

    submits, completes = Clocks(), Clocks()
    decisions = 0
    quick: list[str] = []  # callbacks and VIP chats being handled
    cpu = time.process_time()
    for i in range(ROUNDS):
        now += 0.01  # timers stay in the future: every decision below is the one timed
        # An agent finishes a chat (or an e-mail) and takes the next waiting task.
        index = rng.randrange(len(held))
        held[index], held[-1] = held[-1], held[index]
        done = held.pop()
        changes, wall, cpu_ms = completes.time(router.complete, done, now)
        got = reserved(changes)
        if got:
            completes.add(wall, cpu_ms)
        decisions += len(got)
        held += got
        # The backlog gets one more, which waits: it stays at about 10,000.
        n += 1
        got = reserved(router.submit(backlog_task(rng, n, now), now))
        decisions += len(got)
        held += got
        # A callback or a VIP chat: some agent has room, so it is reserved at once.
        n += 1
        if i % 2:
            task = Task(f"cb{n}", "callbacks", "callback", created_at=now)
        else:
            task = Task(f"v{n}", "vip", "webchat", created_at=now)
        changes, wall, cpu_ms = submits.time(router.submit, task, now)
        if reserved(changes):
            submits.add(wall, cpu_ms)
            decisions += 1
            quick.append(task.id)
        if len(quick) > 30:  # the oldest callback or VIP chat ends
            decisions += len(reserved(router.complete(quick.pop(0), now)))
    cpu = time.process_time() - cpu

    # Supervisors change agents: one loses a skill (every waiting task is re-checked for
    # "can anybody ever take it?"), then gets it back.
    profile_changes = Clocks()
    for agent in rng.sample([a for a in router.agents.values() if a.skills], 20):
        skills = dict(agent.skills)
        fewer = Agent(agent.id, "available", {}, dict(agent.attributes), dict(agent.capacity))
        changes, wall, cpu_ms = profile_changes.time(router.put_agent, fewer, now)
        profile_changes.add(wall, cpu_ms)
        back = Agent(agent.id, "available", skills, dict(agent.attributes), dict(agent.capacity))
        held += reserved(changes) + reserved(router.put_agent(back, now))

    # Then the first step's 30 s run out for the chats waiting in it (and SLA timers).
    changes, wall, _ = Clocks().time(router.advance, now + 30)
    steps = sum(c.kind == "step" for c in changes)
    gc.unfreeze()
    left = len(router.waiting())

    return report(
        "routing",
        [
            Metric("submit -> reservation p50 (CPU)", percentile(submits.cpu, 50), "ms", "<= 5"),
            Metric("submit -> reservation p99 (CPU)", percentile(submits.cpu, 99), "ms", "<= 5"),
            Metric("submit -> reservation p99 (wall)", percentile(submits.wall, 99), "ms", "<= 5"),
            Metric("complete -> next task p50 (CPU)", percentile(completes.cpu, 50), "ms", "<= 5"),
            Metric("complete -> next task p99 (CPU)", percentile(completes.cpu, 99), "ms", "<= 5"),
            Metric(
                "complete -> next task p99 (wall)", percentile(completes.wall, 99), "ms", "<= 5"
            ),
            Metric("routing decisions per CPU second", decisions / cpu, "dec/s", ">= 200"),
            Metric("agent loses a skill, max (CPU)", max(profile_changes.cpu), "ms", ">= 0"),
            Metric("step timeouts per second", steps / (wall / 1000), "steps/s", ">= 0"),
        ],
        notes=f"{AGENTS} agents, {waiting} waiting at start ({left} at the end), "
        f"{len(submits.cpu)} + {len(completes.cpu)} decisions timed, {steps} step "
        f"timeouts at once, set-up {setup:.1f} s",
    )
