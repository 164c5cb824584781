"""The shopper simulation: deterministic by seed, the control group as the guards decide it,
and the planted uplift there to be found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hovor.demo.simulate import BASE_CONVERSION, CONTROL_SHARE, UPLIFT, SimVisit, simulate
from hovor.engagement.rules.guards import control_bucket

END = datetime(2026, 12, 1, tzinfo=UTC)


def test_the_same_seed_gives_the_same_history() -> None:
    first = [
        (v.visitor_id, v.started_at, v.moment, v.order_total) for v in simulate(5, 300, 7, END)
    ]
    again = [
        (v.visitor_id, v.started_at, v.moment, v.order_total) for v in simulate(5, 300, 7, END)
    ]
    other = [
        (v.visitor_id, v.started_at, v.moment, v.order_total) for v in simulate(5, 300, 8, END)
    ]
    assert first == again and first != other
    assert all(END - timedelta(days=5) <= at < END for _, at, _, _ in first)
    assert [at for _, at, _, _ in first] == sorted(at for _, at, _, _ in first)


def test_control_group_and_planted_uplift() -> None:
    visits = [v for v in simulate(30, 40000, 3, END) if v.moment is not None]
    control = [v for v in visits if v.held_out]
    offered = [v for v in visits if not v.held_out]
    assert all(control_bucket(v.visitor_id, v.moment or "") < CONTROL_SHARE for v in control)
    assert abs(len(control) / len(visits) - CONTROL_SHARE) < 0.02
    assert all(v.offer_outcome is None for v in control)

    def rate(group: list[SimVisit]) -> float:
        return sum(1 for v in group if v.order_total is not None) / len(group)

    assert abs(rate(control) - BASE_CONVERSION["moment"]) < 0.03
    assert abs(rate(offered) / rate(control) - UPLIFT) < 0.25
    accepted = [v for v in offered if v.offer_outcome == "accepted"]
    assert accepted and all(v.channel in ("webchat", "callback") for v in accepted)
    assert {v.channel for v in accepted} == {"webchat", "callback"}
