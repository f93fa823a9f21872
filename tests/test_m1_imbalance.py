"""The class-imbalance model: ROC-AUC and average precision against scikit-learn."""

import numpy as np
import pytest
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from course.m1 import imbalance
from course.m1.scenarios import ScoreSample, ledgerly_scores

SAMPLE = ledgerly_scores()
PREVALENCES = [0.001, 0.005, 0.02, 0.1, 0.3, 0.5]


# Our sums run over the same sorted scores as scikit-learn's weighted cumulative sums but
# multiply counts by one weight instead of adding 64,000 weights, so the two differ only by
# floating-point rounding (observed below 1e-12); 1e-9 leaves room without hiding mistakes.
@pytest.mark.parametrize("prevalence", PREVALENCES)
def test_summaries_match_sklearn(prevalence):
    y, scores, weight = SAMPLE.labelled(prevalence)
    result = imbalance.compute(prevalence)
    assert result.roc_auc == pytest.approx(roc_auc_score(y, scores, sample_weight=weight),
                                           rel=1e-9)
    assert result.average_precision == pytest.approx(
        average_precision_score(y, scores, sample_weight=weight), rel=1e-9)
    assert result.baseline_ap == prevalence


def test_roc_auc_does_not_depend_on_prevalence():
    aucs = [imbalance.compute(p).roc_auc for p in PREVALENCES]
    assert max(aucs) - min(aucs) < 1e-12


def test_average_precision_falls_with_prevalence():
    aps = [imbalance.compute(p).average_precision for p in PREVALENCES]
    assert np.all(np.diff(aps) > 0)
    # ...but always beats the coin-flip baseline.
    assert all(ap > p for ap, p in zip(aps, PREVALENCES, strict=True))


@pytest.mark.parametrize("prevalence", [0.005, 0.2])
def test_pr_points_match_sklearn_curve(prevalence):
    y, scores, weight = SAMPLE.labelled(prevalence)
    precision, recall, thresholds = precision_recall_curve(y, scores, sample_weight=weight)
    result = imbalance.compute(prevalence)
    where = np.searchsorted(thresholds, result.pr_thresholds)
    assert np.array_equal(thresholds[where], result.pr_thresholds)   # all matched exactly
    np.testing.assert_allclose(result.precision, precision[where], rtol=1e-9)
    np.testing.assert_allclose(result.recall, recall[where], rtol=1e-9)
    assert 100 <= result.precision.size <= 600


def test_roc_points_match_sklearn_curve():
    y, scores, weight = SAMPLE.labelled(0.05)
    fpr, tpr, thresholds = roc_curve(y, scores, sample_weight=weight, drop_intermediate=False)
    result = imbalance.compute(0.05)
    order = thresholds[::-1]                         # ascending, for searchsorted
    where = thresholds.size - 1 - np.searchsorted(order, result.roc_thresholds[1:])
    assert np.array_equal(thresholds[where], result.roc_thresholds[1:])
    np.testing.assert_allclose(result.fpr[1:], fpr[where], rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(result.tpr[1:], tpr[where], rtol=1e-9, atol=1e-15)
    assert (result.fpr[0], result.tpr[0]) == (0.0, 0.0)


def test_precision_at_half_recall():
    prevalence = 0.01
    result = imbalance.compute(prevalence)
    y, scores, weight = SAMPLE.labelled(prevalence)
    flagged = scores >= result.threshold_at_half_recall
    caught = weight[flagged & (y == 1)].sum() / weight[y == 1].sum()
    assert caught >= 0.5
    assert result.precision_at_half_recall == pytest.approx(
        weight[flagged & (y == 1)].sum() / weight[flagged].sum(), rel=1e-9)


def test_a_random_model_scores_the_prevalence():
    rng = np.random.default_rng(0)
    coin = ScoreSample(fraud=rng.random(20_000), legit=rng.random(20_000))
    result = imbalance.compute(0.05, sample=coin)
    assert result.roc_auc == pytest.approx(0.5, abs=0.02)
    assert result.average_precision == pytest.approx(0.05, abs=0.01)


def test_reading_states_the_result_numbers():
    result = imbalance.compute(0.005)
    text = imbalance.reading(result)
    for piece in ("fraud rate 0.5%", f"ROC-AUC {result.roc_auc:.2f}",
                  f"average precision {result.average_precision:.2f}", "0.005", "recall 0.5"):
        assert piece in text
    assert "1 in every" in text or "of every 10" in text


@pytest.mark.parametrize("prevalence", [0, 1, -0.2])
def test_invalid_prevalence_raises(prevalence):
    with pytest.raises(ValueError):
        imbalance.compute(prevalence)
