"""The humans-in-the-loop model: counts against boolean masks, and the teaching facts."""

import numpy as np
import pytest

from course.m4 import review
from course.m4.review import (
    REVIEWER_ACCURACY,
    RULES_FRAUD_SHARE,
    RULES_GOOD_SHARE,
    ledgerly_review_scores,
)

SAMPLE = ledgerly_review_scores()


def _by_masks(review_threshold, auto_block_threshold, review_capacity, rules_on,
              payments_per_day=50_000, prevalence=0.01, cost_fp=30.0, cost_fn=400.0,
              review_cost=5.0):
    """The three layers re-derived from the score sample with boolean masks."""
    fraud, good = payments_per_day * prevalence, payments_per_day * (1 - prevalence)
    rules_fraud = fraud * RULES_FRAUD_SHARE if rules_on else 0.0
    rules_good = good * RULES_GOOD_SHARE if rules_on else 0.0
    f_left, g_left = fraud - rules_fraud, good - rules_good
    f, g = SAMPLE.fraud, SAMPLE.legit
    f_auto = f_left * np.mean(f >= auto_block_threshold)
    g_auto = g_left * np.mean(g >= auto_block_threshold)
    f_queue = f_left * np.mean((f >= review_threshold) & (f < auto_block_threshold))
    g_queue = g_left * np.mean((g >= review_threshold) & (g < auto_block_threshold))
    arrivals = f_queue + g_queue
    reviews = min(arrivals, review_capacity)
    share = reviews / arrivals if arrivals else 1.0
    f_review = f_queue * share * REVIEWER_ACCURACY
    g_review = g_queue * share * (1 - REVIEWER_ACCURACY)
    caught = rules_fraud + f_auto + f_review
    good_blocked = rules_good + g_auto + g_review
    cost = review_cost * reviews + cost_fp * good_blocked + cost_fn * (fraud - caught)
    return {"fraud_by_rules": rules_fraud, "fraud_by_auto_block": f_auto,
            "fraud_by_review": f_review, "fraud_overflow": f_queue * (1 - share),
            "fraud_below_review": f_left * np.mean(f < min(review_threshold,
                                                           auto_block_threshold)),
            "fraud_caught_per_day": caught, "good_blocked_per_day": good_blocked,
            "good_blocked_by_auto_block": g_auto, "good_blocked_by_reviewers": g_review,
            "queue_arrivals_per_day": arrivals, "reviews_per_day": reviews,
            "overflow_per_day": arrivals - reviews, "cost_per_day": cost}


@pytest.mark.parametrize("rules_on", [True, False])
@pytest.mark.parametrize("review_threshold,auto_block_threshold,review_capacity", [
    (0.5, 0.9, 300), (0.3, 0.9, 300), (0.75, 0.95, 300), (0.6, 0.8, 2_000), (0.5, 0.9, 0),
    (0.95, 0.9, 300), (0.2, 1.0, 1_000)])
def test_counts_match_boolean_masks(review_threshold, auto_block_threshold, review_capacity,
                                    rules_on):
    result = review.compute(review_threshold, auto_block_threshold, review_capacity, rules_on)
    expected = _by_masks(review_threshold, auto_block_threshold, review_capacity, rules_on)
    for name, value in expected.items():
        assert getattr(result, name) == pytest.approx(value, rel=1e-9, abs=1e-9), name


@pytest.mark.parametrize("settings", [{}, {"rules_on": False}, {"review_threshold": 0.2},
                                      {"review_capacity": 5_000}, {"review_threshold": 0.95}])
def test_every_fraud_case_ends_somewhere(settings):
    r = review.compute(**settings)
    assert sum(r.fraud_outcomes.values()) == pytest.approx(r.fraud_per_day, rel=1e-12)
    assert r.fraud_caught_per_day + r.fraud_through_per_day == pytest.approx(r.fraud_per_day)
    assert sum(r.good_blocked.values()) == pytest.approx(r.good_blocked_per_day)
    assert r.cost_per_day == pytest.approx(
        r.review_cost_per_day + r.blocked_cost_per_day + r.missed_cost_per_day)
    assert r.share_of_fraud_caught == pytest.approx(r.fraud_caught_per_day / r.fraud_per_day)


