"""Class imbalance: the same fraud model judged at different fraud rates.

Ledgerly's model scores are fixed; only the base rate (``prevalence``, the share of
transactions that are fraud) changes. Each fraud score is weighted ``prevalence / n_fraud``
and each legitimate score ``(1 - prevalence) / n_legit``, as if the labelled history had been
drawn at that rate.

Two summaries react very differently:

- The ROC curve plots the share of fraud caught (true positive rate) against the share of
  good customers flagged (false positive rate). Both are rates *within* a class, so neither
  the curve nor its area (ROC-AUC) moves when fraud becomes rarer.
- The precision-recall curve plots the share of flags that are fraud (precision) against the
  share of fraud caught (recall). Precision mixes the classes, so it sinks as fraud becomes
  rarer, and so does its summary, average precision (AP). A model that scores at random has
  an AP equal to the prevalence, which is the honest baseline to compare AP with.

The scores are sorted once (and cached for the default sample); each call only reweights
cumulative counts, so it is cheap enough for a slider.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from course.m1.scenarios import ScoreSample, ledgerly_scores
from course.style import pct

#: Approximate number of points per plotted curve (chosen along both axes, then merged).
PLOT_POINTS = 150


@dataclass(frozen=True, eq=False)
class ImbalanceResult:
    """Ranking quality of the fraud model at one fraud rate.

    ``roc_auc`` and ``average_precision`` are computed on all the scores; the curve arrays are
    downsampled for plotting (a few hundred points, thresholds descending, so ``tpr`` and
    ``recall`` increase). ``pr_thresholds[i]`` is the score cut-off of the point
    ``(recall[i], precision[i])``; ``roc_thresholds`` likewise for ``(fpr[i], tpr[i])``.
    """

    prevalence: float
    roc_auc: float
    average_precision: float
    baseline_ap: float
    fpr: np.ndarray
    tpr: np.ndarray
    roc_thresholds: np.ndarray
    recall: np.ndarray
    precision: np.ndarray
    pr_thresholds: np.ndarray
    precision_at_half_recall: float
    threshold_at_half_recall: float


@dataclass(frozen=True)
class _Ranking:
    thresholds: np.ndarray     # distinct scores, descending
    tpr: np.ndarray            # share of fraud scoring >= each threshold
    fpr: np.ndarray            # share of legitimate scoring >= each threshold
    roc_auc: float
    plot_index: np.ndarray     # indices of the points kept for plotting
    half_recall_index: int     # first threshold at which half the fraud is caught


def _rank(sample: ScoreSample) -> _Ranking:
    fraud = np.asarray(sample.fraud, dtype=float)
    legit = np.asarray(sample.legit, dtype=float)
    if fraud.size == 0 or legit.size == 0:
        raise ValueError("the score sample needs at least one fraud and one legitimate score")
    scores = np.r_[fraud, legit]
    is_fraud = np.r_[np.ones(fraud.size), np.zeros(legit.size)]
    order = np.argsort(-scores, kind="mergesort")
    scores, is_fraud = scores[order], is_fraud[order]
    # The last row of each run of equal scores: one point per distinct threshold.
    last = np.r_[np.flatnonzero(np.diff(scores)), scores.size - 1]
    fraud_caught = np.cumsum(is_fraud)[last]
    legit_flagged = (last + 1) - fraud_caught
    tpr = fraud_caught / fraud.size
    fpr = legit_flagged / legit.size
    roc_auc = float(np.trapezoid(np.r_[0.0, tpr], np.r_[0.0, fpr]))
    targets = np.linspace(0, 1, PLOT_POINTS)
    plot_index = np.unique(np.r_[np.searchsorted(tpr, targets), np.searchsorted(fpr, targets)])
    plot_index = plot_index[plot_index < tpr.size]
    ranking = _Ranking(scores[last], tpr, fpr, roc_auc, plot_index,
                       int(np.searchsorted(tpr, 0.5)))
    for array in (ranking.thresholds, ranking.tpr, ranking.fpr, ranking.plot_index):
        array.flags.writeable = False
    return ranking


@lru_cache(maxsize=1)
def _default_ranking() -> _Ranking:
    return _rank(ledgerly_scores())


def compute(prevalence: float, *, sample: ScoreSample | None = None) -> ImbalanceResult:
    """ROC and precision-recall summaries of the fraud model when a share ``prevalence`` is fraud.

    Parameters (units):
        prevalence: share of transactions that are fraud, strictly between 0 and 1.
        sample: labelled scores (0-1) per class; default Ledgerly's history.

    Returns an ``ImbalanceResult``: ``roc_auc`` and ``average_precision`` (0-1, weighted as
    scikit-learn does with ``sample_weight``), ``baseline_ap`` (= prevalence, a random
    model's AP), plotting curves, and the precision at the first threshold that catches at
    least half the fraud.
    """
    if not 0.0 < prevalence < 1.0:
        raise ValueError(f"prevalence must be strictly between 0 and 1, got {prevalence}")
    ranking = _default_ranking() if sample is None else _rank(sample)
    fraud_weight = prevalence * ranking.tpr
    legit_weight = (1 - prevalence) * ranking.fpr
    precision = fraud_weight / (fraud_weight + legit_weight)   # never 0/0: each point flags a row
    # AP = sum over thresholds of (increase in recall) x precision, as scikit-learn defines it.
    average_precision = float(np.sum(np.diff(ranking.tpr, prepend=0.0) * precision))
    keep = ranking.plot_index
    roc_keep = np.r_[0.0, ranking.fpr[keep]], np.r_[0.0, ranking.tpr[keep]]
    return ImbalanceResult(
        prevalence=float(prevalence),
        roc_auc=ranking.roc_auc,
        average_precision=average_precision,
        baseline_ap=float(prevalence),
        fpr=roc_keep[0],
        tpr=roc_keep[1],
        roc_thresholds=np.r_[np.inf, ranking.thresholds[keep]],
        recall=ranking.tpr[keep],
        precision=precision[keep],
        pr_thresholds=ranking.thresholds[keep],
        precision_at_half_recall=float(precision[ranking.half_recall_index]),
        threshold_at_half_recall=float(ranking.thresholds[ranking.half_recall_index]),
    )


def _share_in_words(precision: float) -> str:
    if precision >= 0.95:
        return "nearly all flagged transactions are fraud"
    if precision >= 0.095:
        return f"about {round(10 * precision)} of every 10 flagged transactions are fraud"
    return f"about 1 in every {round(1 / precision):,} flagged transactions is fraud"


def reading_lead(result: ImbalanceResult) -> str:
    """What a reviewer sees at this fraud rate when half the fraud is caught."""
    places = 1 if result.prevalence >= 0.001 else 2
    return (f"When {pct(result.prevalence, places)} of payments are fraud and the model "
            f"catches half of it, {_share_in_words(result.precision_at_half_recall)}: ROC-AUC "
            "does not show this, average precision does")


def reading_detail(result: ImbalanceResult) -> str:
    """One line comparing ROC-AUC, average precision and the coin-flip baseline at this rate."""
    places = 1 if result.prevalence >= 0.001 else 2
    return (f"fraud rate {pct(result.prevalence, places)}: ROC-AUC {result.roc_auc:.2f} "
            f"(unchanged by the base rate), average precision {result.average_precision:.2f} "
            f"against {result.baseline_ap:.2g} for a coin-flip model: at this rate "
            f"{_share_in_words(result.precision_at_half_recall)} at recall 0.5")


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
