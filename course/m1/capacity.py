"""Capacity and validation: how a random split flatters a demand forecast.

Pantry Dash forecasts daily orders with a decision tree. Its *capacity* is the tree's
``max_depth``: a deeper tree can carve the history into finer pieces. Training error always
falls as capacity grows; the question is which validation number to believe.

The same three years of data are validated in two ways:

- ``"random"``: a random 20% of all days is held out. Validation days sit between training
  days, often a day away from a near-identical neighbour, including inside the demand-spike
  era (2024-03-01 to 2024-07-31) that no feature explains. A deep tree memorises those
  neighbours, so this score keeps improving with depth.
- ``"time"``: the model is trained on the days before ``HOLDOUT_START`` and validated on
  the rest of 2025, which includes the December peak season. That is how the forecast is
  used: always on days it has not seen, after the ones it learned from. This is the honest
  estimate of error.

All errors are mean absolute errors in orders per day. Fits for every depth are computed once
per ``spike`` level (the size of the unexplained surge, 0 = none, 1 = the full 70%) and
cached, so moving the depth slider only looks numbers up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeRegressor

from course.m1.scenarios import pantry_dash_demand

FEATURES = ["day_index", "weekday", "week_of_year", "promo", "temp_c"]
TARGET = "orders"
DEPTHS = np.arange(1, 13)
DEPTHS.flags.writeable = False
#: First day of the time-based holdout; it runs to the end of the data (2025-12-31).
HOLDOUT_START = "2025-09-01"
HOLDOUT_END = "2025-12-31"
#: The demand-spike era of ``pantry_dash_demand`` (orders rise for reasons no feature records).
SPIKE_START = "2024-03-01"
SPIKE_END = "2024-07-31"
#: Rolling-origin backtest folds used to *choose* a depth, all before the final period
#: (``HOLDOUT_START``): each trains on every day before its first day and is scored on its
#: days. The final period stays sealed until the depth is chosen.
BACKTEST_FOLDS = (
    ("Sep-Dec 2024", "2024-09-01", "2024-12-31"),
    ("Jan-Apr 2025", "2025-01-01", "2025-04-30"),
    ("May-Aug 2025", "2025-05-01", "2025-08-31"),
)
#: Share of days the random split holds out, and its seed.
RANDOM_TEST_SIZE = 0.2
RANDOM_STATE = 0


@dataclass(frozen=True, eq=False)
class CapacityResult:
    """Errors of trees of every depth under both validation schemes (orders per day).

    Per-depth arrays are aligned with ``depths``. ``train_mae`` is the error on the days the
    time-split model was trained on (before the holdout). ``flattery`` is how much lower the
    random split reports the error of the depth it picks than the time holdout finds for that
    same depth. The time-series fields show the depth-``max_depth`` tree trained on the time
    split: ``predicted`` is its in-sample fit before ``holdout_start`` and its forecast after.
    """

    max_depth: int
    spike: float
    depths: np.ndarray
    train_mae: np.ndarray
    random_val_mae: np.ndarray
    time_holdout_mae: np.ndarray
    train_mae_at_depth: float
    random_val_mae_at_depth: float
    time_holdout_mae_at_depth: float
    random_pick: int
    time_pick: int
    flattery: float
    dates: np.ndarray
    actual: np.ndarray
    predicted: np.ndarray
    holdout_start: np.datetime64
    holdout_end: np.datetime64


def _tree(max_depth: int) -> DecisionTreeRegressor:
    return DecisionTreeRegressor(max_depth=int(max_depth), random_state=0)


def fit_and_score(train: pd.DataFrame, test: pd.DataFrame, max_depth: int = 6) -> float:
    """Mean absolute error (orders/day) on ``test`` of a depth-``max_depth`` tree fitted on ``train``.

    Both frames need the ``FEATURES`` columns and ``orders``.
    """
    model = _tree(max_depth).fit(train[FEATURES], train[TARGET])
    return float(mean_absolute_error(test[TARGET], model.predict(test[FEATURES])))


def backtest(data: pd.DataFrame, depths=DEPTHS) -> pd.DataFrame:
    """Rolling-origin backtest: mean absolute error (orders/day) per depth and fold.

    For each fold of ``BACKTEST_FOLDS`` a tree of each depth is trained on every day of
    ``data`` before the fold's first day and scored on the fold's days. Returns one row per
    depth (index ``max_depth``), one column per fold and a ``mean`` column (the plain mean
    over folds). No fold reaches the final period (``HOLDOUT_START`` onwards).
    """
    dates = pd.to_datetime(data["date"])
    table = {}
    for name, start, end in BACKTEST_FOLDS:
        train = data[dates < pd.Timestamp(start)]
        test = data[(dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))]
        if train.empty or test.empty:
            raise ValueError(f"the data has no days for backtest fold {name}")
        table[name] = [fit_and_score(train, test, max_depth=int(d)) for d in depths]
    out = pd.DataFrame(table, index=pd.Index([int(d) for d in depths], name="max_depth"))
    out["mean"] = out.mean(axis=1)
    return out


def random_split(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``"random"`` scheme: (train, validation), a random 20% of days held out (seed 0)."""
    train, test = train_test_split(data, test_size=RANDOM_TEST_SIZE, random_state=RANDOM_STATE)
    return train, test


