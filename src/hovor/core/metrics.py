"""Prometheus metrics of the process, defined once here so any layer can count.

Hot paths keep the metric (or its ``.labels()`` child) in a module-level name and only call
``inc()`` / ``observe()``: a counter increment costs well under a microsecond, a label
lookup per frame would not. ``/metrics`` (``hovor.ops.metrics``) renders the registry.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

SOCKETS = Gauge("hovor_open_sockets", "Open WebSocket connections", ["kind"], registry=REGISTRY)
VISITOR_SOCKETS = SOCKETS.labels("visitor")
AGENT_SOCKETS = SOCKETS.labels("agent")

FRAMES = Counter("hovor_frames_received", "WebSocket frames received", ["kind"], registry=REGISTRY)
VISITOR_FRAMES = FRAMES.labels("visitor")
AGENT_FRAMES = FRAMES.labels("agent")

EVENTS = Counter("hovor_tracked_events_received", "Tracker events received", registry=REGISTRY)

BATCH_SIZE = Histogram(
    "hovor_event_log_batch_size",
    "Events written to the event log per batch",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
    registry=REGISTRY,
)

EVENT_TO_OFFER = Histogram(
    "hovor_event_to_offer_seconds",
    "From a tracked event's arrival to its offer's publication",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
    registry=REGISTRY,
)

QUEUE_WAITING = Gauge(
    "hovor_routing_queue_waiting",
    "Conversations waiting in a routing queue (live figures of the router)",
    ["workspace", "queue"],
    registry=REGISTRY,
)
QUEUE_OLDEST_WAIT = Gauge(
    "hovor_routing_queue_oldest_wait_seconds",
    "How long the oldest waiting conversation of a queue has waited",
    ["workspace", "queue"],
    registry=REGISTRY,
)

OUTBOX = Gauge(
    "hovor_outbox_deliveries",
    "Outbound deliveries by state (read every few seconds, not per scrape)",
    ["state"],
    registry=REGISTRY,
)

PROBLEMS = Counter(
    "hovor_problems", "Errors answered to clients, by problem code", ["code"], registry=REGISTRY
)

DEPENDENCY_UP = Gauge(
    "hovor_dependency_up",
    "1 when a dependency answers, 0 during an outage",
    ["name"],
    registry=REGISTRY,
)


def count_problem(code: str) -> None:
    """Count one error answered (HTTP problem or WebSocket error frame) by its code."""
    PROBLEMS.labels(code).inc()


# When the tracker events being handled arrived (set by the visitor socket around
# ``Tracking.submit``; rules, offers and the offer's publication run inside that call).
EVENTS_ARRIVED: ContextVar[float | None] = ContextVar("hovor_events_arrived", default=None)


def offer_published() -> None:
    """Observe event -> offer latency when an offer leaves while events are being handled
    (an offer from a timer has no arriving event and is not observed)."""
    arrived = EVENTS_ARRIVED.get()
    if arrived is not None:
        EVENT_TO_OFFER.observe(time.perf_counter() - arrived)
