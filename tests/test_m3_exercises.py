"""Module 3's answer keys, proven against independent computations."""

import numpy as np
import pytest

from course.m3 import exercises as ex
from course.m3 import scenarios
from tests.exercise_checks import named, right, status  # noqa: F401
from tests.m3_cases import CASES


def test_every_exercise_has_cases_hints_and_two_misconceptions():
    assert [e.key for e in ex.ALL] == list(CASES)
    for e in ex.ALL:
        assert len(CASES[e.key]["misconceptions"]) >= 2, e.key
        assert len(e.hints) >= 2, e.key


def test_q1_percentiles_and_sla():
    ms = scenarios.quillio_latency_log()["latency_ms"].to_numpy()
    for q in (50, 95, 99):
        right(ex.q1, f"p{q}_ms", np.percentile(ms, q))
    named(ex.q1, "p99_ms", ms.mean())
    named(ex.q1, "p99_ms", ms.max())
    named(ex.q1, "p99_ms", np.percentile(ms, 95))
    named(ex.q1, "p50_ms", ms.mean())
    assert np.percentile(ms, 99) <= scenarios.SLA_P99_MS < ms.max()   # the premise
    right(ex.q1, "meets_sla", "yes")
    named(ex.q1, "meets_sla", "no")


def test_q2_filter_adds_per_message():
    ms = scenarios.quillio_latency_log()["latency_ms"].to_numpy()
    f = scenarios.quillio_filter_timings()
    total = np.percentile(ms + f, 99)
    right(ex.q2, "p99_with_filter_ms", total)
    named(ex.q2, "p99_with_filter_ms", np.percentile(ms, 99) + 300)
    named(ex.q2, "p99_with_filter_ms", np.percentile(ms, 99) + np.percentile(f, 99))
    assert total > scenarios.SLA_P99_MS          # the premise: the filter breaks the SLA
    right(ex.q2, "still_meets_sla", "no")
    named(ex.q2, "still_meets_sla", "yes")


def independent_psi(reference, current):
    edges = np.quantile(reference, np.linspace(0, 1, 11))[1:-1]
    r = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=10)
    c = np.bincount(np.searchsorted(edges, current, side="right"), minlength=10)
    r = np.maximum(r / len(reference), 1e-4)
    c = np.maximum(c / len(current), 1e-4)
    return float(np.sum((c - r) * np.log(c / r))), (r, c)


def test_q6_psi():
    reference, current = scenarios.quillio_message_lengths()
    psi, (r, c) = independent_psi(reference, current)
    assert 0.1 <= psi < 0.25
    right(ex.q6, "psi_value", psi)
    named(ex.q6, "psi_value", float(np.sum((c - r) * np.log10(c / r))))
    named(ex.q6, "verdict", "no change")
    named(ex.q6, "verdict", "major change")
    right(ex.q6, "verdict", "changed")


@pytest.mark.parametrize("name", list(CASES["q6"]["misconceptions"]))
def test_q6_misconception_code_is_named(name):
    from course.m3 import monitoring

    reference, current = scenarios.quillio_message_lengths()
    ns = {"reference": reference, "current": current, "monitoring": monitoring}
    exec(CASES["q6"]["misconceptions"][name], ns)  # noqa: S102
    named(ex.q6, "psi_value", ns["psi_value"])


def test_q7_panels():
    from scipy.stats import ks_2samp

    from course.m3 import monitoring

    panels = scenarios.monitoring_panels()
    a, b, c = (panels.loc[k] for k in ("case_a", "case_b", "case_c"))
    # The premises, read off the panels with the module's thresholds.
    assert a["input_psi"] >= 0.25 and a["days_with_labels"] == 0
    assert b["input_psi"] < 0.1 and b["score_psi"] < 0.1
    assert b["recall_production"] < b["recall_training"] - 0.1
    assert c["input_ks_p"] <= 0.05 and c["input_wasserstein_sd"] < 0.1 and c["input_psi"] < 0.1
    assert abs(c["recall_production"] - c["recall_training"]) < 0.05
    # The panel's KS comes from scipy on the monitored samples.
    ref = monitoring.reference_data()[0]
    cur = monitoring.production_data(shift=0.05, n_production=50_000)[0]
    assert c["input_ks_p"] == pytest.approx(ks_2samp(ref, cur).pvalue, rel=1e-2)
    right(ex.q7, "case_a", "data drift")
    right(ex.q7, "case_b", "concept drift")
    right(ex.q7, "case_c", "no meaningful drift")
    named(ex.q7, "case_c", "data drift")
    named(ex.q7, "case_b", "no meaningful drift")
    right(ex.q7, "first_action_a", "find what changed upstream")
    named(ex.q7, "first_action_a", "retrain now")
    named(ex.q7, "first_action_a", "wait for labels")


