"""The capstone launch review: Quillio's answer bot, one shipped feature seen whole.

Quillio (fictional) runs a support chatbot that answers customers' questions from its help
centre (retrieval over help articles, then a generated answer, then a safety filter). This
module holds the evidence the review rests on; the latency and cost figures come from
``course.m3.latency`` (its ``compute`` is the one simulation of Quillio's serving stack).

- ``TODAY`` and ``CANDIDATES``: today's serving configuration and five proposals to "make it
  faster", as keyword arguments of ``latency.compute`` (the safety filter stays on: legal
  requires it). ``TARGET_P99_MS`` is the review's target.
- ``metric_evidence(seed)``: 24 past A/B experiments on the bot, each with the change it made
  to four candidate metrics and to 90-day customer retention, measured months later.
- ``FAILURE_MODES``: the bot's known failure modes with how often each happens, how many
  conversations an hour it spoils while it lasts, and how long today's monitoring takes to
  notice it; ``failure_exposure`` turns them into conversations spoiled per quarter.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pandas as pd

from course.m3 import latency

#: The review's target: p99 of the model response, per message (ms).
TARGET_P99_MS = 1_000
#: Today's configuration (the safety filter is always on).
TODAY = MappingProxyType({"model_size": "medium", "quantized": False, "cache_hit_rate": 0.2,
                          "batch_size": 4, "safety_filter": True})
#: The proposals, as ``latency.compute`` keywords.
CANDIDATES = MappingProxyType({
    "A": MappingProxyType({"model_size": "large", "quantized": True, "cache_hit_rate": 0.4,
                           "batch_size": 1, "safety_filter": True}),
    "B": MappingProxyType({"model_size": "medium", "quantized": True, "cache_hit_rate": 0.4,
                           "batch_size": 1, "safety_filter": True}),
    "C": MappingProxyType({"model_size": "medium", "quantized": True, "cache_hit_rate": 0.4,
                           "batch_size": 4, "safety_filter": True}),
    "D": MappingProxyType({"model_size": "small", "quantized": True, "cache_hit_rate": 0.4,
                           "batch_size": 4, "safety_filter": True}),
    "E": MappingProxyType({"model_size": "medium", "quantized": True, "cache_hit_rate": 0.2,
                           "batch_size": 1, "safety_filter": True}),
})


def candidate_settings() -> pd.DataFrame:
    """The proposals' settings, one row per candidate (no results)."""
    return pd.DataFrame({name: dict(settings) for name, settings in CANDIDATES.items()}).T


def candidates_table(target_p99_ms: float = TARGET_P99_MS) -> pd.DataFrame:
    """Today's configuration and each candidate through ``latency.compute``: p50 and p99
    (ms), quality (0-100) and its change from today (points), monthly cost ($) and whether
    p99 meets ``target_p99_ms``."""
    today = latency.compute(**TODAY)
    rows = []
    for name, settings in {"today": TODAY, **CANDIDATES}.items():
        r = latency.compute(**settings)
        rows.append({"config": name, **dict(settings), "p50_ms": round(r.p50_ms),
                     "p99_ms": round(r.p99_ms), "quality": r.quality,
                     "quality_change": round(r.quality - today.quality, 1),
                     "monthly_cost": round(r.monthly_cost), "meets_target":
                     bool(r.p99_ms <= target_p99_ms)})
    return pd.DataFrame(rows).set_index("config")


# --- which metric reflects user value ---------------------------------------------------------

METRICS = ("rubric_score", "thumbs_up_rate", "deflection_rate", "resolved_without_recontact")
EVIDENCE_SEED = 31
N_EXPERIMENTS = 24


def metric_evidence(seed: int = EVIDENCE_SEED) -> pd.DataFrame:
    """24 past experiments: the change each made to four candidate metrics and to 90-day
    retention (percentage points, treatment minus control).

    Recipe, from ``rng = numpy.random.default_rng(seed)``: each experiment's true effect on
    customers ``v = rng.normal(0, 1, 24)``; then, in this order, ``rubric_score = 0.5 v +
    rng.normal(0, 0.9)``, ``thumbs_up_rate = 0.3 v + rng.normal(0, 1.0)``,
    ``deflection_rate = -0.6 v + rng.normal(0, 0.8)`` (a bot that keeps customers away from
    human agents "deflects" more and helps less), ``resolved_without_recontact = 0.9 v +
    rng.normal(0, 0.35)`` and ``retention_90d = 0.4 v + rng.normal(0, 0.1)``; experiment 7's
    thumbs-up change is multiplied by 6 (a launch-week novelty spike). Values are rounded to
    two decimals.
    """
    rng = np.random.default_rng(seed)
    v = rng.normal(0, 1, N_EXPERIMENTS)
    frame = pd.DataFrame({
        "rubric_score": 0.5 * v + rng.normal(0, 0.9, N_EXPERIMENTS),
        "thumbs_up_rate": 0.3 * v + rng.normal(0, 1.0, N_EXPERIMENTS),
        "deflection_rate": -0.6 * v + rng.normal(0, 0.8, N_EXPERIMENTS),
        "resolved_without_recontact": 0.9 * v + rng.normal(0, 0.35, N_EXPERIMENTS),
        "retention_90d": 0.4 * v + rng.normal(0, 0.1, N_EXPERIMENTS),
    })
    frame.loc[7, "thumbs_up_rate"] *= 6
    frame.index = pd.Index([f"exp {i + 1:02d}" for i in range(N_EXPERIMENTS)],
                           name="experiment")
    return frame.round(2)


def rank_agreement(evidence: pd.DataFrame) -> pd.Series:
    """Spearman rank correlation of each metric's changes with the retention changes."""
    return pd.Series({m: float(evidence[m].corr(evidence["retention_90d"], method="spearman"))
                      for m in METRICS}, name="spearman with retention_90d")


# --- which failure mode is the biggest gap ----------------------------------------------------

#: Known failure modes: incidents a quarter, conversations spoiled per hour while one lasts,
#: and hours until today's monitoring notices (a complaint trend takes 72 hours).
FAILURE_MODES = pd.DataFrame(
    [("stale help-centre index", "the nightly re-index fails; answers quote retired policies",
      3, 400, 72.0, "none (customer complaints)"),
     ("hallucinated refund promise", "the bot promises a refund the policy does not allow",
      6, 20, 24.0, "daily review of 200 sampled chats"),
     ("latency spike", "p99 far over the SLA while a replica is cold", 10, 1_500, 0.25,
      "p99 alert every 5 minutes"),
     ("intent drift after a launch", "a new product's questions are misrouted", 1, 300,
      168.0, "weekly drift report")],
    columns=["failure_mode", "what happens", "incidents_per_quarter",
             "conversations_per_hour", "hours_to_notice", "noticed_by"]).set_index(
    "failure_mode")


def failure_exposure(modes: pd.DataFrame = FAILURE_MODES) -> pd.Series:
    """Conversations spoiled per quarter before anyone notices: incidents a quarter x
    conversations an hour x hours to notice."""
    return (modes["incidents_per_quarter"] * modes["conversations_per_hour"]
            * modes["hours_to_notice"]).rename("spoiled_per_quarter")
