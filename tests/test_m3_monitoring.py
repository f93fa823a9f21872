"""The monitoring model: each drift statistic against scipy or an independent implementation,
the scenario against a regeneration of its documented recipe, and the teaching facts (data
drift, prediction drift and concept drift look different; labels arrive late; tests flag
tiny shifts on big samples while distances do not)."""

import math

import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon
from scipy.stats import ks_2samp, wasserstein_distance

from course.m3 import monitoring

RNG = np.random.default_rng(2024)
REF = RNG.normal(0, 1, 3_000)
SAMPLES = {
    "same distribution": RNG.normal(0, 1, 2_000),
    "shifted": RNG.normal(0.4, 1, 2_000),
    "wider": RNG.normal(0, 1.6, 2_000),
    "skewed": RNG.exponential(1.0, 2_000) - 1,
    "small": RNG.normal(0.2, 1, 150),
}


def _psi_independent(reference, current, bins=10, epsilon=1e-4):
    """PSI written out from its definition with numpy's histogram."""
    edges = np.r_[-np.inf, np.quantile(reference, np.arange(1, bins) / bins), np.inf]
    ref = np.histogram(reference, edges)[0] / len(reference)
    cur = np.histogram(current, edges)[0] / len(current)
    ref, cur = np.clip(ref, epsilon, None), np.clip(cur, epsilon, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def _shares_independent(reference, current, bins=10):
    edges = np.r_[-np.inf, np.quantile(reference, np.arange(1, bins) / bins), np.inf]
    return (np.histogram(reference, edges)[0] / len(reference),
            np.histogram(current, edges)[0] / len(current))


# --- the statistics --------------------------------------------------------------------------

def test_constants_are_the_stated_conventions():
    assert (monitoring.PSI_BINS, monitoring.PSI_EPSILON) == (10, 1e-4)
    assert (monitoring.PSI_CHANGED, monitoring.PSI_MAJOR) == (0.1, 0.25)
    assert monitoring.KS_ALPHA == 0.05
    assert monitoring.WASSERSTEIN_THRESHOLD == 0.1 and monitoring.JS_THRESHOLD == 0.1
    assert (monitoring.JS_BINS, monitoring.JS_BASE) == (10, None)   # None: natural log
    assert monitoring.JS_BASE2_EQUIVALENT == pytest.approx(0.1201, abs=1e-4)
    assert monitoring.SMALL_SAMPLE == 1_000


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_psi_matches_an_independent_implementation(name):
    current = SAMPLES[name]
    assert monitoring.psi(REF, current) == pytest.approx(_psi_independent(REF, current),
                                                         rel=1e-12, abs=1e-15)
    assert monitoring.psi(REF, current, bins=20) == pytest.approx(
        _psi_independent(REF, current, bins=20), rel=1e-12, abs=1e-15)


def test_psi_known_cases():
    assert monitoring.psi(REF, REF) == pytest.approx(0.0, abs=1e-12)
    # Each reference bin holds a tenth of the reference.
    edges = monitoring.quantile_edges(REF)
    assert edges.size == 11 and edges[0] == -np.inf and edges[-1] == np.inf
    np.testing.assert_allclose(monitoring.binned_shares(REF, edges), 0.1, atol=1e-3)
    # Symmetric in swapping the shares (not the samples: the bins come from the reference).
    a, b = _shares_independent(REF, SAMPLES["shifted"])
    assert monitoring.psi_from_shares(a, b) == pytest.approx(monitoring.psi_from_shares(b, a),
                                                            rel=1e-12)
    # An empty bin is floored at 1e-4 instead of giving log(0): all of current in one bin.
    ref = np.full(10, 0.1)
    cur = np.r_[1.0, np.zeros(9)]
    expected = 0.9 * math.log(10) + 9 * (1e-4 - 0.1) * math.log(1e-4 / 0.1)
    assert monitoring.psi_from_shares(ref, cur) == pytest.approx(expected, rel=1e-12)
    # Grows with a shift; for a normal shift of d sd it is close to d squared.
    values = [monitoring.psi(REF, REF + d) for d in (0.1, 0.3, 0.5, 1.0)]
    assert np.all(np.diff(values) > 0)
    assert values[2] == pytest.approx(0.25, abs=0.05)


@pytest.mark.parametrize("value,verdict", [(0.0, "no change"), (0.0999, "no change"),
                                           (0.1, "changed"), (0.2499, "changed"),
                                           (0.25, "major change"), (3.0, "major change")])
def test_psi_verdict(value, verdict):
    assert monitoring.psi_verdict(value) == verdict


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_ks_matches_scipy(name):
    current = SAMPLES[name]
    expected = ks_2samp(REF, current)
    statistic, pvalue = monitoring.ks(REF, current)
    assert statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert pvalue == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_wasserstein_is_scipys_in_reference_sd(name):
    current = SAMPLES[name]
    expected = wasserstein_distance(REF, current) / np.std(REF)
    assert monitoring.wasserstein(REF, current) == pytest.approx(expected, rel=1e-12)
    # Measured in reference sd: rescaling both samples leaves it unchanged.
    assert monitoring.wasserstein(50 * REF, 50 * current) == pytest.approx(expected, rel=1e-9)


def test_wasserstein_reads_a_pure_shift_in_sd():
    assert monitoring.wasserstein(REF, REF + 0.3 * np.std(REF)) == pytest.approx(0.3, rel=1e-9)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_jensen_shannon_is_scipys_natural_log_on_the_reference_bins(name):
    current = SAMPLES[name]
    ref, cur = _shares_independent(REF, current)
    expected = jensenshannon(ref, cur)
    assert monitoring.jensen_shannon(REF, current) == pytest.approx(expected, rel=1e-12,
                                                                    abs=1e-15)
    assert 0 <= monitoring.jensen_shannon(REF, current) <= math.sqrt(math.log(2)) + 1e-12


def test_jensen_shannon_natural_log_reads_1_2_times_lower_than_base_2():
    """Evidently's convention (natural log) against a base-2 dashboard: the same samples
    read sqrt(ln 2) times as much, about 1 / 1.2."""
    current = SAMPLES["wider"]
    ref, cur = _shares_independent(REF, current)
    ratio = monitoring.jensen_shannon(REF, current) / jensenshannon(ref, cur, base=2)
    assert ratio == pytest.approx(math.sqrt(math.log(2)), rel=1e-9)
    assert 1 / ratio == pytest.approx(1.2011, abs=1e-4)


def test_jensen_shannon_bounds():
    assert monitoring.jensen_shannon(REF, REF) == pytest.approx(0.0, abs=1e-7)
    # A sample far below the reference lands entirely in the open bottom bin, which also
    # holds a tenth of the reference: on the reference's own bins JS stays below its
    # natural-log maximum, sqrt(ln 2) (about 0.83).
    far = REF.min() - 10 - REF
    expected = jensenshannon(np.full(10, 0.1), np.r_[1.0, np.zeros(9)])
    assert monitoring.jensen_shannon(REF, far) == pytest.approx(expected, rel=1e-9)
    assert 0.7 < expected < math.sqrt(math.log(2))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_drift_report_agrees_with_the_single_statistics(name):
    current = SAMPLES[name]
    report = monitoring.drift_report(REF, current)
    assert report.psi == pytest.approx(monitoring.psi(REF, current), rel=1e-12, abs=1e-15)
    assert (report.ks_statistic, report.ks_pvalue) == monitoring.ks(REF, current)
    assert report.wasserstein == monitoring.wasserstein(REF, current)
    assert report.js == pytest.approx(monitoring.jensen_shannon(REF, current), rel=1e-12,
                                      abs=1e-15)
    assert report.psi_verdict == monitoring.psi_verdict(report.psi)
    assert report.psi_drift == (report.psi >= 0.1)
    assert report.ks_drift == (report.ks_pvalue <= 0.05)
    assert report.wasserstein_drift == (report.wasserstein >= 0.1)
    assert report.js_drift == (report.js >= 0.1)
    assert (report.n_reference, report.n_current) == (REF.size, current.size)


def test_headline_is_the_test_on_small_samples_and_the_distance_on_large_ones():
    small = monitoring.drift_report(REF, SAMPLES["small"])
    assert small.headline == "ks" and small.drift == small.ks_drift
    large = monitoring.drift_report(REF, SAMPLES["shifted"])
    assert large.headline == "wasserstein" and large.drift == large.wasserstein_drift
    assert monitoring.drift_report(REF[:1000], SAMPLES["shifted"]).headline == "ks"
    assert monitoring.drift_report(REF[:1001], SAMPLES["shifted"]).headline == "wasserstein"


@pytest.mark.parametrize("bad", [[1.0], [0.0, np.nan, 1.0], [0.0, np.inf]])
def test_statistics_reject_unusable_samples(bad):
    for statistic in (monitoring.psi, monitoring.ks, monitoring.wasserstein,
                      monitoring.jensen_shannon, monitoring.drift_report):
        with pytest.raises(ValueError):
            statistic(REF, bad)
        with pytest.raises(ValueError):
            statistic(bad, REF)


# --- the scenario ----------------------------------------------------------------------------

def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _regenerate(seed=monitoring.SEED, n_reference=20_000, n_max=50_000, days=60):
    """The documented recipe, written out again: draws in order from one generator."""
    rng = np.random.default_rng(seed)
    x_ref = rng.normal(0, 1, n_reference)
    w_ref = rng.normal(0, 1, n_reference)
    u_ref = rng.random(n_reference)
    z = rng.normal(0, 1, n_max)
    w = rng.normal(0, 1, n_max)
    u = rng.random(n_max)
    day = rng.integers(1, days + 1, n_max)
    return x_ref, w_ref, u_ref, z, w, u, day


WORLD = _regenerate()


def _probability(x, w, concept=0.0):
    return _sigmoid(-3.0 + 1.5 * (1 - 2 * concept) * x + 0.9 * w)


def test_scenario_constants_are_the_documented_ones():
    assert (monitoring.INTERCEPT, monitoring.AMOUNT_WEIGHT, monitoring.OTHER_WEIGHT) == \
        (-3.0, 1.5, 0.9)
    assert monitoring.THRESHOLD == 0.2
    assert (monitoring.N_REFERENCE, monitoring.N_PRODUCTION_MAX) == (20_000, 50_000)
    assert (monitoring.PRODUCTION_DAYS, monitoring.BLOCK_DAYS) == (60, 10)


@pytest.mark.parametrize("settings", [
    dict(), dict(shift=0.5), dict(spread=1.5, n_production=800), dict(concept=0.6),
    dict(shift=1.2, spread=0.7, concept=0.3, label_delay_days=45, n_production=20_000),
    dict(shift=0.05, n_production=50_000, label_delay_days=0),
])
def test_compute_matches_the_regenerated_world(settings):
    result = monitoring.compute(**settings)
    shift, spread = settings.get("shift", 0.0), settings.get("spread", 1.0)
    concept, delay = settings.get("concept", 0.0), settings.get("label_delay_days", 30)
    n = settings.get("n_production", 5_000)
    x_ref, w_ref, u_ref, z, w, u, day = WORLD
    x = shift + spread * z[:n]
    w, u, day = w[:n], u[:n], day[:n]
    score_ref, score = _probability(x_ref, w_ref), _probability(x, w)

    inputs = result.inputs
    expected_ks = ks_2samp(x_ref, x)
    assert inputs.ks_statistic == pytest.approx(expected_ks.statistic, rel=1e-12)
    assert inputs.ks_pvalue == pytest.approx(expected_ks.pvalue, rel=1e-9, abs=1e-300)
    assert inputs.wasserstein == pytest.approx(wasserstein_distance(x_ref, x) / np.std(x_ref),
                                               rel=1e-12)
    assert inputs.psi == pytest.approx(_psi_independent(x_ref, x), rel=1e-10, abs=1e-15)
    assert inputs.js == pytest.approx(jensenshannon(*_shares_independent(x_ref, x)),
                                      rel=1e-10, abs=1e-15)
    assert result.prediction_psi == pytest.approx(_psi_independent(score_ref, score),
                                                  rel=1e-10, abs=1e-15)

    fraud_ref = u_ref < _probability(x_ref, w_ref)
    assert result.reference_recall == pytest.approx(np.mean(score_ref[fraud_ref] >= 0.2))
    fraud = u < _probability(x, w, concept)
    labelled = day <= 60 - delay
    assert result.measurable_days == 60 - delay
    assert result.labelled_payments == np.count_nonzero(labelled)
    assert result.labelled_fraud == np.count_nonzero(fraud & labelled)
    if result.labelled_fraud >= monitoring.MIN_LABELLED_FRAUD:
        assert result.production_recall == pytest.approx(
            np.mean(score[fraud & labelled] >= 0.2), rel=1e-12)
    else:
        assert result.production_recall is None
    assert result.production_mean == pytest.approx(np.mean(x))


def test_no_drift_no_alarm():
    result = monitoring.compute()
    r = result.inputs
    assert not (r.psi_drift or r.ks_drift or r.wasserstein_drift or r.js_drift or r.drift)
    assert r.ks_pvalue > 0.1 and r.psi < 0.01
    assert not result.predictions_moved and result.prediction_psi < 0.01
    assert result.performance == "held"
    assert result.diagnosis.startswith("no drift")


@pytest.mark.parametrize("shift", [0.5, 1.0, 2.0])
def test_pure_shift_moves_inputs_and_predictions_and_performance_is_reported_honestly(shift):
    result = monitoring.compute(shift=shift)
    r = result.inputs
    assert r.psi >= monitoring.PSI_CHANGED and r.wasserstein >= 0.1 and r.ks_pvalue < 1e-6
    assert r.wasserstein == pytest.approx(shift, abs=0.05)
    assert r.drift and result.predictions_moved
    assert result.prediction_psi >= monitoring.PSI_CHANGED
    # The prediction moves less than the input: the score also rests on other signals.
    assert result.prediction_psi < r.psi
    # The relation held; bigger payments are riskier and easier to catch, so recall rose.
    assert result.production_recall > result.reference_recall
    assert result.performance == "rose"
    assert result.diagnosis.startswith("data drift: inputs and predictions moved")
    if shift >= 1:
        assert r.psi_verdict == "major change" and result.prediction_verdict == "major change"


@pytest.mark.parametrize("concept", [0.3, 0.5, 1.0])
def test_pure_concept_change_is_invisible_without_labels_but_recall_falls(concept):
    result = monitoring.compute(concept=concept, label_delay_days=0)
    r = result.inputs
    # The inputs and the scores are exactly those of the no-drift setting.
    baseline = monitoring.compute(label_delay_days=0)
    assert (r.psi, r.ks_pvalue, r.wasserstein, r.js) == (
        baseline.inputs.psi, baseline.inputs.ks_pvalue, baseline.inputs.wasserstein,
        baseline.inputs.js)
    assert not (r.psi_drift or r.ks_drift or r.wasserstein_drift or r.js_drift)
    assert result.prediction_psi < monitoring.PSI_CHANGED and not result.predictions_moved
    assert result.performance == "fell"
    assert result.production_recall < result.reference_recall - (0.1 if concept < 0.5 else 0.25)
    assert result.diagnosis.endswith("concept drift")


def test_long_label_delay_hides_a_concept_change():
    result = monitoring.compute(concept=0.6, label_delay_days=60)
    assert result.measurable_days == 0 and result.labelled_payments == 0
    assert result.production_recall is None and result.performance == "not yet measurable"
    assert np.all(np.isnan(result.block_recall)) and np.all(result.block_measured_days == 0)
    assert not result.inputs.drift and not result.predictions_moved
    assert "performance unknown for the last 60 days" in result.diagnosis
    # The same change, with its labels in: only the labels reveal it.
    assert monitoring.compute(concept=0.6, label_delay_days=0).performance == "fell"


def test_with_a_long_delay_only_drift_monitors_warn_of_a_shift():
    result = monitoring.compute(shift=0.8, label_delay_days=60)
    assert result.inputs.drift and result.predictions_moved
    assert result.performance == "not yet measurable"
    assert result.diagnosis.startswith("inputs and predictions moved (data drift); "
                                       "performance unknown for the last 60 days")


def test_big_samples_make_tests_flag_tiny_shifts_that_distances_ignore():
    result = monitoring.compute(shift=0.05, n_production=50_000)
    r = result.inputs
    assert r.ks_pvalue <= 0.05 and r.ks_drift
    assert r.wasserstein < 0.1 and not r.wasserstein_drift
    assert r.psi < 0.1 and r.js < 0.1
    assert r.headline == "wasserstein" and not r.drift
    # The same tiny shift on the default 5,000 payments does not reach significance.
    assert monitoring.compute(shift=0.05).inputs.ks_pvalue > 0.05


def test_small_samples_are_judged_by_the_test():
    result = monitoring.compute(n_production=300)
    assert result.inputs.headline == "ks" and result.inputs.drift == result.inputs.ks_drift
    assert result.performance == "too few labels" and result.production_recall is None


@pytest.mark.parametrize("spread", [0.6, 1.5, 2.0])
def test_a_change_of_spread_without_a_mean_shift_is_caught(spread):
    result = monitoring.compute(spread=spread)
    r = result.inputs
    assert abs(result.production_mean - result.reference_mean) < 0.05
    assert r.ks_drift and r.ks_pvalue < 1e-6
    assert r.psi_drift and r.js_drift


def test_label_delay_decides_which_days_are_measurable():
    for delay in (0, 7, 30, 45, 60):
        result = monitoring.compute(label_delay_days=delay)
        assert result.measurable_days == 60 - delay
        assert result.block_measured_days.sum() == 60 - delay
        assert np.all(np.isnan(result.block_recall) == (result.block_measured_days == 0))
    result = monitoring.compute(label_delay_days=45)
    np.testing.assert_array_equal(result.block_starts, [1, 11, 21, 31, 41, 51])
    np.testing.assert_array_equal(result.block_measured_days, [10, 5, 0, 0, 0, 0])


def test_performance_verdict_reads_noise_as_noise():
    assert monitoring.performance_verdict(0.6, None, 0, 0) == "not yet measurable"
    assert monitoring.performance_verdict(0.6, 0.2, 300, 49) == "too few labels"
    # 100 labelled fraud cases: two standard errors are about 0.098.
    assert monitoring.performance_verdict(0.6, 0.51, 1_000, 100) == "held"
    assert monitoring.performance_verdict(0.6, 0.49, 1_000, 100) == "fell"
    assert monitoring.performance_verdict(0.6, 0.71, 1_000, 100) == "rose"
    # Many labels: the 0.05 margin still applies.
    assert monitoring.performance_verdict(0.6, 0.56, 10**6, 10**5) == "held"


def test_reading_states_the_numbers():
    result = monitoring.compute(shift=0.5)
    r = result.inputs
    text = monitoring.reading(result)
    for piece in ("inputs shifted 0.50 sd", f"PSI {r.psi:.2f} (changed, >= 0.1)",
                  "KS p < 0.001 (drift, p <= 0.05)",
                  f"Wasserstein {r.wasserstein:.2f} sd (drift, >= 0.1)",
                  # (the reading's log-base label is the UX engineer's to update)
                  f"JS {r.js:.2f} (", "drift, >= 0.1)",
                  f"prediction PSI {result.prediction_psi:.2f} (changed)",
                  f"fraud caught {result.production_recall:.2f} vs "
                  f"{result.reference_recall:.2f} in training",
                  "labels cover 30 of 60 production days (the last 30 not yet measurable)"):
        assert piece in text
    quiet = monitoring.reading(monitoring.compute(label_delay_days=60))
    assert "PSI 0.00 (no change, needs 0.1)" in quiet and "not yet measurable" in quiet


def test_chart_arrays():
    result = monitoring.compute(shift=1.0, spread=1.3)
    x = 1.0 + 1.3 * WORLD[3][:5_000]
    np.testing.assert_allclose(result.production_hist,
                               np.histogram(x, monitoring.CHART_EDGES)[0]
                               / (5_000 * np.diff(monitoring.CHART_EDGES)))
    np.testing.assert_allclose(result.reference_hist,
                               np.histogram(WORLD[0], monitoring.CHART_EDGES, density=True)[0])


@pytest.mark.parametrize("bad", [dict(shift=-0.1), dict(shift=2.5), dict(spread=0.4),
                                 dict(spread=2.1), dict(concept=1.2), dict(concept=-0.1),
                                 dict(label_delay_days=-1), dict(label_delay_days=61),
                                 dict(n_production=100), dict(n_production=60_000)])
def test_invalid_settings_raise(bad):
    with pytest.raises(ValueError):
        monitoring.compute(**bad)
