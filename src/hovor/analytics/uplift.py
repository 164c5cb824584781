"""Uplift against the held-out control group, with 95 % confidence intervals.

Conversion: the ratio of the two conversion rates, its interval from statsmodels'
``confint_proportions_2indep`` (log-adjusted ratio, which copes with zero counts) and the
p-value from ``test_proportions_2indep``. Order value: Welch's test (SciPy's
``ttest_ind_from_stats``, from the counts, sums and sums of squares the rollups keep) and an
interval for the ratio of the means by the delta method on the log scale with Welch's
degrees of freedom. Uplift is reported as ratio - 1 ("+18 %"). docs/analytics.md says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# SciPy, statsmodels and NumPy are imported where they are used: together they take seconds
# to import, and every server process would pay that at start-up for a report few open.

ALPHA = 0.05
# Below these the interval is too wide to act on: the report says "sample too small to tell".
MIN_UNITS_PER_ARM = 100
MIN_CONVERSIONS = 20  # both arms together
MIN_ORDERS_PER_ARM = 10


@dataclass(frozen=True)
class Uplift:
    uplift: float | None  # relative: 0.18 is +18 %
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    significant: bool
    too_small: bool


NONE = Uplift(None, None, None, None, False, True)


def conversion_uplift(
    treated_n: int, treated_conversions: int, control_n: int, control_conversions: int
) -> Uplift:
    """Relative uplift of the treated group's conversion rate over the control group's."""
    if treated_n <= 0 or control_n <= 0:
        return NONE
    too_small = (
        min(treated_n, control_n) < MIN_UNITS_PER_ARM
        or treated_conversions + control_conversions < MIN_CONVERSIONS
    )
    if treated_conversions + control_conversions == 0:
        return Uplift(None, None, None, None, False, True)
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):  # a zero rate in one arm
        return _conversion(
            treated_n, treated_conversions, control_n, control_conversions, too_small
        )


def _conversion(
    treated_n: int,
    treated_conversions: int,
    control_n: int,
    control_conversions: int,
    too_small: bool,
) -> Uplift:
    from statsmodels.stats.proportion import (
        confint_proportions_2indep,
        test_proportions_2indep,
    )

    low, high = confint_proportions_2indep(
        treated_conversions,
        treated_n,
        control_conversions,
        control_n,
        method="log-adjusted",
        compare="ratio",
        alpha=ALPHA,
    )
    p_value = float(
        test_proportions_2indep(
            treated_conversions,
            treated_n,
            control_conversions,
            control_n,
            compare="diff",
            method="agresti-caffo",
        ).pvalue
    )
    rate_t, rate_c = treated_conversions / treated_n, control_conversions / control_n
    uplift = rate_t / rate_c - 1 if rate_c > 0 else None
    significant = bool(not too_small and (low > 1 or high < 1))
    return Uplift(uplift, float(low) - 1, float(high) - 1, p_value, significant, too_small)


@dataclass(frozen=True)
class Sample:
    """A group's values as the rollups keep them."""

    n: float
    total: float
    sumsq: float

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n else 0.0

    @property
    def variance(self) -> float:
        """Sample variance (n - 1), never below zero (sums of floats may round under it)."""
        if self.n < 2:
            return 0.0
        return max(0.0, (self.sumsq - self.n * self.mean**2) / (self.n - 1))


def mean_uplift(treated: Sample, control: Sample) -> Uplift:
    """Relative uplift of the treated group's mean (order value) over the control group's."""
    if treated.n < 2 or control.n < 2 or treated.mean <= 0 or control.mean <= 0:
        return NONE
    too_small = min(treated.n, control.n) < MIN_ORDERS_PER_ARM
    var_t, var_c = treated.variance, control.variance
    se_t, se_c = var_t / treated.n, var_c / control.n
    if se_t + se_c == 0:
        ratio = treated.mean / control.mean
        return Uplift(ratio - 1, ratio - 1, ratio - 1, None, False, too_small)
    from scipy import stats

    result = stats.ttest_ind_from_stats(
        treated.mean,
        math.sqrt(var_t),
        int(treated.n),
        control.mean,
        math.sqrt(var_c),
        int(control.n),
        equal_var=False,
    )
    df = (se_t + se_c) ** 2 / (
        (se_t**2 / (treated.n - 1) if treated.n > 1 else 0.0)
        + (se_c**2 / (control.n - 1) if control.n > 1 else 0.0)
    )
    log_ratio = math.log(treated.mean / control.mean)
    se_log = math.sqrt(
        var_t / (treated.n * treated.mean**2) + var_c / (control.n * control.mean**2)
    )
    q = float(stats.t.ppf(1 - ALPHA / 2, df))
    low, high = math.exp(log_ratio - q * se_log) - 1, math.exp(log_ratio + q * se_log) - 1
    p_value = float(result.pvalue)
    significant = bool(not too_small and (low > 0 or high < 0))
    return Uplift(math.exp(log_ratio) - 1, low, high, p_value, significant, too_small)
