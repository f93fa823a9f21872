"""Threshold and cost: what a fraud threshold means in blocked customers, missed fraud and dollars.

Ledgerly's fraud model gives every card transaction a score between 0 and 1. This module
turns one choice of threshold into the day-to-day consequences a product manager answers for.

The operating model, stated once so that the explorer, the tests and the lesson agree:

1. A transaction whose score is at or above ``threshold`` is *flagged*.
2. Flagged transactions wait in one human review queue. Reviewers clear at most
   ``review_capacity`` a day and take the queue in arrival order, so they cannot pick the
   fraud out first: the same share ``r = min(1, review_capacity / flagged)`` of flagged fraud
   and of flagged good customers gets a human look. Every review costs ``review_cost``.
3. A reviewed transaction is settled correctly: fraud is stopped, a good customer is let
   through (their only cost is the review itself).
4. A flagged transaction nobody had time to review is blocked automatically. That stops the
   fraud among them, but each good customer blocked this way costs ``cost_fp`` (lost sale,
   support call, a customer who may leave).
5. Fraud that is not flagged goes through, and each case costs ``cost_fn`` (the chargeback
   and fees).

Rates come from a labelled sample of past scores kept per class: the true positive rate at a
threshold is the share of fraud scores at or above it, the false positive rate the share of
legitimate scores at or above it. A day of traffic is ``n_per_day`` transactions of which a
share ``prevalence`` is fraud, so, for example, fraud flagged per day is
``n_per_day * prevalence * TPR``. All counts are expected values per day, not simulations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from course.m1.scenarios import ScoreSample, ledgerly_scores
from course.style import count, money

#: Grid of thresholds the curves and ``cheapest_threshold`` use: 0.01, 0.02, ..., 0.99.
THRESHOLDS = np.round(np.arange(1, 100) / 100, 2)
THRESHOLDS.flags.writeable = False


@dataclass(frozen=True, eq=False)
class ThresholdResult:
    """The consequences of one threshold. Counts are expected per day; money is in dollars.

    ``precision`` is nan when nothing is flagged. The ``*_curve`` arrays hold the same
    quantity at every threshold of ``thresholds`` (the grid ``THRESHOLDS``).
    """

    threshold: float
    prevalence: float
    precision: float
    recall: float
    f1: float
    fraud_per_day: float
    flagged_per_day: float
    reviewed_per_day: float
    good_blocked_per_day: float
    fraud_missed_per_day: float
    fraud_stopped_per_day: float
    cost_per_day: float
    review_cost_per_day: float
    blocked_cost_per_day: float
    missed_cost_per_day: float
    cheapest_threshold: float
    cheapest_cost_per_day: float
    queue_full_below: float
    thresholds: np.ndarray
    precision_curve: np.ndarray
    recall_curve: np.ndarray
    f1_curve: np.ndarray
    cost_per_day_curve: np.ndarray

    @property
    def cost_breakdown(self) -> dict[str, float]:
        """Dollars per day by cause: ``reviews``, ``good customers blocked``, ``fraud missed``."""
        return {
            "reviews": self.review_cost_per_day,
            "good customers blocked": self.blocked_cost_per_day,
            "fraud missed": self.missed_cost_per_day,
        }


@dataclass(frozen=True)
class _SortedSample:
    fraud: np.ndarray          # fraud scores, ascending
    legit: np.ndarray          # legitimate scores, ascending
    tpr_grid: np.ndarray       # share of fraud scores >= each grid threshold
    fpr_grid: np.ndarray       # share of legitimate scores >= each grid threshold


def _share_at_or_above(sorted_scores: np.ndarray, threshold) -> np.ndarray:
    below = np.searchsorted(sorted_scores, threshold, side="left")
    return (sorted_scores.size - below) / sorted_scores.size


def _prepare(sample: ScoreSample) -> _SortedSample:
    fraud = np.sort(np.asarray(sample.fraud, dtype=float))
    legit = np.sort(np.asarray(sample.legit, dtype=float))
    if fraud.size == 0 or legit.size == 0:
        raise ValueError("the score sample needs at least one fraud and one legitimate score")
    prepared = _SortedSample(fraud, legit, _share_at_or_above(fraud, THRESHOLDS),
                             _share_at_or_above(legit, THRESHOLDS))
    for array in (prepared.fraud, prepared.legit, prepared.tpr_grid, prepared.fpr_grid):
        array.flags.writeable = False
    return prepared


@lru_cache(maxsize=1)
def _default_sample() -> _SortedSample:
    return _prepare(ledgerly_scores())


def _outcomes(tpr, fpr, *, prevalence, cost_fp, cost_fn, review_capacity, review_cost,
              n_per_day) -> dict:
    """Apply the operating model to true/false positive rates (scalars or arrays)."""
    tpr = np.asarray(tpr, dtype=float)
    fpr = np.asarray(fpr, dtype=float)
    fraud = n_per_day * prevalence
    good = n_per_day * (1 - prevalence)
    fraud_flagged = fraud * tpr
    good_flagged = good * fpr
    flagged = fraud_flagged + good_flagged
    reviewed = np.minimum(flagged, review_capacity)
    anything = flagged > 0
    safe_flagged = np.where(anything, flagged, 1.0)
    share_unreviewed = np.where(anything, 1 - reviewed / safe_flagged, 0.0)
    good_blocked = good_flagged * share_unreviewed
    fraud_missed = fraud - fraud_flagged
    review_dollars = review_cost * reviewed
    blocked_dollars = cost_fp * good_blocked
    missed_dollars = cost_fn * fraud_missed
    # F1 = 2 TP / (2 TP + FP + FN); the scale of the counts cancels, so per-day counts serve.
    return {
        "precision": np.where(anything, fraud_flagged / safe_flagged, np.nan),
        "recall": tpr,
        "f1": 2 * fraud_flagged / (2 * fraud_flagged + good_flagged + fraud_missed),
        "fraud_per_day": fraud,
        "flagged_per_day": flagged,
        "reviewed_per_day": reviewed,
        "good_blocked_per_day": good_blocked,
        "fraud_missed_per_day": fraud_missed,
        "fraud_stopped_per_day": fraud_flagged,
        "review_cost_per_day": review_dollars,
        "blocked_cost_per_day": blocked_dollars,
        "missed_cost_per_day": missed_dollars,
        "cost_per_day": review_dollars + blocked_dollars + missed_dollars,
    }


def _check(threshold, prevalence, cost_fp, cost_fn, review_capacity, review_cost, n_per_day):
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    if not 0.0 < prevalence < 1.0:
        raise ValueError(f"prevalence must be strictly between 0 and 1, got {prevalence}")
    for name, value in (("cost_fp", cost_fp), ("cost_fn", cost_fn),
                        ("review_capacity", review_capacity), ("review_cost", review_cost)):
        if not value >= 0:
            raise ValueError(f"{name} must be zero or more, got {value}")
    if not n_per_day > 0:
        raise ValueError(f"n_per_day must be positive, got {n_per_day}")


def compute(threshold: float, *, prevalence: float = 0.01, cost_fp: float = 30.0,
            cost_fn: float = 400.0, review_capacity: float = 300, review_cost: float = 5.0,
            n_per_day: int = 50_000, sample: ScoreSample | None = None) -> ThresholdResult:
    """Daily consequences of flagging transactions whose fraud score is >= ``threshold``.

    Parameters (units):
        threshold: score cut-off, 0-1; a score equal to it is flagged.
        prevalence: share of transactions that are fraud, 0-1 (0.01 = 1%).
        cost_fp: dollars lost per good customer blocked without review.
        cost_fn: dollars lost per fraud case that goes through.
        review_capacity: transactions the review team can clear per day.
        review_cost: dollars per human review.
        n_per_day: transactions per day.
        sample: labelled scores to take the rates from; default Ledgerly's history.

    Returns a ``ThresholdResult`` (counts per day, dollars per day), including the curves
    over ``THRESHOLDS``, the grid threshold with the lowest expected cost
    (``cheapest_threshold``) and ``queue_full_below``, the lowest grid threshold at which
    the review team keeps up with the flags (below it, flagged transactions go unreviewed).
    """
    _check(threshold, prevalence, cost_fp, cost_fn, review_capacity, review_cost, n_per_day)
    data = _default_sample() if sample is None else _prepare(sample)
    settings = dict(prevalence=prevalence, cost_fp=cost_fp, cost_fn=cost_fn,
                    review_capacity=review_capacity, review_cost=review_cost,
                    n_per_day=n_per_day)
    here = _outcomes(_share_at_or_above(data.fraud, threshold),
                     _share_at_or_above(data.legit, threshold), **settings)
    grid = _outcomes(data.tpr_grid, data.fpr_grid, **settings)
    cheapest = int(np.argmin(grid["cost_per_day"]))
    keeps_up = np.flatnonzero(grid["flagged_per_day"] <= review_capacity)
    queue_full_below = float(THRESHOLDS[keeps_up[0]]) if keeps_up.size else 1.0
    curves = {name: grid[name] for name in ("precision", "recall", "f1", "cost_per_day")}
    for array in curves.values():
        array.flags.writeable = False
    return ThresholdResult(
        threshold=float(threshold),
        prevalence=float(prevalence),
        **{name: float(value) for name, value in here.items()},
        cheapest_threshold=float(THRESHOLDS[cheapest]),
        cheapest_cost_per_day=float(grid["cost_per_day"][cheapest]),
        queue_full_below=queue_full_below,
        thresholds=THRESHOLDS,
        precision_curve=curves["precision"],
        recall_curve=curves["recall"],
        f1_curve=curves["f1"],
        cost_per_day_curve=curves["cost_per_day"],
    )


def summary(result: ThresholdResult) -> pd.Series:
    """One day at ``result.threshold``, in plain words: counts per day, dollars per day.

    Counts are rounded to whole payments. "Good payments flagged" are the false positives
    (reviewed or blocked), "fraud let through" the false negatives.
    """
    rows = {
        "threshold": round(result.threshold, 2),
        "cheapest threshold for these settings": result.cheapest_threshold,
        "payments flagged": round(result.flagged_per_day),
        "good payments flagged (false positives)": round(result.flagged_per_day
                                                         - result.fraud_stopped_per_day),
        "flags reviewed": round(result.reviewed_per_day),
        "good customers blocked (unreviewed flags)": round(result.good_blocked_per_day),
        "fraud let through (false negatives)": round(result.fraud_missed_per_day),
        "cost per day (dollars)": round(result.cost_per_day),
    }
    return pd.Series(rows, dtype=object, name=f"threshold {result.threshold:.2f}")


def reading_lead(result: ThresholdResult) -> str:
    """The threshold's daily consequence for Ledgerly's customers and its money, in words."""
    if math.isnan(result.precision):
        return (f"Nothing is flagged: all {count(result.fraud_missed_per_day)} fraud cases a "
                f"day go through, an expected {money(result.cost_per_day)} a day")
    extra = result.cost_per_day - result.cheapest_cost_per_day
    saving = (f"; the cheapest threshold would save {money(extra)} a day" if extra >= 0.5
              else "; no threshold is cheaper")
    return (f"Each day {count(result.good_blocked_per_day)} good customers are blocked and "
            f"{count(result.fraud_missed_per_day)} fraud cases get through, an expected "
            f"{money(result.cost_per_day)} a day{saving}")


def reading_detail(result: ThresholdResult) -> str:
    """One line, in product units, saying what the chosen threshold does per day."""
    head = f"threshold {result.threshold:.2f}: "
    tail = (f"expected cost {money(result.cost_per_day)} a day "
            f"(cheapest threshold here: {result.cheapest_threshold:.2f})")
    if math.isnan(result.precision):
        return (head + "no transactions flagged, so all "
                f"{count(result.fraud_missed_per_day)} fraud cases a day go through, " + tail)
    return (head + f"precision {result.precision:.2f}, recall {result.recall:.2f}, "
            f"{count(result.good_blocked_per_day)} good customers blocked a day, "
            f"{count(result.fraud_missed_per_day)} fraud cases missed, " + tail)


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
