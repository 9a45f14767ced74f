"""The statistics behind every report number, checked against published tables and by hand."""

from __future__ import annotations

import math

import pytest

from recovery_capital.reports.stats import (
    paired_change,
    reliable_change,
    sample_sd,
    t_cdf,
    t_quantile,
)

# Two-sided 95% critical values of Student's t (any statistics table).
T_975 = {
    1: 12.7062047,
    2: 4.3026527,
    3: 3.1824463,
    5: 2.5705818,
    10: 2.2281389,
    29: 2.0452296,
    100: 1.9839715,
}


@pytest.mark.parametrize("df, expected", sorted(T_975.items()))
def test_t_quantile_matches_the_tables(df: int, expected: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-6)


def test_t_quantile_other_levels_and_symmetry() -> None:
    assert t_quantile(0.995, 10) == pytest.approx(3.1692727, abs=1e-6)
    assert t_quantile(0.95, 4) == pytest.approx(2.1318468, abs=1e-6)
    assert t_quantile(0.025, 10) == pytest.approx(-2.2281389, abs=1e-6)
    assert t_quantile(0.975, 1e6) == pytest.approx(1.959966, abs=1e-5)
    for df in (1, 3, 30):
        assert t_cdf(t_quantile(0.9, df), df) == pytest.approx(0.9, abs=1e-12)


@pytest.mark.parametrize("p", [0, 1, -0.1, 1.5])
def test_t_quantile_refuses_impossible_probabilities(p: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        t_quantile(p, 5)


def test_paired_change_by_hand() -> None:
    change = paired_change([2, 3, 3, 4], [3, 4, 3, 5])
    # differences 1, 1, 0, 1: mean 0.75, SD sqrt(0.75 / 3) = 0.5
    assert change.n == 4
    assert change.mean_before == 3 and change.mean_after == 3.75
    assert change.mean_difference == 0.75
    assert change.sd_difference == pytest.approx(0.5)
    assert change.cohens_dz == pytest.approx(1.5)
    margin = 3.1824463 * 0.5 / 2
    assert change.ci_low == pytest.approx(0.75 - margin, abs=1e-6)
    assert change.ci_high == pytest.approx(0.75 + margin, abs=1e-6)
    assert change.note is None


def test_paired_change_with_too_few_pairs_says_so() -> None:
    none = paired_change([], [])
    one = paired_change([3.0], [4.5])
    assert none.n == 0 and none.mean_difference is None and "No pairs yet" in none.note
    assert one.mean_difference == 1.5 and one.sd_difference is None and one.ci_low is None
    assert one.note.startswith("Not enough pairs")


def test_paired_change_with_identical_changes_has_no_effect_size() -> None:
    same = paired_change([1, 2, 3], [2, 3, 4])
    assert same.sd_difference == 0 and same.cohens_dz is None
    assert same.ci_low == same.ci_high == 1
    assert "same amount" in same.note


def test_paired_change_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="pair up"):
        paired_change([1, 2], [1])
    with pytest.raises(ValueError, match="finite"):
        paired_change([1, math.nan], [1, 2])


def test_reliable_change_follows_jacobson_and_truax() -> None:
    result = reliable_change(24, 31, sd=4.0, reliability=0.88)
    se = 4.0 * math.sqrt(0.12)
    assert result.standard_error == pytest.approx(se)
    assert result.s_diff == pytest.approx(math.sqrt(2) * se)
    assert result.index == pytest.approx(7 / (math.sqrt(2) * se))
    assert result.reliable and result.verdict == "reliable increase"
    small = reliable_change(24, 25, sd=4.0, reliability=0.88)
    assert not small.reliable and small.verdict == "no reliable change"
    assert reliable_change(31, 24, sd=4.0, reliability=0.88).verdict == "reliable decrease"


@pytest.mark.parametrize("sd, r", [(0, 0.9), (-1, 0.9), (5, 1.0), (5, -0.2)])
def test_reliable_change_rejects_impossible_inputs(sd: float, r: float) -> None:
    with pytest.raises(ValueError):
        reliable_change(1, 2, sd=sd, reliability=r)


def test_sample_sd_uses_n_minus_one() -> None:
    assert sample_sd([1, 3]) == pytest.approx(math.sqrt(2))
    with pytest.raises(ValueError):
        sample_sd([1])
