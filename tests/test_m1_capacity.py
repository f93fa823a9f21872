"""The capacity-and-validation model: recomputed fits and the lesson's teaching point."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeRegressor

from course.m1 import capacity
from course.m1.scenarios import pantry_dash_demand

FEATURES = ["day_index", "weekday", "week_of_year", "promo", "temp_c"]


def _independent_splits(spike=1.0):
    data = pantry_dash_demand(spike=spike)
    random_train, random_val = train_test_split(data, test_size=0.2, random_state=0)
    before = data["date"] < pd.Timestamp("2025-09-01")
    return data, random_train, random_val, data[before], data[~before]


def _mae(train, test, depth):
    tree = DecisionTreeRegressor(max_depth=depth, random_state=0)
    tree.fit(train[FEATURES], train["orders"])
    return mean_absolute_error(test["orders"], tree.predict(test[FEATURES])), tree


def test_feature_list_is_the_documented_one():
    assert capacity.FEATURES == FEATURES
    assert list(capacity.DEPTHS) == list(range(1, 13))


@pytest.mark.parametrize("depth", [2, 6, 10])
def test_fit_and_score_matches_sklearn(depth):
    _, random_train, random_val, _, _ = _independent_splits()
    expected, _ = _mae(random_train, random_val, depth)
    assert capacity.fit_and_score(random_train, random_val, max_depth=depth) == pytest.approx(
        expected, rel=1e-12)


def test_fit_and_score_default_depth_is_six():
    _, _, _, time_train, time_test = _independent_splits()
    assert capacity.fit_and_score(time_train, time_test) == pytest.approx(
        _mae(time_train, time_test, 6)[0], rel=1e-12)


@pytest.mark.parametrize("depth", [3, 8])
def test_per_depth_errors_match_independent_fits(depth):
    data, random_train, random_val, time_train, time_test = _independent_splits()
    result = capacity.compute(depth)
    i = depth - 1
    random_val_mae, _ = _mae(random_train, random_val, depth)
    time_holdout_mae, tree = _mae(time_train, time_test, depth)
    train_mae = mean_absolute_error(time_train["orders"], tree.predict(time_train[FEATURES]))
    assert result.random_val_mae[i] == pytest.approx(random_val_mae, rel=1e-12)
    assert result.time_holdout_mae[i] == pytest.approx(time_holdout_mae, rel=1e-12)
    assert result.train_mae[i] == pytest.approx(train_mae, rel=1e-12)
    assert result.random_val_mae_at_depth == result.random_val_mae[i]
    assert result.time_holdout_mae_at_depth == result.time_holdout_mae[i]
    assert result.train_mae_at_depth == result.train_mae[i]
    np.testing.assert_allclose(result.predicted, tree.predict(data[FEATURES]), rtol=1e-12)
    np.testing.assert_array_equal(result.actual, data["orders"].to_numpy())


def test_teaching_point_holds_at_full_spike():
    result = capacity.compute(6, spike=1.0)
    # Training error keeps falling as capacity grows.
    assert np.all(np.diff(result.train_mae) < 0)
    # The random split flatters: at the depth it picks, it reports a lower error than the
    # time holdout finds for that same depth, and lower than the best honest error too.
    r = result.random_pick - 1
    assert result.random_val_mae[r] < result.time_holdout_mae[r]
    assert result.random_val_mae.min() < result.time_holdout_mae.min()
    # ...and it picks a deeper tree than the time holdout would.
    assert result.random_pick > result.time_pick
    assert result.random_pick == int(np.argmin(result.random_val_mae)) + 1
    assert result.time_pick == int(np.argmin(result.time_holdout_mae)) + 1
    assert result.flattery == pytest.approx(
        result.time_holdout_mae[r] - result.random_val_mae[r])


def test_without_the_spike_the_gap_narrows():
    with_spike = capacity.compute(6, spike=1.0)
    without = capacity.compute(6, spike=0.0)
    assert 0 < without.flattery < with_spike.flattery


def test_holdout_period_and_series():
    result = capacity.compute(4)
    assert result.holdout_start == np.datetime64("2025-09-01")
    assert result.holdout_end == np.datetime64("2025-12-31")
    assert result.dates.size == result.actual.size == result.predicted.size == 1096
    assert result.dates[0] == np.datetime64("2023-01-01")


def test_reading_states_the_result_numbers():
    result = capacity.compute(9)
    text = capacity.reading(result)
    for piece in ("depth 9", f"{result.train_mae_at_depth:,.0f} orders/day",
                  f"{result.random_val_mae_at_depth:,.0f}",
                  f"{result.time_holdout_mae_at_depth:,.0f}",
                  f"pick depth {result.random_pick}", f"picks depth {result.time_pick}"):
        assert piece in text


@pytest.mark.parametrize("bad", [dict(max_depth=0), dict(max_depth=13), dict(max_depth=2.5),
                                 dict(max_depth=4, spike=1.5), dict(max_depth=4, spike=-0.25)])
def test_invalid_settings_raise(bad):
    with pytest.raises(ValueError):
        capacity.compute(**bad)


def test_cached_arrays_are_read_only():
    result = capacity.compute(5)
    with pytest.raises(ValueError):
        result.train_mae[0] = 0
    with pytest.raises(ValueError):
        result.predicted[0] = 0


def test_backtest_matches_plain_folds_and_never_reaches_the_final_period():
    """capacity.backtest against trees fitted here fold by fold (scikit-learn directly)."""
    data = pantry_dash_demand()
    table = capacity.backtest(data)
    assert list(table.index) == list(range(1, 13))
    assert list(table.columns) == [name for name, _, _ in capacity.BACKTEST_FOLDS] + ["mean"]
    for name, start, end in capacity.BACKTEST_FOLDS:
        assert pd.Timestamp(end) < pd.Timestamp(capacity.HOLDOUT_START)
        train = data[data["date"] < start]
        test = data[(data["date"] >= start) & (data["date"] <= end)]
        for depth in (2, 6, 11):
            model = DecisionTreeRegressor(max_depth=depth, random_state=0).fit(
                train[capacity.FEATURES], train["orders"])
            mae = mean_absolute_error(test["orders"], model.predict(test[capacity.FEATURES]))
            assert table.loc[depth, name] == pytest.approx(mae, rel=1e-12)
    assert table["mean"].to_numpy() == pytest.approx(table.iloc[:, :3].mean(axis=1).to_numpy())
    with pytest.raises(ValueError):
        capacity.backtest(data[data["date"] >= "2025-01-01"])
