"""Monitoring a model in production: data drift, prediction drift and performance.

Part 1, the statistics. Each compares a *reference* sample (the training period) with a
*current* one (production) and comes with the convention it is computed under and the
threshold at which it is usually read as drift (Evidently's defaults, where it has one):

- ``psi``: Population Stability Index on ``PSI_BINS`` quantile bins of the reference, shares
  floored at ``PSI_EPSILON``, natural log. ``>= PSI_CHANGED`` (0.1) reads "changed",
  ``>= PSI_MAJOR`` (0.25) "major change".
- ``ks``: the two-sample Kolmogorov-Smirnov test; drift when ``p <= KS_ALPHA`` (0.05). A
  test answers "could this difference be chance?", not "is it big?": on large samples almost
  any difference, however small, is "significant".
- ``wasserstein``: the earth mover's distance divided by the reference's standard
  deviation, so it reads in reference sd units; drift when ``>= WASSERSTEIN_THRESHOLD`` (0.1).
- ``jensen_shannon``: the Jensen-Shannon *distance* (the square root of the divergence) with
  the natural log, scipy's default and Evidently's convention, so it lies between 0 and
  ``sqrt(ln 2)`` (about 0.83); drift when ``>= JS_THRESHOLD`` (0.1). In base 2 (range 0 to 1)
  the same two samples read ``1 / sqrt(ln 2)`` (about 1.2) times higher, so a base-2 dashboard
  compared with 0.1 fires earlier than Evidently does: its equivalent threshold is about 0.12
  (``JS_BASE2_EQUIVALENT``).

``drift_report`` runs all four and names one as the headline: the KS test when the smaller
sample has at most ``SMALL_SAMPLE`` (1,000) rows, the Wasserstein distance otherwise. Tests
flag negligible shifts once there is enough data; distances measure the size of the change
but are noisy on a few hundred rows. (Evidently applies the same rule to the reference's
size; here the reference is always large and it is the production window that shrinks, so
the rule looks at the smaller sample.)

Part 2, the scenario. Ledgerly (fictional), a payments company, scores card payments for
fraud and blocks a payment when the score reaches ``THRESHOLD``. Its monitoring watches one
input, the payment amount (log dollars, in training standard deviations, so the training
period has mean 0 and sd 1), the model's output score, and its performance: the share of
fraudulent payments it blocks (recall at the operating threshold). Fraud labels are
chargebacks, which arrive weeks later: a payment's label is known only ``label_delay_days``
after it was made.

The world, drawn in this order from ``rng = numpy.random.default_rng(seed)``:

1. the reference window, ``N_REFERENCE`` training-period payments: amounts
   ``x = rng.normal(0, 1, N_REFERENCE)``, the model's other signals (device, account history)
   summarised as ``w = rng.normal(0, 1, N_REFERENCE)``, then ``u = rng.random(N_REFERENCE)``;
   a payment is fraud when ``u < fraud_probability(x, w)``;
2. the production window, ``N_PRODUCTION_MAX`` payments over ``PRODUCTION_DAYS`` days:
   ``z``, ``w`` and ``u`` the same way, then the day each was made,
   ``rng.integers(1, PRODUCTION_DAYS + 1, N_PRODUCTION_MAX)`` (day ``PRODUCTION_DAYS`` is
   today). A setting with ``n_production`` payments uses the first ``n_production``.

Production amounts are ``shift + spread * z``; the fraud relation is
``fraud_probability(x, w, concept)``. The changes hold over the whole production window. The
model's score is the training-period relation itself, ``fraud_probability(x, w, 0)`` (as if
learned perfectly), so any loss in production is the drift's doing, not a weak model's.
The same draws serve every setting (common random numbers), so a slider moves the picture
smoothly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import ks_2samp, wasserstein_distance

# --- the statistics --------------------------------------------------------------------------

#: PSI: number of quantile bins of the reference, floor on each bin's share (avoids log(0)).
PSI_BINS = 10
PSI_EPSILON = 1e-4
#: PSI at or above these reads "changed" and "major change".
PSI_CHANGED = 0.1
PSI_MAJOR = 0.25
#: KS test: drift when the p-value is at or below this.
KS_ALPHA = 0.05
#: Wasserstein distance (reference sd units) and Jensen-Shannon distance (natural log): drift
#: at or above these.
WASSERSTEIN_THRESHOLD = 0.1
JS_THRESHOLD = 0.1
#: Jensen-Shannon: number of bins (the reference's quantile bins, as for PSI) and log base:
#: ``None`` is scipy's default, the natural log (Evidently's convention).
JS_BINS = 10
JS_BASE = None
#: What Evidently's 0.1 (natural log) reads as on a base-2 Jensen-Shannon distance.
JS_BASE2_EQUIVALENT = JS_THRESHOLD / math.sqrt(math.log(2))
#: Headline rule: samples of at most this many rows (the smaller of the two) are judged by
#: the KS test, larger ones by the Wasserstein distance (Evidently's cut-off).
SMALL_SAMPLE = 1_000


def _as_sample(values, name: str) -> np.ndarray:
    sample = np.asarray(values, dtype=float).ravel()
    if sample.size < 2 or not np.all(np.isfinite(sample)):
        raise ValueError(f"{name} must hold at least two finite numbers")
    return sample


def quantile_edges(reference, bins: int = PSI_BINS) -> np.ndarray:
    """Bin edges at the reference's quantiles 1/bins, ..., (bins-1)/bins, with outer edges
    at -inf and +inf (so every value of either sample falls in a bin). Tied quantiles (a
    reference with repeated values) are merged, so there may be fewer than ``bins`` bins."""
    reference = _as_sample(reference, "reference")
    if bins < 2:
        raise ValueError(f"bins must be at least 2, got {bins}")
    inner = np.unique(np.quantile(reference, np.arange(1, bins) / bins))
    return np.r_[-np.inf, inner, np.inf]


def binned_shares(sample, edges) -> np.ndarray:
    """Share of ``sample`` in each bin; a bin holds ``edges[i] <= value < edges[i + 1]``."""
    sample = np.asarray(sample, dtype=float).ravel()
    index = np.searchsorted(np.asarray(edges)[1:-1], sample, side="right")
    return np.bincount(index, minlength=len(edges) - 1) / sample.size


def psi_from_shares(reference_shares, current_shares, epsilon: float = PSI_EPSILON) -> float:
    """PSI of two vectors of bin shares: ``sum((cur - ref) * ln(cur / ref))`` with each share
    floored at ``epsilon``. Symmetric in its two arguments; 0 when the shares are equal."""
    ref = np.maximum(np.asarray(reference_shares, dtype=float), epsilon)
    cur = np.maximum(np.asarray(current_shares, dtype=float), epsilon)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def psi(reference, current, bins: int = PSI_BINS) -> float:
    """Population Stability Index of ``current`` against ``reference`` (unitless, >= 0).

    Conventions: ``bins`` quantile bins of the *reference* (so each holds 1/bins of it; the
    outer bins are open to -inf and +inf), shares floored at ``PSI_EPSILON`` (1e-4) so an
    empty bin does not give log(0), natural log:
    ``PSI = sum over bins of (current share - reference share) * ln(current / reference)``.
    Read: below 0.1 no change, 0.1 to 0.25 changed, 0.25 and above major change.
    """
    reference = _as_sample(reference, "reference")
    current = _as_sample(current, "current")
    edges = quantile_edges(reference, bins)
    return psi_from_shares(binned_shares(reference, edges), binned_shares(current, edges))


def psi_verdict(value: float) -> str:
    """``"no change"`` below ``PSI_CHANGED``, ``"changed"`` below ``PSI_MAJOR``, else
    ``"major change"``."""
    if value >= PSI_MAJOR:
        return "major change"
    if value >= PSI_CHANGED:
        return "changed"
    return "no change"


def ks(reference, current) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov test: ``(statistic, p_value)``.

    ``scipy.stats.ks_2samp`` with its defaults (two-sided; exact p-value when both samples
    have fewer than 10,000 values, asymptotic otherwise). The statistic is the largest gap
    between the two empirical distribution functions (0-1). Drift when ``p <= KS_ALPHA``
    (0.05), Evidently's default for small samples. On large samples almost any difference
    is "significant": the p-value says the change is real, not that it matters.
    """
    result = ks_2samp(_as_sample(reference, "reference"), _as_sample(current, "current"))
    return float(result.statistic), float(result.pvalue)


