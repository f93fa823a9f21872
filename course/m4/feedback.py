"""A feedback loop: a recommender that retrains only on what it chose to show.

Wayfarer, the travel app, shows every user a row of ``k`` recommended destinations each day
(a *round*). Users can only click what they are shown, and every night the model retrains
on the day's logged views and clicks. The simulation, stated once so that the explorer, the
tests and the lesson agree:

- The catalogue has ``n_items`` destinations, each with a true *appeal*: the chance that a
  user who is shown it clicks it. Most destinations are ordinary (appeal ~ Beta(1.2, 9),
  about 12%); a quarter are the outdoor destinations added last season, which users now like
  more (appeal ~ Beta(3, 8), about 27%).
- Before any clicks the model has a *cold-start estimate* of each appeal, from last year's
  bookings: about right, but noisy, for ordinary destinations, and a low 6% for the new
  outdoor ones, which last year's data barely contains.
- After each round the estimate is the click rate with the cold-start estimate counted as
  ``PRIOR_VIEWS`` (100) earlier views: ``(clicks + 100 * cold_start) / (views + 100)``. A
  destination that is never shown keeps its cold-start estimate for ever.
- Each round ``users_per_round`` users each see ``k`` slots. A share ``1 - exploration`` of
  every slot goes to the ``k`` destinations with the highest estimates (*exploitation*). The
  rest, ``exploration * k * users_per_round`` views, goes to randomly chosen destinations
  outside that top ``k`` (never-shown ones first), ``EXPLORE_VIEWS`` (400) views each, so
  each explored destination gets enough views to be judged.
- Clicks are drawn with a seeded generator (binomial per destination). Clicks used in
  comparisons (``expected_clicks``, ``regret``) are expected values, free of that noise.

Per-round outputs: catalogue *coverage* (share of destinations shown at least once so far),
*concentration* (share of all clicks so far that went to the ``TOP_N`` = 10 most-clicked
destinations), expected clicks and *regret* (expected clicks below the best possible round,
which shows the ``k`` truly best destinations in every slot), and the estimates' mean
absolute error on never-shown destinations and on the whole catalogue.

Every run of one seed shares the same catalogue, cold-start estimates and random streams,
so runs that differ only in ``exploration`` are compared like for like.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from course.style import pct

WAYFARER_FEEDBACK_SEED = 43
#: Views the cold-start estimate counts for when the model retrains.
PRIOR_VIEWS = 100
#: Views each explored destination gets in a round.
EXPLORE_VIEWS = 400
#: Concentration is the share of clicks that went to this many most-clicked destinations.
TOP_N = 10
#: Share of the catalogue that is the new (outdoor) destinations.
NEW_SHARE = 0.25
_ORDINARY_APPEAL = (1.2, 9.0)
_NEW_APPEAL = (3.0, 8.0)
_NEW_COLD_START = 0.06
_COLD_START_WEIGHT = 0.5       # how much of an ordinary destination's appeal last year shows
_COLD_START_NOISE = 0.03


@dataclass(frozen=True)
class Catalogue:
    """The destinations: true ``appeal`` (click chance when shown), the model's
    ``cold_start`` estimate and whether each is one of the ``new`` outdoor destinations."""

    appeal: np.ndarray
    cold_start: np.ndarray
    new: np.ndarray


def wayfarer_catalogue(n_items: int = 200, seed: int = WAYFARER_FEEDBACK_SEED) -> Catalogue:
    """Wayfarer's destinations with true appeal and the cold-start estimates (seeded)."""
    rng = np.random.default_rng(seed)
    new = rng.random(n_items) < NEW_SHARE
    appeal = np.where(new, rng.beta(*_NEW_APPEAL, n_items), rng.beta(*_ORDINARY_APPEAL, n_items))
    ordinary_mean = appeal[~new].mean() if (~new).any() else appeal.mean()
    cold = np.where(new, _NEW_COLD_START,
                    ordinary_mean + _COLD_START_WEIGHT * (appeal - ordinary_mean))
    cold = np.clip(cold + rng.normal(0, _COLD_START_NOISE, n_items), 0.001, 0.999)
    for array in (appeal, cold, new):
        array.flags.writeable = False
    return Catalogue(appeal, cold, new)


