"""Quillio's A/B test: sample sizes against statsmodels and a hand formula, simulated power
against closed forms and a brute-force per-conversation simulation, the variance of averaged
samples against a Beta-Bernoulli simulation, and the teaching facts the lesson relies on."""

import math

import numpy as np
import pytest
from scipy.stats import norm

from course.m4 import abtest

Z = norm.isf(0.025)          # two-sided 5%
Z_POWER = norm.ppf(0.8)


def _se(p, n):
    """Monte Carlo standard error of a simulated share p from n experiments."""
    return math.sqrt(p * (1 - p) / n)


# --- the variance model ----------------------------------------------------------------------


@pytest.mark.parametrize("sd", [0.0, 0.1, 0.2, 0.3])
def test_variance_parts_split_p_one_minus_p(sd):
    between_a, run_a, between_b, run_b = abtest.variance_parts(0.3, 3.0, sd)
    assert between_a + run_a == pytest.approx(0.3 * 0.7)
    assert between_b + run_b == pytest.approx(0.33 * 0.67)
    assert run_a == pytest.approx(sd ** 2)
    assert run_b / (between_b + run_b) == pytest.approx(run_a / (between_a + run_a))


@pytest.mark.parametrize("k", [1, 3, 8])
def test_averaging_k_runs_shrinks_only_the_run_to_run_part(k):
    """Brute force: inputs with Beta-distributed rates (between-input variance), each run k
    times (Bernoulli draws around its rate): the variance of an input's mean outcome is
    between + run_to_run / k."""
    p, sd = 0.3, 0.25
    between, run, _, _ = abtest.variance_parts(p, 0.0, sd)
    concentration = p * (1 - p) / between - 1            # Beta(a, b) with this a + b
    rng = np.random.default_rng(5)
    rates = rng.beta(p * concentration, (1 - p) * concentration, 400_000)
    means = rng.binomial(k, rates) / k
    assert np.mean(rates * (1 - rates)) == pytest.approx(sd ** 2, rel=0.02)
    assert means.var() == pytest.approx(between + run / k, rel=0.02)
    result = abtest.compute(0.0, run_to_run_sd=sd, samples_per_input=k)
    assert result.variance_per_input == pytest.approx(between + run / k)


def test_variance_of_difference_formulas():
    ba, ra, bb, rb = abtest.variance_parts(0.3, 2.0, 0.2)
    assert abtest.variance_of_difference(0.3, 2.0, 0.2, 4, False) == pytest.approx(
        ba + ra / 4 + bb + rb / 4)
    assert abtest.variance_of_difference(0.3, 2.0, 0.2, 4, True, 0.8) == pytest.approx(
        ba + bb - 1.6 * math.sqrt(ba * bb) + (ra + rb) / 4)
    # One run per input, two groups: the textbook pA(1 - pA) + pB(1 - pB).
    assert abtest.variance_of_difference(0.3, 2.0, 0.2, 1, False) == pytest.approx(
        0.3 * 0.7 + 0.32 * 0.68)
    result = abtest.compute(2.0, run_to_run_sd=0.2, samples_per_input=4, inputs_per_arm=900)
    assert result.standard_error == pytest.approx(math.sqrt(result.variance_of_difference
                                                            / 900))
    assert result.model_calls == 2 * 900 * 4


# --- sample size -----------------------------------------------------------------------------


@pytest.mark.parametrize("lift", [1.0, 2.0, 3.5, 5.0])
@pytest.mark.parametrize("baseline", [0.15, 0.3, 0.6])
def test_statsmodels_sample_size_matches_the_hand_formulas(lift, baseline):
    p_b = baseline + lift / 100
    h = 2 * math.asin(math.sqrt(p_b)) - 2 * math.asin(math.sqrt(baseline))   # Cohen's h
    classic = abtest.n_required_statsmodels(lift, baseline_rate=baseline)
    # 2 asin(sqrt(p)) has variance 1 / n; the difference of two groups 2 / n.
    assert classic == pytest.approx(2 * ((Z + Z_POWER) / h) ** 2, rel=1e-3)
    # With one run per input and two groups (a live test) the design-aware size is the
    # statsmodels number itself (one number per quantity), and the Wald version is close.
    wald = (Z + Z_POWER) ** 2 * (baseline * (1 - baseline) + p_b * (1 - p_b)) / (lift / 100) ** 2
    ours = abtest.n_required(lift, baseline_rate=baseline, samples_per_input=1)
    assert ours == pytest.approx(classic, rel=1e-12)
    assert ours == pytest.approx(wald, rel=0.02)


