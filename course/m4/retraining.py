"""When to retrain: Pantry Dash's demand model over one year of production weeks.

Pantry Dash (fictional grocery delivery) forecasts each store's daily orders:
``FORECASTS_PER_WEEK`` forecasts a week (120 stores x 7 days). A forecast is *wrong* when it
misses the real order count by more than 15%; the weekly *error rate* is the share of wrong
forecasts. The model was trained on the weeks before the year starts, and the world moves
away from that training data. Four retraining policies (``POLICIES``) decide, at the end of
each week, whether to train a new model for the next week:

- ``"never"``: keep the first model all year;
- ``"scheduled"``: retrain every ``schedule_weeks`` weeks;
- ``"drift-triggered"``: retrain when the week's input PSI against the deployed model's
  training data is at least ``psi_threshold`` (inputs are seen at once, no labels needed);
- ``"performance-triggered"``: retrain when the latest *labelled* week's error rate is more
  than ``PERFORMANCE_MARGIN`` above the deployed model's validation error. Actual orders (the
  labels) reach the training pipeline ``label_delay_weeks`` weeks late, so this reacts late.

The simulation, stated once so that the explorer, the tests and the lesson agree. Everything
random is drawn once per ``seed`` and shared by every policy (common random numbers), so two
policies differ only by their decisions:

1. The world's position ``w[t]`` (in standard deviations of the input features) drifts by
   ``DRIFT_PER_WEEK`` a week plus a random walk (sd ``WALK_SD``), and jumps by
   ``SHIFT_SIZE`` in week ``SHIFT_WEEK`` (a competitor opens next to a third of the stores).
2. A model trained on week ``s`` sits at ``m = w[s]``. In week ``t`` its expected error rate
   is ``BASE_ERROR + quality + ERROR_PER_SHIFT * |w[t] - m|`` (plus ``BAD_DATA_PENALTY`` if
   it was trained on corrupted data); the observed rate adds the week's noise (shared).
   ``quality`` is each retrain's own luck, ``|N(0, RETRAIN_NOISE)|``.
3. Input PSI of week ``t`` against the deployed model's training data is
   ``(w[t] - m)**2`` (the PSI of two normal distributions ``d`` standard deviations apart is
   close to ``d**2``) plus the week's sampling noise (a gamma draw, mean 0.03).
4. A retrain at the end of week ``t`` can only use labelled weeks, the latest being
   ``t - label_delay_weeks``: the candidate sits at ``w[t - label_delay_weeks]``. No labels
   yet (``t < label_delay_weeks``) means no retrain. In ``bad_data_weeks`` a data-pipeline
   glitch corrupts the training data and the candidate is a bad model.
5. **Validation gate** (``gate=True``): the candidate and the deployed model are both scored
   on a held-out slice of the latest labelled week; the candidate is deployed only if its
   error there is lower, otherwise the deployed model stays (automatic rollback). With the
   gate off every candidate is deployed. A deployed model serves from week ``t + 1``.

Every retrain costs ``retrain_cost`` dollars (compute and the labelling pipeline), deployed
or not. Wrong forecasts are ``round(error rate * FORECASTS_PER_WEEK)`` each week.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from course.style import count, money

POLICIES = ("never", "scheduled", "drift-triggered", "performance-triggered")
N_WEEKS = 52
SHIFT_WEEK = 30
#: Forecasts a week: 120 stores x 7 days.
FORECASTS_PER_WEEK = 840
DRIFT_PER_WEEK = 0.025
WALK_SD = 0.015
SHIFT_SIZE = 0.8
BASE_ERROR = 0.10
#: Extra error rate per standard deviation between the world and the training data.
ERROR_PER_SHIFT = 0.15
RETRAIN_NOISE = 0.006
ERROR_NOISE_SD = 0.008
BAD_DATA_RATE = 0.12
BAD_DATA_PENALTY = 0.30
#: Performance trigger: retrain when labelled error exceeds validation error by this much.
PERFORMANCE_MARGIN = 0.04
#: A retrain whose model would lower next week's expected error by less than this (one
#: percentage point) "changed little".
SMALL_GAIN = 0.01
RETRAIN_COST = 200.0
LABEL_DELAY_MAX = 6


@dataclass(frozen=True)
class _Stream:
    world: np.ndarray          # w[t], input standard deviations
    error_noise: np.ndarray    # added to every model's error rate in week t
    psi_noise: np.ndarray      # sampling noise of week t's PSI
    bad_data: np.ndarray       # a pipeline glitch corrupts week t's retrain
    quality: np.ndarray        # the extra error of a model retrained at the end of week t
    first_quality: float       # the extra error of the model the year starts with


@lru_cache(maxsize=8)
def _stream(seed: int) -> _Stream:
    rng = np.random.default_rng(seed)
    weeks = np.arange(N_WEEKS)
    walk = np.cumsum(rng.normal(0, WALK_SD, N_WEEKS))
    world = DRIFT_PER_WEEK * weeks + walk + SHIFT_SIZE * (weeks >= SHIFT_WEEK)
    stream = _Stream(
        world=world,
        error_noise=rng.normal(0, ERROR_NOISE_SD, N_WEEKS),
        psi_noise=rng.gamma(4.0, 0.0075, N_WEEKS),
        bad_data=rng.random(N_WEEKS) < BAD_DATA_RATE,
        quality=np.abs(rng.normal(0, RETRAIN_NOISE, N_WEEKS)),
        first_quality=float(abs(rng.normal(0, RETRAIN_NOISE))))
    for array in (stream.world, stream.error_noise, stream.psi_noise, stream.bad_data,
                  stream.quality):
        array.flags.writeable = False
    return stream


@dataclass(frozen=True)
class _Model:
    position: float     # where the world was in the week it learned from
    quality: float      # its own extra error
    bad: bool           # trained on corrupted data
    validation: float   # its error on its held-out slice when it was trained
    data_week: int      # the latest week it learned from (-1: the model the year starts with)


def _expected_error(model: _Model, world: float) -> float:
    return (BASE_ERROR + model.quality + BAD_DATA_PENALTY * model.bad
            + ERROR_PER_SHIFT * abs(world - model.position))


@dataclass(frozen=True, eq=False)
class RetrainingResult:
    """One policy over the year's ``N_WEEKS`` weeks.

    Weekly arrays (length 52, read-only): ``error`` (observed error rate of the deployed
    model, 0-1), ``wrong`` (wrong forecasts), ``psi`` (input PSI against the deployed model's
    training data), ``retrained`` (a retrain ran at the end of the week), ``deployed`` (its
    model was deployed, serving from the next week), ``blocked`` (the gate kept the old
    model), ``bad`` (the retrain used corrupted data), ``bad_data_weeks`` (the glitch weeks of
    the stream, whether or not anyone retrained), ``trained_on`` (the week whose data the
    serving model learned from, -1 for the first model).

    Totals: ``wrong_forecasts`` over the year; ``retrains`` and ``cost`` (retrains x
    ``retrain_cost``, dollars); ``blocked_retrains``; ``bad_models_stopped`` (bad candidates
    the gate blocked) and ``bad_models_shipped`` (bad candidates deployed);
    ``small_gain_retrains`` (retrains that would lower next week's expected error by less
    than ``SMALL_GAIN``); ``first_retrain_after_shift`` (the first week, from
    ``SHIFT_WEEK`` on, that ends with a retrain; -1 if none) and ``recovered_week`` (the
    first week served by a model that learned from post-shift data; -1 if none).
    ``policy_wrong_forecasts`` maps each policy to its wrong forecasts at the same settings.
    """

    policy: str
    schedule_weeks: int
    psi_threshold: float
    label_delay_weeks: int
    gate: bool
    retrain_cost: float
    seed: int
    error: np.ndarray
    wrong: np.ndarray
    psi: np.ndarray
    retrained: np.ndarray
    deployed: np.ndarray
    blocked: np.ndarray
    bad: np.ndarray
    bad_data_weeks: np.ndarray
    trained_on: np.ndarray
    wrong_forecasts: int
    retrains: int
    cost: float
    blocked_retrains: int
    bad_models_stopped: int
    bad_models_shipped: int
    small_gain_retrains: int
    first_retrain_after_shift: int
    recovered_week: int
    policy_wrong_forecasts: dict


def _check(policy, schedule_weeks, psi_threshold, label_delay_weeks, retrain_cost):
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    if not 1 <= schedule_weeks <= N_WEEKS:
        raise ValueError(f"schedule_weeks must be 1-{N_WEEKS}, got {schedule_weeks}")
    if not psi_threshold > 0:
        raise ValueError(f"psi_threshold must be positive, got {psi_threshold}")
    if not 0 <= label_delay_weeks <= LABEL_DELAY_MAX:
        raise ValueError(f"label_delay_weeks must be 0-{LABEL_DELAY_MAX}, "
                         f"got {label_delay_weeks}")
    if not retrain_cost >= 0:
        raise ValueError(f"retrain_cost must be zero or more, got {retrain_cost}")


@lru_cache(maxsize=512)
def _simulate(policy: str, schedule_weeks: int, psi_threshold: float, delay: int,
              gate: bool, seed: int) -> dict:
    s = _stream(seed)
    world = s.world
    model = _Model(0.0, s.first_quality, False, BASE_ERROR + s.first_quality, -1)
    error = np.empty(N_WEEKS)
    psi = np.empty(N_WEEKS)
    trained_on = np.empty(N_WEEKS, dtype=int)
    served_by = []
    flags = {name: np.zeros(N_WEEKS, dtype=bool)
             for name in ("retrained", "deployed", "blocked", "bad")}
    small_gain = 0
    for t in range(N_WEEKS):
        error[t] = min(max(_expected_error(model, world[t]) + s.error_noise[t], 0.0), 1.0)
        psi[t] = (world[t] - model.position) ** 2 + s.psi_noise[t]
        trained_on[t] = model.data_week
        served_by.append(model)
        latest = t - delay                 # the latest labelled week
        if policy == "never" or latest < 0 or t == N_WEEKS - 1:
            continue
        if policy == "scheduled":
            trigger = (t + 1) % schedule_weeks == 0
        elif policy == "drift-triggered":
            trigger = psi[t] >= psi_threshold
        else:   # performance-triggered: only a labelled week the current model served
            trigger = (served_by[latest] is model
                       and error[latest] > model.validation + PERFORMANCE_MARGIN)
        if not trigger:
            continue
        bad = bool(s.bad_data[t])
        candidate = _Model(float(world[latest]), float(s.quality[t]), bad, 0.0, latest)
        candidate_score = _expected_error(candidate, world[latest])
        candidate = _Model(candidate.position, candidate.quality, bad, candidate_score, latest)
        flags["retrained"][t] = True
        flags["bad"][t] = bad
        gain = _expected_error(model, world[t + 1]) - _expected_error(candidate, world[t + 1])
        small_gain += gain < SMALL_GAIN
        # The gate scores both models on a held-out slice of the latest labelled week.
        if not gate or candidate_score < _expected_error(model, world[latest]):
            flags["deployed"][t] = True
            model = candidate
        else:
            flags["blocked"][t] = True
    for array in (error, psi, trained_on, *flags.values()):
        array.flags.writeable = False
    return dict(error=error, psi=psi, trained_on=trained_on, small_gain=int(small_gain),
                **flags)


def _wrong(error: np.ndarray) -> np.ndarray:
    wrong = np.round(error * FORECASTS_PER_WEEK).astype(int)
    wrong.flags.writeable = False
    return wrong


def compute(policy: str = "scheduled", *, schedule_weeks: int = 4, psi_threshold: float = 0.2,
            label_delay_weeks: int = 2, gate: bool = True,
            retrain_cost: float = RETRAIN_COST, seed: int = 11) -> RetrainingResult:
    """Run one retraining policy over Pantry Dash's 52 production weeks.

    Parameters (units):
        policy: one of ``POLICIES``.
        schedule_weeks: weeks between retrains of ``"scheduled"``, 1-52.
        psi_threshold: input PSI that triggers ``"drift-triggered"`` (0.1 small shift,
            0.25 large).
        label_delay_weeks: weeks until a week's actual orders (labels) can be trained on,
            0-6.
        gate: score every candidate against the deployed model before deploying it.
        retrain_cost: dollars per retrain.
        seed: seed of the simulated year.

    Returns a ``RetrainingResult``: weekly arrays, wrong forecasts over the year, retrains
    and their cost, models blocked and shipped, and every policy's wrong forecasts.
    """
    _check(policy, schedule_weeks, psi_threshold, label_delay_weeks, retrain_cost)
    settings = (int(schedule_weeks), float(psi_threshold), int(label_delay_weeks),
                bool(gate), int(seed))
    run = _simulate(policy, *settings)
    retrained, deployed, blocked, bad = (run["retrained"], run["deployed"], run["blocked"],
                                         run["bad"])
    wrong = _wrong(run["error"])
    after = np.flatnonzero(retrained[SHIFT_WEEK:])
    recovered = np.flatnonzero(run["trained_on"] >= SHIFT_WEEK)
    retrains = int(retrained.sum())
    return RetrainingResult(
        policy=policy, schedule_weeks=settings[0], psi_threshold=settings[1],
        label_delay_weeks=settings[2], gate=settings[3], retrain_cost=float(retrain_cost),
        seed=settings[4], error=run["error"], wrong=wrong, psi=run["psi"],
        retrained=retrained, deployed=deployed, blocked=blocked, bad=bad,
        bad_data_weeks=_stream(settings[4]).bad_data, trained_on=run["trained_on"],
        wrong_forecasts=int(wrong.sum()), retrains=retrains,
        cost=retrains * float(retrain_cost), blocked_retrains=int(blocked.sum()),
        bad_models_stopped=int((bad & blocked).sum()),
        bad_models_shipped=int((bad & deployed).sum()),
        small_gain_retrains=run["small_gain"],
        first_retrain_after_shift=int(SHIFT_WEEK + after[0]) if after.size else -1,
        recovered_week=int(recovered[0]) if recovered.size else -1,
        policy_wrong_forecasts={name: int(_wrong(_simulate(name, *settings)["error"]).sum())
                                for name in POLICIES})


def compare(**settings) -> pd.DataFrame:
    """Every policy at the same settings (``compute``'s keywords except ``policy``).

    One row per policy (the index), columns: ``wrong_forecasts``, ``retrains``, ``cost``
    (dollars), ``blocked_retrains``, ``bad_models_stopped``, ``bad_models_shipped``,
    ``small_gain_retrains``, ``first_retrain_after_shift``, ``recovered_week``.
    """
    settings.pop("policy", None)
    columns = ("wrong_forecasts", "retrains", "cost", "blocked_retrains",
               "bad_models_stopped", "bad_models_shipped", "small_gain_retrains",
               "first_retrain_after_shift", "recovered_week")
    rows = [{column: getattr(compute(name, **settings), column) for column in columns}
            for name in POLICIES]
    return pd.DataFrame(rows, index=pd.Index(POLICIES, name="policy"))


def _describe(result: RetrainingResult) -> str:
    if result.policy == "scheduled":
        return f"scheduled every {result.schedule_weeks} weeks"
    if result.policy == "drift-triggered":
        return f"drift-triggered (PSI >= {result.psi_threshold:.2f})"
    if result.policy == "performance-triggered":
        return (f"performance-triggered (error {100 * PERFORMANCE_MARGIN:.0f} points over "
                "validation)")
    return "never retrained"


def reading_lead(result: RetrainingResult) -> str:
    """The year's wrong forecasts against never retraining, and bad models that shipped."""
    never = result.policy_wrong_forecasts["never"]
    diff = never - result.wrong_forecasts
    if result.policy == "never":
        head = f"{count(result.wrong_forecasts)} wrong forecasts over the year"
    else:
        head = (f"{count(result.wrong_forecasts)} wrong forecasts over the year, "
                f"{count(abs(diff))} {'fewer' if diff >= 0 else 'more'} than never retraining")
    if result.bad_models_shipped:
        head += (f"; {result.bad_models_shipped} bad model"
                 f"{'s' if result.bad_models_shipped != 1 else ''} reached customers")
    return head


def reading_detail(result: RetrainingResult) -> str:
    """One line: the policy, its retrains and cost, wrong forecasts, what the gate did."""
    delay = result.label_delay_weeks
    late = "labels on time" if delay == 0 else \
        f"labels {delay} week{'s' if delay != 1 else ''} late"
    if result.gate:
        gate = (f"{result.bad_models_stopped} bad model"
                f"{'s' if result.bad_models_stopped != 1 else ''} stopped by the gate")
    else:
        gate = (f"no gate: {result.bad_models_shipped} bad model"
                f"{'s' if result.bad_models_shipped != 1 else ''} shipped")
    text = (f"{_describe(result)}, {late}: {result.retrains} retrain"
            f"{'s' if result.retrains != 1 else ''} ({money(result.cost)}), "
            f"{count(result.wrong_forecasts)} wrong forecasts over the year")
    if result.policy == "never":
        return text
    return (f"{text}, {gate}; never retraining: "
            f"{count(result.policy_wrong_forecasts['never'])}")


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
