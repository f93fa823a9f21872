"""The architecture budget: feasibility is ``architectures.feasible``, costs and slow-call shares
are re-derived (scipy and a Monte Carlo draw)."""

import math

import numpy as np
import pytest
from scipy import stats

from course.m1 import architectures, budget

BUDGETS = [
    dict(p99_budget_ms=80, labelled_rows=40_000, needs_explanation=True, recall_target=0.65),
    dict(p99_budget_ms=1000, labelled_rows=40_000, needs_explanation=False, recall_target=0.65),
    dict(p99_budget_ms=20, labelled_rows=1_000_000, needs_explanation=False, recall_target=0.3),
    dict(p99_budget_ms=2000, labelled_rows=1_000, needs_explanation=True, recall_target=0.9),
    dict(p99_budget_ms=10, labelled_rows=5_000, needs_explanation=False, recall_target=0.5),
]


def _lognormal_share(budget_ms, p99_ms, sigma=0.5):
    """Independently: a log-normal with sigma on the log scale whose 99th percentile is p99."""
    mu = math.log(p99_ms) - sigma * stats.norm.ppf(0.99)
    return stats.lognorm(s=sigma, scale=math.exp(mu)).sf(budget_ms)


def test_defaults_are_the_checkout_budget():
    result = budget.compute()
    assert result.p99_budget_ms == architectures.BUDGET["p99_ms"]
    assert result.labelled_rows == architectures.BUDGET["labelled_rows"]
    assert result.needs_explanation == architectures.BUDGET["needs_explanation"]
    assert result.recall_target == architectures.BUDGET["recall_target"]
    assert result.calls_per_day == 50_000 and result.latency_sigma == 0.5


@pytest.mark.parametrize("settings", BUDGETS)
def test_feasible_set_is_architectures_feasible(settings):
    result = budget.compute(**settings)
    expected = architectures.feasible(
        p99_ms=settings["p99_budget_ms"], labelled_rows=settings["labelled_rows"],
        needs_explanation=settings["needs_explanation"], recall_target=settings["recall_target"])
    assert result.feasible == tuple(expected.index)
    assert [n for n, ok in zip(result.options, result.fits, strict=True) if ok] == \
        list(expected.index)
    # An option has no reasons exactly when it fits.
    assert {n for n, r in result.reasons.items() if not r} == set(expected.index)
    assert all(len(result.reasons[n]) == len(result.failed_lines[n]) for n in result.options)


def test_the_default_budget_and_its_reasons():
    result = budget.compute()
    assert result.feasible == ("gradient boosted trees",)
    assert result.cheapest_fit == "gradient boosted trees"
    assert result.reasons["fine tuned llm"] == ("p99 900 ms > 80 ms budget",
                                                "cannot explain a decline")
    assert result.reasons["rules"] == ("expected recall 0.38 < 0.65 target",)
    assert result.failed_lines["sequence model"] == ("data", "explanation")
    assert "needs 500,000 labelled rows > 40,000 available" in result.reasons["sequence model"]


@pytest.mark.parametrize("calls_per_day", [0, 50_000, 1_234_567])
def test_costs_per_day_are_a_direct_computation(calls_per_day):
    result = budget.compute(calls_per_day=calls_per_day)
    for i, name in enumerate(result.options):
        expected = architectures.OPTIONS.loc[name, "cost_per_1k"] * calls_per_day / 1000
        assert result.cost_per_day[i] == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert result.cost_per_day[result.options.index("fine tuned llm")] == pytest.approx(
        55.0 * calls_per_day / 50_000)


@pytest.mark.parametrize("budget_ms", [10, 30, 80, 300, 1000])
def test_share_over_budget_matches_scipy_lognorm(budget_ms):
    result = budget.compute(p99_budget_ms=budget_ms)
    for i, name in enumerate(result.options):
        p99 = architectures.OPTIONS.loc[name, "p99_ms"]
        expected = _lognormal_share(budget_ms, p99)
        assert result.share_over_budget[i] == pytest.approx(expected, rel=1e-9, abs=1e-15)
        assert result.calls_over_budget[i] == pytest.approx(50_000 * expected, rel=1e-9,
                                                            abs=1e-9)


def test_share_over_budget_matches_a_monte_carlo_draw():
    rng = np.random.default_rng(0)
    result = budget.compute(p99_budget_ms=80)
    for i, name in enumerate(result.options):
        p99 = architectures.OPTIONS.loc[name, "p99_ms"]
        mu = math.log(p99) - 0.5 * stats.norm.ppf(0.99)
        latency = rng.lognormal(mean=mu, sigma=0.5, size=400_000)
        assert np.quantile(latency, 0.99) == pytest.approx(p99, rel=0.02)
        assert result.share_over_budget[i] == pytest.approx(np.mean(latency > 80), abs=0.003)


def test_equal_recall_different_experience():
    """The sequence model and the LLM have nearly the same recall, not the same checkout."""
    result = budget.compute(p99_budget_ms=80)
    seq, llm = result.options.index("sequence model"), result.options.index("fine tuned llm")
    assert abs(result.expected_recall[seq] - result.expected_recall[llm]) < 0.02
    assert result.share_over_budget[seq] < 0.005          # about 0.2% of calls
    assert result.share_over_budget[llm] > 0.99           # about 99.4% of calls
    # At its own p99 every option has exactly 1% of calls over.
    for i, p99 in enumerate(result.p99_ms):
        assert budget.compute(p99_budget_ms=p99).share_over_budget[i] == pytest.approx(0.01)


def test_reading():
    text = budget.reading(budget.compute())
    assert text.startswith("fits: gradient boosted trees ($1 a day); fine tuned llm would be "
                           "slower than 80 ms for about 99% of calls")
    assert "log-normal" in text and "sigma 0.5" in text
    nothing = budget.reading(budget.compute(recall_target=0.9))
    assert nothing.startswith("nothing fits: rules (expected recall 0.38 < 0.90 target)")


@pytest.mark.parametrize("bad", [dict(p99_budget_ms=0), dict(labelled_rows=-1),
                                 dict(recall_target=1.5), dict(calls_per_day=-5),
                                 dict(latency_sigma=0)])
def test_invalid_settings_raise(bad):
    with pytest.raises(ValueError):
        budget.compute(**bad)
