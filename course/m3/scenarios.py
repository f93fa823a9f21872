"""Seeded synthetic data for Module 3's exercises (the explorers simulate their own).

Quillio (fictional) runs a customer-support chatbot. Its SLA: the model's response to a
message must arrive within 1,200 ms at the 99th percentile, measured per message.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LOG_SEED = 81
SLA_P99_MS = 1_200


def _latency_day(seed: int, n: int, median_ms: float, tail_scale_ms: float) -> pd.DataFrame:
    """One day of reply times: a log-normal body (``median_ms``, sigma 0.35) and, for 4.5% of
    messages (cold cache, queue), an extra Gamma(2.2, ``tail_scale_ms``) wait."""
    rng = np.random.default_rng(seed)
    body = rng.lognormal(np.log(median_ms), 0.35, n)
    slow = rng.random(n) < 0.045
    tail = rng.gamma(2.2, tail_scale_ms, n)
    latency = np.where(slow, body + tail, body)
    start = pd.Timestamp("2025-05-12")
    return pd.DataFrame({
        "message_id": np.arange(1, n + 1),
        "timestamp": start + pd.to_timedelta(np.sort(rng.random(n)) * 86_400, unit="s"),
        "intent": rng.choice(["billing", "delivery", "account", "other"], size=n,
                             p=[0.3, 0.35, 0.2, 0.15]),
        "latency_ms": latency.round(1),
    })


def quillio_latency_log(seed: int = LOG_SEED, n: int = 20_000) -> pd.DataFrame:
    """One day of Quillio's model response times, one row per message.

    Columns: ``message_id``, ``timestamp``, ``intent`` (billing, delivery, account, other),
    ``latency_ms`` (model response time). Most responses are quick; a few percent hit a cold
    cache or a queue and take several times longer, which is what the tail is made of.
    """
    return _latency_day(seed, n, 380.0, 230.0)


def quillio_int8_log(seed: int = LOG_SEED + 3, n: int = 20_000) -> pd.DataFrame:
    """One day of model response times after Quillio moved its chat model to int8 weights
    (same columns as :func:`quillio_latency_log`; a faster body and a shorter tail). The
    filter team's benchmark, :func:`quillio_filter_timings`, ran on this day's messages: row
    i of one belongs to message i of the other."""
    return _latency_day(seed, n, 250.0, 150.0)


def quillio_filter_timings(seed: int = LOG_SEED + 1, n: int = 20_000) -> np.ndarray:
    """The post-generation safety filter's own time per message (ms), benchmarked on the
    messages of :func:`quillio_int8_log` (row i belongs to message i). About 300 ms, with a
    spread and a small tail of its own."""
    rng = np.random.default_rng(seed)
    base = rng.normal(300, 35, n).clip(200, None)
    tail = np.where(rng.random(n) < 0.02, rng.gamma(2, 120, n), 0.0)
    return (base + tail).round(1)


def quillio_message_lengths(seed: int = LOG_SEED + 2) -> tuple[np.ndarray, np.ndarray]:
    """Characters per customer message: ``(reference, current)``.

    The reference window is last quarter (the training period of Quillio's intent model);
    the current window is the week after a mobile-app release that added voice input, which
    some customers use to dictate long messages.
    """
    rng = np.random.default_rng(seed)
    reference = rng.lognormal(np.log(90), 0.6, 20_000)
    dictated = rng.random(5_000) < 0.22
    current = np.where(dictated, rng.lognormal(np.log(260), 0.45, 5_000),
                       rng.lognormal(np.log(90), 0.6, 5_000))
    return reference.round(0), current.round(0)


# Three production situations for the monitoring exercise, described only by what the
# dashboards show. The settings that produced them stay inside the package.
_PANEL_SETTINGS = {
    "case_a": {"shift": 0.8, "label_delay_days": 60},
    "case_b": {"concept": 0.5, "label_delay_days": 0},
    "case_c": {"shift": 0.05, "n_production": 50_000},
}


def monitoring_panels():
    """What Ledgerly's monitoring dashboards show in three situations (one row each).

    Columns: ``payments`` (production sample size), ``input_psi``, ``input_ks_p``,
    ``input_wasserstein_sd``, ``input_js``, ``score_psi`` (prediction drift),
    ``recall_training``, ``recall_production`` (NaN when too few labels have arrived),
    ``days_with_labels`` (of the last 60).
    """
    from course.m3 import monitoring

    rows = {}
    for case, settings in _PANEL_SETTINGS.items():
        r = monitoring.compute(**settings)
        rows[case] = {
            "payments": r.n_production,
            "input_psi": round(r.inputs.psi, 3),
            "input_ks_p": float(f"{r.inputs.ks_pvalue:.3g}"),
            "input_wasserstein_sd": round(r.inputs.wasserstein, 3),
            "input_js": round(r.inputs.js, 3),
            "score_psi": round(r.prediction_psi, 3),
            "recall_training": round(r.reference_recall, 3),
            "recall_production": (np.nan if r.production_recall is None
                                  else round(r.production_recall, 3)),
            "days_with_labels": r.measurable_days,
        }
    return pd.DataFrame.from_dict(rows, orient="index")
