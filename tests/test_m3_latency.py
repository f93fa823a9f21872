"""Quillio's latency, cost and quality model, and the embedding-cache TTL model: numbers
against independent re-derivations, and the teaching facts the lesson relies on."""

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from course.m3 import cache, latency

ROOT = Path(__file__).resolve().parents[1]
KNOBS = ["model_size", "quantized", "cache_hit_rate", "batch_size", "safety_filter"]
SETTINGS = [
    {},
    dict(model_size="small", quantized=True, cache_hit_rate=0.0, batch_size=1),
    dict(model_size="large", cache_hit_rate=0.4, batch_size=16, safety_filter=True),
    dict(model_size="medium", quantized=True, cache_hit_rate=0.55, batch_size=7,
         safety_filter=True),
]


def _resimulate(model_size, quantized, cache_hit_rate, batch_size, safety_filter, seed=7,
                n=20_000):
    """The module docstring's recipe, written out again with its numbers."""
    rng = np.random.default_rng(seed)
    body, wait, slow = rng.standard_normal(n), rng.random(n), rng.random(n)
    tail, hit = rng.gamma(6.0, 1 / 6.0, n), rng.random(n) < cache_hit_rate
    cache_time, filter_time = rng.standard_normal(n), rng.standard_normal(n)
    spec = latency.MODELS[model_size]
    median = spec.median_ms * (0.65 if quantized else 1.0) * (1 + 0.03 * (batch_size - 1))
    model = (median * np.exp(spec.sigma * body) + wait * 25.0 * (batch_size - 1)
             + np.where(slow < 0.03, 2.0 * median * tail, 0.0))
    if safety_filter:
        model = model + 300.0 * np.exp(0.12 * filter_time)
    return np.where(hit, 15.0 * np.exp(0.4 * cache_time), model), hit


def _expected_cost_per_1k(model_size, quantized, cache_hit_rate, batch_size, safety_filter):
    """Dollars per 1,000 messages, from the docstring's arithmetic."""
    per_request = (1 + 0.03 * (batch_size - 1)) / batch_size
    model = latency.MODELS[model_size].cost_per_1k * (0.6 if quantized else 1.0)
    model *= 0.25 + 0.75 * per_request
    model += 0.05 if safety_filter else 0.0
    return (1 - cache_hit_rate) * model + cache_hit_rate * 0.01


def _full(settings):
    return {**dict(model_size="medium", quantized=False, cache_hit_rate=0.2, batch_size=4,
                   safety_filter=False), **settings}


# --- the numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("settings", SETTINGS)
def test_samples_follow_the_documented_recipe(settings):
    result = latency.compute(**settings)
    samples, hit = _resimulate(**_full(settings))
    np.testing.assert_allclose(result.samples_ms, samples, rtol=1e-12)
    assert np.array_equal(result.cached, hit)


@pytest.mark.parametrize("settings", SETTINGS)
def test_percentiles_mean_and_sla_are_read_off_the_samples(settings):
    result = latency.compute(**settings)
    samples = np.array(result.samples_ms)
    for q, value in ((50, result.p50_ms), (95, result.p95_ms), (99, result.p99_ms)):
        assert value == pytest.approx(np.percentile(samples, q, method="linear"), rel=1e-12)
        assert value == pytest.approx(pd.Series(samples).quantile(q / 100), rel=1e-12)
    assert result.mean_ms == pytest.approx(samples.mean(), rel=1e-12)
    assert result.meets_sla == (result.p99_ms <= 1200)
    assert latency.compute(**settings, sla_p99_ms=result.p99_ms).meets_sla
    assert not latency.compute(**settings, sla_p99_ms=result.p99_ms - 1).meets_sla


@pytest.mark.parametrize("settings", SETTINGS)
def test_cost_quality_and_harm_match_direct_arithmetic(settings):
    full = _full(settings)
    result = latency.compute(**settings)
    cost = _expected_cost_per_1k(**full)
    assert result.cost_per_1k == pytest.approx(cost, rel=1e-12)
    assert result.monthly_cost == pytest.approx(cost * 2_000_000 / 1000, rel=1e-12)
    spec = latency.MODELS[full["model_size"]]
    loss = {"small": 2.0, "medium": 1.5, "large": 1.0}[full["model_size"]]
    assert result.quality == spec.quality - (loss if full["quantized"] else 0.0)
    assert result.harmful_per_10k == pytest.approx(
        spec.harmful_per_10k * (0.15 if full["safety_filter"] else 1.0))


