"""The statistics the reports use, written out so every number can be checked by hand.

* :func:`t_quantile`: Student's t quantiles, from the regularised incomplete beta function
  (no SciPy needed).
* :func:`paired_change`: mean paired difference, its SD, Cohen's d_z and a t-based
  confidence interval, for pre/post comparisons.
* :func:`reliable_change`: the reliable change index of Jacobson and Truax (1991).

>>> round(t_quantile(0.975, 10), 4)
2.2281
>>> change = paired_change([3.0, 3.5, 2.5], [4.0, 4.0, 3.5])
>>> change.mean_difference, round(change.sd_difference, 3), round(change.cohens_dz, 2)
(0.8333333333333334, 0.289, 2.89)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "RELIABLE_CHANGE_THRESHOLD",
    "PairedChange",
    "ReliableChange",
    "mean",
    "paired_change",
    "reliable_change",
    "sample_sd",
    "t_cdf",
    "t_quantile",
]

#: |RCI| above this is a change unlikely (p < .05) to come from measurement error alone.
RELIABLE_CHANGE_THRESHOLD = 1.96


def mean(values: Sequence[float]) -> float:
    """The arithmetic mean of at least one value.

    >>> mean([1, 2, 6])
    3.0
    """
    if not values:
        raise ValueError("the mean needs at least one value")
    return math.fsum(values) / len(values)


def sample_sd(values: Sequence[float]) -> float:
    """The sample standard deviation (n - 1 in the denominator) of at least two values.

    >>> sample_sd([2, 4, 4, 4, 5, 5, 7, 9])
    2.138089935299395
    """
    if len(values) < 2:
        raise ValueError("a standard deviation needs at least two values")
    centre = mean(values)
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / (len(values) - 1))


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b), by its continued fraction."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    # The continued fraction converges fast only below (a + 1) / (a + b + 2): use symmetry above.
    if x > (a + 1) / (a + b + 2):
        return 1.0 - _incomplete_beta(b, a, 1.0 - x)
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    fraction = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            fraction *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return math.exp(log_front) * fraction / a


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom.

    >>> t_cdf(0, 5)
    0.5
    >>> round(t_cdf(12.706204736, 1), 6)
    0.975
    """
    if df <= 0:
        raise ValueError(f"degrees of freedom must be positive, not {df}")
    tail = 0.5 * _incomplete_beta(df / 2, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The value t with P(T <= t) = p, found by bisection on :func:`t_cdf` (to 1e-12).

    >>> round(t_quantile(0.975, 1), 6), round(t_quantile(0.975, 29), 6)
    (12.706205, 2.04523)
    >>> t_quantile(0.5, 7)
    0.0
    """
    if not 0 < p < 1:
        raise ValueError(f"p must be between 0 and 1, not {p}")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1 - p, df)
    high = 2.0
    while t_cdf(high, df) < p:
        high *= 2
    low = 0.0
    while high - low > 1e-12 * max(1.0, high):
        middle = (low + high) / 2
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2


@dataclass(frozen=True)
class PairedChange:
    """Before/after change over ``n`` pairs.

    ``sd_difference``, the interval and ``t_critical`` are ``None`` with fewer than two pairs;
    ``cohens_dz`` is also ``None`` when every pair changed by the same amount (SD 0).
    """

    n: int
    mean_before: float | None
    mean_after: float | None
    mean_difference: float | None
    sd_difference: float | None
    cohens_dz: float | None
    ci_low: float | None
    ci_high: float | None
    t_critical: float | None
    confidence: float = 0.95

    @property
    def enough_pairs(self) -> bool:
        """Whether there are at least two pairs, the fewest an interval can come from."""
        return self.n >= 2

    @property
    def note(self) -> str | None:
        """Why some figure is missing, in words; ``None`` when nothing is.

        >>> paired_change([3.0], [4.0]).note
        'Not enough pairs: a confidence interval and effect size need at least 2 people ...'
        """
        if self.n == 0:
            return "No pairs yet: nobody has answered both the start and the end self-check."
        if not self.enough_pairs:
            return (
                f"Not enough pairs: a confidence interval and effect size need at least 2 people "
                f"who answered both times (there {'is' if self.n == 1 else 'are'} {self.n})."
            )
        if self.cohens_dz is None:
            return "Everyone changed by exactly the same amount, so there is no effect size."
        return None


def paired_change(
    before: Sequence[float], after: Sequence[float], *, confidence: float = 0.95
) -> PairedChange:
    """Mean paired difference (after - before), its SD, Cohen's d_z and a t-based interval.

    Notes
    -----
    With differences d_i over n pairs: mean d = sum(d_i) / n; SD_d uses n - 1;
    d_z = mean d / SD_d; the interval is mean d +/- t(1 - (1 - confidence) / 2, n - 1) *
    SD_d / sqrt(n).

    Examples
    --------
    >>> change = paired_change([2, 3, 3, 4], [3, 4, 3, 5])
    >>> change.mean_difference, round(change.sd_difference, 4)
    (0.75, 0.5)
    >>> round(change.ci_low, 4), round(change.ci_high, 4), change.cohens_dz
    (-0.0456, 1.5456, 1.5)
    >>> paired_change([], []).mean_difference is None
    True
    """
    if len(before) != len(after):
        raise ValueError(
            f"before and after must pair up one to one (got {len(before)} and {len(after)})"
        )
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    values = [(float(b), float(a)) for b, a in zip(before, after)]
    if any(not (math.isfinite(b) and math.isfinite(a)) for b, a in values):
        raise ValueError("every before and after value must be a finite number")
    n = len(values)
    if n == 0:
        return PairedChange(0, None, None, None, None, None, None, None, None, confidence)
    differences = [a - b for b, a in values]
    mean_before = mean([b for b, _ in values])
    mean_after = mean([a for _, a in values])
    mean_difference = mean(differences)
    if n < 2:
        return PairedChange(
            n, mean_before, mean_after, mean_difference, None, None, None, None, None, confidence
        )
    sd = sample_sd(differences)
    t_critical = t_quantile(1 - (1 - confidence) / 2, n - 1)
    margin = t_critical * sd / math.sqrt(n)
    effect = mean_difference / sd if sd > 0 else None
    return PairedChange(
        n,
        mean_before,
        mean_after,
        mean_difference,
        sd,
        effect,
        mean_difference - margin,
        mean_difference + margin,
        t_critical,
        confidence,
    )


@dataclass(frozen=True)
class ReliableChange:
    """One reliable change index and every figure that went into it."""

    first: float
    latest: float
    sd: float
    reliability: float
    standard_error: float
    s_diff: float
    index: float

    @property
    def change(self) -> float:
        """latest - first."""
        return self.latest - self.first

    @property
    def reliable(self) -> bool:
        """Whether |RCI| is above 1.96."""
        return abs(self.index) > RELIABLE_CHANGE_THRESHOLD

    @property
    def verdict(self) -> str:
        """The result in plain words (a direction, not a judgement of the person).

        >>> reliable_change(30, 38, sd=5, reliability=0.88).verdict
        'reliable increase'
        """
        if not self.reliable:
            return "no reliable change"
        return "reliable increase" if self.index > 0 else "reliable decrease"


def reliable_change(
    first: float, latest: float, *, sd: float, reliability: float
) -> ReliableChange:
    """Jacobson and Truax's (1991) reliable change index.

    Notes
    -----
    SE = SD * sqrt(1 - r); S_diff = sqrt(2) * SE; RCI = (latest - first) / S_diff. An |RCI|
    above 1.96 is called reliable change. The SD must come from a stated reference sample.

    Examples
    --------
    >>> rc = reliable_change(30, 38, sd=5, reliability=0.88)
    >>> round(rc.standard_error, 4), round(rc.s_diff, 4), round(rc.index, 3), rc.reliable
    (1.7321, 2.4495, 3.266, True)
    """
    if not (math.isfinite(sd) and sd > 0):
        raise ValueError(f"the reference SD must be a positive number, not {sd}")
    if not 0 <= reliability < 1:
        raise ValueError(f"reliability must be at least 0 and below 1, not {reliability}")
    standard_error = sd * math.sqrt(1 - reliability)
    s_diff = math.sqrt(2) * standard_error
    return ReliableChange(
        float(first),
        float(latest),
        float(sd),
        float(reliability),
        standard_error,
        s_diff,
        (latest - first) / s_diff,
    )