def wasserstein(reference, current) -> float:
    """Wasserstein (earth mover's) distance in reference standard deviations (>= 0).

    ``scipy.stats.wasserstein_distance(reference, current) / numpy.std(reference)`` (the
    population sd, ``ddof=0``): Evidently's normed convention, so a pure shift of the mean
    by 0.3 sd gives about 0.3. Drift when ``>= WASSERSTEIN_THRESHOLD`` (0.1).
    """
    reference = _as_sample(reference, "reference")
    current = _as_sample(current, "current")
    sd = float(np.std(reference))
    if sd == 0:
        raise ValueError("the reference has no spread; the normed distance is undefined")
    return float(wasserstein_distance(reference, current)) / sd


def jensen_shannon(reference, current, bins: int = JS_BINS,
                   base: float | None = JS_BASE) -> float:
    """Jensen-Shannon distance between the two samples' binned shares, natural log.

    Conventions: the same bins as ``psi`` (``bins`` quantile bins of the reference, outer
    bins open), so the two differ only in the formula; ``scipy.spatial.distance.jensenshannon``
    with its default base (the natural log, as Evidently computes it), which returns the
    *distance*, the square root of the divergence: 0 means identical shares and
    ``sqrt(ln 2)`` (about 0.83) no overlap. Drift when ``>= JS_THRESHOLD`` (0.1). Pass
    ``base=2`` to see what a base-2 dashboard would show (compare it with
    ``JS_BASE2_EQUIVALENT``, about 0.12, not with 0.1).
    """
    reference = _as_sample(reference, "reference")
    current = _as_sample(current, "current")
    edges = quantile_edges(reference, bins)
    return float(jensenshannon(binned_shares(reference, edges), binned_shares(current, edges),
                               base=base))