def test_defaults_overflow_the_queue():
    r = review.compute()
    assert (r.review_threshold, r.auto_block_threshold, r.review_capacity, r.rules_on) == (
        0.5, 0.9, 300, True)
    assert r.fraud_per_day == pytest.approx(500)
    assert r.fraud_by_rules == pytest.approx(150)
    assert 1_000 < r.queue_arrivals_per_day < 1_300
    assert r.reviews_per_day == 300 and r.overflow_per_day > 700
    assert r.fraud_overflow > r.fraud_by_review


def test_lowering_the_threshold_past_capacity_stops_helping():
    r = review.compute()
    t, caught, arrivals = r.thresholds, r.fraud_caught_curve, r.arrivals_curve
    crossing = r.capacity_enough_from
    assert arrivals[t == crossing][0] <= 300 < arrivals[np.isclose(t, crossing - 0.01)][0]
    # Fraud stopped peaks at the threshold where the queue just fits the capacity...
    band = t < r.auto_block_threshold
    peak = t[band][np.argmax(caught[band])]
    assert abs(peak - crossing) <= 0.011
    # ...and below it, a lower threshold stops less fraud while reviews stay capped at 300.
    overflowing = t < crossing - 0.015
    assert np.all(np.diff(caught[overflowing]) > 0)
    low, high = review.compute(0.3), review.compute(crossing)
    assert low.fraud_caught_per_day < high.fraud_caught_per_day
    assert high.reviews_per_day <= low.reviews_per_day == 300
    assert low.review_cost_per_day == pytest.approx(300 * 5)    # reviewer cost is capped
    assert low.overflow_per_day > 3_000
    # Above the crossing, reviewers have idle time and a lower threshold catches more.
    assert np.all(np.diff(caught[(t > crossing + 0.005) & band]) < 0)


def test_rules_take_obvious_fraud_off_the_model_and_the_queue():
    on, off = review.compute(rules_on=True), review.compute(rules_on=False)
    assert on.fraud_by_rules == pytest.approx(150) and off.fraud_by_rules == 0
    assert on.scored_per_day < off.scored_per_day
    assert on.queue_arrivals_per_day < off.queue_arrivals_per_day
    assert on.fraud_by_auto_block < off.fraud_by_auto_block
    assert on.fraud_caught_per_day > off.fraud_caught_per_day + 80
    assert on.cost_per_day < off.cost_per_day
    assert on.good_blocked_by_rules == pytest.approx(49_500 * RULES_GOOD_SHARE)


def test_raising_auto_block_moves_cases_to_review():
    low, high = review.compute(auto_block_threshold=0.9), review.compute(
        auto_block_threshold=0.95)
    assert high.fraud_by_auto_block < low.fraud_by_auto_block
    assert high.good_blocked_by_auto_block < low.good_blocked_by_auto_block
    assert high.good_blocked_per_day < low.good_blocked_per_day
    assert high.queue_arrivals_per_day > low.queue_arrivals_per_day
    moved = ((low.fraud_by_auto_block + low.good_blocked_by_auto_block)
             - (high.fraud_by_auto_block + high.good_blocked_by_auto_block))
    assert high.queue_arrivals_per_day - low.queue_arrivals_per_day == pytest.approx(moved)


def test_more_capacity_helps_only_while_the_queue_overflows():
    caught = [review.compute(review_capacity=c).fraud_caught_per_day
              for c in (0, 300, 600, 1_200, 2_000)]
    assert caught[0] < caught[1] < caught[2] < caught[3]
    assert caught[3] == pytest.approx(caught[4])      # 1,137 arrivals fit in 1,200


def test_empty_band_means_no_queue():
    r = review.compute(review_threshold=0.95, auto_block_threshold=0.9)
    assert r.queue_arrivals_per_day == 0 and r.reviews_per_day == 0
    assert "no review band" in review.reading_detail(r)


def test_reading():
    text = review.reading_detail(review.compute())
    assert text.startswith("review 0.50-0.90, 300 reviews/day, rules on: 1,137 cases/day")
    assert "837 overflow" in text and "278 of 500 frauds stopped" in text
    assert "(rules 150, auto-block 77, review 52)" in text
    assert "overflow" not in review.reading_detail(review.compute(0.8))


@pytest.mark.parametrize("bad", [{"review_threshold": 1.2}, {"auto_block_threshold": -0.1},
                                 {"review_capacity": -1}, {"prevalence": 0},
                                 {"payments_per_day": 0}, {"cost_fn": -5}])
def test_rejects_impossible_settings(bad):
    with pytest.raises(ValueError):
        review.compute(**bad)
