"""The threshold-and-cost model: metrics against scikit-learn, costs against a re-derivation."""

import math

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score

from course.m1 import threshold
from course.m1.scenarios import ScoreSample, ledgerly_scores
from course.style import count, money

SAMPLE = ledgerly_scores()
THRESHOLDS = [0.2, 0.45, 0.62, 0.8]
PREVALENCES = [0.002, 0.01, 0.1, 0.3]


@pytest.mark.parametrize("prevalence", PREVALENCES)
@pytest.mark.parametrize("t", THRESHOLDS)
def test_precision_recall_f1_match_sklearn(t, prevalence):
    y, scores, weight = SAMPLE.labelled(prevalence)
    flagged = scores >= t
    result = threshold.compute(t, prevalence=prevalence)
    assert result.precision == pytest.approx(
        precision_score(y, flagged, sample_weight=weight), rel=1e-9)
    assert result.recall == pytest.approx(recall_score(y, flagged, sample_weight=weight), rel=1e-9)
    assert result.f1 == pytest.approx(f1_score(y, flagged, sample_weight=weight), rel=1e-9)


def _cost_from_confusion_matrix(t, prevalence, cost_fp, cost_fn, review_capacity, review_cost,
                                n_per_day):
    """The operating model re-derived from weighted confusion-matrix counts per day."""
    y, scores, weight = SAMPLE.labelled(prevalence)
    tn, fp, fn, tp = (n_per_day * confusion_matrix(y, scores >= t, sample_weight=weight,
                                                   labels=[0, 1])).ravel()
    flagged = tp + fp
    reviewed = min(review_capacity, flagged)
    share_reviewed = reviewed / flagged if flagged else 1.0
    good_blocked = fp * (1 - share_reviewed)
    cost = review_cost * reviewed + cost_fp * good_blocked + cost_fn * fn
    return {"flagged": flagged, "reviewed": reviewed, "good_blocked": good_blocked,
            "fraud_missed": fn, "fraud_stopped": tp, "cost": cost}


@pytest.mark.parametrize("review_capacity", [0, 40, 300, 2_000, 1_000_000])
@pytest.mark.parametrize("t,prevalence", [(0.3, 0.01), (0.62, 0.01), (0.5, 0.05), (0.9, 0.2)])
def test_cost_matches_independent_rederivation(t, prevalence, review_capacity):
    settings = dict(prevalence=prevalence, cost_fp=30.0, cost_fn=400.0,
                    review_capacity=review_capacity, review_cost=5.0, n_per_day=50_000)
    expected = _cost_from_confusion_matrix(t, **settings)
    result = threshold.compute(t, **settings)
    assert result.flagged_per_day == pytest.approx(expected["flagged"], rel=1e-9)
    assert result.reviewed_per_day == pytest.approx(expected["reviewed"], rel=1e-9, abs=1e-9)
    assert result.good_blocked_per_day == pytest.approx(expected["good_blocked"], rel=1e-9,
                                                        abs=1e-9)
    assert result.fraud_missed_per_day == pytest.approx(expected["fraud_missed"], rel=1e-9)
    assert result.fraud_stopped_per_day == pytest.approx(expected["fraud_stopped"], rel=1e-9)
    assert result.cost_per_day == pytest.approx(expected["cost"], rel=1e-9)
    assert sum(result.cost_breakdown.values()) == pytest.approx(result.cost_per_day, rel=1e-12)


def test_capacity_extremes():
    flagged = threshold.compute(0.4).flagged_per_day
    plenty = threshold.compute(0.4, review_capacity=10 * flagged)
    assert plenty.good_blocked_per_day == 0
    assert plenty.reviewed_per_day == pytest.approx(flagged)
    nobody = threshold.compute(0.4, review_capacity=0)
    assert nobody.reviewed_per_day == 0
    # With no reviewers every flagged good customer is blocked.
    assert nobody.good_blocked_per_day == pytest.approx(
        nobody.flagged_per_day - nobody.fraud_stopped_per_day)


def test_curves_have_the_expected_shape():
    result = threshold.compute(0.5)
    assert np.array_equal(result.thresholds, threshold.THRESHOLDS)
    assert np.all(np.diff(result.recall_curve) <= 0)
    steps = np.diff(result.precision_curve)
    steps = steps[~np.isnan(steps)]
    assert np.mean(steps >= 0) > 0.9          # precision mostly rises with the threshold
    assert result.precision_curve[89] > result.precision_curve[9]