def time_split(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``"time"`` scheme: (days before ``HOLDOUT_START``, days from it to ``HOLDOUT_END``)."""
    dates = pd.to_datetime(data["date"])
    before = dates < pd.Timestamp(HOLDOUT_START)
    within = ~before & (dates <= pd.Timestamp(HOLDOUT_END))
    return data[before], data[within]


@dataclass(frozen=True)
class _Fits:
    train_mae: np.ndarray
    random_val_mae: np.ndarray
    time_holdout_mae: np.ndarray
    dates: np.ndarray
    actual: np.ndarray
    predicted: np.ndarray      # one row per depth: time-split model's prediction for every day


@lru_cache(maxsize=8)
def _fits(spike: float) -> _Fits:
    data = pantry_dash_demand(spike=spike)
    random_train, random_val = random_split(data)
    time_train, time_test = time_split(data)
    train_mae, random_val_mae, time_holdout_mae, predicted = [], [], [], []
    for depth in DEPTHS:
        random_model = _tree(depth).fit(random_train[FEATURES], random_train[TARGET])
        random_val_mae.append(mean_absolute_error(random_val[TARGET],
                                                  random_model.predict(random_val[FEATURES])))
        time_model = _tree(depth).fit(time_train[FEATURES], time_train[TARGET])
        everyday = time_model.predict(data[FEATURES])
        in_train = data.index.isin(time_train.index)
        in_test = data.index.isin(time_test.index)
        train_mae.append(mean_absolute_error(data[TARGET][in_train], everyday[in_train]))
        time_holdout_mae.append(mean_absolute_error(data[TARGET][in_test], everyday[in_test]))
        predicted.append(everyday)
    fits = _Fits(np.array(train_mae), np.array(random_val_mae), np.array(time_holdout_mae),
                 data["date"].to_numpy(), data[TARGET].to_numpy(dtype=float),
                 np.array(predicted))
    for array in vars(fits).values():
        array.flags.writeable = False
    return fits


def compute(max_depth: int, *, spike: float = 1.0) -> CapacityResult:
    """Training, random-split and time-holdout errors of depth-1..12 trees (orders/day).

    Parameters (units):
        max_depth: the depth (capacity) to report on and to draw, 1-12.
        spike: size of the unexplained 2024 demand surge, 0 (none) to 1 (+70%).

    Returns a ``CapacityResult`` with the per-depth errors, the values at ``max_depth``, the
    depth each validation scheme would pick (lowest validation error), and a daily time
    series of actual orders and the depth-``max_depth`` time-split model's predictions.
    """
    if int(max_depth) != max_depth or not DEPTHS[0] <= max_depth <= DEPTHS[-1]:
        raise ValueError(f"max_depth must be a whole number from {DEPTHS[0]} to {DEPTHS[-1]}, "
                         f"got {max_depth}")
    if not 0.0 <= spike <= 1.0:
        raise ValueError(f"spike must be between 0 and 1, got {spike}")
    fits = _fits(float(spike))
    i = int(max_depth) - int(DEPTHS[0])
    random_i = int(np.argmin(fits.random_val_mae))
    time_i = int(np.argmin(fits.time_holdout_mae))
    return CapacityResult(
        max_depth=int(max_depth),
        spike=float(spike),
        depths=DEPTHS,
        train_mae=fits.train_mae,
        random_val_mae=fits.random_val_mae,
        time_holdout_mae=fits.time_holdout_mae,
        train_mae_at_depth=float(fits.train_mae[i]),
        random_val_mae_at_depth=float(fits.random_val_mae[i]),
        time_holdout_mae_at_depth=float(fits.time_holdout_mae[i]),
        random_pick=int(DEPTHS[random_i]),
        time_pick=int(DEPTHS[time_i]),
        flattery=float(fits.time_holdout_mae[random_i] - fits.random_val_mae[random_i]),
        dates=fits.dates,
        actual=fits.actual,
        predicted=fits.predicted[i],
        holdout_start=np.datetime64(HOLDOUT_START),
        holdout_end=np.datetime64(HOLDOUT_END),
    )


def reading_lead(result: CapacityResult) -> str:
    """What trusting the random split would cost in the future, in orders per day."""
    first = int(result.depths[0])
    trusted = float(result.time_holdout_mae[result.random_pick - first])
    honest = float(result.time_holdout_mae[result.time_pick - first])
    if result.random_pick == result.time_pick:
        return (f"Both checks pick depth {result.random_pick}; in the future it is off by "
                f"about {trusted:,.0f} orders a day")
    return (f"Trusting a random split, the team would ship depth {result.random_pick}, off "
            f"by about {trusted:,.0f} orders a day in the future; depth "
            f"{result.time_pick}, picked on a time holdout, is off by {honest:,.0f}")


def reading_detail(result: CapacityResult) -> str:
    """One line with the three errors at the chosen depth and the depth each scheme picks."""
    return (f"depth {result.max_depth}: training error {result.train_mae_at_depth:,.0f} "
            f"orders/day, random-split validation {result.random_val_mae_at_depth:,.0f}, "
            f"time holdout (Sep-Dec 2025, incl. peak) {result.time_holdout_mae_at_depth:,.0f}; "
            f"a random split would pick depth {result.random_pick}, "
            f"the time holdout picks depth {result.time_pick}")


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
