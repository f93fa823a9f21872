"""The drift model: KS against scipy, accuracy against scikit-learn on regenerated data, and the
teaching points (concept drift is invisible to an input check; data drift is not)."""

import numpy as np
import pytest
from scipy.stats import ks_2samp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

from course.m1 import drift

SLOPE, BOUNDARY = 3.0, 0.0


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _regenerate(seed=drift.SEED, n_training=5_000, n_check=5_000, n_production=2_000):
    """The documented recipe, written out again: draws in order from one generator."""
    rng = np.random.default_rng(seed)
    x_train = rng.normal(0, 1, n_training)
    y_train = rng.random(n_training) < _sigmoid(SLOPE * (x_train - BOUNDARY))
    x_check = rng.normal(0, 1, n_check)
    y_check = rng.random(n_check) < _sigmoid(SLOPE * (x_check - BOUNDARY))
    z = rng.normal(0, 1, n_production)
    v = rng.random(n_production)
    model = LogisticRegression().fit(x_train.reshape(-1, 1), y_train)
    return x_train, x_check, y_check, z, v, model


WORLD = _regenerate()


def _production(input_shift, concept_shift):
    _, _, _, z, v, _ = WORLD
    x = z + input_shift
    return x, v < _sigmoid(SLOPE * (x - BOUNDARY - concept_shift))


def test_constants_are_the_documented_ones():
    assert (drift.SLOPE, drift.BOUNDARY) == (SLOPE, BOUNDARY)
    assert (drift.N_TRAINING, drift.N_CHECK, drift.N_PRODUCTION) == (5_000, 5_000, 2_000)


@pytest.mark.parametrize("input_shift,concept_shift", [(0, 0), (0, 1), (0.5, 0), (1.5, 0),
                                                       (1.5, 1), (3, 2)])
def test_ks_matches_scipy(input_shift, concept_shift):
    x_train = WORLD[0]
    x, _ = _production(input_shift, concept_shift)
    expected = ks_2samp(x_train, x, method="asymp")
    result = drift.compute(input_shift, concept_shift)
    assert result.ks_statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.ks_pvalue == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-300)
    assert result.input_alarm == (expected.pvalue < 0.05)


@pytest.mark.parametrize("input_shift,concept_shift", [(0, 0), (0, 0.5), (0, 1), (1.5, 0),
                                                       (1, 1), (3, 2)])
def test_accuracies_match_sklearn_on_regenerated_data(input_shift, concept_shift):
    _, x_check, y_check, _, _, model = WORLD
    x, y = _production(input_shift, concept_shift)
    result = drift.compute(input_shift, concept_shift)
    assert result.training_accuracy == pytest.approx(
        accuracy_score(y_check, model.predict(x_check.reshape(-1, 1))), abs=1e-12)
    assert result.production_accuracy == pytest.approx(
        accuracy_score(y, model.predict(x.reshape(-1, 1))), abs=1e-12)
    assert result.best_production_accuracy == pytest.approx(
        accuracy_score(y, x > BOUNDARY + concept_shift), abs=1e-12)


def test_model_is_the_one_fitted_on_the_training_data():
    model = drift.trained_model()
    assert model.coef_[0, 0] == pytest.approx(WORLD[5].coef_[0, 0], rel=1e-9)
    assert model.intercept_[0] == pytest.approx(WORLD[5].intercept_[0], rel=1e-9, abs=1e-12)
    assert drift.compute().model_boundary == pytest.approx(
        -WORLD[5].intercept_[0] / WORLD[5].coef_[0, 0], rel=1e-9, abs=1e-12)


def test_no_drift_no_alarm_and_no_loss():
    result = drift.compute(0, 0)
    assert result.ks_pvalue > 0.3 and result.ks_statistic < 0.04 and not result.input_alarm
    # The exact test agrees with the asymptotic one that there is nothing to see.
    assert ks_2samp(WORLD[0], _production(0, 0)[0], method="exact").pvalue > 0.3
    assert abs(result.production_accuracy - result.training_accuracy) < 0.02
    assert not result.model_wrong


@pytest.mark.parametrize("concept_shift", [0.5, 1.0, 1.5, 2.0])
def test_pure_concept_drift_is_invisible_to_the_input_check_but_costs_accuracy(concept_shift):
    result = drift.compute(0, concept_shift)
    assert not result.input_alarm and result.ks_pvalue > 0.05 and result.ks_statistic < 0.04
    assert result.production_accuracy < result.training_accuracy - 0.05
    assert result.model_wrong
    assert result.verdict.startswith("concept drift")
    if concept_shift >= 1:
        assert result.production_accuracy < result.training_accuracy - 0.15
        assert result.best_production_accuracy - result.production_accuracy > 0.2


@pytest.mark.parametrize("input_shift", [0.5, 1.0, 1.5, 3.0])
def test_pure_data_drift_raises_the_alarm_and_here_accuracy_rises(input_shift):
    result = drift.compute(input_shift, 0)
    assert result.input_alarm and result.ks_pvalue < 1e-6 and result.ks_statistic > 0.15
    # The relation held and the model matches it: no worse than the best reachable, and the
    # bigger baskets are further from the boundary, so accuracy goes up, not down.
    assert not result.model_wrong
    assert result.production_accuracy >= result.best_production_accuracy - 0.01
    assert result.production_accuracy > result.training_accuracy
    assert result.verdict.startswith("data drift")
    assert "rose only because the cases got easier" in drift.reading(result)


def test_the_ks_statistic_grows_with_the_input_shift():
    stats = [drift.compute(s, 0).ks_statistic for s in (0, 0.5, 1, 1.5, 2, 3)]
    assert np.all(np.diff(stats) > 0)


def test_both_kinds_of_drift():
    result = drift.compute(1.5, 1.0)
    assert result.input_alarm and result.model_wrong
    assert result.verdict.startswith("data and concept drift")


def test_reading_states_the_numbers():
    result = drift.compute(1.5, 0)
    text = drift.reading(result)
    for piece in ("inputs shifted 1.5 sd", f"KS {result.ks_statistic:.2f}", "p < 0.001",
                  "without labels", "relation moved 0.0 sd",
                  f"production accuracy {result.production_accuracy:.2f}",
                  f"vs {result.training_accuracy:.2f} in training", "needs labels"):
        assert piece in text
    assert f"p = {drift.compute(0, 1).ks_pvalue:.2f}" in drift.reading(drift.compute(0, 1))


def test_chart_arrays():
    result = drift.compute(1.0, 0.5)
    x, _ = _production(1.0, 0.5)
    np.testing.assert_allclose(result.production_hist,
                               np.histogram(x, drift.BIN_EDGES, density=True)[0])
    np.testing.assert_allclose(result.training_hist,
                               np.histogram(WORLD[0], drift.BIN_EDGES, density=True)[0])
    np.testing.assert_allclose(result.production_relation,
                               _sigmoid(SLOPE * (drift.GRID - BOUNDARY - 0.5)))
    np.testing.assert_allclose(result.model_curve,
                               WORLD[5].predict_proba(drift.GRID.reshape(-1, 1))[:, 1],
                               rtol=1e-9)
    # Every production basket lies inside the histogram's range at the largest shift.
    assert drift.compute(3, 0).production_hist.sum() * np.diff(drift.BIN_EDGES)[0] == \
        pytest.approx(1.0)


@pytest.mark.parametrize("bad", [dict(input_shift=-0.1), dict(input_shift=3.5),
                                 dict(concept_shift=2.5), dict(concept_shift=-1)])
def test_invalid_settings_raise(bad):
    with pytest.raises(ValueError):
        drift.compute(**bad)
