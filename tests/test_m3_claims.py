"""Claims that Module 3's prose makes about its numbers, pinned to the data."""

import numpy as np

from course.m3 import cascade, latency, monitoring


def test_notebook1_latency_claims():
    """'The mean and the median sit far below p99'; 'Caching frequent queries moves p50 a
    lot and p99 much less'; 'Batching lowers the cost per message and adds waiting time';
    'A quantized or smaller model is faster and cheaper, and gives up some quality'."""
    base = latency.compute()
    assert base.mean_ms < 0.5 * base.p99_ms and base.p50_ms < 0.5 * base.p99_ms
    cold, warm = latency.compute(cache_hit_rate=0.0), latency.compute(cache_hit_rate=0.4)
    p50_drop = 1 - warm.p50_ms / cold.p50_ms
    p99_drop = 1 - warm.p99_ms / cold.p99_ms
    assert p50_drop > 2 * p99_drop
    b1, b16 = latency.compute(batch_size=1), latency.compute(batch_size=16)
    assert b16.cost_per_1k < b1.cost_per_1k and b16.p50_ms > b1.p50_ms
    q = latency.compute(quantized=True)
    assert q.p99_ms < base.p99_ms and q.cost_per_1k < base.cost_per_1k
    assert q.quality < base.quality


def test_notebook1_filter_claims():
    """'A flow that met its SLA with a little room now misses it by about 300 ms'."""
    from course.m3 import scenarios

    ms = scenarios.quillio_latency_log()["latency_ms"].to_numpy()
    total = ms + scenarios.quillio_filter_timings()
    assert np.percentile(ms, 99) <= 1200 < np.percentile(total, 99)
    assert 250 <= np.percentile(total, 99) - 1200 <= 350


def test_notebook2_cascade_claims():
    """'At threshold 1 everything escalates, and the cascade costs more than the large model
    alone'; 'cost, p99 and quality rise together'; the best threshold within $3,000 breaks
    the SLA."""
    top = cascade.compute(1.0)
    assert top.monthly_cost > top.large_only_monthly_cost
    r = cascade.compute(0.5)
    assert np.all(np.diff(r.monthly_cost_curve) >= 0) and np.all(np.diff(r.quality_curve) >= 0)
    best = cascade.compute(cascade.best_threshold_within(3000))
    assert best.p99_ms > 1200


def test_notebook3_monitoring_claims():
    """'Shift the amounts: every input monitor fires, and so does prediction drift. Recall
    here even rises'; 'Change only the concept: every input and score monitor stays quiet,
    and recall falls'; 'shift 0.05 and the sample 50,000: KS says drift, the distances say
    nothing that matters'."""
    shift = monitoring.compute(shift=0.5, label_delay_days=0)
    assert shift.inputs.psi_drift and shift.inputs.ks_drift and shift.inputs.js_drift
    assert shift.inputs.wasserstein_drift and shift.predictions_moved
    assert shift.production_recall > shift.reference_recall
    concept = monitoring.compute(concept=0.5, label_delay_days=0)
    assert not (concept.inputs.psi_drift or concept.inputs.wasserstein_drift
                or concept.inputs.js_drift or concept.predictions_moved)
    assert concept.production_recall < concept.reference_recall - 0.1
    tiny = monitoring.compute(shift=0.05, n_production=50_000)
    assert tiny.inputs.ks_drift
    assert not (tiny.inputs.psi_drift or tiny.inputs.wasserstein_drift or tiny.inputs.js_drift)
