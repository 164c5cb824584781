"""Uplift statistics on synthetic data: a planted uplift is recovered inside its interval,
and with none planted a significant uplift is reported about 5 % of the time."""

from __future__ import annotations

import numpy as np

from hovor.analytics.uplift import Sample, conversion_uplift, mean_uplift

SEEDS = 400


def _conversions(rng: np.random.Generator, n: int, rate: float) -> int:
    return int(rng.binomial(n, rate))


def test_planted_conversion_uplift_is_recovered_inside_the_interval() -> None:
    base, planted, n = 0.05, 0.20, 6000
    covered = significant = 0
    for seed in range(SEEDS):
        rng = np.random.default_rng(seed)
        u = conversion_uplift(
            n, _conversions(rng, n, base * (1 + planted)), n, _conversions(rng, n, base)
        )
        assert u.ci_low is not None and u.ci_high is not None and not u.too_small
        covered += u.ci_low <= planted <= u.ci_high
        significant += u.significant
    assert 0.92 <= covered / SEEDS <= 0.98  # a 95 % interval
    assert significant / SEEDS > 0.6  # and it usually tells


def test_no_planted_conversion_uplift_is_significant_about_five_percent_of_the_time() -> None:
    rate, n = 0.05, 4000
    false_positives = 0
    for seed in range(SEEDS):
        rng = np.random.default_rng(1000 + seed)
        u = conversion_uplift(n, _conversions(rng, n, rate), n, _conversions(rng, n, rate))
        false_positives += u.significant
    assert 0.02 <= false_positives / SEEDS <= 0.085


def _orders(rng: np.random.Generator, n: int, mean: float) -> Sample:
    values = rng.lognormal(np.log(mean) - 0.5 * 0.6**2, 0.6, n)  # skewed like order values
    return Sample(float(n), float(values.sum()), float((values**2).sum()))


def test_planted_order_value_uplift_is_recovered_and_none_is_rarely_significant() -> None:
    covered = false_positives = 0
    for seed in range(SEEDS):
        rng = np.random.default_rng(5000 + seed)
        u = mean_uplift(_orders(rng, 800, 1090.0), _orders(rng, 800, 1000.0))
        assert u.ci_low is not None and u.ci_high is not None
        covered += u.ci_low <= 0.09 <= u.ci_high
        same = mean_uplift(_orders(rng, 800, 1000.0), _orders(rng, 800, 1000.0))
        false_positives += same.significant
    assert 0.92 <= covered / SEEDS <= 0.98
    assert 0.02 <= false_positives / SEEDS <= 0.085


def test_a_small_sample_is_too_small_to_tell() -> None:
    u = conversion_uplift(40, 6, 35, 1)
    assert u.too_small and not u.significant
    assert conversion_uplift(0, 0, 10, 1).uplift is None
    assert conversion_uplift(500, 0, 500, 0).too_small
    assert mean_uplift(Sample(5, 5000, 5_100_000), Sample(4, 4000, 4_100_000)).too_small
