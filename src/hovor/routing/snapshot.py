"""The router's live figures (the wallboard's ``live`` part and the ``wallboard.updated`` frames):
per queue what waits, is reserved or assigned, the longest and the estimated wait; agents by
state."""

from __future__ import annotations

from typing import Any

from hovor.routing.agents import WEBCHAT
from hovor.routing.decisions import dt
from hovor.routing.engine import Router
from hovor.routing.model import Agent, Queue


def snapshot(
    router: Router,
    names: dict[str, str],
    served: dict[str, list[str]],
    now: float,
) -> dict[str, Any]:
    """``names``: queue names by id; ``served``: the channels each queue is the default of."""
    queues = [
        _queue_figures(router, queue, names, served.get(queue.id) or [WEBCHAT], now)
        for queue in router.queues.values()
    ]
    queues.sort(key=lambda q: str(q["name"]))
    return {"at": dt(now).isoformat(), "queues": queues, "agents": _agents(router.agents)}


def _queue_figures(
    router: Router, queue: Queue, names: dict[str, str], served: list[str], now: float
) -> dict[str, Any]:
    tasks = [t for t in router.tasks.values() if t.queue_id == queue.id]
    waiting = [t for t in tasks if t.status == "waiting" and t.ready_at <= now]
    channels = sorted({t.channel for t in tasks} | set(served))
    return {
        "id": queue.id,
        "name": names.get(queue.id, queue.id),
        "waiting": len(waiting),
        "scheduled": sum(1 for t in tasks if t.status == "waiting" and t.ready_at > now),
        "reserved": sum(1 for t in tasks if t.status == "reserved"),
        "assigned": sum(1 for t in tasks if t.status == "assigned"),
        "unroutable": sum(1 for t in waiting if t.unroutable),
        "longest_wait_seconds": round(
            max((now - max(t.created_at, t.ready_at) for t in waiting), default=0.0), 1
        ),
        "estimated_wait_seconds": {
            c: None if (w := router.estimated_wait(queue.id, c)) is None else round(w, 1)
            for c in channels
        },
        "sla_seconds": {c: queue.sla_for(c, router.channels) for c in channels},
    }


def _agents(agents: dict[str, Agent]) -> dict[str, int]:
    counts = {"available": 0, "working": 0, "full": 0, "busy": 0, "away": 0, "offline": 0}
    for agent in agents.values():
        if agent.status != "available":
            counts[agent.status if agent.status in counts else "away"] += 1
        elif not agent.total_load():
            counts["available"] += 1
        elif any(agent.has_room(c) for c in agent.capacity):
            counts["working"] += 1
        else:
            counts["full"] += 1
    return counts


def shortest_wait(stats: dict[str, Any], channel: str) -> float | None:
    """The shortest estimated wait for ``channel`` over the queues of a snapshot."""
    waits = [
        w for q in stats["queues"] if (w := q["estimated_wait_seconds"].get(channel)) is not None
    ]
    return min(waits) if waits else None