@pytest.mark.parametrize("design", [dict(samples_per_input=4, run_to_run_sd=0.3),
                                    dict(paired=True), dict(paired=True, samples_per_input=3)])
def test_design_sample_size_scales_the_textbook_one_by_the_variance(design):
    """n_required = statsmodels' n x V(design) / V(live test): a design effect."""
    sd = design.pop("run_to_run_sd", 0.15)
    v = abtest.variance_of_difference(0.3, 2.0, sd, design.get("samples_per_input", 1),
                                      design.get("paired", False))
    textbook = 0.3 * 0.7 + 0.32 * 0.68
    assert abtest.n_required(2.0, run_to_run_sd=sd, **design) == pytest.approx(
        abtest.n_required_statsmodels(2.0) * v / textbook, rel=1e-12)


def test_statsmodels_sample_size_gives_eighty_percent_simulated_power():
    result = abtest.compute(2.0)
    assert result.n_required_statsmodels == result.n_required == 8_393
    at_n = abtest.compute(2.0, inputs_per_arm=result.n_required_statsmodels)
    assert at_n.power == pytest.approx(0.80, abs=0.015)
    for design in (dict(samples_per_input=4, run_to_run_sd=0.3), dict(paired=True)):
        needed = abtest.compute(2.0, **design).n_required
        assert abtest.compute(2.0, inputs_per_arm=needed, **design).power == pytest.approx(
            0.80, abs=0.015)


def test_no_lift_needs_no_sample_size():
    result = abtest.compute(0.0)
    assert math.isnan(result.n_required) and math.isnan(result.n_required_statsmodels)
    assert result.power == result.false_positive_rate


# --- the simulation --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [300, 2_000, 6_000, 15_000])
def test_one_look_simulated_power_matches_the_closed_form(n):
    result = abtest.compute(2.0, inputs_per_arm=n)
    delta = 0.02 / result.standard_error
    closed = norm.cdf(delta - Z) + norm.cdf(-delta - Z)
    assert result.power_single_look == pytest.approx(closed)
    assert abs(result.power - closed) < 4 * _se(closed, result.simulations) + 1e-3


def test_power_curve_is_compute_at_each_size():
    reference = abtest.compute(2.5, peeks=4)
    for i in range(0, reference.n_grid.size, 10):
        n = int(reference.n_grid[i])
        assert abtest.compute(2.5, peeks=4, inputs_per_arm=n).power == pytest.approx(
            reference.power_curve[i])


def test_brute_force_experiments_agree_with_the_power():
    """Simulate whole experiments conversation by conversation (Beta rates per input, k
    Bernoulli runs each, two groups, one look) and count detections."""
    p, lift, sd, k, n = 0.3, 4.0, 0.3, 2, 1_500
    result = abtest.compute(lift, run_to_run_sd=sd, samples_per_input=k, inputs_per_arm=n)
    rng = np.random.default_rng(8)
    experiments = 2_000
    arms = []
    for rate in (p, p + lift / 100):
        between, _, _, _ = abtest.variance_parts(rate, 0.0, sd * math.sqrt(
            rate * (1 - rate) / (p * (1 - p))))             # the same run-to-run share
        concentration = rate * (1 - rate) / between - 1
        rates = rng.beta(rate * concentration, (1 - rate) * concentration, (experiments, n))
        arms.append((rng.binomial(k, rates) / k).mean(axis=1))
    z = (arms[1] - arms[0]) / result.standard_error
    detected = np.mean(np.abs(z) > Z)
    assert detected == pytest.approx(result.power, abs=4 * _se(result.power, experiments))


