"""Leakage through a groupby: features against independent implementations, scores against
scikit-learn, and the lesson's teaching point."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from course.m2 import leakage

HISTORY = leakage.ledgerly_history()
SMALL = leakage.ledgerly_history(seed=5, n_customers=40)


def _loop_rate(df, horizon_days):
    """The horizon feature row by row, straight from its definition (slow; small frames)."""
    values = {}
    for index, row in df.iterrows():
        mine = df[df["customer_id"] == row["customer_id"]]
        if horizon_days == 0:
            earlier = (mine["timestamp"] < row["timestamp"]) | (
                (mine["timestamp"] == row["timestamp"])
                & (mine["transaction_id"] < row["transaction_id"]))
        elif math.isinf(horizon_days):
            earlier = pd.Series(True, index=mine.index)
        else:
            earlier = mine["timestamp"] < row["timestamp"] + pd.Timedelta(days=horizon_days)
        seen = mine.loc[earlier, "is_fraud"]
        values[index] = seen.mean() if len(seen) else np.nan
    return pd.Series(values).reindex(df.index)


def _pandas_rate(df, horizon_days):
    """The horizon feature with plain pandas idioms (fast enough for the full history)."""
    if math.isinf(horizon_days):
        return df.groupby("customer_id")["is_fraud"].transform("mean")
    ordered = df.sort_values(["customer_id", "timestamp", "transaction_id"])
    if horizon_days == 0:
        rate = ordered.groupby("customer_id")["is_fraud"].transform(
            lambda s: s.shift().expanding().mean())
        return rate.reindex(df.index)
    out = []
    for _, group in ordered.groupby("customer_id"):
        times = group["timestamp"].to_numpy()
        seen = np.searchsorted(times, times + np.timedelta64(int(horizon_days), "D"), "left")
        frauds = np.r_[0, np.cumsum(group["is_fraud"].to_numpy())][seen]
        out.append(pd.Series(frauds / seen, index=group.index))
    return pd.concat(out).reindex(df.index)


def test_history_shape_and_base_rate():
    df = HISTORY
    assert list(df.columns) == ["transaction_id", "customer_id", "timestamp", "amount",
                                "is_fraud"]
    assert pd.api.types.is_datetime64_any_dtype(df["timestamp"])
    assert df["transaction_id"].is_unique
    assert set(df["is_fraud"].unique()) == {0, 1}
    assert 0.02 <= df["is_fraud"].mean() <= 0.04
    assert df["customer_id"].nunique() == 1500
    assert df["timestamp"].min() >= pd.Timestamp("2024-01-01")
    assert df["timestamp"].max() < pd.Timestamp("2025-07-01")
    # Shuffled, as a warehouse returns it; transaction ids follow time.
    assert not df["timestamp"].is_monotonic_increasing
    assert df.sort_values("transaction_id")["timestamp"].is_monotonic_increasing
    assert leakage.ledgerly_history().equals(df)          # seeded


def test_fraud_clusters_by_customer_and_amount_is_weakly_predictive():
    pit = leakage.features_with_horizon(HISTORY, 0)
    fraud = HISTORY["is_fraud"]
    after_fraud = fraud[pit > 0].mean()
    clean_past = fraud[pit == 0].mean()
    assert after_fraud > 5 * clean_past
    assert 0.55 < roc_auc_score(fraud, HISTORY["amount"]) < 0.75


def test_leaky_feature_is_the_plain_groupby_mean():
    expected = HISTORY.groupby("customer_id")["is_fraud"].transform("mean")
    got = leakage.leaky_customer_fraud_rate(HISTORY)
    pd.testing.assert_series_equal(got, expected, check_names=False)
    pd.testing.assert_series_equal(leakage.features_with_horizon(HISTORY, math.inf), got,
                                   check_names=False)


@pytest.mark.parametrize("horizon", [0, 1, 30, math.inf])
def test_features_match_a_row_by_row_loop(horizon):
    expected = _loop_rate(SMALL, horizon)
    got = leakage.features_with_horizon(SMALL, horizon)
    assert got.index.equals(SMALL.index)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-12)


def test_point_in_time_breaks_ties_by_transaction_id():
    t = pd.Timestamp("2024-03-01 12:00")
    df = pd.DataFrame({
        "transaction_id": [4, 2, 3, 1, 5],
        "customer_id": [7, 7, 7, 7, 8],
        "timestamp": [t + pd.Timedelta(hours=1), t, t, t - pd.Timedelta(days=2), t],
        "amount": [10.0, 20.0, 30.0, 40.0, 50.0],
        "is_fraud": [0, 1, 0, 1, 1],
    }, index=[10, 11, 12, 13, 14])
    got = leakage.features_with_horizon(df, 0)
    # id 1 first (nothing before), id 2 sees id 1, id 3 sees ids 1-2, id 4 sees ids 1-3.
    expected = pd.Series([2 / 3, 1.0, 1.0, np.nan, np.nan], index=df.index)
    pd.testing.assert_series_equal(got, expected, check_names=False)
    pd.testing.assert_series_equal(got, _loop_rate(df, 0), check_names=False)
    # With any leak the row's own label enters: a lone fraud sees itself.
    assert leakage.features_with_horizon(df, 1).loc[14] == 1.0


@pytest.mark.parametrize("horizon", [0, 7, 90])
def test_features_match_pandas_on_the_full_history(horizon):
    got = leakage.features_with_horizon(HISTORY, horizon)
    np.testing.assert_allclose(got.to_numpy(), _pandas_rate(HISTORY, horizon).to_numpy(),
                               rtol=0, atol=1e-12)


def test_point_in_time_never_sees_the_future():
    cut = HISTORY["timestamp"].quantile(0.6)
    later = HISTORY["timestamp"] > cut
    flipped = HISTORY.copy()
    flipped.loc[later, "is_fraud"] = 1 - flipped.loc[later, "is_fraud"]
    before = leakage.features_with_horizon(HISTORY, 0)[~later]
    after = leakage.features_with_horizon(flipped, 0)[~later]
    pd.testing.assert_series_equal(before, after)
    # The leaky feature fails the same check, and so does a short leak.
    for feature in (leakage.leaky_customer_fraud_rate,
                    lambda df: leakage.features_with_horizon(df, 7)):
        assert not feature(HISTORY)[~later].equals(feature(flipped)[~later])


def test_unsorted_rows_do_not_matter():
    shuffled = SMALL.sample(frac=1.0, random_state=3)
    for horizon in (0, 30):
        a = leakage.features_with_horizon(SMALL, horizon)
        b = leakage.features_with_horizon(shuffled, horizon).reindex(SMALL.index)
        pd.testing.assert_series_equal(a, b)


def test_roc_auc_equals_sklearn_with_ties():
    rng = np.random.default_rng(0)
    y = rng.random(3000) < 0.05
    scores = np.round(rng.random(3000) + 0.3 * y, 1)       # many ties
    assert leakage.roc_auc(y, scores) == pytest.approx(roc_auc_score(y, scores), abs=1e-12)


def _independent_scores(horizon):
    df = HISTORY
    early = df.index[df["timestamp"] < pd.Timestamp("2025-01-01")]
    late = df.index[df["timestamp"] >= pd.Timestamp("2025-01-01")]
    train, holdout = train_test_split(early, test_size=0.2, random_state=0)

    def inputs(rows, rate):
        return np.column_stack([rate.loc[rows].fillna(-1).to_numpy(),
                                df.loc[rows, "amount"].to_numpy(),
                                df.loc[rows, "timestamp"].dt.hour.to_numpy()])

    rate = _pandas_rate(df, horizon)
    point_in_time = _pandas_rate(df, 0)
    tree = DecisionTreeClassifier(max_depth=6, min_samples_leaf=40, random_state=0)
    tree.fit(inputs(train, rate), df.loc[train, "is_fraud"])
    offline = roc_auc_score(df.loc[holdout, "is_fraud"],
                            tree.predict_proba(inputs(holdout, rate))[:, 1])
    production = roc_auc_score(df.loc[late, "is_fraud"],
                               tree.predict_proba(inputs(late, point_in_time))[:, 1])
    return offline, production


@pytest.mark.parametrize("horizon", [0, 30, math.inf])
def test_scores_match_an_independent_refit(horizon):
    offline, production = _independent_scores(horizon)
    result = leakage.compute(horizon)
    assert result.metric == "ROC-AUC"
    assert result.offline_score == pytest.approx(offline, abs=1e-12)
    assert result.production_score == pytest.approx(production, abs=1e-12)


def test_teaching_point():
    honest = leakage.compute(0)
    # No leak: what the holdout promises is what production gets.
    assert abs(honest.offline_score - honest.production_score) < 0.05
    assert honest.honest_offline_score == honest.offline_score
    assert honest.honest_production_score == honest.production_score
    for horizon in leakage.HORIZONS[1:]:
        result = leakage.compute(horizon)
        # Any leak inflates the offline score...
        assert result.offline_score > honest.offline_score + 0.05
        # ...while production falls below the honest model's.
        assert result.production_score < honest.production_score - 0.04
    whole = leakage.compute(math.inf)
    assert whole.offline_score - whole.production_score > 0.1
    i = leakage.HORIZONS.index(90.0)
    assert whole.offline_curve[i] == leakage.compute(90).offline_score
    assert whole.production_curve[i] == leakage.compute(90).production_score


def test_example_customer_shows_the_leak():
    whole = leakage.compute(math.inf)
    honest = leakage.compute(0)
    assert whole.example_is_fraud.sum() >= 2
    # The whole-table value is the same for every payment, the first one included...
    assert np.all(whole.example_feature == whole.example_feature[0])
    assert whole.example_feature[0] > 0
    # ...while at point in time the first payment has no history and the early ones are clean.
    assert np.isnan(honest.example_point_in_time[0])
    assert honest.example_point_in_time[1] == 0
    assert whole.example_top >= np.nanmax(whole.example_feature)
    assert np.all(np.diff(whole.example_times) >= np.timedelta64(0))


def test_off_grid_horizon_and_sizes():
    result = leakage.compute(45)
    assert result.horizon_days == 45
    assert result.offline_score > result.honest_offline_score
    assert result.n_train + result.n_holdout + result.n_production == len(HISTORY)
    assert result.n_holdout == pytest.approx(0.25 * result.n_train, rel=0.01)


def test_reading_states_the_result_numbers():
    result = leakage.compute(90)
    text = leakage.reading(result)
    for piece in ("90 days", f"offline ROC-AUC {result.offline_score:.2f}",
                  f"production {result.production_score:.2f}",
                  f"{result.honest_offline_score:.2f}", f"{result.honest_production_score:.2f}"):
        assert piece in text
    assert "whole table" in leakage.reading(leakage.compute(math.inf))
    assert "point in time" in leakage.reading(leakage.compute(0))


@pytest.mark.parametrize("bad", [-1, float("nan")])
def test_invalid_horizon_raises(bad):
    with pytest.raises(ValueError):
        leakage.compute(bad)
    with pytest.raises(ValueError):
        leakage.features_with_horizon(SMALL, bad)


def test_cached_arrays_are_read_only():
    result = leakage.compute(7)
    with pytest.raises(ValueError):
        result.offline_curve[0] = 0
    with pytest.raises(ValueError):
        result.example_feature[0] = 0
