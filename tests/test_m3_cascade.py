"""Quillio's cascade: numbers against direct arithmetic and numpy, the best threshold within a
budget against brute force, and the teaching facts the lesson relies on."""

import math

import numpy as np
import pytest

from course.m3 import cascade, latency

SMALL, LARGE = latency.MODELS["small"].cost_per_1k, latency.MODELS["large"].cost_per_1k
THRESHOLDS = [0.0, 0.25, 0.5, 0.7, 0.93, 1.0]


@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_cost_share_and_latency_match_the_samples(threshold):
    result = cascade.compute(threshold)
    assert result.share_escalated == pytest.approx(result.escalated.mean(), abs=1e-15)
    assert result.cost_per_1k == pytest.approx(SMALL + result.share_escalated * LARGE,
                                               rel=1e-12)
    assert result.monthly_cost == pytest.approx(result.cost_per_1k * 2_000_000 / 1000,
                                                rel=1e-12)
    for q, value in ((50, result.p50_ms), (99, result.p99_ms)):
        assert value == pytest.approx(np.percentile(result.samples_ms, q, method="linear"),
                                      rel=1e-12)
    assert result.within_budget == (result.monthly_cost <= result.budget_per_month)


def test_escalated_messages_pay_both_models():
    none, some = cascade.compute(0.0), cascade.compute(0.6)
    extra = some.samples_ms - none.samples_ms        # the same messages, the same small times
    assert np.all(extra[~some.escalated] == 0)
    assert np.all(extra[some.escalated] > 0)


def test_monthly_cost_scales_with_volume():
    half = cascade.compute(0.7, messages_per_month=1_000_000)
    assert half.monthly_cost == pytest.approx(cascade.compute(0.7).monthly_cost / 2)
    assert half.cost_per_1k == cascade.compute(0.7).cost_per_1k


def test_curves_are_compute_on_the_grid():
    reference = cascade.compute()
    assert np.array_equal(reference.thresholds, np.round(np.arange(101) / 100, 2))
    for i in range(0, 101, 7):
        result = cascade.compute(float(reference.thresholds[i]))
        assert reference.share_escalated_curve[i] == result.share_escalated
        assert reference.cost_per_1k_curve[i] == result.cost_per_1k
        assert reference.monthly_cost_curve[i] == result.monthly_cost
        assert reference.p99_curve[i] == result.p99_ms
        assert reference.quality_curve[i] == result.quality


# --- the teaching facts ----------------------------------------------------------------------


def test_threshold_zero_is_the_small_model_alone():
    result = cascade.compute(0.0)
    assert result.share_escalated == 0 and result.cost_per_1k == pytest.approx(SMALL)
    assert result.monthly_cost == pytest.approx(800)
    # Cheapest, fastest and lowest quality of every threshold.
    assert result.cost_per_1k == result.cost_per_1k_curve.min()
    assert result.p99_ms == result.p99_curve.min()
    assert result.quality == result.quality_curve.min()
    assert result.small_only_quality == result.quality == pytest.approx(0.76, abs=0.01)


def test_threshold_one_escalates_everything_and_costs_more_than_the_large_model_alone():
    result = cascade.compute(1.0)
    assert result.share_escalated == 1.0
    assert result.cost_per_1k == pytest.approx(SMALL + LARGE)
    assert result.cost_per_1k > result.large_only_cost_per_1k == LARGE
    assert result.monthly_cost > result.large_only_monthly_cost == pytest.approx(12_000)
    assert result.quality == result.large_only_quality == pytest.approx(0.92, abs=0.01)
    assert result.p99_ms > result.large_only_p99_ms


def test_cost_p99_and_quality_rise_together_with_the_threshold():
    result = cascade.compute()
    for curve in (result.share_escalated_curve, result.cost_per_1k_curve, result.p99_curve,
                  result.quality_curve):
        assert np.all(np.diff(curve) >= 0)
        assert curve[-1] > curve[50] > curve[0]


def test_confidence_routing_beats_escalating_at_random():
    """Escalating the least confident messages gains more quality per escalation than the
    average escalation would (which is what random routing would get)."""
    start, full = cascade.compute(0.0), cascade.compute(1.0)
    random_gain_per_escalation = full.quality - start.quality
    for threshold in (0.3, 0.5, 0.7):
        result = cascade.compute(threshold)
        gain = (result.quality - start.quality) / result.share_escalated
        assert gain > 1.5 * random_gain_per_escalation


