"""Figures /metrics reports that are not plain counters."""

from __future__ import annotations

import time

from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.core.metrics import EVENTS_ARRIVED, REGISTRY
from hovor.engagement.events import OFFER_MADE
from hovor.ops import metrics


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_event_to_offer_is_observed_only_while_events_are_handled() -> None:
    dispatcher = Dispatcher()
    metrics.register(dispatcher)
    offer = DomainEvent(OFFER_MADE, "ws", {"offer": {}})
    before = sample("hovor_event_to_offer_seconds_count")
    await dispatcher.dispatch(offer)  # from a timer: no arriving event
    assert sample("hovor_event_to_offer_seconds_count") == before
    token = EVENTS_ARRIVED.set(time.perf_counter() - 0.004)
    try:
        await dispatcher.dispatch(offer)
    finally:
        EVENTS_ARRIVED.reset(token)
    assert sample("hovor_event_to_offer_seconds_count") == before + 1
    assert sample("hovor_event_to_offer_seconds_sum") >= 0.004


def test_queue_figures_follow_the_latest_snapshot() -> None:
    metrics.queue_figures(
        {"w1": {"queues": [{"id": "q", "name": "Sales", "waiting": 3, "longest_wait_seconds": 41}]}}
    )
    assert sample("hovor_routing_queue_waiting", workspace="w1", queue="Sales") == 3
    assert sample("hovor_routing_queue_oldest_wait_seconds", workspace="w1", queue="Sales") == 41
    metrics.queue_figures({"w1": {"queues": []}})  # a queue gone is not reported any more
    assert (
        REGISTRY.get_sample_value(
            "hovor_routing_queue_waiting", {"workspace": "w1", "queue": "Sales"}
        )
        is None
    )
