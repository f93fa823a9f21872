"""Architecture against a budget: which options fit, why the others do not, and what latency feels like.

Ledgerly's checkout team wants a merchant-risk score (see ``course.m1.architectures`` for the
four options and their planning figures). This module holds each option to a budget of four
lines (p99 latency in ms, labelled rows available, whether a decline must be explainable, the
recall needed) using ``architectures.feasible`` for the verdict, and adds what a product
manager asks next:

- the reasons an option fails, one per budget line it breaks;
- its serving cost per day: ``cost_per_1k * calls_per_day / 1000`` dollars;
- how many of the day's calls would be slower than the latency budget. The table gives only
  a p99, so a distribution has to be assumed: latency is taken to be **log-normal with
  sigma = LATENCY_SIGMA (0.5) on the log scale, with its 99th percentile at the table's
  p99**. Then the median is ``p99_ms / exp(sigma * z_0.99)`` (about p99 / 3.2) and the share
  of calls over a budget ``B`` is ``scipy.stats.lognorm.sf(B, s=sigma, scale=median)``.

Two options with nearly equal recall (the sequence model and the fine tuned LLM) then give
very different checkouts: one is over an 80 ms budget for a fraction of a percent of calls,
the other for almost all of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy.stats import lognorm, norm

from course.m1.architectures import BUDGET, OPTIONS, feasible
from course.style import count, money

#: Assumed spread of each option's latency on the log scale (log-normal sigma).
LATENCY_SIGMA = 0.5
#: z-score of the 99th percentile of a standard normal distribution (about 2.326).
Z_99 = float(norm.ppf(0.99))


def share_over(budget_ms: float, p99_ms, sigma: float = LATENCY_SIGMA) -> np.ndarray:
    """Share of calls slower than ``budget_ms`` if latency is log-normal with this p99 (ms).

    ``p99_ms`` may be an array; a p99 of 0 ms means no call is ever slow.
    """
    p99 = np.asarray(p99_ms, dtype=float)
    median = p99 / math.exp(sigma * Z_99)
    safe = np.where(median > 0, median, 1.0)
    return np.where(median > 0, lognorm.sf(budget_ms, s=sigma, scale=safe), 0.0)


@dataclass(frozen=True, eq=False)
class BudgetResult:
    """Every option held to one budget. Arrays are aligned with ``options``.

    ``p99_ms`` (ms), ``labelled_rows_needed``, ``expected_recall`` (0-1), ``explainable``
    and ``cost_per_1k`` ($) come from the options table. ``cost_per_day`` is in dollars at
    ``calls_per_day``; ``share_over_budget`` (0-1) and ``calls_over_budget`` (calls a day)
    assume log-normal latency with sigma ``latency_sigma``. ``fits`` marks the options that
    meet every line; ``feasible`` names them; ``reasons`` maps each option to the budget
    lines it breaks (empty for the ones that fit), in words, and ``failed_lines`` names
    those lines: ``"latency"``, ``"data"``, ``"explanation"``, ``"recall"``. ``cheapest_fit`` is the feasible option
    cheapest to serve, or None.
    """

    p99_budget_ms: float
    labelled_rows: float
    needs_explanation: bool
    recall_target: float
    calls_per_day: int
    latency_sigma: float
    options: tuple[str, ...]
    p99_ms: np.ndarray
    labelled_rows_needed: np.ndarray
    expected_recall: np.ndarray
    explainable: np.ndarray
    cost_per_1k: np.ndarray
    cost_per_day: np.ndarray
    share_over_budget: np.ndarray
    calls_over_budget: np.ndarray
    fits: np.ndarray
    feasible: tuple[str, ...]
    reasons: MappingProxyType
    failed_lines: MappingProxyType
    cheapest_fit: str | None


def _reasons(row, *, p99_budget_ms, labelled_rows, needs_explanation,
             recall_target) -> tuple[tuple[str, str], ...]:
    """``(line, reason)`` for each budget line ``row`` breaks (the same tests as ``feasible``)."""
    reasons = []
    if row.p99_ms > p99_budget_ms:
        reasons.append(("latency", f"p99 {row.p99_ms:,.0f} ms > {p99_budget_ms:,.0f} ms budget"))
    if row.labelled_rows_needed > labelled_rows:
        reasons.append(("data", f"needs {count(row.labelled_rows_needed)} labelled rows > "
                                f"{count(labelled_rows)} available"))
    if needs_explanation and not row.explainable:
        reasons.append(("explanation", "cannot explain a decline"))
    if row.expected_recall < recall_target:
        reasons.append(("recall", f"expected recall {row.expected_recall:.2f} < "
                                  f"{recall_target:.2f} target"))
    return tuple(reasons)


def compute(p99_budget_ms: float = BUDGET["p99_ms"],
            labelled_rows: float = BUDGET["labelled_rows"],
            needs_explanation: bool = BUDGET["needs_explanation"],
            recall_target: float = BUDGET["recall_target"], *,
            calls_per_day: int = 50_000, latency_sigma: float = LATENCY_SIGMA) -> BudgetResult:
    """Hold every architecture option to a budget.

    Parameters (units):
        p99_budget_ms: the slowest the score may be for 99% of calls, in milliseconds.
        labelled_rows: labelled examples the team has (rows).
        needs_explanation: whether a decline must be explained to the merchant.
        recall_target: the share of risky merchants the score must catch, 0-1.
        calls_per_day: scoring calls a day, for cost and slow-call counts.
        latency_sigma: log-scale spread of the assumed log-normal latency (default 0.5).

    Returns a ``BudgetResult``. Feasibility is ``architectures.feasible`` itself.
    """
    if not p99_budget_ms > 0:
        raise ValueError(f"p99_budget_ms must be positive, got {p99_budget_ms}")
    if not labelled_rows >= 0:
        raise ValueError(f"labelled_rows must be zero or more, got {labelled_rows}")
    if not 0.0 <= recall_target <= 1.0:
        raise ValueError(f"recall_target must be between 0 and 1, got {recall_target}")
    if not calls_per_day >= 0:
        raise ValueError(f"calls_per_day must be zero or more, got {calls_per_day}")
    if not latency_sigma > 0:
        raise ValueError(f"latency_sigma must be positive, got {latency_sigma}")
    budget = dict(p99_budget_ms=float(p99_budget_ms), labelled_rows=float(labelled_rows),
                  needs_explanation=bool(needs_explanation),
                  recall_target=float(recall_target))
    fitting = feasible(OPTIONS, p99_ms=budget["p99_budget_ms"],
                       labelled_rows=budget["labelled_rows"],
                       needs_explanation=budget["needs_explanation"],
                       recall_target=budget["recall_target"])
    options = tuple(OPTIONS.index)
    fits = np.array([name in fitting.index for name in options])
    cost_per_1k = OPTIONS["cost_per_1k"].to_numpy(dtype=float)
    cost_per_day = cost_per_1k * calls_per_day / 1000
    p99 = OPTIONS["p99_ms"].to_numpy(dtype=float)
    share = share_over(budget["p99_budget_ms"], p99, latency_sigma)
    broken = {name: _reasons(row, **budget) for name, row in OPTIONS.iterrows()}
    cheapest = None
    if fits.any():
        cheapest = options[int(np.argmin(np.where(fits, cost_per_day, np.inf)))]
    arrays = dict(
        p99_ms=p99,
        labelled_rows_needed=OPTIONS["labelled_rows_needed"].to_numpy(dtype=float),
        expected_recall=OPTIONS["expected_recall"].to_numpy(dtype=float),
        explainable=OPTIONS["explainable"].to_numpy(dtype=bool),
        cost_per_1k=cost_per_1k,
        cost_per_day=cost_per_day,
        share_over_budget=share,
        calls_over_budget=share * calls_per_day,
        fits=fits,
    )
    for array in arrays.values():
        array.flags.writeable = False
    return BudgetResult(
        **budget,
        calls_per_day=int(calls_per_day),
        latency_sigma=float(latency_sigma),
        options=options,
        **arrays,
        feasible=tuple(fitting.index),
        reasons=MappingProxyType({n: tuple(r for _, r in b) for n, b in broken.items()}),
        failed_lines=MappingProxyType({n: tuple(line for line, _ in b)
                                       for n, b in broken.items()}),
        cheapest_fit=cheapest,
    )


def _about(n: float) -> str:
    """A daily count rounded for a reading: 49,700 (nearest 100 from 1,000 up)."""
    return count(round(n, -2) if n >= 1_000 else round(n, -1) if n >= 100 else n)


def _other_reasons(result: BudgetResult, name: str) -> list[str]:
    return [r for r, line in zip(result.reasons[name], result.failed_lines[name], strict=True)
            if line != "latency"]


def _share_words(share: float) -> str:
    if share >= 0.995:
        return "nearly all"
    if share >= 0.005:
        return f"about {share:.0%} of"
    return "under 1% of"


def reading(result: BudgetResult) -> str:
    """One line: what fits and at what daily cost, and how often the slow options break the budget."""
    if result.feasible:
        head = "fits: " + ", ".join(
            f"{name} ({money(result.cost_per_day[result.options.index(name)])} a day)"
            for name in result.feasible)
    else:
        # Latency is spelled out below, so here each option gets its other reasons.
        head = "nothing fits: " + "; ".join(
            f"{name} ({', '.join(_other_reasons(result, name)) or 'too slow'})"
            for name in result.options)
    budget = f"{result.p99_budget_ms:,.0f} ms"
    slow = [
        f"{name} would be slower than {budget} for {_share_words(share)} calls "
        f"({_about(calls)} a day)"
        for name, p99, share, calls in zip(result.options, result.p99_ms,
                                           result.share_over_budget, result.calls_over_budget,
                                           strict=True)
        if p99 > result.p99_budget_ms
    ]
    tail = ("; " + "; ".join(slow)) if slow else ""
    return (f"{head}{tail} (latency assumed log-normal, sigma {result.latency_sigma:g}: the "
            f"slowest 1 in 100 calls take {tail_ratio(result.latency_sigma):.1f} times the "
            "typical one; p99 as in the table)")


def tail_ratio(latency_sigma: float) -> float:
    """p99 over median of a log-normal latency with log-scale spread ``latency_sigma``:
    ``exp(z_0.99 * sigma)``."""
    return math.exp(float(norm.ppf(0.99)) * latency_sigma)
