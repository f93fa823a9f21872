"""The feedback-loop model: against a plain re-simulation, and the teaching facts."""

import math

import numpy as np
import pytest

from course.m4 import feedback
from course.m4.feedback import EXPLORE_VIEWS, PRIOR_VIEWS, wayfarer_catalogue


def _replay(exploration, k=10, n_items=200, rounds=30, users=2_000,
            seed=feedback.WAYFARER_FEEDBACK_SEED):
    """The loop written out item by item (same random streams), for the per-round metrics."""
    cat = wayfarer_catalogue(n_items, seed)
    rng = np.random.default_rng(seed + 1)
    views, clicks = np.zeros(n_items), np.zeros(n_items)
    ever = set()
    estimate = cat.cold_start.copy()
    budget = round(exploration * k * users)
    n_explore = min(n_items - k, max(1, round(budget / EXPLORE_VIEWS))) if budget else 0
    rows = []
    for _ in range(rounds):
        ranking = sorted(range(n_items), key=lambda i: (-estimate[i], i))
        top, rest = ranking[:k], ranking[k:]
        today = np.zeros(n_items, dtype=np.int64)
        for i in top:
            today[i] = round(users * (1 - exploration))
        if n_explore:
            fresh = np.array([i for i in rest if i not in ever], dtype=int)
            seen = np.array([i for i in rest if i in ever], dtype=int)
            take = min(n_explore, fresh.size)
            picks = list(rng.choice(fresh, take, replace=False)) + list(
                rng.choice(seen, n_explore - take, replace=False))
            for i in picks:
                today[i] += budget // n_explore
        got = rng.binomial(today, cat.appeal)
        views += today
        clicks += got
        ever |= {i for i in range(n_items) if today[i] > 0}
        estimate = (clicks + PRIOR_VIEWS * cat.cold_start) / (views + PRIOR_VIEWS)
        unshown = [i for i in range(n_items) if i not in ever]
        rows.append({
            "coverage": len(ever) / n_items,
            "top_share": sum(sorted(clicks, reverse=True)[:10]) / clicks.sum(),
            "clicks": got.sum(),
            "expected_clicks": sum(today[i] * cat.appeal[i] for i in range(n_items)),
            "error_unshown": (np.mean([abs(estimate[i] - cat.appeal[i]) for i in unshown])
                              if unshown else math.nan),
        })
    best = users * sum(sorted(cat.appeal)[-k:])
    return rows, best


@pytest.mark.parametrize("exploration,k", [(0.0, 10), (0.1, 10), (0.3, 10), (0.05, 7),
                                           (0.2, 15)])
def test_matches_a_plain_resimulation(exploration, k):
    result = feedback.compute(exploration, k)
    rows, best = _replay(exploration, k)
    assert result.best_clicks == pytest.approx(best, rel=1e-12)
    for name in ("coverage", "top_share", "clicks", "expected_clicks", "error_unshown"):
        expected = np.array([row[name] for row in rows], dtype=float)
        np.testing.assert_allclose(getattr(result.run, name), expected, rtol=1e-9,
                                   equal_nan=True, err_msg=name)
    np.testing.assert_allclose(result.run.regret, best - result.run.expected_clicks)


def test_catalogue_story():
    cat = wayfarer_catalogue()
    assert cat.appeal.size == 200 and 0.15 < cat.new.mean() < 0.35
    assert cat.appeal[cat.new].mean() > 1.8 * cat.appeal[~cat.new].mean()
    # The cold-start model underrates the new destinations.
    assert (cat.cold_start - cat.appeal)[cat.new].mean() < -0.15
    assert abs((cat.cold_start - cat.appeal)[~cat.new].mean()) < 0.03


def test_without_exploration_the_shown_set_freezes():
    none = feedback.compute(0.0)
    run = none.run
    assert np.all(run.coverage == run.coverage[0])          # frozen from the first day
    assert run.coverage[-1] == pytest.approx(0.05)          # 10 of 200 destinations
    assert run.top_share[-1] > 0.99
    # The never-shown keep their cold-start estimates: their error never moves.
    assert np.all(run.error_unshown == run.error_unshown[0])
    assert run.error_unshown[0] > 0.07
    assert none.never_shown == 190
    assert np.ptp(run.error_all) < 1e-3


def test_a_little_exploration_keeps_coverage_growing_and_finds_better_items():
    some = feedback.compute(0.1)
    run, base = some.run, some.baseline
    assert np.all(np.diff(run.coverage) > 0)                # still growing in round 30
    assert run.coverage[-1] > 0.75 and base.coverage[-1] == pytest.approx(0.05)
    assert run.top_share[-1] < base.top_share[-1] - 0.15
    assert run.shown_appeal[-1] > base.shown_appeal[-1] + 0.07   # a better top 10
    assert run.error_all[-1] < base.error_all[-1] / 2
    # It pays a little at first and more than back after the early rounds.
    assert -0.10 < some.clicks_vs_exploit_first < -0.03
    assert some.clicks_vs_exploit_last > 0.12
    assert np.all(run.regret[5:] < base.regret[5:])


def test_too_much_exploration_costs_clicks():
    little, lots = feedback.compute(0.1), feedback.compute(0.3)
    assert lots.clicks_vs_exploit_first < little.clicks_vs_exploit_first - 0.04
    assert lots.clicks_vs_exploit_first < -0.10
    # It learns the catalogue fastest, but keeps paying for random slots it no longer needs.
    assert lots.run.error_all[-1] < little.run.error_all[-1]
    assert lots.run.expected_clicks[15:].mean() < little.run.expected_clicks[15:].mean()


@pytest.mark.parametrize("seed", range(6))
def test_a_little_exploration_pays_on_other_catalogues_too(seed):
    little, lots = feedback.compute(0.1, seed=seed), feedback.compute(0.3, seed=seed)
    assert little.clicks_vs_exploit_first < 0
    late = slice(15, None)
    assert little.run.expected_clicks[late].mean() > little.baseline.expected_clicks[late].mean()
    assert lots.run.expected_clicks[late].mean() < little.run.expected_clicks[late].mean()


def test_runs_are_cached_and_read_only():
    a, b = feedback.compute(0.1), feedback.compute(0.1)
    assert a.run is b.run and a.baseline is feedback.compute(0.2).baseline
    with pytest.raises(ValueError):
        a.run.coverage[0] = 1.0


def test_reading():
    text = feedback.reading_detail(feedback.compute(0.1))
    assert text.startswith("exploration 10%: after 30 rounds 80% of destinations have been "
                           "shown (vs 5% with none)")
    assert "7% below a pure-exploit policy in round 1, 18% above by round 30" in text
    none = feedback.reading_detail(feedback.compute(0.0))
    assert none.startswith("no exploration: after 30 rounds only 5% of destinations")
    assert "the 190 never shown keep their cold-start estimates" in none


@pytest.mark.parametrize("bad", [{"exploration": -0.1}, {"exploration": 1.0}, {"k": 0},
                                 {"k": 200}, {"rounds": 0}])
def test_rejects_impossible_settings(bad):
    with pytest.raises(ValueError):
        feedback.compute(**bad)
