"""A/B testing a model whose answers vary from run to run: power, sample size and peeking.

Quillio (fictional) tests a new chatbot model against the current one. The outcome of a
conversation is binary: *resolved without a human* (1) or not (0). The current model
resolves ``baseline_rate`` of conversations; the new one ``true_lift`` percentage points
more. Both sample their answers (temperature > 0), so the same test input can be resolved on
one run and not on the next.

The variance model, stated once so the explorer, the tests and the lesson agree. A yes/no
outcome with rate ``p`` has variance ``p(1 - p)``, and it splits in two parts:

- *between inputs*: some inputs are easy, some hard (the spread of each input's own rate);
- *run to run*: on one input, the same model resolves some runs and not others.
  ``run_to_run_sd`` is the standard deviation of one run's outcome around its input's own
  rate, so the run-to-run variance of the current model is ``run_to_run_sd**2`` and the
  between-input variance is ``p(1 - p) - run_to_run_sd**2``. 0 means the model always gives
  an input the same outcome; the largest possible value is ``sqrt(p(1 - p))`` (about 0.46 at
  30%), where every input is alike and all the spread is chance. The new model keeps the same
  *share* of run-to-run variance at its own rate.

Running every test input ``samples_per_input`` (``k``) times and averaging shrinks only the
run-to-run part. For one input's averaged outcome in one arm::

    variance = between + run_to_run / k

A test with ``n`` inputs per arm compares the two arms' mean outcomes; the difference has
standard error ``sqrt(V / n)`` where, per input,

- two separate groups of inputs (``paired=False``):
  ``V = (between_A + run_A / k) + (between_B + run_B / k)``;
- the same inputs answered by both models and compared per input (``paired=True``):
  ``V = between_A + between_B - 2 * rho * sqrt(between_A * between_B) + (run_A + run_B) / k``
  where ``rho`` (``input_correlation``, default 0.8) says how alike the two models find the
  same inputs hard (1 would mean the new model shifts every input's rate by the same
  amount). Pairing cancels most of the between-input part, so it helps most when input
  difficulty varies a lot.

The test is a two-sided z-test at ``alpha`` with this known variance (a normal
approximation). With ``peeks`` looks at equal intervals (after ``n / peeks``, ``2n / peeks``,
..., ``n`` inputs per arm) the experiment stops at the first look with p < alpha. With
``delta = lift / sqrt(V / n)`` the z statistic at look ``j`` is
``delta * sqrt(j / peeks) + W_j``, where ``W_j = (Z_1 + ... + Z_j) / sqrt(j)`` and the ``Z``
are independent standard normals. The simulation draws ``simulations`` Brownian paths (seeded)
at every look time of every schedule of 1-20 looks and, for each path and schedule, the range of ``delta`` that stops it; ``power`` is the
share of paths that stop at this ``delta`` and ``false_positive_rate`` the share at
``delta = 0`` (no real lift). The same paths serve every lift and sample size (common random
numbers), so curves are smooth and updates fast.

Sample sizes for ``power_target`` with one look: ``n_required_statsmodels`` is the textbook
answer from ``statsmodels``' ``NormalIndPower`` with ``proportion_effectsize`` (Cohen's
arcsine ``h``), which assumes one run per input and two separate groups (a live test);
``n_required`` scales it by the design's variance against that textbook design,
``n_statsmodels * V / (pA(1 - pA) + pB(1 - pB))`` (a design effect: it accounts for
run-to-run variance, repeated samples and pairing). So the two are the same number when
``samples_per_input=1`` and ``paired=False``, the number the lesson's power analysis gives
(8,393 per arm for 2 points on 30%); the Wald formula ``(z_{1 - alpha/2} + z_{power}) ** 2 *
V / lift ** 2`` differs from it by well under 1%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.stats import norm
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from course.style import count

PEEKS_MAX = 20
SAMPLES_MAX = 8
LIFT_MAX = 5.0
RUN_TO_RUN_SD_MAX = 0.3
INPUTS_MIN, INPUTS_MAX = 200, 20_000
#: Inputs per arm of the power curve (log spaced, beyond the slider so that the required
#: sample size usually shows).
N_GRID = np.unique(np.round(np.geomspace(100, 50_000, 81)).astype(int))
N_GRID.flags.writeable = False
PEEKS_GRID = np.arange(1, PEEKS_MAX + 1)
PEEKS_GRID.flags.writeable = False
SIMULATIONS = 20_000
#: How alike the two models find the same inputs hard (correlation of their per-input rates).
INPUT_CORRELATION = 0.8


@dataclass(frozen=True, eq=False)
class ABResult:
    """One experiment design and what it can detect.

    Rates and variances are per conversation (0-1 scale); ``true_lift`` is percentage
    points. ``between_variance`` and ``run_to_run_variance`` are the current model's two
    parts of ``p(1 - p)``; ``variance_per_input`` is one input's averaged outcome in the
    control arm (``between + run_to_run / k``); ``variance_of_difference`` is ``V`` (the
    difference of the arms' means has variance ``V / n``) and ``standard_error`` its square
    root at ``inputs_per_arm`` (rate units). ``power`` and ``false_positive_rate`` are
    simulated under this design's ``peeks``; ``power_single_look`` is the closed form for one
    look; ``false_positive_rate_single_look`` the simulated rate for one look.
    ``n_required`` and ``n_required_statsmodels`` are inputs per arm for ``power_target`` with
    one look (``nan`` when the lift is 0). ``model_calls`` is the runs both arms need
    (``2 * n * k``). ``power_curve`` is the power at each ``n_grid`` size (same peeks);
    ``false_positive_curve`` the false-positive rate for each number of looks in
    ``peeks_grid``.
    """

    true_lift: float
    baseline_rate: float
    treatment_rate: float
    run_to_run_sd: float
    samples_per_input: int
    inputs_per_arm: int
    peeks: int
    paired: bool
    alpha: float
    power_target: float
    seed: int
    simulations: int
    between_variance: float
    run_to_run_variance: float
    variance_per_input: float
    variance_of_difference: float
    standard_error: float
    power: float
    power_single_look: float
    false_positive_rate: float
    false_positive_rate_single_look: float
    n_required: float
    n_required_statsmodels: float
    model_calls: int
    n_grid: np.ndarray
    power_curve: np.ndarray
    peeks_grid: np.ndarray
    false_positive_curve: np.ndarray


def variance_parts(baseline_rate: float, true_lift: float,
                   run_to_run_sd: float) -> tuple[float, float, float, float]:
    """``(between_A, run_A, between_B, run_B)``: each arm's between-input and run-to-run
    variance of one conversation's outcome (A = current model, B = new model)."""
    p_a = baseline_rate
    p_b = baseline_rate + true_lift / 100
    total_a, total_b = p_a * (1 - p_a), p_b * (1 - p_b)
    share = min(run_to_run_sd ** 2 / total_a, 1.0)    # the run-to-run share of p(1 - p)
    return (total_a * (1 - share), total_a * share, total_b * (1 - share), total_b * share)


def variance_of_difference(baseline_rate: float, true_lift: float, run_to_run_sd: float,
                           samples_per_input: int, paired: bool,
                           input_correlation: float = INPUT_CORRELATION) -> float:
    """``V``: ``inputs_per_arm`` times the variance of the difference between the arms'
    mean outcomes (see the module docstring)."""
    between_a, run_a, between_b, run_b = variance_parts(baseline_rate, true_lift,
                                                        run_to_run_sd)
    k = samples_per_input
    between = between_a + between_b
    if paired:
        between -= 2 * input_correlation * math.sqrt(between_a * between_b)
    return between + (run_a + run_b) / k


def _look_times() -> np.ndarray:
    """Every look time, as a share of the experiment, of every schedule of 1-20 looks."""
    return np.unique(np.concatenate([np.arange(1, p + 1) / p for p in PEEKS_GRID]))


@lru_cache(maxsize=8)
def _paths(seed: int, simulations: int) -> tuple[np.ndarray, np.ndarray]:
    """``(times, W)``: standard Brownian paths at every look time, divided by the square
    root of the time (so each column is a standard normal z statistic under no lift)."""
    times = _look_times()
    rng = np.random.default_rng(seed)
    # Single precision: ample for shares of 20,000 paths, and twice as fast to draw.
    steps = rng.standard_normal((simulations, times.size), dtype=np.float32)
    steps *= np.sqrt(np.diff(times, prepend=0.0)).astype(np.float32)
    paths = np.cumsum(steps, axis=1) / np.sqrt(times).astype(np.float32)
    paths.flags.writeable = False
    return times, paths


@lru_cache(maxsize=64)
def _stopping_range(peeks: int, alpha: float, seed: int,
                    simulations: int) -> tuple[np.ndarray, np.ndarray]:
    """For each simulated path, ``(upper, lower)``: it stops at standardized effect
    ``delta >= 0`` exactly when ``delta >= upper`` or ``delta < lower``."""
    times, all_paths = _paths(seed, simulations)
    looks = np.arange(1, peeks + 1) / peeks
    paths = all_paths[:, np.searchsorted(times, looks - 1e-12)]
    z = np.float32(norm.isf(alpha / 2))
    reach = np.sqrt(looks).astype(np.float32)   # the share of the final effect each look sees
    upper = ((z - paths) / reach).min(axis=1)
    lower = ((-z - paths) / reach).max(axis=1)
    upper.flags.writeable = False
    lower.flags.writeable = False
    return upper, lower


def _stop_share(delta, peeks: int, alpha: float, seed: int, simulations: int):
    upper, lower = _stopping_range(peeks, alpha, seed, simulations)
    delta = np.asarray(delta, dtype=float)[..., None]
    return ((delta >= upper) | (delta < lower)).mean(axis=-1)


@lru_cache(maxsize=16)
def _false_positive_curve(alpha: float, seed: int, simulations: int) -> np.ndarray:
    curve = np.array([float(_stop_share(0.0, int(p), alpha, seed, simulations))
                      for p in PEEKS_GRID])
    curve.flags.writeable = False
    return curve


def power_single_look(delta: float, alpha: float = 0.05) -> float:
    """Closed-form power of one two-sided z-test at standardized effect ``delta``."""
    z = norm.isf(alpha / 2)
    return float(norm.cdf(delta - z) + norm.cdf(-delta - z))


def n_required(true_lift: float, *, baseline_rate: float = 0.30, run_to_run_sd: float = 0.15,
               samples_per_input: int = 1, paired: bool = False,
               input_correlation: float = INPUT_CORRELATION, alpha: float = 0.05,
               power_target: float = 0.8) -> float:
    """Inputs per arm (not rounded) for ``power_target`` with one look: statsmodels' answer
    for a live test scaled by this design's variance ``V`` against the live test's (see the
    module docstring); nan at lift 0."""
    if true_lift == 0:
        return math.nan
    v = variance_of_difference(baseline_rate, true_lift, run_to_run_sd, samples_per_input,
                               paired, input_correlation)
    p_b = baseline_rate + true_lift / 100
    textbook = baseline_rate * (1 - baseline_rate) + p_b * (1 - p_b)
    return n_required_statsmodels(true_lift, baseline_rate=baseline_rate, alpha=alpha,
                                  power_target=power_target) * v / textbook


def n_required_statsmodels(true_lift: float, *, baseline_rate: float = 0.30,
                           alpha: float = 0.05, power_target: float = 0.8) -> float:
    """Inputs per arm (not rounded) from ``statsmodels``: ``NormalIndPower`` with
    ``proportion_effectsize`` (one run per input, two separate groups); nan at lift 0."""
    if true_lift == 0:
        return math.nan
    effect = proportion_effectsize(baseline_rate + true_lift / 100, baseline_rate)
    return float(NormalIndPower().solve_power(effect_size=effect, alpha=alpha,
                                              power=power_target, ratio=1.0,
                                              alternative="two-sided"))


def _check(true_lift, baseline_rate, run_to_run_sd, samples_per_input, inputs_per_arm, peeks,
           input_correlation, alpha, power_target, simulations):
    if not 0 < baseline_rate < 1:
        raise ValueError(f"baseline_rate must be between 0 and 1, got {baseline_rate}")
    if not 0 <= true_lift < 100 * (1 - baseline_rate):
        raise ValueError(f"true_lift must be 0 or more points and keep the new rate below "
                         f"100%, got {true_lift}")
    largest = math.sqrt(baseline_rate * (1 - baseline_rate))
    if not 0 <= run_to_run_sd <= largest + 1e-9:
        raise ValueError(f"run_to_run_sd must be between 0 and {largest:.3f} (all of the "
                         f"outcome's spread) at a {baseline_rate:.0%} rate, got {run_to_run_sd}")
    if not samples_per_input >= 1:
        raise ValueError(f"samples_per_input must be 1 or more, got {samples_per_input}")
    if not inputs_per_arm >= 2:
        raise ValueError(f"inputs_per_arm must be 2 or more, got {inputs_per_arm}")
    if not 1 <= peeks <= min(PEEKS_MAX, inputs_per_arm):
        raise ValueError(f"peeks must be 1-{PEEKS_MAX} (and at most inputs_per_arm), "
                         f"got {peeks}")
    if not (0 < alpha < 1 and 0 < power_target < 1):
        raise ValueError(f"alpha and power_target must be between 0 and 1, got {alpha} "
                         f"and {power_target}")
    if not -1 <= input_correlation <= 1:
        raise ValueError(f"input_correlation must be between -1 and 1, got {input_correlation}")
    if not simulations >= 100:
        raise ValueError(f"simulations must be 100 or more, got {simulations}")


def compute(true_lift: float = 2.0, *, baseline_rate: float = 0.30,
            run_to_run_sd: float = 0.15, samples_per_input: int = 1,
            inputs_per_arm: int = 2000, peeks: int = 1, paired: bool = False,
            input_correlation: float = INPUT_CORRELATION, alpha: float = 0.05, power_target: float = 0.8, seed: int = 4,
            simulations: int = SIMULATIONS) -> ABResult:
    """Power, false-positive rate and required sample size of one A/B test design.

    Parameters (units):
        true_lift: the new model's real improvement, percentage points (0-5 in the explorer).
        baseline_rate: the current model's share of conversations resolved without a human.
        run_to_run_sd: standard deviation of one run's outcome around its input's own rate
            (0 = deterministic; see the module docstring).
        samples_per_input: runs of each test input per model, averaged.
        inputs_per_arm: test inputs per model (rounded to a whole number).
        peeks: looks at the results at equal intervals; the test stops at the first p < alpha.
        paired: both models answer the same inputs and are compared per input.
        input_correlation: how alike the two models find the same inputs hard (paired only).
        alpha: two-sided significance level of each look.
        power_target: the power the required sample size is for.
        seed, simulations: the simulated experiments (per number of looks).

    Returns an ``ABResult``.
    """
    inputs_per_arm = int(round(inputs_per_arm))
    samples_per_input = int(samples_per_input)
    peeks = int(peeks)
    _check(true_lift, baseline_rate, run_to_run_sd, samples_per_input, inputs_per_arm, peeks,
           input_correlation, alpha, power_target, simulations)
    seed, simulations, alpha = int(seed), int(simulations), float(alpha)
    between_a, run_a, _, _ = variance_parts(baseline_rate, true_lift, run_to_run_sd)
    v = variance_of_difference(baseline_rate, true_lift, run_to_run_sd, samples_per_input,
                               paired, input_correlation)
    lift = true_lift / 100
    delta = lift / math.sqrt(v / inputs_per_arm) if lift > 0 else 0.0
    curve_delta = lift / np.sqrt(v / N_GRID) if lift > 0 else np.zeros(N_GRID.size)
    power_curve = _stop_share(curve_delta, peeks, alpha, seed, simulations)
    power_curve.flags.writeable = False
    false_positives = _false_positive_curve(alpha, seed, simulations)
    options = dict(baseline_rate=baseline_rate, alpha=alpha, power_target=power_target)
    needed = n_required(true_lift, run_to_run_sd=run_to_run_sd,
                        samples_per_input=samples_per_input, paired=paired,
                        input_correlation=input_correlation, **options)
    classic = n_required_statsmodels(true_lift, **options)
    return ABResult(
        true_lift=float(true_lift), baseline_rate=float(baseline_rate),
        treatment_rate=float(baseline_rate + lift), run_to_run_sd=float(run_to_run_sd),
        samples_per_input=samples_per_input, inputs_per_arm=inputs_per_arm, peeks=peeks,
        paired=bool(paired), alpha=alpha, power_target=float(power_target), seed=seed,
        simulations=simulations, between_variance=between_a, run_to_run_variance=run_a,
        variance_per_input=between_a + run_a / samples_per_input,
        variance_of_difference=v, standard_error=math.sqrt(v / inputs_per_arm),
        power=float(_stop_share(delta, peeks, alpha, seed, simulations)),
        power_single_look=power_single_look(delta, alpha),
        false_positive_rate=float(false_positives[peeks - 1]),
        false_positive_rate_single_look=float(false_positives[0]),
        n_required=math.ceil(needed) if needed == needed else math.nan,
        n_required_statsmodels=math.ceil(classic) if classic == classic else math.nan,
        model_calls=2 * inputs_per_arm * samples_per_input,
        n_grid=N_GRID, power_curve=power_curve, peeks_grid=PEEKS_GRID,
        false_positive_curve=false_positives)


def _round_up(n: float, step: int = 100) -> int:
    return int(math.ceil(n / step) * step)


def reading_lead(result: ABResult) -> str:
    """How often this test finds the lift, and what peeking buys it with."""
    if math.isnan(result.n_required):
        head = ("There is no real lift: any 'win' this test declares is a false positive "
                f"({result.false_positive_rate:.0%} of tests)")
    else:
        head = (f"This test detects a real {result.true_lift:.1f}-point lift "
                f"{result.power:.0%} of the time")
    if result.peeks > 1:
        head += (f"; peeking {result.peeks} times buys power ({result.power_single_look:.0%} "
                 f"with one look) with false positives: with no real lift "
                 f"{result.false_positive_rate:.0%} of tests would still ship "
                 f"(vs {result.false_positive_rate_single_look:.0%})")
    return head


def reading_detail(result: ABResult) -> str:
    """One line: the design, its power, the sample size it needs, and the cost of peeking."""
    k = result.samples_per_input
    looks = "1 look" if result.peeks == 1 else f"{result.peeks} looks"
    design = (f"lift {result.true_lift:.1f} points, {count(result.inputs_per_arm)} inputs per "
              f"arm{' (paired)' if result.paired else ''}, {k} sample{'s' if k != 1 else ''} "
              f"each, {looks}: power {result.power:.2f}")
    if math.isnan(result.n_required):
        design += " (no real lift: every detection is a false positive)"
    else:
        design += (f" (needs {count(_round_up(result.n_required))} per arm for "
                   f"{result.power_target:.0%})")
    single = result.false_positive_rate_single_look
    if result.peeks == 1:
        ten = result.false_positive_curve[9]
        peeking = (f"peeking 10 times would raise false positives from {single:.0%} to "
                   f"{ten:.0%}")
    else:
        peeking = (f"peeking {result.peeks} times raises false positives from {single:.0%} to "
                   f"{result.false_positive_rate:.0%}")
    return f"{design}; {peeking}"


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