@dataclass(frozen=True)
class DriftReport:
    """The four statistics of one column, each with its verdict.

    ``psi`` with ``psi_verdict`` (no change / changed / major change) and ``psi_drift``
    (``psi >= PSI_CHANGED``); ``ks_statistic``, ``ks_pvalue`` and ``ks_drift``
    (``p <= KS_ALPHA``); ``wasserstein`` (reference sd units) and ``wasserstein_drift``;
    ``js`` (natural-log distance) and ``js_drift``. ``headline`` names the statistic that decides
    ("ks" when the smaller sample has at most ``SMALL_SAMPLE`` rows, else "wasserstein") and
    ``drift`` is its verdict.
    """

    n_reference: int
    n_current: int
    psi: float
    psi_verdict: str
    psi_drift: bool
    ks_statistic: float
    ks_pvalue: float
    ks_drift: bool
    wasserstein: float
    wasserstein_drift: bool
    js: float
    js_drift: bool
    headline: str
    drift: bool


def drift_report(reference, current) -> DriftReport:
    """PSI, KS, Wasserstein and Jensen-Shannon of ``current`` against ``reference``, with
    their verdicts at the thresholds above, and the headline verdict (see ``DriftReport``)."""
    reference = _as_sample(reference, "reference")
    return _drift_report(reference, _as_sample(current, "current"),
                         quantile_edges(reference, PSI_BINS))


def _drift_report(reference: np.ndarray, current: np.ndarray, edges: np.ndarray) -> DriftReport:
    """``drift_report`` with the reference's quantile edges already known (PSI and JS share
    them: ``JS_BINS == PSI_BINS``)."""
    ref_shares, cur_shares = binned_shares(reference, edges), binned_shares(current, edges)
    psi_value = psi_from_shares(ref_shares, cur_shares)
    js_value = float(jensenshannon(ref_shares, cur_shares, base=JS_BASE))
    ks_statistic, ks_pvalue = ks(reference, current)
    distance = wasserstein(reference, current)
    ks_drift = ks_pvalue <= KS_ALPHA
    wasserstein_drift = distance >= WASSERSTEIN_THRESHOLD
    headline = "ks" if min(reference.size, current.size) <= SMALL_SAMPLE else "wasserstein"
    return DriftReport(
        n_reference=int(reference.size), n_current=int(current.size),
        psi=psi_value, psi_verdict=psi_verdict(psi_value), psi_drift=psi_value >= PSI_CHANGED,
        ks_statistic=ks_statistic, ks_pvalue=ks_pvalue, ks_drift=ks_drift,
        wasserstein=distance, wasserstein_drift=wasserstein_drift,
        js=js_value, js_drift=js_value >= JS_THRESHOLD,
        headline=headline, drift=ks_drift if headline == "ks" else wasserstein_drift)


