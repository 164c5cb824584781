"""Random sequences of router operations keep the router's promises.

Agents come, go and change status, skills and capacity; tasks arrive on several queues and
channels (some sticky, some callbacks for later), are accepted, rejected, completed,
cancelled, transferred and assigned by hand; time moves on. After every operation:

* routing never reserves a task for an agent without room on its channel (a person's
  ``assign_to`` may exceed capacity: that is not routing);
* no task is held by two agents: replaying the announced changes gives every task the
  holder the router has, and each agent's load is exactly the tasks it holds plus the
  wrap-ups that have not ended;
* every waiting task is in exactly one waiting list, or waits for its sticky agent, or
  for its ready time;
* no available agent with room sits idle next to a waiting task they may take.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from hovor.routing.engine import Router
from hovor.routing.model import Agent, Change, Queue, Step, Task, target_matches
from tests.routing.channels import CHANNELS as CATALOGUE

AGENTS = [f"a{i}" for i in range(5)]
CHANNELS = ["webchat", "callback", "email"]
QUEUES = [
    Queue(
        "sales",
        steps=(Step("skills.sales >= 3", timeout=20), Step("skills.sales >= 1", timeout=40)),
        overflow_queue_id="general",
        weight_skill="sales",
        sticky_seconds=30,
        wrap_up_seconds=10,
        auto_accept=False,
        reservation_seconds=15,
    ),
    Queue("general", strategy="longest_idle", wrap_up_seconds=5),
    Queue("support", steps=(Step("skills.support >= 1", timeout=30),), auto_accept=False),
    Queue(
        "mail",
        steps=(Step("skills.support >= 2 || skills.sales >= 2"),),
        strategy="longest_idle",
        weight_skill="support",
    ),
]


class CheckedRouter(Router):
    """The router, with a check on every reservation routing makes."""

    def _reserve(self, task: Task, agent: Agent, now: float) -> Change:
        assert task.status == "waiting", f"{task.id} reserved while {task.status}"
        assert agent.has_room(task.channel), f"{agent.id} has no room for {task.id}"
        return super()._reserve(task, agent, now)


skills = st.dictionaries(st.sampled_from(["sales", "support"]), st.integers(1, 5), max_size=2)
capacities = st.fixed_dictionaries({}, optional={c: st.integers(0, 3) for c in CHANNELS})
statuses = st.sampled_from(["available", "available", "busy", "away", "offline"])


class RouterMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.router = CheckedRouter(CATALOGUE)
        self.now = 0.0
        for queue in QUEUES:
            self.router.put_queue(queue, self.now)
        self.holder: dict[str, str] = {}  # task → agent, from the changes alone
        self.wrap_ups: Counter[tuple[str, str]] = Counter()  # (agent, channel) not yet ended
        self.count = 0

    # -- operations ---------------------------------------------------------------------

    def apply(self, changes: list[Change]) -> None:
        for change in changes:
            if change.kind in ("reserved", "assigned"):
                assert change.agent_id is not None
                held_by = self.holder.get(change.task_id)
                assert held_by in (None, change.agent_id), (
                    f"{change.task_id} given to {change.agent_id} while {held_by} holds it"
                )
                self.holder[change.task_id] = change.agent_id
            elif change.kind == "requeued":
                assert self.holder.pop(change.task_id, None) == change.agent_id
            elif change.kind == "wrap_up_ended":
                key = (change.agent_id or "", change.detail["channel"])
                assert self.wrap_ups[key] > 0, f"wrap-up ended that never began: {key}"
                self.wrap_ups[key] -= 1

    @rule(
        agent_id=st.sampled_from(AGENTS),
        status=statuses,
        skills=skills,
        capacity=capacities,
        language=st.sampled_from(["en", "de"]),
    )
    def put_agent(
        self,
        agent_id: str,
        status: str,
        skills: dict[str, int],
        capacity: dict[str, int],
        language: str,
    ) -> None:
        agent = Agent(agent_id, status, skills, {"language": language}, capacity)
        self.apply(self.router.put_agent(agent, self.now))

    @rule(agent_id=st.sampled_from(AGENTS), status=statuses)
    def change_status(self, agent_id: str, status: str) -> None:
        old = self.router.agents.get(agent_id)
        if old is not None:
            agent = Agent(
                agent_id, status, dict(old.skills), dict(old.attributes), dict(old.capacity)
            )
            self.apply(self.router.put_agent(agent, self.now))

    @rule(agent_id=st.sampled_from(AGENTS))
    def remove_agent(self, agent_id: str) -> None:
        self.apply(self.router.remove_agent(agent_id))

    @rule(
        queue=st.sampled_from([q.id for q in QUEUES]),
        channel=st.sampled_from(CHANNELS),
        priority=st.sampled_from([0, 0, 0, 5]),
        ready_in=st.sampled_from([0.0, 0.0, 0.0, 25.0]),
        sticky=st.one_of(st.none(), st.sampled_from(AGENTS)),
    )
    def submit(
        self, queue: str, channel: str, priority: int, ready_in: float, sticky: str | None
    ) -> None:
        self.count += 1
        task = Task(
            f"t{self.count}",
            queue,
            channel,
            created_at=self.now,
            priority=priority,
            ready_at=self.now + ready_in if ready_in else 0.0,
            sticky_agent_id=sticky,
        )
        self.apply(self.router.submit(task, self.now))

    def tasks_in(self, *statuses: str) -> list[Task]:
        return sorted(
            (t for t in self.router.tasks.values() if t.status in statuses), key=lambda t: t.seq
        )

    @precondition(lambda self: self.tasks_in("reserved"))
    @rule(data=st.data(), accept=st.booleans())
    def answer(self, data: st.DataObject, accept: bool) -> None:
        task = data.draw(st.sampled_from(self.tasks_in("reserved")))
        agent_id = task.agent_id or ""
        if accept:
            self.apply(self.router.accept(task.id, agent_id, self.now))
        else:
            self.apply(self.router.reject(task.id, agent_id, self.now))

    @precondition(lambda self: self.router.tasks)
    @rule(data=st.data())
    def complete(self, data: st.DataObject) -> None:
        task = data.draw(st.sampled_from(sorted(self.router.tasks.values(), key=lambda t: t.seq)))
        queue = self.router.queues[task.queue_id]
        if task.status == "assigned" and queue.wrap_up_seconds > 0 and task.agent_id:
            self.wrap_ups[(task.agent_id, task.channel)] += 1  # removed agents' too
        self.holder.pop(task.id, None)
        self.apply(self.router.complete(task.id, self.now))

    @precondition(lambda self: self.router.tasks)
    @rule(data=st.data(), queue=st.sampled_from([q.id for q in QUEUES]))
    def transfer(self, data: st.DataObject, queue: str) -> None:
        task = data.draw(st.sampled_from(sorted(self.router.tasks.values(), key=lambda t: t.seq)))
        self.holder.pop(task.id, None)
        self.apply(self.router.transfer(task.id, queue, self.now))

    @precondition(lambda self: self.router.tasks and self.router.agents)
    @rule(data=st.data())
    def assign_to(self, data: st.DataObject) -> None:
        task = data.draw(st.sampled_from(sorted(self.router.tasks.values(), key=lambda t: t.seq)))
        agent_id = data.draw(st.sampled_from(sorted(self.router.agents)))
        if not (task.agent_id == agent_id and task.status == "assigned"):
            self.holder.pop(task.id, None)
        self.apply(self.router.assign_to(task.id, agent_id, self.now))

    @rule(seconds=st.sampled_from([0.5, 1.0, 5.0, 15.0, 40.0]))
    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.apply(self.router.advance(self.now))

    # -- what must hold -----------------------------------------------------------------

    @invariant()
    def holders_match_the_changes(self) -> None:
        for task in self.router.tasks.values():
            if task.status in ("reserved", "assigned"):
                assert self.holder.get(task.id) == task.agent_id, task
            else:
                assert task.id not in self.holder, task
        assert set(self.holder) <= set(self.router.tasks)

    @invariant()
    def load_is_what_agents_hold(self) -> None:
        held: Counter[tuple[str, str]] = Counter(
            (t.agent_id or "", t.channel) for t in self.tasks_in("reserved", "assigned")
        )
        for agent in self.router.agents.values():
            for channel in set(agent.load) | {c for a, c in held if a == agent.id}:
                expected = held[(agent.id, channel)] + self.wrap_ups[(agent.id, channel)]
                assert agent.load.get(channel, 0) == expected, (agent, channel, expected)

    @invariant()
    def every_waiting_task_is_in_one_place(self) -> None:
        router = self.router
        lanes: Counter[str] = Counter()
        for lane, keys in router._waiting.items():
            for key in keys:
                task = router.tasks[key[3]]
                assert task.status == "waiting"
                assert (task.queue_id, task.step, task.channel) == lane
                lanes[task.id] += 1
        sticky = Counter(t for tasks in router._sticky.values() for t in tasks)
        for task in router.tasks.values():
            if task.status != "waiting":
                assert not lanes[task.id] and not sticky[task.id], task
                continue
            places = lanes[task.id] + sticky[task.id]
            if places == 0:
                assert task.ready_at > self.now, f"{task.id} waits nowhere"
            else:
                assert places == 1, f"{task.id} is in {places} places"
            if sticky[task.id]:
                assert task.id in router._sticky[task.sticky_agent_id or ""]

    @invariant()
    def nobody_free_sits_next_to_work_they_may_take(self) -> None:
        router = self.router
        for (queue_id, step, channel), keys in router._waiting.items():
            expression = router.queues[queue_id].compiled[step]
            for key in keys:
                task = router.tasks[key[3]]
                for agent in router.agents.values():
                    if (
                        agent.has_room(channel)
                        and agent.id not in task.rejected
                        and target_matches(expression, agent.skills, agent.attributes)
                        and not (channel in CATALOGUE.deferred() and self.chat_waits_for(agent))
                    ):
                        raise AssertionError(f"{agent.id} is free for waiting {task.id}")

    def chat_waits_for(self, agent: Agent) -> bool:
        router = self.router
        return any(
            keys
            and channel not in CATALOGUE.deferred()
            and target_matches(
                router.queues[queue_id].compiled[step], agent.skills, agent.attributes
            )
            for (queue_id, step, channel), keys in router._waiting.items()
        )

    @invariant()
    def unroutable_means_nobody_could_ever_take_it(self) -> None:
        router = self.router
        for keys in router._waiting.values():
            for key in keys:
                task = router.tasks[key[3]]
                capable = any(
                    router.agents[a].capacity.get(task.channel, 0) > 0
                    for a in reachable(router, task)
                )
                assert task.unroutable is not capable, task


def reachable(router: Router, task: Task) -> set[str]:
    out: set[str] = set()
    queue_id: str | None = task.queue_id
    step, seen = task.step, set()
    while queue_id in router.queues and queue_id not in seen:
        seen.add(queue_id)
        queue = router.queues[queue_id]
        for s in range(step, len(queue.steps)):
            out |= {
                a.id
                for a in router.agents.values()
                if target_matches(queue.compiled[s], a.skills, a.attributes)
            }
        queue_id, step = queue.overflow_queue_id, 0
    return out


RouterMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "300")),
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestRouterProperties = RouterMachine.TestCase
