"""Cascade routing: a small fine-tuned model answers first and escalates to a large model when
it is unsure. One confidence threshold sets cost, latency and quality together.

Quillio's chatbot could send every message to the frontier-scale model, or route: the
fine-tuned small model reads every message and answers it, unless its confidence is below
``threshold``, in which case the message *escalates* to the large model, whose answer is the
one sent. The models' latency recipe and prices are ``course.m3.latency``'s ``"small"`` and
``"large"`` (unquantized, batch size 1, no cache, no safety filter).

The simulation, for ``N_MESSAGES`` (40,000) messages, stated once so the explorer, the tests
and the lesson agree:

1. Each message has a difficulty ``d``, uniform on [0, 1].
2. The small model answers it well with probability ``sigmoid(SMALL_EASE - STEEPNESS * d)``,
   the large model with ``sigmoid(LARGE_EASE - STEEPNESS * d)``, which is higher for every
   message. One uniform draw ``u`` per message decides both: a model answers well when
   ``u`` is below its probability, so whenever the small model answers a message well, the
   large one does too (the large model is strictly more capable).
3. The small model's confidence is ``sigmoid(logit(p_small) + CONFIDENCE_NOISE * z)`` with
   ``z`` standard normal: a noisy but honest signal of how likely it is to be right. A
   message escalates when its confidence is *below* the threshold, so threshold 0 escalates
   nothing and threshold 1 escalates everything.
4. Every message pays the small model's time and price; an escalated one also pays the large
   model's (the calls are sequential): latency is the sum, cost per 1,000 messages is
   ``small cost + share_escalated * large cost``, and ``monthly_cost`` is that times
   ``messages_per_month / 1000``.

``quality`` is the share of messages answered well: the large model's outcome for escalated
messages, the small model's for the others. It is the same measure as ``course.m3.latency``'s
quality score, there in percent: ``100 * quality`` is the percentage of messages answered
well, and the models are set so that answering every message with one of them reproduces its
planning figure (small 76, medium 85, large 92; ``quality_score`` converts).

For comparison, ``single_models`` sends every message to one model (small, medium or large)
on the same simulated messages: the medium model answers well with probability
``sigmoid(MEDIUM_EASE - STEEPNESS * d)`` from the same draw ``u`` (so it lies between the
other two on every message) and takes ``course.m3.latency``'s medium-model time, drawn after
the other models' times (adding it changed none of them). Because escalating more never replaces a good
answer with a bad one, quality, cost and p99 latency all rise (never fall) with the
threshold; the highest threshold within a budget is therefore the best quality that budget
buys (``best_threshold_within``). p99 is ``numpy.percentile(..., 99, method="linear")`` of
the simulated latencies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from course.m3.latency import MESSAGES_PER_MONTH, MODELS, PERCENTILE_METHOD, simulate_model_ms
from course.style import money

#: Simulated messages.
N_MESSAGES = 40_000
#: Threshold grid of the curves and of ``best_threshold_within``: 0.00, 0.01, ..., 1.00.
THRESHOLDS = np.round(np.linspace(0, 1, 101), 2)
THRESHOLDS.flags.writeable = False
#: A realistic monthly budget for the routed chatbot (dollars), the explorer's default.
BUDGET_PER_MONTH = 5_000

SMALL_EASE = 4.8
MEDIUM_EASE = 5.62
LARGE_EASE = 6.5
STEEPNESS = 6.0
CONFIDENCE_NOISE = 0.5
SMALL_COST_PER_1K = MODELS["small"].cost_per_1k
LARGE_COST_PER_1K = MODELS["large"].cost_per_1k


@dataclass(frozen=True, eq=False)
class CascadeResult:
    """The cascade at one threshold, and its curves over ``THRESHOLDS``.

    ``share_escalated`` and ``quality`` are shares (0-1); ``cost_per_1k`` is dollars per
    1,000 messages, ``monthly_cost`` dollars at ``messages_per_month``; ``p50_ms`` and
    ``p99_ms`` are milliseconds. ``within_budget`` compares ``monthly_cost`` with
    ``budget_per_month``; ``best_threshold`` is the highest grid threshold within that budget
    (nan if even the small model alone is over it) and ``best_quality`` its quality.
    ``small_only_*`` and ``large_only_*`` describe sending every message to one model.
    ``samples_ms`` holds each simulated message's latency and ``escalated`` marks the
    escalated ones (read-only, length ``N_MESSAGES``). The ``*_curve`` arrays hold each
    quantity at every threshold of ``thresholds``.
    """

    threshold: float
    budget_per_month: float
    messages_per_month: int
    seed: int
    share_escalated: float
    cost_per_1k: float
    monthly_cost: float
    p50_ms: float
    p99_ms: float
    quality: float
    within_budget: bool
    best_threshold: float
    best_quality: float
    small_only_cost_per_1k: float
    small_only_p99_ms: float
    small_only_quality: float
    large_only_cost_per_1k: float
    large_only_monthly_cost: float
    large_only_p99_ms: float
    large_only_quality: float
    samples_ms: np.ndarray
    escalated: np.ndarray
    thresholds: np.ndarray
    share_escalated_curve: np.ndarray
    cost_per_1k_curve: np.ndarray
    monthly_cost_curve: np.ndarray
    p99_curve: np.ndarray
    quality_curve: np.ndarray


@dataclass(frozen=True)
class _Messages:
    difficulty: np.ndarray
    confidence: np.ndarray      # the small model's, in [0, 1)
    small_ok: np.ndarray        # the small model answers well
    large_ok: np.ndarray        # the large model answers well
    small_ms: np.ndarray
    large_ms: np.ndarray
    medium_ok: np.ndarray       # the medium model answers well (single_models only)
    medium_ms: np.ndarray


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


@lru_cache(maxsize=4)
def _messages(seed: int) -> _Messages:
    rng = np.random.default_rng(seed)
    difficulty = rng.random(N_MESSAGES)
    u = rng.random(N_MESSAGES)
    small_logit = SMALL_EASE - STEEPNESS * difficulty
    small_ok = u < _sigmoid(small_logit)
    large_ok = u < _sigmoid(LARGE_EASE - STEEPNESS * difficulty)
    confidence = _sigmoid(small_logit + CONFIDENCE_NOISE * rng.standard_normal(N_MESSAGES))
    confidence = np.minimum(confidence, np.nextafter(1.0, 0.0))   # below 1: 1 escalates all
    small_ms = simulate_model_ms("small", N_MESSAGES, rng)
    large_ms = simulate_model_ms("large", N_MESSAGES, rng)
    medium_ok = u < _sigmoid(MEDIUM_EASE - STEEPNESS * difficulty)
    medium_ms = simulate_model_ms("medium", N_MESSAGES, rng)
    messages = _Messages(difficulty, confidence, small_ok, large_ok, small_ms, large_ms,
                         medium_ok, medium_ms)
    for array in vars(messages).values():
        array.flags.writeable = False
    return messages


def _at(threshold: float, seed: int, samples: bool = False) -> tuple:
    """share escalated, cost per 1k ($), p50 (ms), p99 (ms), quality at one threshold; with
    ``samples``, also the latencies (ms) and the escalation mask."""
    m = _messages(seed)
    escalated = m.confidence < threshold
    share = float(np.count_nonzero(escalated)) / N_MESSAGES
    cost_per_1k = SMALL_COST_PER_1K + share * LARGE_COST_PER_1K
    latency = m.small_ms + np.where(escalated, m.large_ms, 0.0)
    p50, p99 = np.percentile(latency, [50, 99], method=PERCENTILE_METHOD)
    quality = float(np.count_nonzero(np.where(escalated, m.large_ok, m.small_ok))) / N_MESSAGES
    if samples:
        latency.flags.writeable = False
        escalated.flags.writeable = False
        return share, cost_per_1k, float(p50), float(p99), quality, latency, escalated
    return share, cost_per_1k, float(p50), float(p99), quality


def _monthly(cost_per_1k, messages_per_month):
    return cost_per_1k * messages_per_month / 1000


@lru_cache(maxsize=4)
def _curves(seed: int) -> dict[str, np.ndarray]:
    rows = np.array([_at(float(t), seed) for t in THRESHOLDS])
    curves = dict(share_escalated=rows[:, 0], cost_per_1k=rows[:, 1], p99=rows[:, 3],
                  quality=rows[:, 4])
    m = _messages(seed)
    curves["large_only"] = np.array([
        LARGE_COST_PER_1K,
        np.percentile(m.large_ms, 99, method=PERCENTILE_METHOD),
        np.count_nonzero(m.large_ok) / N_MESSAGES])
    for array in curves.values():
        array.flags.writeable = False
    return curves


def _check(threshold, budget_per_month, messages_per_month):
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    if not budget_per_month >= 0:
        raise ValueError(f"budget_per_month must be zero or more, got {budget_per_month}")
    if not messages_per_month > 0:
        raise ValueError(f"messages_per_month must be positive, got {messages_per_month}")


def best_threshold_within(budget_per_month: float, *,
                          messages_per_month: int = MESSAGES_PER_MONTH,
                          seed: int = 11) -> float:
    """The highest threshold on ``THRESHOLDS`` whose monthly cost (dollars) is within
    ``budget_per_month``: since quality rises with the threshold, the best quality the
    budget buys. ``nan`` when even the small model alone costs more than the budget."""
    _check(0.0, budget_per_month, messages_per_month)
    monthly = _monthly(_curves(int(seed))["cost_per_1k"], messages_per_month)
    within = np.flatnonzero(monthly <= budget_per_month)
    return float(THRESHOLDS[within[-1]]) if within.size else math.nan


def compute(threshold: float = 0.7, *, budget_per_month: float = BUDGET_PER_MONTH,
            messages_per_month: int = MESSAGES_PER_MONTH, seed: int = 11) -> CascadeResult:
    """Route Quillio's messages through the cascade at this confidence threshold.

    Parameters (units):
        threshold: escalate when the small model's confidence is below this, 0-1.
        budget_per_month: dollars a month the team may spend on model calls.
        messages_per_month: messages a month (default 2,000,000).
        seed: seed of the simulated messages.

    Returns a ``CascadeResult`` with the share escalated, cost per 1,000 messages and per
    month ($), p50 and p99 latency (ms), quality (share answered well), the best threshold
    within the budget, the one-model baselines and the curves over ``THRESHOLDS``.
    """
    _check(threshold, budget_per_month, messages_per_month)
    seed = int(seed)
    share, cost_per_1k, p50, p99, quality, samples, escalated = _at(float(threshold), seed,
                                                                    samples=True)
    curves = _curves(seed)
    monthly_curve = _monthly(curves["cost_per_1k"], messages_per_month)
    monthly_curve.flags.writeable = False
    best = best_threshold_within(budget_per_month, messages_per_month=messages_per_month,
                                 seed=seed)
    best_quality = (math.nan if math.isnan(best)
                    else float(curves["quality"][int(round(best * 100))]))
    large_cost, large_p99, large_quality = (float(v) for v in curves["large_only"])
    monthly = _monthly(cost_per_1k, messages_per_month)
    return CascadeResult(
        threshold=float(threshold), budget_per_month=float(budget_per_month),
        messages_per_month=int(messages_per_month), seed=seed, share_escalated=share,
        cost_per_1k=cost_per_1k, monthly_cost=monthly, p50_ms=p50, p99_ms=p99,
        quality=quality, within_budget=bool(monthly <= budget_per_month),
        best_threshold=best, best_quality=best_quality,
        small_only_cost_per_1k=float(curves["cost_per_1k"][0]),
        small_only_p99_ms=float(curves["p99"][0]),
        small_only_quality=float(curves["quality"][0]),
        large_only_cost_per_1k=large_cost,
        large_only_monthly_cost=_monthly(large_cost, messages_per_month),
        large_only_p99_ms=large_p99, large_only_quality=large_quality,
        samples_ms=samples, escalated=escalated,
        thresholds=THRESHOLDS, share_escalated_curve=curves["share_escalated"],
        cost_per_1k_curve=curves["cost_per_1k"], monthly_cost_curve=monthly_curve,
        p99_curve=curves["p99"], quality_curve=curves["quality"])


def quality_score(quality: float) -> float:
    """A share answered well (0-1, as here) on Notebook 1's quality scale: percent (0-100)."""
    return 100.0 * float(quality)


