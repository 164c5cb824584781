"""The simulation drives the real router on a virtual clock and agrees with Erlang C."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from hovor.routing.erlang import average_speed_of_answer, erlang_c, service_level
from hovor.routing.model import Queue, Step
from hovor.routing.scenarios import blended
from hovor.routing.simulation import (
    AgentGroup,
    HandleKind,
    HandleTime,
    Scenario,
    Stream,
    simulate,
)
from hovor.routing.simulation_report import html_report, table
from tests.routing.channels import CHANNELS


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
    scenario = Scenario.single_queue(
        agents=agents,
        arrivals_per_hour=traffic * 3600 / handle,
        handle_seconds=handle,
        hours=1000,
        seed=1,
    )
    result = simulate(scenario)
    expected = service_level(agents, traffic, handle, 20.0)
    assert abs(result.service_level - expected) < 0.02
    assert result.occupancy == pytest.approx(0.85, abs=0.01)
    assert result.abandonment == 0


def test_impatient_contacts_abandon_and_the_report_renders() -> None:
    scenario = Scenario.single_queue(
        agents=3, arrivals_per_hour=40, handle_seconds=300, patience_seconds=60, hours=50, seed=3
    )
    result = simulate(scenario)
    assert 0 < result.abandonment < 0.5
    assert result.answered + result.abandoned <= result.offered
    assert "service level" in table(scenario, result)
    page = html_report(scenario, result)
    assert "<svg" in page and "Erlang C" in page
    assert "n/a" in table(scenario, result)  # Erlang C knows no abandonment


@pytest.mark.parametrize("kind", ["exponential", "fixed", "lognormal"])
def test_handle_time_distributions_have_the_mean_they_are_given(kind: HandleKind) -> None:
    rng = random.Random(5)
    handle = HandleTime(300, kind)
    draws = [handle.draw(rng) for _ in range(20_000)]
    assert statistics.fmean(draws) == pytest.approx(300, rel=0.03)
    if kind == "fixed":
        assert set(draws) == {300}


def test_skills_steps_and_overflow_are_the_routers_own() -> None:
    """Experts first for 20 s, then overflow to anyone: the router's steps decide. With
    no expert at work, every contact waits out the step and overflows."""
    queues = (
        Queue("q", steps=(Step("skills.expert >= 1", timeout=20),), overflow_queue_id="any"),
        Queue("any"),
        Queue("nobody", steps=(Step("skills.klingon >= 1"),)),
    )
    agents = (
        AgentGroup("expert", 0, {"webchat": 1}, {"expert": 3}),
        AgentGroup("other", 3, {"webchat": 1}),
    )
    streams = (
        Stream("q", "webchat", 30, HandleTime(240), target_seconds=60),
        Stream("nobody", "webchat", 2, HandleTime(240), patience_seconds=120),
    )
    result = simulate(Scenario(queues, agents, streams, hours=200, seed=2))
    routed, lost = result.streams
    assert routed.overflowed == routed.offered > 0
    assert min(routed.waits) == 20  # nobody before the step's timeout
    assert lost.answered == 0 and lost.unroutable == lost.offered > 0
    assert lost.abandoned == lost.offered


def test_the_blended_scenario_reports_every_stream_and_callbacks_within_5_minutes() -> None:
    scenario = blended(CHANNELS, hours=24, seed=1)
    result = simulate(scenario)
    names = [s.name for s in result.streams]
    assert names == ["sales/webchat", "support/webchat", "callbacks/callback", "email/email"]
    sales, support, callbacks, email = result.streams
    assert support.answered > 0 and support.within_target > 0
    assert sales.overflowed > 0 and sales.abandoned > 0
    assert callbacks.answered > 0 and result.callbacks_within_target is not None
    assert 0.8 <= result.callbacks_within_target < 1  # some wait: 8 agents take callbacks
    assert email.answered > 0 and email.abandoned == 0
    assert 0.5 < result.occupancy < 1 and 0 < result.slot_utilisation < result.occupancy
    text = table(scenario, result)
    assert "callbacks within 5 min" in text and "sales/webchat" in text
    page = html_report(scenario, result)
    assert page.count("<svg") == 3  # one chart per real-time stream, none for e-mail
