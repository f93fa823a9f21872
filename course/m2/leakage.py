"""Leakage through a groupby: a customer's fraud rate that quietly knows the future.

Ledgerly scores card transactions for fraud. A customer's past fraud rate is a genuinely
useful feature: some customers are risky, and fraud rings open fresh accounts and burn them
within days. The tempting way to compute it is one line of pandas::

    df.groupby("customer_id")["is_fraud"].transform("mean")

That number is the customer's fraud rate over the *whole table*: it includes the row's own
label and every transaction that happened afterwards. At prediction time none of that exists.

The *leak horizon* ``h`` (days) says how far past each transaction the feature may look:

- ``h = 0`` is point in time: the share of fraud among the customer's strictly earlier
  transactions (by ``timestamp``, ties broken by ``transaction_id``). This is what
  production can know. A customer with no earlier transaction has no value (NaN).
- ``h > 0`` counts the customer's transactions with ``timestamp < row time + h days``.
  Every row is earlier than its own time plus ``h``, so **the row's own label enters as
  soon as h > 0**: even a one-day leak tells the feature the answer. Longer horizons add
  more of the customer's future.
- ``h = inf`` ("whole table") is the groupby mean above.

The experiment (``compute``): a decision tree is trained on the first 12 months
(2024) with three inputs: the horizon-``h`` fraud rate, the amount and the hour of day.
Its **offline score** is measured on a random 20% of 2024 held out from training, with the
*same* horizon-``h`` feature, as a data scientist who computed the feature once for the
whole table would. Its **production score** is measured on the last 6 months (Jan-Jun
2025) with the point-in-time feature, the only one production can compute. The score is
ROC-AUC throughout (0.5 = coin flip, 1 = every fraud ranked above every good payment).

What happens: at ``h = 0`` offline and production agree. With any leak the offline score
jumps (the feature contains the label) while production falls below the honest model's:
the leaky model never saw a customer without history in training (its own row was always
visible), so in production it treats brand-new accounts, where fraud rings strike, like
spotless long-time customers. The jump comes at the first day: longer horizons add more of
the customer's future but also dilute the row's own label among more payments, so the
offline score stays inflated (about 0.96-0.98 at the default seed) rather than climbing
further. A one-day leak is as bad as the whole table.

Fits for the horizons in ``HORIZONS`` are computed once per seed and cached, so moving the
horizon only looks numbers up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

LEDGERLY_HISTORY_SEED = 21
#: Leak horizons (days) on the explorer's slider; ``math.inf`` is the whole table.
HORIZONS = (0.0, 1.0, 7.0, 30.0, 90.0, 180.0, 365.0, math.inf)
#: Training months are before this date (all of 2024); production is from it to the end.
PRODUCTION_START = "2025-01-01"
#: Share of the training months held out for the offline score, and the split's seed.
HOLDOUT_SHARE = 0.2
SPLIT_SEED = 0
#: Model inputs, in column order; the fraud rate is the only one the horizon changes.
FEATURES = ["customer_fraud_rate", "amount", "hour"]
#: Stand-in for "no earlier transaction" (a fraud rate is never negative; a tree can split on it).
NO_HISTORY = -1.0
METRIC = "ROC-AUC"
_DAY_NS = 86_400 * 10**9


# --- the data ---------------------------------------------------------------------------


def ledgerly_history(seed: int = LEDGERLY_HISTORY_SEED, n_customers: int = 1500,
                     start="2024-01-01", end="2025-06-30") -> pd.DataFrame:
    """Ledgerly's card transactions from ``start`` to ``end`` (inclusive), one row each.

    Columns: ``transaction_id`` (int, increasing with time), ``customer_id`` (int),
    ``timestamp`` (datetime64), ``amount`` (dollars), ``is_fraud`` (1 = confirmed fraud).
    Rows come out shuffled, as a warehouse query returns them, not in time order.

    How fraud arises (about 3% of transactions): most customers are ordinary (0.6% of their
    payments are fraud, a stolen card now and then); about 6% are risky (5-30% fraud,
    steady over time); 30% of customers sign up during the period, and 40% of those are
    fraud-ring accounts that make a few payments within three weeks, most of them fraud.
    So a customer's history is genuinely predictive. Fraud payments are also larger and
    more often at night, two weak ordinary signals.
    """
    if n_customers < 1:
        raise ValueError(f"n_customers must be at least 1, got {n_customers}")
    rng = np.random.default_rng(seed)
    first = pd.Timestamp(start).value // 10**9            # seconds
    last = (pd.Timestamp(end) + pd.Timedelta(days=1)).value // 10**9
    day = 86_400
    if last - first < 8 * day:
        raise ValueError("the period must be longer than a week")
    joins = rng.random(n_customers) < 0.30
    signup = np.where(joins, rng.integers(first, last - 7 * day, n_customers), first)
    ring = joins & (rng.random(n_customers) < 0.40)
    risky = ~ring & (rng.random(n_customers) < 0.06)
    per_day = rng.gamma(2.0, 0.03, n_customers)           # ordinary customers: ~0.06 a day
    fraud_p = np.where(risky, rng.uniform(0.05, 0.30, n_customers), 0.006)
    ring_life = rng.uniform(3, 21, n_customers) * day
    ring_payments = rng.poisson(5, n_customers) + 2
    ordinary_payments = rng.poisson(per_day * (last - signup) / day) + 1
    n_payments = np.where(ring, ring_payments, ordinary_payments)
    fraud_p = np.where(ring, 0.60, fraud_p)
    active = np.where(ring, ring_life, last - signup)

    customer = np.repeat(np.arange(n_customers), n_payments)
    m = customer.size
    seconds = signup[customer] + np.floor(rng.random(m) * active[customer]).astype(np.int64)
    seconds = np.minimum(seconds, last - 1)
    is_fraud = rng.random(m) < fraud_p[customer]
    # Night-time fraud: move a third of fraud payments into 00:00-05:59 of the same day.
    night = is_fraud & (rng.random(m) < 0.35)
    midnight = seconds - seconds % day
    seconds = np.where(night, midnight + rng.integers(0, 6 * 3600, m), seconds)
    amount = np.exp(rng.normal(3.6, 0.9, m) + 0.7 * is_fraud).round(2)

    by_time = np.lexsort((customer, seconds))
    transaction_id = np.empty(m, dtype=np.int64)
    transaction_id[by_time] = np.arange(1, m + 1)
    shuffled = rng.permutation(m)
    return pd.DataFrame({
        "transaction_id": transaction_id[shuffled],
        "customer_id": (10_001 + customer[shuffled]).astype(np.int64),
        "timestamp": pd.to_datetime(seconds[shuffled], unit="s"),
        "amount": amount[shuffled],
        "is_fraud": is_fraud[shuffled].astype(np.int64),
    })


def tiny_history() -> pd.DataFrame:
    """Seven payments of two customers, shaped like :func:`ledgerly_history` (same columns,
    rows out of time order): small enough to check every pandas step by eye.

    Customer 10001 pays on 1, 3 (twice) and 9 March 2024, the two payments on the 3rd being
    fraud; customer 10002 pays on 2, 5 and 8 March, the last one fraud. ``amount`` is in
    dollars.
    """
    rows = [  # (transaction_id, customer_id, timestamp, amount, is_fraud), in time order
        (1, 10001, "2024-03-01 09:12", 20.00, 0),
        (2, 10002, "2024-03-02 18:40", 60.00, 0),
        (3, 10001, "2024-03-03 02:05", 300.00, 1),
        (4, 10001, "2024-03-03 02:31", 250.00, 1),
        (5, 10002, "2024-03-05 12:15", 35.00, 0),
        (6, 10002, "2024-03-08 23:50", 500.00, 1),
        (7, 10001, "2024-03-09 08:30", 40.00, 0),
    ]
    df = pd.DataFrame(rows, columns=["transaction_id", "customer_id", "timestamp", "amount",
                                     "is_fraud"])
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    return df.iloc[[4, 0, 6, 2, 5, 1, 3]].reset_index(drop=True)   # as a warehouse returns it


# --- the features -----------------------------------------------------------------------


def leaky_customer_fraud_rate(df: pd.DataFrame) -> pd.Series:
    """The customer's fraud rate over the whole table (0-1): the tempting, leaky groupby.

    It includes the row's own label and every later transaction of the customer.
    """
    return df.groupby("customer_id")["is_fraud"].transform("mean").rename("customer_fraud_rate")


class _Timeline:
    """One table's transactions sorted once by (customer, time, transaction_id), so the
    feature at any horizon costs two binary searches.

    Times are replaced by their rank among the table's distinct times, which makes
    ``customer * (distinct times + 1) + rank`` a small integer key that sorts like
    (customer, time) with no overflow however long the period.
    """

    def __init__(self, df: pd.DataFrame):
        group = pd.factorize(df["customer_id"])[0].astype(np.int64)
        time_ns = df["timestamp"].to_numpy().astype("datetime64[ns]").astype(np.int64)
        self.order = np.lexsort((df["transaction_id"].to_numpy(), time_ns, group))
        self.n = group.size
        self.group = group[self.order]
        self.time_ns = time_ns[self.order]
        self.distinct = np.unique(self.time_ns)
        self.width = self.distinct.size + 1
        self.keys = self.group * self.width + np.searchsorted(self.distinct, self.time_ns)
        self.cum_fraud = np.r_[0, np.cumsum(df["is_fraud"].to_numpy().astype(np.int64)[
            self.order])]
        # Position of each customer's first and (one past) last transaction.
        self.start = np.searchsorted(self.keys, self.group * self.width)
        self.stop = np.searchsorted(self.keys, (self.group + 1) * self.width)

    def rate(self, horizon_days: float) -> np.ndarray:
        """The horizon feature in the table's original row order (NaN: nothing seen)."""
        if math.isinf(horizon_days):
            end = self.stop
        elif horizon_days == 0:
            end = np.arange(self.n)            # strictly before in (time, id) order
        else:
            cutoff = self.time_ns + int(round(horizon_days * _DAY_NS))
            # Distinct times strictly before the cut-off, then events with a smaller key.
            cut_keys = self.group * self.width + np.searchsorted(self.distinct, cutoff, "left")
            end = np.searchsorted(self.keys, cut_keys, "left")
        seen = end - self.start
        frauds = self.cum_fraud[end] - self.cum_fraud[self.start]
        with np.errstate(invalid="ignore", divide="ignore"):
            sorted_rate = np.where(seen > 0, frauds / np.maximum(seen, 1), np.nan)
        rate = np.empty(self.n)
        rate[self.order] = sorted_rate
        return rate