def test_histograms_count_every_message_once():
    result = latency.compute(cache_hit_rate=0.6)
    assert result.hist_cached.sum() + result.hist_model.sum() == pytest.approx(1.0)
    assert result.hist_cached.sum() == pytest.approx(result.cached.mean())
    assert np.array_equal(result.hist_edges_ms, latency.HIST_EDGES_MS)
    assert result.hist_edges_ms.size == result.hist_model.size + 1
    expected = np.histogram(np.clip(result.samples_ms[~result.cached], 5, 20_000),
                            bins=latency.HIST_EDGES_MS)[0] / result.samples_ms.size
    np.testing.assert_allclose(result.hist_model, expected, atol=1 / result.samples_ms.size)


def test_results_are_seeded_cached_and_read_only():
    a, b = latency.compute(), latency.compute()
    assert np.array_equal(a.samples_ms, b.samples_ms)
    assert latency.compute(seed=8).p99_ms != a.p99_ms
    for array in (a.samples_ms, a.cached, a.hist_model, a.hist_cached, a.hist_edges_ms):
        assert not array.flags.writeable


@pytest.mark.parametrize("bad", [dict(model_size="huge"), dict(cache_hit_rate=0.7),
                                 dict(cache_hit_rate=-0.1), dict(batch_size=0),
                                 dict(batch_size=17), dict(batch_size=2.5),
                                 dict(sla_p99_ms=0)])
def test_invalid_settings_are_rejected(bad):
    with pytest.raises(ValueError):
        latency.compute(**bad)


def test_reading_says_percentiles_sla_cost_and_quality():
    result = latency.compute()
    text = latency.reading_detail(result)
    assert text.startswith("medium model, 20% cache hits, batch 4, no filter: ")
    assert f"p50 {result.p50_ms:,.0f} ms" in text and f"p99 {result.p99_ms:,.0f} ms" in text
    assert "(SLA 1,200 ms: met)" in text
    assert f"${result.cost_per_1k:.2f} per 1,000 messages" in text
    assert f"(${result.monthly_cost:,.0f} a month)" in text and "quality 85" in text
    missed = latency.reading_detail(latency.compute(quantized=True, safety_filter=True,
                                             model_size="large"))
    assert missed.startswith("large model (int8), ") and "safety filter" in missed
    assert "missed" in missed and "quality 91" in missed


# --- the table -------------------------------------------------------------------------------


def test_config_grid_is_every_combination():
    combos = {tuple(config[k] for k in KNOBS) for config in latency.CONFIG_GRID}
    expected = set(itertools.product(("small", "medium", "large"), (False, True),
                                     (0.0, 0.2, 0.4), (1, 4, 16), (False, True)))
    assert len(latency.CONFIG_GRID) == 108 and combos == expected


def test_table_rows_are_compute_on_the_same_samples():
    table = latency.table()
    assert list(table.columns) == [*KNOBS, "p50_ms", "p95_ms", "p99_ms", "mean_ms",
                                   "meets_sla", "cost_per_1k", "monthly_cost", "quality",
                                   "harmful_per_10k"]
    assert len(table) == 108
    for row in table.itertuples(index=False):
        result = latency.compute(**{k: getattr(row, k) for k in KNOBS})
        for column in ("p50_ms", "p95_ms", "p99_ms", "cost_per_1k", "quality"):
            assert getattr(row, column) == getattr(result, column)
    pd.testing.assert_frame_equal(table, latency.table())      # deterministic
    table.loc[0, "p99_ms"] = -1                                 # a copy: the cache is safe
    assert latency.table().loc[0, "p99_ms"] > 0


def test_table_holds_knobs_fixed():
    small = latency.table(model_size="small")
    assert len(small) == 36 and set(small["model_size"]) == {"small"}
    off_grid = latency.table(cache_hit_rate=0.3)
    assert len(off_grid) == 36 and set(off_grid["cache_hit_rate"]) == {0.3}
    one = latency.table(model_size="large", quantized=True, cache_hit_rate=0.4, batch_size=1,
                        safety_filter=False)
    assert len(one) == 1 and one["p99_ms"].iloc[0] == latency.compute(
        "large", True, 0.4, 1, False).p99_ms
    with pytest.raises(TypeError):
        latency.table(colour="blue")


# --- the teaching facts ----------------------------------------------------------------------


def test_the_mean_is_far_below_the_p99():
    result = latency.compute()
    assert result.p99_ms > 3 * result.mean_ms           # 1,126 ms against 337 ms
    table = latency.table()
    assert (table["p99_ms"] > 1.5 * table["mean_ms"]).all()


