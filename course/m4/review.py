"""Humans in the loop: rules, a model and a review queue with a fixed daily capacity.

Ledgerly's fraud operations stop bad payments in three layers, in this order:

1. **Rules** look for obvious patterns, such as one card used in two countries within an
   hour. They are cheap and precise: with ``rules_on`` they block ``RULES_FRAUD_SHARE`` (30%)
   of all fraud and ``RULES_GOOD_SHARE`` (1 in 5,000) of good payments. The patterns they
   look at are not among the model's features, so which frauds the rules catch does not
   depend on the model's score: the rules take the same 30% out of every score band.
2. **The model** scores every payment the rules let through. A score at or above
   ``auto_block_threshold`` blocks the payment automatically. A score below
   ``review_threshold`` lets it through.
3. Scores in between (``review_threshold <= score < auto_block_threshold``) go to a **human
   review queue**. Reviewers clear at most ``review_capacity`` cases a day, in arrival
   order, so the reviewed share ``r = min(1, capacity / arrivals)`` is the same for fraud and
   for good customers. Reviewers decide correctly ``REVIEWER_ACCURACY`` (95%) of the time:
   5% of reviewed fraud is let through and 5% of reviewed good customers are blocked. Each
   review costs ``review_cost``.
   Cases nobody reviews (the **overflow**) wait a day and are then *released unreviewed*:
   holding a payment longer is not an option, so the fraud among them goes through. (Blocking
   the overflow instead would turn every unreviewed good customer into a complaint.)

If ``review_threshold >= auto_block_threshold`` the review band is empty: no queue.

Scores come from a labelled sample of the current model's scores kept per class (the same
``ScoreSample`` as Module 1). This model is Ledgerly's newer one, which has device and
location features: it separates the classes better than Module 1's, but it still scores a
fifth of fraud (new patterns it has not learned) low, and a few per cent of good customers
(travellers, one-off large purchases) high. All counts are expected values per day.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from course.m1.scenarios import ScoreSample
from course.style import count, money

LEDGERLY_REVIEW_SEED = 17
#: Share of all fraud the rules block (the same share at every model score).
RULES_FRAUD_SHARE = 0.30
#: Share of good payments the rules block by mistake (1 in 5,000).
RULES_GOOD_SHARE = 0.0002
#: Share of reviewed cases a reviewer decides correctly (fraud blocked, good let through).
REVIEWER_ACCURACY = 0.95

#: Grid of review thresholds for the curves: 0.01, 0.02, ..., 0.99.
THRESHOLDS = np.round(np.arange(1, 100) / 100, 2)
THRESHOLDS.flags.writeable = False

# Class-conditional score mixtures (Beta shapes, share of the second component).
_FRAUD_MAIN, _FRAUD_NEW, _FRAUD_NEW_SHARE = (6.0, 1.5), (2.0, 4.0), 0.2
_GOOD_MAIN, _GOOD_ODD, _GOOD_ODD_SHARE = (1.2, 9.0), (4.0, 3.0), 0.025


def ledgerly_review_scores(seed: int = LEDGERLY_REVIEW_SEED, n_fraud: int = 20_000,
                           n_legit: int = 200_000) -> ScoreSample:
    """Scores (0-1) of Ledgerly's current fraud model on labelled history, kept per class.

    Fraud: 80% Beta(6, 1.5) (patterns the model knows), 20% Beta(2, 4) (new patterns).
    Good payments: 97.5% Beta(1.2, 9), 2.5% Beta(4, 3) (unusual but legitimate).
    """
    rng = np.random.default_rng(seed)

    def mixture(n, main, other, share):
        pick = rng.random(n) < share
        return np.where(pick, rng.beta(*other, n), rng.beta(*main, n))

    return ScoreSample(fraud=mixture(n_fraud, _FRAUD_MAIN, _FRAUD_NEW, _FRAUD_NEW_SHARE),
                       legit=mixture(n_legit, _GOOD_MAIN, _GOOD_ODD, _GOOD_ODD_SHARE))


@dataclass(frozen=True, eq=False)
class ReviewResult:
    """One day of Ledgerly's fraud operations. Counts are expected per day; money in dollars.

    Every fraud case ends in exactly one place: ``fraud_by_rules + fraud_by_auto_block +
    fraud_by_review + fraud_overflow + fraud_missed_by_reviewers + fraud_below_review ==
    fraud_per_day``. ``arrivals_curve``, ``fraud_caught_curve`` and ``cost_curve`` hold the
    same quantities at every review threshold of ``thresholds`` (the other settings fixed).
    """

    review_threshold: float
    auto_block_threshold: float
    review_capacity: float
    rules_on: bool
    payments_per_day: float
    prevalence: float
    fraud_per_day: float
    fraud_by_rules: float
    fraud_by_auto_block: float
    fraud_by_review: float
    fraud_overflow: float
    fraud_missed_by_reviewers: float
    fraud_below_review: float
    fraud_caught_per_day: float
    fraud_through_per_day: float
    share_of_fraud_caught: float
    good_blocked_by_rules: float
    good_blocked_by_auto_block: float
    good_blocked_by_reviewers: float
    good_blocked_per_day: float
    scored_per_day: float
    queue_arrivals_per_day: float
    reviews_per_day: float
    overflow_per_day: float
    review_cost_per_day: float
    blocked_cost_per_day: float
    missed_cost_per_day: float
    cost_per_day: float
    capacity_enough_from: float
    thresholds: np.ndarray
    arrivals_curve: np.ndarray
    fraud_caught_curve: np.ndarray
    cost_curve: np.ndarray

    @property
    def fraud_outcomes(self) -> dict[str, float]:
        """Where each day's fraud ends up, caught first, then the ways it gets through."""
        return {
            "rules": self.fraud_by_rules,
            "auto-block": self.fraud_by_auto_block,
            "review": self.fraud_by_review,
            "overflow (released)": self.fraud_overflow,
            "missed": self.fraud_missed_by_reviewers + self.fraud_below_review,
        }

    @property
    def good_blocked(self) -> dict[str, float]:
        """Good customers blocked per day, by the layer that blocked them."""
        return {"rules": self.good_blocked_by_rules,
                "auto-block": self.good_blocked_by_auto_block,
                "review": self.good_blocked_by_reviewers}