def features_with_horizon(df: pd.DataFrame, horizon_days: float) -> pd.Series:
    """Customer fraud rate (0-1) as seen with a leak horizon of ``horizon_days`` days.

    ``0``: point in time (strictly earlier transactions; NaN if none). ``h > 0``: the
    customer's transactions before the row's time + ``h`` days, the row's own label
    included. ``math.inf``: the whole table (equals ``leaky_customer_fraud_rate``).
    Aligned to ``df``'s index; rows need not be sorted.
    """
    if not horizon_days >= 0:
        raise ValueError(f"horizon_days must be zero or more, got {horizon_days}")
    return pd.Series(_Timeline(df).rate(float(horizon_days)), index=df.index,
                     name="customer_fraud_rate")


def model_inputs(df: pd.DataFrame, rate: pd.Series) -> np.ndarray:
    """The model's input matrix, columns ``FEATURES``: fraud rate (NaN -> ``NO_HISTORY``),
    amount (dollars), hour of day (0-23)."""
    return np.column_stack([rate.fillna(NO_HISTORY).to_numpy(dtype=float),
                            df["amount"].to_numpy(dtype=float),
                            df["timestamp"].dt.hour.to_numpy(dtype=float)])


def make_model() -> DecisionTreeClassifier:
    """The fraud model every horizon trains: a depth-6 decision tree (40+ rows per leaf)."""
    return DecisionTreeClassifier(max_depth=6, min_samples_leaf=40, random_state=0)