def test_the_filter_adds_about_300_ms_to_p50_but_p99s_do_not_add_up():
    without = latency.compute()
    with_filter = latency.compute(safety_filter=True)
    filter_alone = latency.filter_delay_ms()
    assert np.percentile(filter_alone, 50) == pytest.approx(300, abs=10)
    assert with_filter.p50_ms - without.p50_ms == pytest.approx(300, abs=40)
    # The p99 of a sum is the percentile of the summed samples ...
    summed = without.samples_ms + np.where(without.cached, 0.0, filter_alone)
    assert with_filter.p99_ms == pytest.approx(np.percentile(summed, 99, method="linear"),
                                               rel=1e-12)
    # ... not the sum of the two p99s (here that overstates it by about 95 ms).
    naive = without.p99_ms + np.percentile(filter_alone, 99)
    assert naive - with_filter.p99_ms > 50
    # The filter is what breaks the SLA at the default configuration.
    assert without.meets_sla and not with_filter.meets_sla


@pytest.mark.parametrize("model_size", ["small", "medium", "large"])
def test_caching_lowers_p50_a_lot_and_p99_much_less(model_size):
    none, some = (latency.compute(model_size, cache_hit_rate=c) for c in (0.0, 0.4))
    p50_drop = 1 - some.p50_ms / none.p50_ms
    p99_drop = 1 - some.p99_ms / none.p99_ms
    assert p50_drop > 0.25 and 0 < p99_drop < p50_drop / 2
    # The tail is made of cache misses: every message above the p95 missed the cache.
    assert not some.cached[some.samples_ms > some.p95_ms].any()


def test_batching_lowers_cost_and_raises_latency():
    table = latency.table()
    other = ["model_size", "quantized", "cache_hit_rate", "safety_filter"]
    for _, group in table.groupby(other):
        group = group.sort_values("batch_size")
        assert list(group["batch_size"]) == [1, 4, 16]
        assert group["cost_per_1k"].is_monotonic_decreasing
        assert group["p50_ms"].is_monotonic_increasing
        assert group["p99_ms"].is_monotonic_increasing


def test_quantization_lowers_latency_and_cost_for_a_little_quality():
    table = latency.table().set_index(["model_size", "cache_hit_rate", "batch_size",
                                       "safety_filter", "quantized"]).sort_index()
    full = table.xs(False, level="quantized")
    int8 = table.xs(True, level="quantized")
    assert (int8["p50_ms"] < full["p50_ms"]).all() and (int8["p99_ms"] < full["p99_ms"]).all()
    assert (int8["cost_per_1k"] < full["cost_per_1k"]).all()
    loss = full["quality"] - int8["quality"]
    assert ((loss > 0) & (loss <= 2)).all()


def test_the_cheapest_configuration_within_budget_is_not_the_largest_model():
    table = latency.table()
    good = table[(table["p99_ms"] <= 1200) & (table["quality"] >= 80)]
    assert len(good) > 0
    cheapest = good.sort_values("cost_per_1k").iloc[0]
    assert cheapest["model_size"] != "large"
    assert cheapest["cost_per_1k"] < table["cost_per_1k"].max() / 10
    # The large model can meet the SLA, but only quantized, with caching and no batching.
    large = table[(table["model_size"] == "large") & table["meets_sla"]]
    assert len(large) >= 1 and large["quantized"].all() and (large["batch_size"] == 1).all()


# --- the embedding cache ---------------------------------------------------------------------


def _simulate_cache(ttl, cadence, days):
    """Day by day: which model version each day's hits are served from, and each recompute."""
    model_version = cache_version = -1
    stale_days = recomputes = wasted = 0
    version_at_last_recompute = None
    for day in range(days):
        if day % cadence == 0:
            model_version += 1                  # retrain first ...
        if day % ttl == 0:                      # ... then the cache recomputes
            recomputes += 1
            if day > 0 and model_version == version_at_last_recompute:
                wasted += 1
            cache_version = version_at_last_recompute = model_version
        stale_days += cache_version < model_version
    return stale_days / days, recomputes, wasted / max(recomputes - 1, 1)


@pytest.mark.parametrize("cadence", [1, 2, 5, 7, 12, 14])
def test_stale_share_formula_matches_a_day_by_day_simulation(cadence):
    for ttl in range(1, 31):
        period = math.lcm(ttl, cadence)
        stale, recomputes, wasted = _simulate_cache(ttl, cadence, 3 * period)
        result = cache.cache_tradeoff(ttl, cadence)
        assert result.stale_share == pytest.approx(stale, abs=1e-12), (ttl, cadence)
        assert result.wasted_recompute_share == pytest.approx(
            wasted, abs=1.0 / (3 * period / ttl)), (ttl, cadence)
        assert recomputes == 3 * period // ttl