def single_models(*, messages_per_month: int = MESSAGES_PER_MONTH,
                  seed: int = 11) -> pd.DataFrame:
    """Every message to one model, on the cascade's simulated messages: one row per model
    (``small``, ``medium``, ``large``, the index) with ``cost_per_1k`` and ``monthly_cost``
    (dollars), ``p99_ms`` (ms) and ``quality`` (share answered well, 0-1). Unquantized,
    batch size 1, no cache, no safety filter, like the cascade itself."""
    _check(0.0, 0.0, messages_per_month)
    m = _messages(int(seed))
    rows = {}
    for size, ok, ms in (("small", m.small_ok, m.small_ms), ("medium", m.medium_ok, m.medium_ms),
                         ("large", m.large_ok, m.large_ms)):
        cost = MODELS[size].cost_per_1k
        rows[size] = {"cost_per_1k": cost, "monthly_cost": _monthly(cost, messages_per_month),
                      "p99_ms": float(np.percentile(ms, 99, method=PERCENTILE_METHOD)),
                      "quality": float(np.count_nonzero(ok)) / N_MESSAGES}
    return pd.DataFrame.from_dict(rows, orient="index")


def reading_lead(result: CascadeResult) -> str:
    """The month's spend against the budget and how many customers are answered well."""
    verdict = "within" if result.within_budget else "over"
    return (f"{money(result.monthly_cost)} a month, {verdict} the "
            f"{money(result.budget_per_month)} budget, and {100 * result.quality:.1f}% of "
            "customers answered well")


def reading_detail(result: CascadeResult) -> str:
    """One line: escalations, monthly cost against the budget, p99 and quality."""
    budget = money(result.budget_per_month)
    verdict = "within" if result.within_budget else "over"
    if math.isnan(result.best_threshold):
        best = f"even the small model alone is over {budget}"
    else:
        best = (f"best within budget: threshold {result.best_threshold:.2f}, "
                f"{100 * result.best_quality:.1f}% answered well")
    return (f"threshold {result.threshold:.2f}: {100 * result.share_escalated:.0f}% escalated, "
            f"{money(result.monthly_cost)} a month ({verdict} the {budget} budget), "
            f"p99 {result.p99_ms:,.0f} ms, {100 * result.quality:.1f}% answered well; "
            f"{best}")


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