@pytest.mark.parametrize("t", [0.05, 0.37, 0.71, 0.99])
def test_curves_agree_with_single_thresholds(t):
    result = threshold.compute(0.5, prevalence=0.02, review_capacity=500)
    single = threshold.compute(t, prevalence=0.02, review_capacity=500)
    i = int(np.flatnonzero(np.isclose(threshold.THRESHOLDS, t))[0])
    assert result.cost_per_day_curve[i] == pytest.approx(single.cost_per_day, rel=1e-12)
    assert result.recall_curve[i] == pytest.approx(single.recall, rel=1e-12)
    np.testing.assert_allclose(result.precision_curve[i], single.precision, rtol=1e-12)


def test_cheapest_threshold_is_the_grid_minimum():
    result = threshold.compute(0.5, review_capacity=800)
    costs = [threshold.compute(t, review_capacity=800).cost_per_day for t in threshold.THRESHOLDS]
    assert result.cheapest_threshold == threshold.THRESHOLDS[int(np.argmin(costs))]
    assert result.cheapest_cost_per_day == pytest.approx(min(costs), rel=1e-12)


def test_costlier_missed_fraud_moves_the_cheapest_threshold_down():
    cheapest = [threshold.compute(0.5, cost_fn=c).cheapest_threshold
                for c in (100, 400, 1_000, 2_000)]
    assert np.all(np.diff(cheapest) <= 0)
    assert cheapest[-1] < cheapest[0]


def test_reading_states_the_result_numbers():
    result = threshold.compute(0.62)
    text = threshold.reading(result)
    for piece in ("threshold 0.62", f"precision {result.precision:.2f}",
                  f"recall {result.recall:.2f}", count(result.good_blocked_per_day),
                  count(result.fraud_missed_per_day), money(result.cost_per_day),
                  f"{result.cheapest_threshold:.2f}"):
        assert piece in text


def test_nothing_flagged():
    result = threshold.compute(1.0)
    assert result.flagged_per_day == 0
    assert math.isnan(result.precision)
    assert result.recall == 0 and result.f1 == 0
    assert "no transactions flagged" in threshold.reading(result)


def test_custom_sample_is_used():
    sample = ScoreSample(fraud=np.array([0.9, 0.8, 0.3]), legit=np.array([0.1, 0.5, 0.85, 0.2]))
    result = threshold.compute(0.6, prevalence=0.5, n_per_day=1_000)
    custom = threshold.compute(0.6, prevalence=0.5, n_per_day=1_000, sample=sample)
    assert custom.recall == pytest.approx(2 / 3)
    assert custom.precision == pytest.approx((0.5 * 2 / 3) / (0.5 * 2 / 3 + 0.5 * 1 / 4))
    assert custom.recall != result.recall


@pytest.mark.parametrize("bad", [dict(threshold=-0.1), dict(threshold=1.5),
                                 dict(threshold=0.5, prevalence=0), dict(threshold=0.5, cost_fp=-1),
                                 dict(threshold=0.5, review_capacity=-5),
                                 dict(threshold=0.5, n_per_day=0)])
def test_invalid_settings_raise(bad):
    with pytest.raises(ValueError):
        threshold.compute(**bad)


def test_curves_are_read_only():
    result = threshold.compute(0.5)
    with pytest.raises(ValueError):
        result.cost_per_day_curve[0] = 0


@pytest.mark.parametrize("t, review_capacity", [(0.59, 300), (0.52, 3_000), (0.3, 1_000)])
def test_summary_counts_match_a_confusion_matrix(t, review_capacity):
    """The plain-words summary agrees with weighted confusion-matrix counts per day."""
    y, scores, weight = SAMPLE.labelled(0.01)
    tn, fp, fn, tp = (50_000 * confusion_matrix(y, scores >= t, sample_weight=weight,
                                                labels=[0, 1])).ravel()
    reviewed = min(review_capacity, tp + fp)
    row = threshold.summary(threshold.compute(t, review_capacity=review_capacity))
    assert row["threshold"] == t
    assert row["payments flagged"] == round(tp + fp)
    assert row["good payments flagged (false positives)"] == round(fp)
    assert row["fraud let through (false negatives)"] == round(fn)
    assert row["flags reviewed"] == round(reviewed)
    assert row["good customers blocked (unreviewed flags)"] == round(fp * (1 - reviewed / (tp + fp)))
    assert row["cheapest threshold for these settings"] == threshold.compute(
        0.5, review_capacity=review_capacity).cheapest_threshold
