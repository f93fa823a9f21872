"""Drift: the inputs move (data drift) or the relation moves (concept drift).

Pantry Dash (fictional) predicts whether a customer orders again within 14 days from one
input, the value of their latest basket, measured in standard deviations from the training
mean (so training baskets have mean 0 and spread 1). The chance of a repeat order follows a
logistic relation, ``P(repeat | x) = sigmoid(SLOPE * (x - boundary))``, whose 50-50 point is
``boundary`` (``BOUNDARY`` = 0 in training).

After launch two things can change, one slider each:

- ``input_shift`` (data drift): production baskets are ``input_shift`` standard deviations
  bigger on average (say a campaign brings bigger shops). The relation is unchanged.
- ``concept_shift`` (concept drift): the relation's boundary moves to ``BOUNDARY +
  concept_shift`` (say a rival starts free delivery, so the same basket now comes with a
  lower chance of a repeat order). The inputs are unchanged.

What a team can see, and when:

- *Without labels*, right away: the production inputs. The two-sample Kolmogorov-Smirnov
  test (``scipy.stats.ks_2samp``, ``method="asymp"``, the asymptotic distribution, which is
  accurate at these sample sizes and a hundred times faster than the exact one) compares
  training and production baskets; ``p < ALPHA`` raises an input-drift alarm.
- *With labels*, 14 days later: accuracy in production. Only this sees concept drift.

The model is a logistic regression fitted once on the training sample. The true relation is
itself logistic in ``x``, so the model can learn it almost exactly: whatever accuracy it
loses in production is the drift's doing, not a poor model's. ``best_production_accuracy``
is the accuracy of the true production relation's own rule (predict a repeat when
``x > BOUNDARY + concept_shift``) on the same production sample: the most any model could
reach there. What this model shows under pure data drift: the relation holds, the model
still matches it, and accuracy *rises*, because bigger baskets lie further from the 50-50
boundary and are easier cases. An input-drift alarm says "look", not "broken".

The data, drawn in this order from ``rng = numpy.random.default_rng(seed)``:

1. training baskets ``x = rng.normal(0, 1, N_TRAINING)``, then ``u = rng.random(N_TRAINING)``;
   the customer repeats when ``u < relation(x)``;
2. a training-like check sample the same way (``N_CHECK`` rows): training accuracy is
   measured on it, not on the rows the model was fitted on;
3. production draws ``z = rng.normal(0, 1, N_PRODUCTION)`` and ``v = rng.random(N_PRODUCTION)``;
   production baskets are ``z + input_shift`` and the customer repeats when
   ``v < relation(z + input_shift, concept_shift)``.

The same draws serve every setting (common random numbers), so moving a slider changes the
picture smoothly, and nothing is refitted or redrawn per update. With the default seed and
these sizes the KS test raises no alarm when the inputs have not moved (p = 0.53).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.stats import ks_2samp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

#: The relation's steepness and its training 50-50 point (basket value, training sd).
SLOPE = 3.0
BOUNDARY = 0.0
#: Sample sizes: fitted on, training-like check sample, one batch of production traffic.
N_TRAINING = 5_000
N_CHECK = 5_000
N_PRODUCTION = 2_000
SEED = 3
#: Significance level of the input-drift alarm.
ALPHA = 0.05
#: Accuracy below the best reachable by more than this counts as the model being wrong.
HARM_MARGIN = 0.02
#: Histogram bins and curve grid (basket value, training sd); cover every slider setting.
BIN_EDGES = np.linspace(-4.0, 7.0, 45)
GRID = np.linspace(-4.0, 7.0, 221)
for _array in (BIN_EDGES, GRID):
    _array.flags.writeable = False


def relation(x, concept_shift: float = 0.0) -> np.ndarray:
    """P(customer orders again within 14 days | basket value ``x``), with the boundary moved."""
    z = SLOPE * (np.asarray(x, dtype=float) - BOUNDARY - concept_shift)
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class _World:
    x_training: np.ndarray
    y_training: np.ndarray
    x_check: np.ndarray
    y_check: np.ndarray
    z_production: np.ndarray     # production baskets before the input shift
    v_production: np.ndarray     # uniform draws that decide production labels
    model: LogisticRegression
    training_accuracy: float
    training_hist: np.ndarray
    model_curve: np.ndarray
    training_relation: np.ndarray


def _labelled(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.normal(0.0, 1.0, n)
    u = rng.random(n)
    return x, (u < relation(x)).astype(int)


@lru_cache(maxsize=4)
def _world(seed: int) -> _World:
    rng = np.random.default_rng(seed)
    x_training, y_training = _labelled(rng, N_TRAINING)
    x_check, y_check = _labelled(rng, N_CHECK)
    z_production = rng.normal(0.0, 1.0, N_PRODUCTION)
    v_production = rng.random(N_PRODUCTION)
    model = LogisticRegression().fit(x_training.reshape(-1, 1), y_training)
    world = _World(
        x_training=x_training, y_training=y_training, x_check=x_check, y_check=y_check,
        z_production=z_production, v_production=v_production, model=model,
        training_accuracy=float(accuracy_score(y_check, model.predict(x_check.reshape(-1, 1)))),
        training_hist=np.histogram(x_training, BIN_EDGES, density=True)[0],
        model_curve=model.predict_proba(GRID.reshape(-1, 1))[:, 1],
        training_relation=relation(GRID),
    )
    for value in vars(world).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return world


def trained_model(seed: int = SEED) -> LogisticRegression:
    """The logistic regression fitted on the training baskets of ``seed`` (cached; do not refit)."""
    return _world(seed).model


def production_data(input_shift: float, concept_shift: float, *,
                    seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """One batch of production traffic: (basket values in training sd, repeated 0/1)."""
    world = _world(seed)
    x = world.z_production + input_shift
    return x, (world.v_production < relation(x, concept_shift)).astype(int)


@dataclass(frozen=True, eq=False)
class DriftResult:
    """Input drift (seen without labels) and accuracy (needs labels) at one setting.

    Basket values are in training standard deviations. ``bin_edges`` with
    ``training_hist``/``production_hist`` (densities) describe the inputs, with
    ``production_mean`` and ``production_middle`` (5th and 95th percentiles of production
    baskets); ``grid`` with
    ``training_relation``, ``production_relation`` and ``model_curve`` describe P(repeat | x).
    ``ks_statistic`` and ``ks_pvalue`` compare training and production baskets (no labels);
    ``input_alarm`` is ``ks_pvalue < ALPHA``. Accuracies are shares of customers predicted
    correctly: ``training_accuracy`` on the training-like check sample,
    ``production_accuracy`` and ``best_production_accuracy`` on the production batch.
    ``model_wrong`` is True when the model trails the best reachable by more than
    ``HARM_MARGIN``. ``verdict`` names the situation in words.
    """

    input_shift: float
    concept_shift: float
    seed: int
    n_training: int
    n_production: int
    bin_edges: np.ndarray
    training_hist: np.ndarray
    production_hist: np.ndarray
    production_mean: float
    production_middle: tuple[float, float]
    grid: np.ndarray
    training_relation: np.ndarray
    production_relation: np.ndarray
    model_curve: np.ndarray
    model_boundary: float
    ks_statistic: float
    ks_pvalue: float
    input_alarm: bool
    training_accuracy: float
    production_accuracy: float
    best_production_accuracy: float
    model_wrong: bool
    verdict: str


def _verdict(alarm: bool, wrong: bool, change: float) -> str:
    if alarm and wrong:
        return ("data and concept drift: the inputs moved and the relation changed; "
                "retrain on fresh labels")
    if wrong:
        return ("concept drift: the inputs look unchanged, yet the model is now wrong "
                "about what a basket means; only labels reveal it")
    if alarm:
        if abs(change) < 0.01:
            how = ", and accuracy held"
        else:
            how = (f"; accuracy {'rose' if change > 0 else 'fell'} only because the cases got "
                   f"{'easier' if change > 0 else 'harder'}")
        return ("data drift: the inputs moved but the relation held, so the model still "
                f"matches it{how}")
    return "no drift that matters: inputs look like training and the model fits the relation"


def compute(input_shift: float = 0.0, concept_shift: float = 0.0, *,
            seed: int = SEED) -> DriftResult:
    """Pantry Dash's repeat-order model after the inputs and/or the relation move.

    Parameters (units):
        input_shift: how far production baskets moved, in training standard deviations,
            0-3 (data drift).
        concept_shift: how far the relation's 50-50 point moved, in the same units, 0-2
            (concept drift).
        seed: the seed of the whole simulation (training, check and production draws).

    Returns a ``DriftResult``: histograms and curves for the chart, the KS statistic and
    p-value (training against production baskets, no labels), training and production
    accuracy of the fixed model (labels needed), the best production accuracy any model
    could reach, and a verdict.
    """
    if not 0.0 <= input_shift <= 3.0:
        raise ValueError(f"input_shift must be between 0 and 3 sd, got {input_shift}")
    if not 0.0 <= concept_shift <= 2.0:
        raise ValueError(f"concept_shift must be between 0 and 2 sd, got {concept_shift}")
    world = _world(int(seed))
    x, y = production_data(input_shift, concept_shift, seed=int(seed))
    ks = ks_2samp(world.x_training, x, method="asymp")
    predicted = world.model.predict(x.reshape(-1, 1))
    accuracy = float(np.mean(predicted == y))
    best = float(np.mean((x > BOUNDARY + concept_shift) == (y == 1)))
    alarm = bool(ks.pvalue < ALPHA)
    wrong = bool(best - accuracy > HARM_MARGIN)
    coef, intercept = float(world.model.coef_[0, 0]), float(world.model.intercept_[0])
    production_hist = np.histogram(x, BIN_EDGES, density=True)[0]
    production_relation = relation(GRID, concept_shift)
    for array in (production_hist, production_relation):
        array.flags.writeable = False
    return DriftResult(
        input_shift=float(input_shift),
        concept_shift=float(concept_shift),
        seed=int(seed),
        n_training=N_TRAINING,
        n_production=N_PRODUCTION,
        bin_edges=BIN_EDGES,
        training_hist=world.training_hist,
        production_hist=production_hist,
        production_mean=float(np.mean(x)),
        production_middle=tuple(float(q) for q in np.percentile(x, [5, 95])),
        grid=GRID,
        training_relation=world.training_relation,
        production_relation=production_relation,
        model_curve=world.model_curve,
        model_boundary=-intercept / coef,
        ks_statistic=float(ks.statistic),
        ks_pvalue=float(ks.pvalue),
        input_alarm=alarm,
        training_accuracy=world.training_accuracy,
        production_accuracy=accuracy,
        best_production_accuracy=best,
        model_wrong=wrong,
        verdict=_verdict(alarm, wrong, accuracy - world.training_accuracy),
    )


def p_text(p: float) -> str:
    """A p-value for a reading: ``p < 0.001`` or ``p = 0.43``."""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def reading_lead(result: DriftResult) -> str:
    """The situation in words: which drift, and what the team should do."""
    return f"{result.verdict[0].upper()}{result.verdict[1:]}"


def reading_detail(result: DriftResult) -> str:
    """One line: the label-free input check, then accuracy (which needs labels)."""
    alarm = "alarm" if result.input_alarm else "no alarm"
    return (f"inputs shifted {result.input_shift:.1f} sd (sd: the spread of training "
            f"baskets): KS {result.ks_statistic:.2f}, {p_text(result.ks_pvalue)} ({alarm}: "
            f"the KS test alarms at p < {ALPHA:g}, found without labels); relation moved "
            f"{result.concept_shift:.1f} sd: production accuracy "
            f"{result.production_accuracy:.2f} vs {result.training_accuracy:.2f} in training "
            f"(needs labels; the best any model could reach now is "
            f"{result.best_production_accuracy:.2f})")


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