@dataclass(frozen=True)
class Run:
    """Per-round arrays (index 0 = round 1) of one simulated policy."""

    coverage: np.ndarray          # share of destinations shown at least once so far
    top_share: np.ndarray         # share of clicks so far on the TOP_N most-clicked ones
    clicks: np.ndarray            # clicks logged in the round (simulated)
    expected_clicks: np.ndarray   # expected clicks in the round
    regret: np.ndarray            # best possible expected clicks minus expected_clicks
    error_unshown: np.ndarray     # mean |estimate - appeal| over never-shown (nan if none)
    error_all: np.ndarray         # mean |estimate - appeal| over the whole catalogue
    shown_appeal: np.ndarray      # mean true appeal of the exploited top k after the round


@lru_cache(maxsize=256)
def simulate(exploration: float, k: int, n_items: int, rounds: int, users_per_round: int,
             seed: int) -> Run:
    """Run the loop for one policy (cached: the explorer revisits the same settings)."""
    catalogue = wayfarer_catalogue(n_items, seed)
    appeal, cold = catalogue.appeal, catalogue.cold_start
    rng = np.random.default_rng(seed + 1)
    views = np.zeros(n_items, dtype=np.int64)
    clicks = np.zeros(n_items, dtype=np.int64)
    shown = np.zeros(n_items, dtype=bool)
    estimate = cold.copy()
    best = users_per_round * np.sort(appeal)[-k:].sum()
    exploit_views = int(round(users_per_round * (1 - exploration)))
    budget = int(round(exploration * k * users_per_round))
    n_explore = min(n_items - k, max(1, round(budget / EXPLORE_VIEWS))) if budget else 0
    out = {name: np.empty(rounds) for name in Run.__dataclass_fields__}
    for r in range(rounds):
        order = np.argsort(-estimate, kind="stable")
        top, rest = order[:k], order[k:]
        round_views = np.zeros(n_items, dtype=np.int64)
        round_views[top] = exploit_views
        if n_explore:
            fresh, seen = rest[~shown[rest]], rest[shown[rest]]
            take = min(n_explore, fresh.size)
            picks = np.r_[rng.choice(fresh, take, replace=False),
                          rng.choice(seen, n_explore - take, replace=False)].astype(int)
            round_views[picks] += budget // n_explore
        round_clicks = rng.binomial(round_views, appeal)
        views += round_views
        clicks += round_clicks
        shown |= round_views > 0
        estimate = (clicks + PRIOR_VIEWS * cold) / (views + PRIOR_VIEWS)
        expected = float(round_views @ appeal)
        error = np.abs(estimate - appeal)
        ranked = np.sort(clicks)[::-1]
        out["coverage"][r] = shown.mean()
        out["top_share"][r] = ranked[:TOP_N].sum() / max(ranked.sum(), 1)
        out["clicks"][r] = round_clicks.sum()
        out["expected_clicks"][r] = expected
        out["regret"][r] = best - expected
        out["error_unshown"][r] = error[~shown].mean() if (~shown).any() else math.nan
        out["error_all"][r] = error.mean()
        out["shown_appeal"][r] = appeal[np.argsort(-estimate, kind="stable")[:k]].mean()
    for array in out.values():
        array.flags.writeable = False
    return Run(**out)


@dataclass(frozen=True, eq=False)
class FeedbackResult:
    """One exploration setting against no exploration (``baseline``), round by round.

    ``rounds_index`` is 1..rounds. ``best_clicks`` is the expected clicks of a round that
    shows the ``k`` truly best destinations in every slot. The ``*_vs_exploit_*`` fields are
    relative differences of expected clicks against the baseline (-0.05 = 5% fewer).
    """

    exploration: float
    k: int
    n_items: int
    rounds: int
    users_per_round: int
    seed: int
    rounds_index: np.ndarray
    run: Run
    baseline: Run
    best_clicks: float
    final_coverage: float
    baseline_final_coverage: float
    final_top_share: float
    baseline_final_top_share: float
    clicks_vs_exploit_first: float
    clicks_vs_exploit_last: float
    never_shown: int
    baseline_never_shown: int