def test_timeline_matches_the_simulation_day_by_day():
    result = cache.compute(10, 7)
    simulated = [_simulate_cache(10, 7, d + 1)[0] * (d + 1) for d in range(56)]
    stale_each_day = np.diff([0.0, *simulated]) > 0.5
    assert np.array_equal(result.timeline_stale, stale_each_day)
    assert list(result.timeline_retrains) == list(range(0, 56, 7))
    assert list(result.timeline_recomputes) == list(range(0, 56, 10))


def test_recompute_cost_is_direct_arithmetic():
    result = cache.cache_tradeoff(7, 7, cache_entries=400_000, recompute_cost_per_1k=0.5,
                                  daily_queries=13_000)
    assert result.recomputes_per_month == pytest.approx(30 / 7)
    assert result.monthly_recompute_cost == pytest.approx(400_000 * (30 / 7) * 0.5 / 1000)
    longer = cache.cache_tradeoff(14, 7)
    assert longer.stale_hits_per_month == pytest.approx(0.5 * 13_000 * 30)
    np.testing.assert_allclose(result.cost_curve, 400_000 * 30 / np.arange(1, 61) * 0.5 / 1000)


@pytest.mark.parametrize("cadence", [1, 3, 7, 14, 30])
def test_ttl_equal_to_the_cadence_is_cheapest_with_no_stale_hits(cadence):
    results = {ttl: cache.cache_tradeoff(ttl, cadence) for ttl in range(1, 61)}
    fresh = [ttl for ttl, r in results.items() if r.stale_share == 0]
    assert min(fresh, key=lambda ttl: results[ttl].monthly_recompute_cost) == cadence
    assert results[cadence].best_ttl_days == cadence
    for ttl, r in results.items():
        if ttl > cadence:                       # longer than the cadence: stale hits
            assert r.stale_share > 0
        if ttl < cadence:                       # shorter: pays more, for nothing changed
            assert r.monthly_recompute_cost > results[cadence].monthly_recompute_cost
            assert r.wasted_recompute_share > 0


def test_cache_reading_and_validation():
    assert cache.reading_detail(cache.compute(7, 7)).startswith(
        "TTL 7 days, retrain every 7 days: no stale cache hits; recomputing costs $857 a month")
    text = cache.reading_detail(cache.compute(14, 7))
    assert "50% of cache hits stale (195,000 a month)" in text
    assert "86% of it on unchanged embeddings" in cache.reading_detail(cache.compute(1, 7))
    for bad in (dict(ttl_days=0), dict(ttl_days=2.5), dict(retrain_every_days=0),
                dict(daily_queries=-1), dict(recompute_cost_per_1k=-0.1)):
        with pytest.raises(ValueError):
            cache.cache_tradeoff(**bad)


# --- how sure a percentile is -----------------------------------------------------------------

def test_percentile_interval_matches_scipy_bootstrap():
    from scipy.stats import bootstrap

    rng = np.random.default_rng(5)
    sample = rng.lognormal(np.log(400), 0.5, 3_000)
    for q in (50, 99):
        low, high = latency.percentile_interval(sample, q=q)
        ci = bootstrap((sample,), lambda x, axis, q=q: np.percentile(x, q, axis=axis),
                       n_resamples=2_000, method="percentile", random_state=9,
                       batch=200).confidence_interval
        width = ci.high - ci.low
        assert low == pytest.approx(ci.low, abs=0.1 * width)
        assert high == pytest.approx(ci.high, abs=0.1 * width)
        assert low <= np.percentile(sample, q) <= high


def test_percentile_interval_is_seeded_and_narrows_with_more_data():
    rng = np.random.default_rng(6)
    big = rng.lognormal(np.log(400), 0.5, 16_000)
    assert latency.percentile_interval(big) == latency.percentile_interval(big)
    small_width = np.subtract(*latency.percentile_interval(big[:1_000])[::-1])
    big_width = np.subtract(*latency.percentile_interval(big)[::-1])
    assert big_width < small_width / 2
    low90, high90 = latency.percentile_interval(big, confidence=0.90)
    low95, high95 = latency.percentile_interval(big)
    assert low95 <= low90 and high90 <= high95


@pytest.mark.parametrize("bad", [dict(samples_ms=[1.0]), dict(samples_ms=[1.0, np.nan]),
                                 dict(q=0), dict(q=100), dict(confidence=95),
                                 dict(n_resamples=10), dict(n_resamples=500.5)])
def test_percentile_interval_refuses_bad_input_with_a_message(bad):
    args = dict(samples_ms=[100.0, 200.0, 300.0], **{k: v for k, v in bad.items()
                                                     if k != "samples_ms"})
    if "samples_ms" in bad:
        args["samples_ms"] = bad["samples_ms"]
    samples = args.pop("samples_ms")
    with pytest.raises(ValueError, match="must"):
        latency.percentile_interval(samples, **args)