def split(df: pd.DataFrame) -> tuple[pd.Index, pd.Index, pd.Index]:
    """Index labels of (training rows, offline holdout, production rows).

    Training and holdout are a random 80/20 split (seed ``SPLIT_SEED``) of the rows before
    ``PRODUCTION_START``; production is every row from it on.
    """
    early = df.index[df["timestamp"] < pd.Timestamp(PRODUCTION_START)]
    late = df.index[df["timestamp"] >= pd.Timestamp(PRODUCTION_START)]
    train, holdout = train_test_split(early, test_size=HOLDOUT_SHARE, random_state=SPLIT_SEED)
    return pd.Index(train), pd.Index(holdout), late


# --- the experiment ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LeakageResult:
    """Offline against production ROC-AUC of a fraud model trained with a leak horizon.

    Scores are ROC-AUC (0.5-1). ``offline_score`` uses the horizon-``horizon_days`` feature
    on the 2024 holdout; ``production_score`` uses the point-in-time feature on Jan-Jun 2025.
    ``honest_*`` are the same for the point-in-time model (horizon 0). Curves are aligned with
    ``horizons`` (``HORIZONS``; inf = whole table). ``example_*`` follow one customer through
    2024: the time of each transaction, its label, and the fraud-rate feature at this horizon
    and at point in time (NaN: no history). ``example_top`` is the largest value that
    customer's feature reaches at any horizon (a fixed chart scale).
    """

    horizon_days: float
    metric: str
    offline_score: float
    production_score: float
    honest_offline_score: float
    honest_production_score: float
    horizons: np.ndarray
    offline_curve: np.ndarray
    production_curve: np.ndarray
    fraud_rate: float
    n_train: int
    n_holdout: int
    n_production: int
    example_customer_id: int
    example_times: np.ndarray
    example_is_fraud: np.ndarray
    example_feature: np.ndarray
    example_point_in_time: np.ndarray
    example_top: float