# --- the scenario: Ledgerly's fraud model ----------------------------------------------------

#: The fraud relation in the training period: logit P(fraud) = INTERCEPT + AMOUNT_WEIGHT * x
#: + OTHER_WEIGHT * w (x: amount, w: the model's other signals, both in training sd).
INTERCEPT = -3.0
AMOUNT_WEIGHT = 1.5
OTHER_WEIGHT = 0.9
#: The model blocks a payment when its score (estimated P(fraud)) reaches this.
THRESHOLD = 0.2
#: Reference (training-period) payments; most production payments a setting can have.
N_REFERENCE = 20_000
N_PRODUCTION_MAX = 50_000
#: Length of the production window (days; day PRODUCTION_DAYS is today) and of the blocks
#: the performance chart groups days into.
PRODUCTION_DAYS = 60
BLOCK_DAYS = 10
#: Performance "fell" (or "rose") when production recall is below (above) the reference's
#: by at least PERFORMANCE_MARGIN and by at least PERFORMANCE_Z standard errors of a recall
#: measured on that many labelled fraud cases (smaller changes are read as noise); it is not
#: judged at all on fewer labelled fraud cases than MIN_LABELLED_FRAUD.
PERFORMANCE_MARGIN = 0.05
PERFORMANCE_Z = 2.0
MIN_LABELLED_FRAUD = 50
SEED = 12
#: Histogram edges for the chart (amount, training sd); the statistics use all the data.
CHART_EDGES = np.linspace(-5.0, 7.0, 49)
CHART_EDGES.flags.writeable = False


def fraud_probability(x, w, concept: float = 0.0) -> np.ndarray:
    """P(fraud | amount ``x``, other signals ``w``) after a concept change of size ``concept``.

    ``concept`` (0-1) moves the amount's weight from ``AMOUNT_WEIGHT`` (0) through 0 (0.5,
    amount says nothing) to ``-AMOUNT_WEIGHT`` (1): a fraud ring learning to keep payments
    small, so that small amounts become the risky ones. Because amounts are symmetric
    around their mean in training, the overall fraud rate barely changes.
    """
    weight = AMOUNT_WEIGHT * (1.0 - 2.0 * concept)
    logit = INTERCEPT + weight * np.asarray(x, dtype=float) + OTHER_WEIGHT * np.asarray(w)
    return 1.0 / (1.0 + np.exp(-logit))


def model_score(x, w) -> np.ndarray:
    """The fraud model's score: the training-period relation, ``fraud_probability(x, w, 0)``."""
    return fraud_probability(x, w, 0.0)


@dataclass(frozen=True)
class _World:
    x_reference: np.ndarray
    score_reference: np.ndarray
    fraud_reference: np.ndarray
    z: np.ndarray
    w: np.ndarray
    u: np.ndarray
    day: np.ndarray
    x_edges: np.ndarray          # quantile edges of the reference amounts
    score_edges: np.ndarray      # quantile edges of the reference scores
    score_shares: np.ndarray     # reference scores' share per score bin
    reference_recall: float
    reference_hist: np.ndarray


@lru_cache(maxsize=4)
def _world(seed: int) -> _World:
    rng = np.random.default_rng(seed)
    x_reference = rng.normal(0.0, 1.0, N_REFERENCE)
    w_reference = rng.normal(0.0, 1.0, N_REFERENCE)
    u_reference = rng.random(N_REFERENCE)
    z = rng.normal(0.0, 1.0, N_PRODUCTION_MAX)
    w = rng.normal(0.0, 1.0, N_PRODUCTION_MAX)
    u = rng.random(N_PRODUCTION_MAX)
    day = rng.integers(1, PRODUCTION_DAYS + 1, N_PRODUCTION_MAX)
    score_reference = model_score(x_reference, w_reference)
    fraud_reference = u_reference < fraud_probability(x_reference, w_reference)
    score_edges = quantile_edges(score_reference)
    world = _World(
        x_reference=x_reference, score_reference=score_reference,
        fraud_reference=fraud_reference, z=z, w=w, u=u, day=day,
        x_edges=quantile_edges(x_reference), score_edges=score_edges,
        score_shares=binned_shares(score_reference, score_edges),
        reference_recall=float(np.mean(score_reference[fraud_reference] >= THRESHOLD)),
        reference_hist=np.histogram(x_reference, CHART_EDGES, density=True)[0])
    for value in vars(world).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return world