# --- the teaching facts ----------------------------------------------------------------------


def test_power_rises_with_sample_size_and_lift():
    result = abtest.compute(2.0)
    assert np.all(np.diff(result.power_curve) >= 0)
    assert result.power_curve[0] < 0.1 and result.power_curve[-1] > 0.99
    powers = [abtest.compute(lift).power for lift in (0.5, 1.0, 2.0, 3.0, 5.0)]
    assert powers == sorted(powers) and powers[-1] > 0.8 > powers[2]


def test_peeking_inflates_false_positives():
    result = abtest.compute(2.0)
    one, ten = result.false_positive_curve[0], result.false_positive_curve[9]
    assert one == pytest.approx(0.05, abs=4 * _se(0.05, result.simulations))
    assert ten > 0.12
    assert ten == pytest.approx(0.193, abs=0.012)     # Armitage et al. (1969): 10 looks, 19%
    assert result.false_positive_curve[-1] > ten > result.false_positive_curve[4] > one
    assert abtest.compute(2.0, peeks=10).false_positive_rate == ten
    assert abtest.compute(0.0, peeks=10).power == ten


def test_repeated_samples_help_only_through_run_to_run_variance():
    def power(sd, k):
        return abtest.compute(2.0, run_to_run_sd=sd, samples_per_input=k).power

    assert len({power(0.0, k) for k in (1, 2, 4, 8)}) == 1      # no run-to-run spread
    noisy = [power(0.3, k) for k in (1, 2, 4, 8)]
    assert noisy == sorted(noisy) and noisy[-1] > noisy[0] + 0.1
    gains = np.diff(noisy)
    assert gains[0] > gains[1] > gains[2]                         # diminishing returns
    # However many runs, the between-input variance stays: power never reaches 1 here.
    infinite = abtest.compute(2.0, run_to_run_sd=0.3, samples_per_input=10_000)
    assert infinite.variance_per_input == pytest.approx(infinite.between_variance, rel=1e-3)
    assert power(0.3, 8) < infinite.power < 0.5


def test_pairing_helps_most_when_input_difficulty_varies():
    for sd in (0.0, 0.15, 0.3):
        assert (abtest.compute(2.0, run_to_run_sd=sd, paired=True).power
                > abtest.compute(2.0, run_to_run_sd=sd).power)
    gain = {sd: abtest.compute(2.0, run_to_run_sd=sd, paired=True).power
            - abtest.compute(2.0, run_to_run_sd=sd).power for sd in (0.0, 0.3)}
    assert gain[0.0] > gain[0.3] > 0       # sd 0: all the spread is between inputs
    # At a 10% rate, sd 0.3 is all the spread: no input is harder than another, nothing to
    # cancel, and pairing changes nothing.
    flat = dict(baseline_rate=0.1, run_to_run_sd=0.3)
    assert abtest.compute(2.0, paired=True, **flat).power == pytest.approx(
        abtest.compute(2.0, **flat).power, abs=0.01)


def test_reading_and_defaults():
    result = abtest.compute()
    assert abtest.reading_detail(result) == (
        "lift 2.0 points, 2,000 inputs per arm, 1 sample each, 1 look: power 0.28 (needs "
        "8,400 per arm for 80%); peeking 10 times would raise false positives from 5% to 20%")
    assert "peeking 10 times raises false positives from 5% to 20%" in abtest.reading_detail(
        abtest.compute(peeks=10))
    assert "(paired)" in abtest.reading_detail(abtest.compute(paired=True))
    assert "no real lift" in abtest.reading_detail(abtest.compute(0.0))


def test_bad_settings_raise_and_arrays_are_read_only():
    for bad in (dict(true_lift=-1), dict(baseline_rate=1.0), dict(run_to_run_sd=0.5),
                dict(samples_per_input=0), dict(inputs_per_arm=1), dict(peeks=21),
                dict(alpha=0), dict(input_correlation=2)):
        with pytest.raises(ValueError):
            abtest.compute(**bad)
    result = abtest.compute()
    with pytest.raises(ValueError):
        result.power_curve[0] = 1.0