@dataclass(frozen=True)
class _Prepared:
    df: pd.DataFrame
    train: pd.Index
    holdout: pd.Index
    production: pd.Index
    production_inputs: np.ndarray
    example: pd.DataFrame          # one customer's 2024 transactions, in time order
    timeline: _Timeline
    other_inputs: np.ndarray       # model_inputs with the rate column left to fill


def _pick_example(df: pd.DataFrame) -> pd.DataFrame:
    """A customer whose 2024 record shows the leak well (the lowest customer_id of those):
    active from January, 12-30 payments, 2-4 of them fraud, the first fraud no earlier than
    the fourth payment (so the point-in-time feature has a clean history to start from)."""
    early = df[df["timestamp"] < pd.Timestamp(PRODUCTION_START)]
    early = early.sort_values(["customer_id", "timestamp", "transaction_id"])
    position = early.groupby("customer_id").cumcount()
    stats = early.assign(position=position).groupby("customer_id").agg(
        size=("is_fraud", "size"), frauds=("is_fraud", "sum"), first=("timestamp", "min"))
    first_fraud = position[early["is_fraud"] == 1].groupby(early["customer_id"]).min()
    stats["first_fraud"] = first_fraud.reindex(stats.index)
    fits = stats[stats["size"].between(12, 30) & stats["frauds"].between(2, 4)
                 & (stats["first"] < early["timestamp"].min() + pd.Timedelta(days=31))
                 & (stats["first_fraud"] >= 3)]
    chosen = fits.index[0] if len(fits) else stats["frauds"].idxmax()
    return early[early["customer_id"] == chosen]


@lru_cache(maxsize=4)
def _prepared(seed: int) -> _Prepared:
    df = ledgerly_history(seed=seed)
    train, holdout, production = split(df)
    timeline = _Timeline(df)
    point_in_time = pd.Series(timeline.rate(0.0), index=df.index)
    inputs = model_inputs(df.loc[production], point_in_time.loc[production])
    others = model_inputs(df, point_in_time)
    return _Prepared(df, train, holdout, production, inputs, _pick_example(df), timeline,
                     others)


