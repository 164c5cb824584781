"""A discrete-event simulation of a contact centre on a virtual clock.

Contacts arrive as a Poisson process, wait in one FIFO queue, and each is given to an
agent by the router's own decision function (``routing.service.choose_agent``, the code
that assigns conversations in the service); handle times are exponential (or fixed);
a waiting contact may abandon after an exponential patience. It reports service level,
average speed of answer, abandonment and occupancy, to compare with Erlang C and to plan
staffing.
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hovor.auth.models import User
from hovor.routing.service import choose_agent

_START = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Scenario:
    agents: int
    arrivals_per_hour: float
    handle_seconds: float
    target_seconds: float = 20.0
    patience_seconds: float | None = None  # mean patience; None: nobody abandons
    hours: float = 8.0
    seed: int = 1
    warmup_hours: float = 0.5  # contacts arriving before this are not counted

    @property
    def traffic(self) -> float:
        return self.arrivals_per_hour * self.handle_seconds / 3600


@dataclass
class Result:
    offered: int = 0
    answered: int = 0
    within_target: int = 0
    abandoned: int = 0
    total_wait: float = 0.0
    busy_seconds: float = 0.0
    horizon_seconds: float = 0.0
    agents: int = 0
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

    @property
    def occupancy(self) -> float:
        return (
            self.busy_seconds / (self.agents * self.horizon_seconds)
            if self.horizon_seconds
            else 0.0
        )


def simulate(s: Scenario) -> Result:
    rng = random.Random(s.seed)
    agents = [
        User(
            id=f"a{i:04d}",
            presence="online",
            chat_capacity=1,
            presence_changed_at=_START + timedelta(microseconds=i),
        )
        for i in range(s.agents)
    ]
    loads: dict[str, int] = {}
    horizon = s.hours * 3600
    warmup = s.warmup_hours * 3600
    result = Result(agents=s.agents, horizon_seconds=horizon - warmup)
    events: list[tuple[float, int, str, object]] = []
    seq = 0

    def push(at: float, kind: str, data: object) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (at, seq, kind, data))

    push(rng.expovariate(s.arrivals_per_hour / 3600), "arrival", None)
    queue: deque[tuple[int, float]] = deque()  # (contact id, arrived at)
    gone: set[int] = set()
    contact = 0

    def start(now: float, contact_id: int, arrived: float) -> bool:
        agent = choose_agent(agents, loads)
        if agent is None:
            return False
        loads[agent.id] = loads.get(agent.id, 0) + 1
        wait = now - arrived
        handle = rng.expovariate(1 / s.handle_seconds)
        if arrived >= warmup:
            result.answered += 1
            result.total_wait += wait
            result.waits.append(wait)
            result.within_target += wait <= s.target_seconds
        # Busy time inside the measured window only.
        result.busy_seconds += max(0.0, min(now + handle, horizon) - max(now, warmup))
        push(now + handle, "done", agent.id)
        return True

    while events:
        now, _, kind, data = heapq.heappop(events)
        if now > horizon:
            break
        if kind == "arrival":
            contact += 1
            if now >= warmup:
                result.offered += 1
            push(now + rng.expovariate(s.arrivals_per_hour / 3600), "arrival", None)
            if queue or not start(now, contact, now):
                queue.append((contact, now))
                if s.patience_seconds:
                    push(now + rng.expovariate(1 / s.patience_seconds), "abandon", (contact, now))
        elif kind == "done":
            loads[str(data)] -= 1
            while queue:
                waiting, arrived = queue[0]
                if waiting in gone:
                    queue.popleft()
                    continue
                if start(now, waiting, arrived):
                    queue.popleft()
                break
        elif kind == "abandon":
            waiting, arrived = data  # type: ignore[misc]
            if any(c == waiting for c, _ in queue):
                gone.add(waiting)
                if arrived >= warmup:
                    result.abandoned += 1
    return result
