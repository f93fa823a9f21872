"""Embedding cache staleness: how long to keep a cached embedding when the embedding model is
retrained on a cadence.

Quillio's cache of frequent queries finds a stored answer by comparing the embedding of an
incoming message with the stored embeddings of ``cache_entries`` frequent queries. The
embedding model is retrained every ``retrain_every_days`` days (R). An embedding computed by
an older model lives in that model's vector space, so a cache hit matched against it is
*stale*: the match may pick the wrong answer. Each entry's embedding is recomputed when its
time to live (TTL, ``ttl_days``, T) runs out, and every recompute costs money.

The operating model, in whole days (stated once so the explorer, the tests and the lesson
agree):

1. The embedding model is retrained at the start of days 0, R, 2R, ...
2. The cache recomputes every entry at the start of days 0, T, 2T, ..., *after* that day's
   retrain if there is one. The TTL clock starts at a retrain, so T = R is the same as
   flushing the cache on every retrain.
3. Cache hits are spread evenly over the days (``daily_queries`` a day).
4. A hit on day ``d`` is stale when the cache's last recompute, ``floor(d / T) * T``, came
   before the last retrain, ``floor(d / R) * R``.

Over a whole number of cycles (``lcm(T, R)`` days), with ``g = gcd(T, R)``, the share of hits
served from stale embeddings is

    stale_share = (T - g) / (2 R)          if T <= R
    stale_share = 1 - (R + g) / (2 T)      if T >  R

Why: if T <= R, after each retrain the cache stays stale until its next recompute; those
gaps, ``(-m R) mod T`` for the m-th retrain, are the multiples of g from 0 to T - g, once
each per cycle, so they average (T - g) / 2 per retrain interval of R days. If T > R, in
each TTL interval the cache is fresh until the first retrain after the recompute and stale
from then on; that fresh stretch is ``R - (k T mod R)``, averaging (R + g) / 2 out of T.
Both give 0 when T divides R: no TTL that divides the cadence ever serves a stale hit.

Cost, in a 30-day month (``DAYS_PER_MONTH``)::

    recomputes_per_month = DAYS_PER_MONTH / T
    monthly_recompute_cost = cache_entries * recomputes_per_month * recompute_cost_per_1k / 1000

A recompute is *wasted* when no retrain happened since the previous one (the embeddings come
out the same); the share of wasted recomputes is ``max(0, 1 - T / R)``.

So a TTL longer than the cadence serves stale embeddings, a TTL much shorter than it pays
again and again for embeddings that have not changed, and T = R (flush on retrain) is the
cheapest TTL with no stale hits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course.style import count, money

#: Days in the month used for monthly figures.
DAYS_PER_MONTH = 30
#: TTLs (days) the curves cover, and the longest retraining cadence the explorer offers.
TTL_GRID = np.arange(1, 61)
TTL_GRID.flags.writeable = False
RETRAIN_MAX_DAYS = 30
#: Days shown on the explorer's timeline (eight weeks).
TIMELINE_DAYS = 56


@dataclass(frozen=True, eq=False)
class CacheResult:
    """One TTL against one retraining cadence.

    ``ttl_days`` and ``retrain_every_days`` are whole days. ``stale_share`` (0-1) is the
    share of cache hits served from embeddings computed before the last retrain and
    ``stale_hits_per_month`` their number; ``recomputes_per_month`` full recomputes cost
    ``monthly_recompute_cost`` dollars; ``wasted_recompute_share`` (0-1) of them follow no
    retrain. ``best_ttl_days`` is the cheapest TTL on ``TTL_GRID`` with no stale hits.
    The ``*_curve`` arrays hold the cost and stale share at every TTL of ``ttl_grid``; the
    ``timeline_*`` arrays describe days 0 to ``TIMELINE_DAYS - 1``: whether each day's hits
    are stale, and the days with a retrain and with a recompute.
    """

    ttl_days: int
    retrain_every_days: int
    daily_queries: float
    cache_entries: int
    recompute_cost_per_1k: float
    recomputes_per_month: float
    monthly_recompute_cost: float
    stale_share: float
    stale_hits_per_month: float
    wasted_recompute_share: float
    best_ttl_days: int
    ttl_grid: np.ndarray
    cost_curve: np.ndarray
    stale_curve: np.ndarray
    timeline_stale: np.ndarray
    timeline_retrains: np.ndarray
    timeline_recomputes: np.ndarray


def stale_share(ttl_days, retrain_every_days: int) -> np.ndarray | float:
    """Long-run share of cache hits served from stale embeddings (the docstring's formula).

    ``ttl_days`` may be an array of whole days.
    """
    ttl = np.asarray(ttl_days, dtype=np.int64)
    cadence = np.int64(retrain_every_days)
    g = np.gcd(ttl, cadence)
    share = np.where(ttl <= cadence, (ttl - g) / (2 * cadence), 1 - (cadence + g) / (2 * ttl))
    return float(share) if share.ndim == 0 else share


def monthly_recompute_cost(ttl_days, *, cache_entries: int, recompute_cost_per_1k: float):
    """Dollars a month spent recomputing every entry once per TTL (``ttl_days`` may be an
    array)."""
    recomputes = DAYS_PER_MONTH / np.asarray(ttl_days, dtype=float)
    cost = cache_entries * recomputes * recompute_cost_per_1k / 1000
    return float(cost) if np.ndim(cost) == 0 else cost


def _whole_days(name, value, top=None):
    if int(value) != value or value < 1 or (top is not None and value > top):
        limit = f" up to {top}" if top is not None else ""
        raise ValueError(f"{name} must be a whole number of days from 1{limit}, got {value}")
    return int(value)


def _frozen(array):
    array.flags.writeable = False
    return array


def cache_tradeoff(ttl_days: int = 7, retrain_every_days: int = 7, *,
                   daily_queries: float = 13_000, cache_entries: int = 400_000,
                   recompute_cost_per_1k: float = 0.50) -> CacheResult:
    """Staleness and recompute cost of an embedding cache with this TTL.

    Parameters (units):
        ttl_days: days an embedding is kept before it is recomputed (whole days, >= 1).
        retrain_every_days: days between retrains of the embedding model (whole days).
        daily_queries: messages a day answered from the cache (default about 20% of
            Quillio's 2,000,000 messages a month).
        cache_entries: embeddings the cache holds (one per frequent query).
        recompute_cost_per_1k: dollars to recompute and re-index 1,000 embeddings.

    Returns a ``CacheResult`` (see the module docstring for the formulas).
    """
    ttl = _whole_days("ttl_days", ttl_days)
    cadence = _whole_days("retrain_every_days", retrain_every_days)
    if not daily_queries >= 0:
        raise ValueError(f"daily_queries must be zero or more, got {daily_queries}")
    if not cache_entries >= 0:
        raise ValueError(f"cache_entries must be zero or more, got {cache_entries}")
    if not recompute_cost_per_1k >= 0:
        raise ValueError(f"recompute_cost_per_1k must be zero or more, "
                         f"got {recompute_cost_per_1k}")
    money_args = dict(cache_entries=cache_entries, recompute_cost_per_1k=recompute_cost_per_1k)
    share = stale_share(ttl, cadence)
    stale_curve = _frozen(stale_share(TTL_GRID, cadence))
    cost_curve = _frozen(monthly_recompute_cost(TTL_GRID, **money_args))
    fresh = np.flatnonzero(stale_curve == 0)
    best = int(TTL_GRID[fresh[np.argmin(cost_curve[fresh])]])
    days = np.arange(TIMELINE_DAYS)
    return CacheResult(
        ttl_days=ttl, retrain_every_days=cadence, daily_queries=float(daily_queries),
        cache_entries=int(cache_entries), recompute_cost_per_1k=float(recompute_cost_per_1k),
        recomputes_per_month=DAYS_PER_MONTH / ttl,
        monthly_recompute_cost=monthly_recompute_cost(ttl, **money_args),
        stale_share=share, stale_hits_per_month=share * daily_queries * DAYS_PER_MONTH,
        wasted_recompute_share=max(0.0, 1 - ttl / cadence), best_ttl_days=best,
        ttl_grid=TTL_GRID, cost_curve=cost_curve, stale_curve=stale_curve,
        timeline_stale=_frozen((days // ttl) * ttl < (days // cadence) * cadence),
        timeline_retrains=_frozen(days[days % cadence == 0]),
        timeline_recomputes=_frozen(days[days % ttl == 0]))


#: The explorer's entry point: the same function under the name every model module uses.
compute = cache_tradeoff


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def reading_lead(result: CacheResult) -> str:
    """How many cached answers are out of date, and what recomputing costs."""
    if result.stale_share > 0:
        return (f"{100 * result.stale_share:.0f}% of cached answers come from an out-of-date "
                f"embedding, while recomputing costs {money(result.monthly_recompute_cost)} a "
                "month")
    return (f"No cached answer is out of date; recomputing costs "
            f"{money(result.monthly_recompute_cost)} a month")


def reading_detail(result: CacheResult) -> str:
    """One line: the TTL against the cadence, stale hits and recompute cost per month."""
    head = (f"TTL {_days(result.ttl_days)}, retrain every "
            f"{_days(result.retrain_every_days)}: ")
    stale = (f"{100 * result.stale_share:.0f}% of cache hits stale "
             f"({count(result.stale_hits_per_month)} a month)" if result.stale_share > 0
             else "no stale cache hits")
    wasted = (f", {100 * result.wasted_recompute_share:.0f}% of it on unchanged embeddings"
              if result.wasted_recompute_share > 0 else "")
    return (head + stale + f"; recomputing costs {money(result.monthly_recompute_cost)} a "
            f"month{wasted} (cheapest TTL with no stale hits: {_days(result.best_ttl_days)})")


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