def compute(exploration: float = 0.0, k: int = 10, *, n_items: int = 200, rounds: int = 30,
            users_per_round: int = 2_000, seed: int = WAYFARER_FEEDBACK_SEED) -> FeedbackResult:
    """Simulate Wayfarer's recommender retraining on its own logs for ``rounds`` days.

    Parameters (units):
        exploration: share of all slots (0-1; the explorer offers 0-0.3) given to random
            destinations outside the model's top ``k``.
        k: recommendation slots each user sees per round.
        n_items: destinations in the catalogue; rounds: days simulated;
        users_per_round: users shown the row each day; seed: the catalogue and click seed.

    Returns a ``FeedbackResult`` with this policy's per-round ``run`` and the no-exploration
    ``baseline`` run on the same catalogue.
    """
    if not 0.0 <= exploration < 1.0:
        raise ValueError(f"exploration must be at least 0 and below 1, got {exploration}")
    if not 1 <= k < n_items:
        raise ValueError(f"k must be between 1 and n_items - 1, got {k}")
    if rounds < 1 or users_per_round < 1:
        raise ValueError("rounds and users_per_round must be at least 1")
    exploration = round(float(exploration), 6)   # one cache entry per slider value
    settings = (int(k), int(n_items), int(rounds), int(users_per_round), int(seed))
    run = simulate(exploration, *settings)
    baseline = simulate(0.0, *settings)
    index = np.arange(1, rounds + 1)
    index.flags.writeable = False
    return FeedbackResult(
        exploration=exploration, k=int(k), n_items=int(n_items), rounds=int(rounds),
        users_per_round=int(users_per_round), seed=int(seed), rounds_index=index,
        run=run, baseline=baseline,
        best_clicks=float(run.regret[0] + run.expected_clicks[0]),
        final_coverage=float(run.coverage[-1]),
        baseline_final_coverage=float(baseline.coverage[-1]),
        final_top_share=float(run.top_share[-1]),
        baseline_final_top_share=float(baseline.top_share[-1]),
        clicks_vs_exploit_first=float(run.expected_clicks[0] / baseline.expected_clicks[0] - 1),
        clicks_vs_exploit_last=float(run.expected_clicks[-1] / baseline.expected_clicks[-1] - 1),
        never_shown=int(round(n_items * (1 - run.coverage[-1]))),
        baseline_never_shown=int(round(n_items * (1 - baseline.coverage[-1]))),
    )


def _relative(change: float) -> str:
    if abs(change) < 0.005:
        return "level with"
    return f"{pct(abs(change), 0)} {'below' if change < 0 else 'above'}"


def reading_lead(result: FeedbackResult) -> str:
    """How much of the catalogue users ever see, and the clicks it costs or earns."""
    r = result
    if r.exploration == 0:
        return (f"Without exploration, users only ever see {pct(r.final_coverage, 0)} of "
                f"destinations; the model never learns about the other {r.never_shown}")
    return (f"Users see {pct(r.final_coverage, 0)} of destinations after {r.rounds} days "
            f"(vs {pct(r.baseline_final_coverage, 0)} without exploration), and clicks per "
            f"day end {_relative(r.clicks_vs_exploit_last)} never exploring")


def reading_detail(result: FeedbackResult) -> str:
    """One line: coverage, concentration and clicks against a policy that never explores."""
    r = result
    last = f"after {r.rounds} rounds"
    if r.exploration == 0:
        regret = r.run.regret[-1] / r.best_clicks
        return (f"no exploration: {last} only {pct(r.final_coverage, 0)} of destinations have "
                f"ever been shown; {pct(r.final_top_share, 0)} of clicks went to the top "
                f"{TOP_N}; the {r.never_shown} never shown keep their cold-start estimates; "
                f"clicks per round {pct(regret, 0)} below the best possible")
    return (f"exploration {pct(r.exploration, 0)}: {last} {pct(r.final_coverage, 0)} of "
            f"destinations have been shown (vs {pct(r.baseline_final_coverage, 0)} with none), "
            f"top-{TOP_N} share of clicks {pct(r.final_top_share, 0)} "
            f"(vs {pct(r.baseline_final_top_share, 0)}), clicks per round "
            f"{_relative(r.clicks_vs_exploit_first)} a pure-exploit policy in round 1, "
            f"{_relative(r.clicks_vs_exploit_last)} by round {r.rounds}")


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