@dataclass(frozen=True)
class _Sorted:
    fraud: np.ndarray
    legit: np.ndarray


@lru_cache(maxsize=1)
def _default_sample() -> _Sorted:
    sample = ledgerly_review_scores()
    fraud, legit = np.sort(sample.fraud), np.sort(sample.legit)
    fraud.flags.writeable = legit.flags.writeable = False
    return _Sorted(fraud, legit)


def _share_at_or_above(sorted_scores: np.ndarray, threshold) -> np.ndarray:
    below = np.searchsorted(sorted_scores, threshold, side="left")
    return (sorted_scores.size - below) / sorted_scores.size


def _outcomes(review_threshold, auto_block_threshold, review_capacity, rules_on, *,
              payments_per_day, prevalence, cost_fp, cost_fn, review_cost,
              data: _Sorted) -> dict:
    """The three layers applied to one or many review thresholds (arrays broadcast)."""
    review_threshold = np.asarray(review_threshold, dtype=float)
    fraud = payments_per_day * prevalence
    good = payments_per_day * (1 - prevalence)
    by_rules = fraud * RULES_FRAUD_SHARE if rules_on else 0.0
    good_by_rules = good * RULES_GOOD_SHARE if rules_on else 0.0
    fraud_scored, good_scored = fraud - by_rules, good - good_by_rules
    tpr_auto = _share_at_or_above(data.fraud, auto_block_threshold)
    fpr_auto = _share_at_or_above(data.legit, auto_block_threshold)
    # The band is empty when the review threshold is at or above the auto-block threshold.
    band = review_threshold < auto_block_threshold
    tpr_band = np.where(band, _share_at_or_above(data.fraud, review_threshold) - tpr_auto, 0.0)
    fpr_band = np.where(band, _share_at_or_above(data.legit, review_threshold) - fpr_auto, 0.0)
    by_auto, good_by_auto = fraud_scored * tpr_auto, good_scored * fpr_auto
    fraud_queued, good_queued = fraud_scored * tpr_band, good_scored * fpr_band
    arrivals = fraud_queued + good_queued
    reviews = np.minimum(arrivals, review_capacity)
    reviewed_share = np.where(arrivals > 0, reviews / np.where(arrivals > 0, arrivals, 1.0), 1.0)
    by_review = fraud_queued * reviewed_share * REVIEWER_ACCURACY
    reviewer_missed = fraud_queued * reviewed_share * (1 - REVIEWER_ACCURACY)
    good_by_reviewers = good_queued * reviewed_share * (1 - REVIEWER_ACCURACY)
    fraud_overflow = fraud_queued * (1 - reviewed_share)
    below = fraud_scored - by_auto - fraud_queued
    caught = by_rules + by_auto + by_review
    through = fraud_overflow + reviewer_missed + below
    good_blocked = good_by_rules + good_by_auto + good_by_reviewers
    review_dollars = review_cost * reviews
    blocked_dollars = cost_fp * good_blocked
    missed_dollars = cost_fn * through
    return {
        "fraud_per_day": fraud, "fraud_by_rules": by_rules, "fraud_by_auto_block": by_auto,
        "fraud_by_review": by_review, "fraud_overflow": fraud_overflow,
        "fraud_missed_by_reviewers": reviewer_missed, "fraud_below_review": below,
        "fraud_caught_per_day": caught, "fraud_through_per_day": through,
        "share_of_fraud_caught": caught / fraud,
        "good_blocked_by_rules": good_by_rules, "good_blocked_by_auto_block": good_by_auto,
        "good_blocked_by_reviewers": good_by_reviewers, "good_blocked_per_day": good_blocked,
        "scored_per_day": fraud_scored + good_scored,
        "queue_arrivals_per_day": arrivals, "reviews_per_day": reviews,
        "overflow_per_day": arrivals - reviews,
        "review_cost_per_day": review_dollars, "blocked_cost_per_day": blocked_dollars,
        "missed_cost_per_day": missed_dollars,
        "cost_per_day": review_dollars + blocked_dollars + missed_dollars,
    }


