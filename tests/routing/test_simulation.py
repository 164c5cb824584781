"""The simulation drives the router's decision function and agrees with Erlang C."""

from __future__ import annotations

import math

import pytest

from hovor.routing.erlang import average_speed_of_answer, erlang_c, service_level
from hovor.routing.simulation import Scenario, simulate
from hovor.routing.simulation_report import html_report, table


def direct_erlang_c(n: int, a: float) -> float:
    """The closed form, summed directly (fine for small n), to check the recursion."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def test_erlang_c_matches_the_closed_form() -> None:
    for n, a in [(1, 0.5), (10, 8.5), (20, 17.0), (50, 45.0)]:
        assert erlang_c(n, a) == pytest.approx(direct_erlang_c(n, a), rel=1e-9)
    assert erlang_c(5, 5.0) == 1.0  # overloaded: everyone waits
    assert service_level(10, 8.5, 300, 20) == pytest.approx(
        1 - direct_erlang_c(10, 8.5) * math.exp(-1.5 * 20 / 300), rel=1e-9
    )
    assert average_speed_of_answer(10, 8.5, 300) == pytest.approx(
        direct_erlang_c(10, 8.5) * 300 / 1.5, rel=1e-9
    )
    assert math.isinf(average_speed_of_answer(3, 4.0, 300))


def test_single_skill_fifo_at_85_percent_matches_erlang_c_within_2_points() -> None:
    agents, handle = 10, 300.0
    traffic = 0.85 * agents
    scenario = Scenario(
        agents=agents,
        arrivals_per_hour=traffic * 3600 / handle,
        handle_seconds=handle,
        hours=1000,
        seed=1,
    )
    result = simulate(scenario)
    expected = service_level(agents, traffic, handle, scenario.target_seconds)
    assert abs(result.service_level - expected) < 0.02
    assert result.occupancy == pytest.approx(0.85, abs=0.01)
    assert result.abandonment == 0


def test_impatient_contacts_abandon_and_the_report_renders() -> None:
    scenario = Scenario(
        agents=3, arrivals_per_hour=40, handle_seconds=300, patience_seconds=60, hours=50, seed=3
    )
    result = simulate(scenario)
    assert 0 < result.abandonment < 0.5
    assert result.answered + result.abandoned <= result.offered
    assert "service level" in table(scenario, result)
    page = html_report(scenario, result)
    assert "<svg" in page and "Erlang C" in page