def test_q3_cheapest_configuration():
    from course.m3 import latency

    t = latency.table()
    ok = t[t["safety_filter"] & (t["quality"] >= 80) & (t["p99_ms"] <= 1200)]
    best = ok.loc[ok["cost_per_1k"].idxmin()]
    right(ex.q3, "model_size", best["model_size"])
    right(ex.q3, "cost_per_1k", best["cost_per_1k"])
    for wrong_rows in (
        t[t["safety_filter"] & (t["p99_ms"] <= 1200)],                        # no floor
        t[t["safety_filter"] & (t["quality"] >= 80) & (t["p50_ms"] <= 1200)],  # median
        t[(t["quality"] >= 80) & (t["p99_ms"] <= 1200)],                      # no filter
    ):
        named(ex.q3, "cost_per_1k", wrong_rows["cost_per_1k"].min())
    named(ex.q3, "model_size", "small")
    named(ex.q3, "model_size", "large")
    # The premise: the cheapest qualifying configuration is not the large model.
    assert best["model_size"] != "large"


def test_q4_cascade_budget():
    from course.m3 import cascade

    grid = np.round(np.arange(0, 1.0001, 0.01), 2)
    costs = {t: cascade.compute(float(t)).monthly_cost for t in grid}
    best = max(t for t, c in costs.items() if c <= 3000)
    r = cascade.compute(float(best))
    right(ex.q4, "threshold", best)
    right(ex.q4, "quality", r.quality)
    right(ex.q4, "meets_sla", "yes" if r.p99_ms <= 1200 else "no")
    assert r.p99_ms > 1200                        # the premise: the budget's best breaks SLA
    named(ex.q4, "meets_sla", "yes")
    for wrong in (1.0, 0.0, 0.7):
        named(ex.q4, "threshold", wrong)
    named(ex.q4, "quality", cascade.compute(1.0).quality)
    named(ex.q4, "quality", cascade.compute(0.7).quality)


def day_by_day_stale(ttl, cadence, days=840):
    stale = 0
    for d in range(days):
        stale += (d - d % ttl) < (d - d % cadence)
    return stale / days


def test_q5_cache_ttl():
    from course.m3 import cache

    fresh = [t for t in range(1, 61) if day_by_day_stale(t, 10) == 0]
    ttl = max(fresh)
    right(ex.q5, "ttl_days", ttl)
    cost = cache.cache_tradeoff(ttl, retrain_every_days=10).monthly_recompute_cost
    # Monthly cost by hand: the whole cache (400,000 entries) every TTL days at $0.50 per 1k.
    assert cost == pytest.approx(400_000 * 30 / ttl * 0.50 / 1000)
    right(ex.q5, "monthly_cost", cost)
    right(ex.q5, "stale_share_at_30", day_by_day_stale(30, 10))
    named(ex.q5, "stale_share_at_30", 0.0)
    named(ex.q5, "stale_share_at_30", day_by_day_stale(30, 7))
    for wrong in (30, 1, 7):
        named(ex.q5, "ttl_days", wrong)
    named(ex.q5, "monthly_cost", cache.cache_tradeoff(30, retrain_every_days=10)
          .monthly_recompute_cost)


def test_q8_deployment_decisions():
    for case, answer in {"case_a": "batch", "case_b": "real time", "case_c": "edge",
                         "case_d": "log the model version with every prediction"}.items():
        right(ex.q8, case, answer)
    named(ex.q8, "case_a", "real time")
    named(ex.q8, "case_b", "batch")
    named(ex.q8, "case_c", "server")
    named(ex.q8, "case_d", "keep only the latest model")
    named(ex.q8, "case_d", "retrain on demand")