def _check(review_threshold, auto_block_threshold, review_capacity, payments_per_day,
           prevalence, cost_fp, cost_fn, review_cost):
    for name, value in (("review_threshold", review_threshold),
                        ("auto_block_threshold", auto_block_threshold)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {value}")
    if not 0.0 < prevalence < 1.0:
        raise ValueError(f"prevalence must be strictly between 0 and 1, got {prevalence}")
    for name, value in (("review_capacity", review_capacity), ("cost_fp", cost_fp),
                        ("cost_fn", cost_fn), ("review_cost", review_cost)):
        if not value >= 0:
            raise ValueError(f"{name} must be zero or more, got {value}")
    if not payments_per_day > 0:
        raise ValueError(f"payments_per_day must be positive, got {payments_per_day}")


def compute(review_threshold: float = 0.5, auto_block_threshold: float = 0.9,
            review_capacity: float = 300, rules_on: bool = True, *,
            payments_per_day: float = 50_000, prevalence: float = 0.01, cost_fp: float = 30.0,
            cost_fn: float = 400.0, review_cost: float = 5.0) -> ReviewResult:
    """One day of rules -> model -> review queue (see the module docstring for the rules).

    Parameters (units):
        review_threshold: model score (0-1) from which a payment goes to human review.
        auto_block_threshold: model score (0-1) from which a payment is blocked outright.
        review_capacity: cases the review team clears per day.
        rules_on: whether the rules layer runs before the model.
        payments_per_day: payments per day; prevalence: share of them that is fraud (0-1).
        cost_fp: dollars per good customer blocked; cost_fn: dollars per fraud let through;
        review_cost: dollars per human review.

    Returns a ``ReviewResult``: counts per day, dollars per day, the curves over
    ``THRESHOLDS`` and ``capacity_enough_from``, the lowest grid review threshold at which
    the queue's arrivals fit the capacity (below it, the queue overflows).
    """
    _check(review_threshold, auto_block_threshold, review_capacity, payments_per_day,
           prevalence, cost_fp, cost_fn, review_cost)
    settings = dict(payments_per_day=payments_per_day, prevalence=prevalence, cost_fp=cost_fp,
                    cost_fn=cost_fn, review_cost=review_cost, data=_default_sample())
    rules_on = bool(rules_on)
    here = _outcomes(review_threshold, auto_block_threshold, review_capacity, rules_on,
                     **settings)
    grid = _outcomes(THRESHOLDS, auto_block_threshold, review_capacity, rules_on, **settings)
    fits = np.flatnonzero(grid["queue_arrivals_per_day"] <= review_capacity + 1e-9)
    curves = {name: np.array(grid[name], dtype=float) for name in
              ("queue_arrivals_per_day", "fraud_caught_per_day", "cost_per_day")}
    for array in curves.values():
        array.flags.writeable = False
    return ReviewResult(
        review_threshold=float(review_threshold),
        auto_block_threshold=float(auto_block_threshold),
        review_capacity=float(review_capacity), rules_on=rules_on,
        payments_per_day=float(payments_per_day), prevalence=float(prevalence),
        **{name: float(value) for name, value in here.items()},
        capacity_enough_from=float(THRESHOLDS[fits[0]]) if fits.size else 1.0,
        thresholds=THRESHOLDS,
        arrivals_curve=curves["queue_arrivals_per_day"],
        fraud_caught_curve=curves["fraud_caught_per_day"],
        cost_curve=curves["cost_per_day"],
    )


def reading_lead(result: ReviewResult) -> str:
    """Fraud stopped, good customers blocked and cases nobody looks at, per day."""
    r = result
    head = (f"{count(r.fraud_caught_per_day)} of {count(r.fraud_per_day)} fraud cases stopped "
            f"a day, {count(r.good_blocked_per_day)} good customers blocked")
    if r.review_threshold < r.auto_block_threshold and r.overflow_per_day >= 0.5:
        head += f", and {count(r.overflow_per_day)} cases a day released without a human look"
    return head


def reading_detail(result: ReviewResult) -> str:
    """One line: the review band, what reaches the queue, where the fraud ends up, the cost."""
    r = result
    rules = "rules on" if r.rules_on else "rules off"
    if r.review_threshold >= r.auto_block_threshold:
        band = f"no review band (auto-block from {r.auto_block_threshold:.2f})"
        queue = "no cases reach the queue"
    else:
        band = f"review {r.review_threshold:.2f}-{r.auto_block_threshold:.2f}"
        queue = f"{count(r.queue_arrivals_per_day)} cases/day reach the queue"
        if r.overflow_per_day >= 0.5:
            queue += f" ({count(r.overflow_per_day)} overflow, released unreviewed)"
    return (f"{band}, {count(r.review_capacity)} reviews/day, {rules}: {queue}; "
            f"{count(r.fraud_caught_per_day)} of {count(r.fraud_per_day)} frauds stopped "
            f"(rules {count(r.fraud_by_rules)}, auto-block {count(r.fraud_by_auto_block)}, "
            f"review {count(r.fraud_by_review)}), {count(r.good_blocked_per_day)} good "
            f"customers blocked, {money(r.cost_per_day)} a day")


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