def roc_auc(is_fraud, score) -> float:
    """ROC-AUC (0-1): the chance that a random fraud scores above a random good payment,
    ties counting half. Equals ``sklearn.metrics.roc_auc_score`` (computed from ranks, which
    is several times faster for the dozens of scores the explorer needs)."""
    y = np.asarray(is_fraud).astype(bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        raise ValueError("ROC-AUC needs at least one fraud and one good payment")
    ranks = rankdata(np.asarray(score, dtype=float))
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


@dataclass(frozen=True)
class _Fit:
    offline: float
    production: float
    example_feature: np.ndarray


@lru_cache(maxsize=64)
def _fit(horizon_days: float, seed: int) -> _Fit:
    data = _prepared(seed)
    df = data.df
    rate = pd.Series(data.timeline.rate(horizon_days), index=df.index)
    inputs = data.other_inputs.copy()
    inputs[:, 0] = rate.fillna(NO_HISTORY).to_numpy()     # the same columns as model_inputs
    rows = pd.Series(np.arange(len(df)), index=df.index)
    y = df["is_fraud"].to_numpy()
    train, holdout = rows.loc[data.train].to_numpy(), rows.loc[data.holdout].to_numpy()
    model = make_model().fit(inputs[train], y[train])
    offline = roc_auc(y[holdout], model.predict_proba(inputs[holdout])[:, 1])
    production = roc_auc(df.loc[data.production, "is_fraud"],
                               model.predict_proba(data.production_inputs)[:, 1])
    example = rate.loc[data.example.index].to_numpy()
    example.flags.writeable = False
    return _Fit(float(offline), float(production), example)


@lru_cache(maxsize=4)
def _curves(seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    fits = [_fit(h, seed) for h in HORIZONS]
    offline = np.array([f.offline for f in fits])
    production = np.array([f.production for f in fits])
    top = max(float(np.nanmax(f.example_feature)) for f in fits)
    for array in (offline, production):
        array.flags.writeable = False
    return offline, production, top


_HORIZON_ARRAY = np.array(HORIZONS)
_HORIZON_ARRAY.flags.writeable = False


def compute(horizon_days: float, *, seed: int = LEDGERLY_HISTORY_SEED) -> LeakageResult:
    """Offline and production ROC-AUC of the fraud model trained with a ``horizon_days`` leak.

    Parameters (units):
        horizon_days: how many days past each transaction the customer-fraud-rate feature
            may look, 0 (point in time) or more; ``math.inf`` = the whole table. Any value
            works; the ones in ``HORIZONS`` are precomputed.
        seed: seed of ``ledgerly_history``.

    Returns a ``LeakageResult`` (see its docstring).
    """
    horizon_days = float(horizon_days)
    if not horizon_days >= 0:
        raise ValueError(f"horizon_days must be zero or more (inf = whole table), "
                         f"got {horizon_days}")
    data = _prepared(seed)
    offline_curve, production_curve, top = _curves(seed)
    here, honest = _fit(horizon_days, seed), _fit(0.0, seed)
    example = data.example
    return LeakageResult(
        horizon_days=horizon_days,
        metric=METRIC,
        offline_score=here.offline,
        production_score=here.production,
        honest_offline_score=honest.offline,
        honest_production_score=honest.production,
        horizons=_HORIZON_ARRAY,
        offline_curve=offline_curve,
        production_curve=production_curve,
        fraud_rate=float(data.df["is_fraud"].mean()),
        n_train=len(data.train),
        n_holdout=len(data.holdout),
        n_production=len(data.production),
        example_customer_id=int(example["customer_id"].iloc[0]),
        example_times=example["timestamp"].to_numpy(),
        example_is_fraud=example["is_fraud"].to_numpy().astype(bool),
        example_feature=here.example_feature,
        example_point_in_time=honest.example_feature,
        example_top=max(top, float(np.nanmax(here.example_feature))),
    )


def horizon_label(horizon_days: float) -> str:
    """Words for a horizon: ``point in time``, ``1 day``, ``90 days``, ``whole table``."""
    if math.isinf(horizon_days):
        return "whole table"
    if horizon_days == 0:
        return "point in time"
    days = f"{horizon_days:g}"
    return f"{days} day" if days == "1" else f"{days} days"


def reading_lead(result: LeakageResult) -> str:
    """What the offline number promises against what production will deliver."""
    if result.horizon_days == 0:
        return ("No leak: the score the team sees offline is the score customers will get "
                f"({result.metric} {result.production_score:.2f})")
    gap = result.offline_score - result.production_score
    return (f"The feature reads the future: offline the model looks {gap:.2f} {result.metric} "
            "better than it will be in production, where it does worse than an honest model")


def reading_detail(result: LeakageResult) -> str:
    """One line: offline against production score at this horizon, and the honest model's."""
    honest = (f"an honest point-in-time model scores {result.honest_offline_score:.2f} offline "
              f"and {result.honest_production_score:.2f} in production")
    if result.horizon_days == 0:
        return (f"point in time (no leak): offline {result.metric} "
                f"{result.offline_score:.2f}, production {result.production_score:.2f}; "
                "what the holdout promises is what production gets")
    return (f"leak horizon {horizon_label(result.horizon_days)}: offline {result.metric} "
            f"{result.offline_score:.2f}, production {result.production_score:.2f} ({honest})")


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