def reference_data(seed: int = SEED) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The reference window: (amounts in training sd, model scores, fraud True/False)."""
    world = _world(int(seed))
    return world.x_reference, world.score_reference, world.fraud_reference


def production_data(shift: float = 0.0, spread: float = 1.0, concept: float = 0.0,
                    n_production: int = 5_000, *, seed: int = SEED):
    """The production window: (amounts, model scores, fraud True/False, day 1-60) of the
    first ``n_production`` production payments at this setting."""
    world = _world(int(seed))
    n = int(n_production)
    x = shift + spread * world.z[:n]
    w = world.w[:n]
    fraud = world.u[:n] < fraud_probability(x, w, concept)
    return x, model_score(x, w), fraud, world.day[:n]


@dataclass(frozen=True, eq=False)
class MonitoringResult:
    """What Ledgerly's monitoring shows at one setting.

    Settings: ``shift`` and ``spread`` (of the production amounts, training sd and a factor),
    ``concept`` (0-1), ``label_delay_days``, ``n_production``, ``seed``.

    Without labels, available at once: ``inputs`` (a ``DriftReport`` of production amounts
    against the reference's), ``prediction_psi`` and ``prediction_verdict`` (PSI of the
    model's scores, production against reference), ``predictions_moved``
    (``prediction_psi >= PSI_CHANGED``), and the means ``reference_mean`` and
    ``production_mean`` of the amounts.

    With labels, only for payments at least ``label_delay_days`` old: ``measurable_days``
    (of ``production_days``), ``labelled_payments`` and ``labelled_fraud`` (counts),
    ``reference_recall`` (share of fraud blocked in the reference window) and
    ``production_recall`` (the same on the labelled production payments; None when fewer
    than ``MIN_LABELLED_FRAUD`` fraud cases are labelled). ``performance`` is one of
    "held", "rose", "fell", "not yet measurable" (no labelled payments) or "too few labels".

    For the chart: ``chart_edges`` with ``reference_hist`` and ``production_hist``
    (densities of the amounts); ``block_starts`` (first day of each ``BLOCK_DAYS``-day block),
    ``block_measured_days`` (how many of its days are labelled) and ``block_recall`` (recall
    on its labelled payments; NaN without labelled fraud). ``diagnosis`` says it in words.
    """

    shift: float
    spread: float
    concept: float
    label_delay_days: int
    n_production: int
    seed: int
    inputs: DriftReport
    prediction_psi: float
    prediction_verdict: str
    predictions_moved: bool
    reference_mean: float
    production_mean: float
    production_days: int
    measurable_days: int
    labelled_payments: int
    labelled_fraud: int
    reference_recall: float
    production_recall: float | None
    performance: str
    diagnosis: str
    chart_edges: np.ndarray
    reference_hist: np.ndarray
    production_hist: np.ndarray
    block_starts: np.ndarray
    block_measured_days: np.ndarray
    block_recall: np.ndarray


def performance_verdict(reference_recall: float, production_recall: float | None,
                        labelled_payments: int, labelled_fraud: int) -> str:
    """"not yet measurable" (no labelled payments), "too few labels" (fewer than
    ``MIN_LABELLED_FRAUD`` labelled fraud cases), else "fell", "rose" or "held": a change
    counts when it is at least ``PERFORMANCE_MARGIN`` and at least ``PERFORMANCE_Z``
    standard errors, ``sqrt(r * (1 - r) / labelled_fraud)`` with ``r`` the reference recall."""
    if labelled_payments == 0:
        return "not yet measurable"
    if production_recall is None or labelled_fraud < MIN_LABELLED_FRAUD:
        return "too few labels"
    change = production_recall - reference_recall
    noise = math.sqrt(reference_recall * (1 - reference_recall) / labelled_fraud)
    if abs(change) < max(PERFORMANCE_MARGIN, PERFORMANCE_Z * noise):
        return "held"
    return "fell" if change < 0 else "rose"


def diagnose(inputs_moved: bool, predictions_moved: bool, performance: str,
             label_delay_days: int) -> str:
    """One line naming the situation from the three monitors' verdicts."""
    if inputs_moved and predictions_moved:
        seen = "inputs and predictions moved"
    elif inputs_moved:
        seen = "inputs moved but predictions held"
    elif predictions_moved:
        seen = "predictions moved while the monitored input held (another input changed?)"
    else:
        seen = "inputs steady, predictions steady"
    moved = inputs_moved or predictions_moved
    if performance == "not yet measurable":
        if moved:
            return (f"{seen} (data drift); performance unknown for the last "
                    f"{label_delay_days} days: labels have not arrived, so only the drift "
                    "monitors can warn")
        return (f"{seen}; performance unknown for the last {label_delay_days} days: "
                "labels have not arrived, and a concept change would go unseen until they do")
    if performance == "too few labels":
        return f"{seen}; too few labelled fraud cases yet to judge performance"
    if performance == "fell":
        if moved:
            return (f"{seen} and performance fell once labels arrived: investigate before "
                    "trusting the model (retrain, or re-tune the threshold)")
        return f"{seen}, performance fell once labels arrived: concept drift"
    if moved:
        return f"data drift: {seen}, yet performance {performance} on the labelled days"
    return f"no drift: {seen}, and performance {performance}"


def compute(shift: float = 0.0, spread: float = 1.0, concept: float = 0.0,
            label_delay_days: int = 30, n_production: int = 5_000, *,
            seed: int = SEED) -> MonitoringResult:
    """Ledgerly's fraud-model monitoring after the production window changes.

    Parameters (units):
        shift: mean shift of the production amounts, in training sd, 0-2 (data drift).
        spread: factor on the production amounts' sd, 0.5-2 (a reshape without a mean shift).
        concept: how far the amount-to-fraud relation changed, 0-1 (concept drift; see
            ``fraud_probability``).
        label_delay_days: days until a payment's fraud label (chargeback) arrives, 0-60.
        n_production: production payments in the window, 200-50,000.
        seed: the seed of the whole simulation.

    Returns a ``MonitoringResult``: the input drift report, prediction drift, recall on the
    labelled part of production against the reference, and a diagnosis.
    """
    if not 0.0 <= shift <= 2.0:
        raise ValueError(f"shift must be between 0 and 2 sd, got {shift}")
    if not 0.5 <= spread <= 2.0:
        raise ValueError(f"spread must be between 0.5 and 2, got {spread}")
    if not 0.0 <= concept <= 1.0:
        raise ValueError(f"concept must be between 0 and 1, got {concept}")
    if not 0 <= label_delay_days <= PRODUCTION_DAYS:
        raise ValueError(f"label_delay_days must be between 0 and {PRODUCTION_DAYS}, "
                         f"got {label_delay_days}")
    n = int(round(n_production))
    if not 200 <= n <= N_PRODUCTION_MAX:
        raise ValueError(f"n_production must be between 200 and {N_PRODUCTION_MAX:,}, "
                         f"got {n_production}")
    delay = int(label_delay_days)
    world = _world(int(seed))
    x, score, fraud, day = production_data(shift, spread, concept, n, seed=int(seed))
    # The same as drift_report(world.x_reference, x) and psi(world.score_reference, score),
    # with the reference's bins computed once per seed.
    inputs = _drift_report(world.x_reference, x, world.x_edges)
    prediction_psi = psi_from_shares(world.score_shares, binned_shares(score, world.score_edges))

    measurable_days = PRODUCTION_DAYS - delay
    labelled = day <= measurable_days
    caught = fraud & (score >= THRESHOLD)
    labelled_fraud = int(np.count_nonzero(fraud & labelled))
    production_recall = (float(np.count_nonzero(caught & labelled)) / labelled_fraud
                         if labelled_fraud >= MIN_LABELLED_FRAUD else None)
    performance = performance_verdict(world.reference_recall, production_recall,
                                      int(np.count_nonzero(labelled)), labelled_fraud)

    # Per block of days: fraud and caught fraud among the labelled payments.
    n_blocks = PRODUCTION_DAYS // BLOCK_DAYS
    block = (day - 1) // BLOCK_DAYS
    fraud_per_block = np.bincount(block[fraud & labelled], minlength=n_blocks)
    caught_per_block = np.bincount(block[caught & labelled], minlength=n_blocks)
    with np.errstate(invalid="ignore", divide="ignore"):
        block_recall = np.where(fraud_per_block > 0,
                                caught_per_block / np.maximum(fraud_per_block, 1), np.nan)
    block_starts = np.arange(n_blocks) * BLOCK_DAYS + 1
    block_measured = np.clip(measurable_days - (block_starts - 1), 0, BLOCK_DAYS)
    production_hist = np.histogram(x, CHART_EDGES, density=False)[0] / (
        n * np.diff(CHART_EDGES))
    for array in (production_hist, block_recall, block_starts, block_measured):
        array.flags.writeable = False

    predictions_moved = prediction_psi >= PSI_CHANGED
    return MonitoringResult(
        shift=float(shift), spread=float(spread), concept=float(concept),
        label_delay_days=delay, n_production=n, seed=int(seed),
        inputs=inputs, prediction_psi=prediction_psi,
        prediction_verdict=psi_verdict(prediction_psi), predictions_moved=predictions_moved,
        reference_mean=float(np.mean(world.x_reference)), production_mean=float(np.mean(x)),
        production_days=PRODUCTION_DAYS, measurable_days=measurable_days,
        labelled_payments=int(np.count_nonzero(labelled)), labelled_fraud=labelled_fraud,
        reference_recall=world.reference_recall, production_recall=production_recall,
        performance=performance,
        diagnosis=diagnose(inputs.drift, predictions_moved, performance, delay),
        chart_edges=CHART_EDGES, reference_hist=world.reference_hist,
        production_hist=production_hist, block_starts=block_starts,
        block_measured_days=block_measured, block_recall=block_recall)


def p_text(p: float) -> str:
    """A p-value for a reading: ``p < 0.001`` or ``p = 0.43``."""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def _flag(drift: bool, rule: str) -> str:
    return f"drift, {rule}" if drift else f"no drift, needs {rule}"


def reading_lead(result: MonitoringResult) -> str:
    """What the monitors say about the product, before their statistics."""
    r = result.inputs
    words = {"no change": "barely changed", "changed": "changed",
             "major change": "changed a lot"}
    inputs = f"The mix of payment amounts has {words.get(r.psi_verdict, r.psi_verdict)}"
    if result.production_recall is None:
        caught = f"whether fraud is still caught is {result.performance}"
    elif round(100 * result.production_recall) == round(100 * result.reference_recall):
        caught = f"the model still blocks {100 * result.production_recall:.0f}% of fraud"
    else:
        caught = (f"the model now blocks {100 * result.production_recall:.0f}% of fraud "
                  f"against {100 * result.reference_recall:.0f}% in training")
    return f"{inputs}, and {caught}"


def reading_detail(result: MonitoringResult) -> str:
    """One line: the label-free monitors (inputs, predictions), then performance, then the
    diagnosis."""
    r = result.inputs
    if result.production_recall is None:
        performance = f"fraud caught: {result.performance}"
    else:
        performance = (f"fraud caught {result.production_recall:.2f} vs "
                       f"{result.reference_recall:.2f} in training")
    days = (f"labels cover {result.measurable_days} of {result.production_days} production "
            f"days")
    if result.label_delay_days:
        days += f" (the last {result.label_delay_days} not yet measurable)"
    return (
        f"inputs shifted {result.shift:.2f} sd (sd: the spread of training amounts), spread x{result.spread:.2f}, relation changed "
        f"{result.concept:.2f}, {result.n_production:,} payments: "
        f"PSI {r.psi:.2f} ({r.psi_verdict}, {'>=' if r.psi_drift else 'needs'} "
        f"{PSI_MAJOR if r.psi >= PSI_MAJOR else PSI_CHANGED}), "
        f"KS {p_text(r.ks_pvalue)} ({_flag(r.ks_drift, f'p <= {KS_ALPHA}')}), "
        f"Wasserstein {r.wasserstein:.2f} sd ({_flag(r.wasserstein_drift, '>= 0.1')}), "
        f"JS {r.js:.2f} (base 2; {_flag(r.js_drift, '>= 0.1')}); "
        f"prediction PSI {result.prediction_psi:.2f} ({result.prediction_verdict}); "
        f"{performance}, {days}. {result.diagnosis[0].upper()}{result.diagnosis[1:]}.")


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