def test_the_cascade_breaks_the_sla_once_about_a_tenth_escalate():
    grid = cascade.compute()
    assert cascade.compute(0.0).p99_ms <= 1200
    over = grid.thresholds[grid.p99_curve > 1200]
    first = float(over[0])
    assert 0.05 < grid.share_escalated_curve[int(round(first * 100))] < 0.15   # 9%
    assert grid.large_only_p99_ms > 1200


def _brute_force_best(budget, **kwargs):
    best = math.nan
    for threshold in np.round(np.arange(101) / 100, 2):
        if cascade.compute(float(threshold), **kwargs).monthly_cost <= budget:
            best = float(threshold)
    return best


@pytest.mark.parametrize("budget", [500, 800, 1_500, 3_000, 5_000, 9_999, 12_800, 20_000])
def test_best_threshold_within_budget_matches_brute_force(budget):
    expected = _brute_force_best(budget)
    found = cascade.best_threshold_within(budget)
    assert (math.isnan(found) and math.isnan(expected)) or found == expected
    result = cascade.compute(0.5, budget_per_month=budget)
    assert (math.isnan(result.best_threshold) and math.isnan(expected)) or \
        result.best_threshold == expected


def test_best_threshold_is_the_best_quality_the_budget_buys():
    budget = cascade.BUDGET_PER_MONTH
    best = cascade.best_threshold_within(budget)
    assert 0 < best < 1
    affordable = [cascade.compute(float(t)) for t in np.round(np.arange(101) / 100, 2)]
    affordable = [r for r in affordable if r.monthly_cost <= budget]
    assert max(r.quality for r in affordable) == cascade.compute(best).quality
    assert cascade.compute(best, budget_per_month=budget).best_quality == \
        cascade.compute(best).quality
    assert math.isnan(cascade.best_threshold_within(799))      # below the small model alone
    assert cascade.best_threshold_within(12_800) == 1.0
    assert cascade.best_threshold_within(2_500, messages_per_month=1_000_000) == \
        cascade.best_threshold_within(5_000)


def test_reading_says_escalations_cost_budget_p99_and_quality():
    result = cascade.compute()
    text = cascade.reading_detail(result)
    assert text.startswith(f"threshold 0.70: {100 * result.share_escalated:.0f}% escalated, "
                           f"${result.monthly_cost:,.0f} a month (within the $5,000 budget)")
    assert f"p99 {result.p99_ms:,.0f} ms" in text
    assert f"{100 * result.quality:.1f}% answered well" in text
    assert f"best within budget: threshold {result.best_threshold:.2f}" in text
    over = cascade.reading_detail(cascade.compute(0.9, budget_per_month=3_000))
    assert "over the $3,000 budget" in over
    assert "even the small model alone is over $500" in cascade.reading_detail(
        cascade.compute(0.2, budget_per_month=500))


@pytest.mark.parametrize("bad", [dict(threshold=-0.1), dict(threshold=1.01),
                                 dict(budget_per_month=-1), dict(messages_per_month=0)])
def test_invalid_settings_are_rejected(bad):
    with pytest.raises(ValueError):
        cascade.compute(**{"threshold": 0.5, **bad})


def test_results_are_seeded_and_read_only():
    a = cascade.compute()
    assert np.array_equal(a.samples_ms, cascade.compute().samples_ms)
    assert cascade.compute(seed=12).p99_ms != a.p99_ms
    for array in (a.samples_ms, a.escalated, a.thresholds, a.quality_curve, a.p99_curve,
                  a.cost_per_1k_curve, a.monthly_cost_curve):
        assert not array.flags.writeable


def test_single_models_are_each_model_on_every_message():
    singles = cascade.single_models(messages_per_month=1_000_000)
    assert list(singles.index) == ["small", "medium", "large"]
    assert singles.loc["medium", "monthly_cost"] == pytest.approx(1.20 * 1_000)
    r = cascade.compute(0.0)
    assert singles.loc["small", "p99_ms"] == pytest.approx(r.small_only_p99_ms)
    assert singles.loc["large", "p99_ms"] == pytest.approx(r.large_only_p99_ms)
    # Capability is nested: small <= medium <= large on every message.
    m = cascade._messages(11)
    assert np.all(m.small_ok <= m.medium_ok) and np.all(m.medium_ok <= m.large_ok)
    assert cascade.quality_score(0.85) == pytest.approx(85.0)
