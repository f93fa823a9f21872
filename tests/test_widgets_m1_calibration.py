"""The calibration explorer, headless: construction, updates, error reporting, model/view split."""

import ipywidgets
import numpy as np
import pytest
from widget_checks import (
    MAX_FIGSIZE,
    check_blit_matches_fresh,
    check_controls,
    check_errors_reported,
    check_figure_reused,
    check_no_pyplot,
    check_pure_modules,
    check_structure,
    check_update,
)

from course.m1 import calibration
from course.m1.calibration_explorer import (
    EXPLORERS,
    CalibrationExplorer,
    calibration_explorer,
)


@pytest.fixture
def explorer():
    return calibration_explorer()


def test_structure(explorer):
    check_structure(explorer, calibration, primary_types=ipywidgets.FloatSlider,
                    cls=CalibrationExplorer, max_figsize=MAX_FIGSIZE)
    assert explorer.primary == "base_rate_multiplier"
    assert set(explorer.controls) == {"bins", "method", "base_rate_multiplier", "cost_fp",
                                      "cost_fn"}
    assert EXPLORERS == {"calibration": calibration_explorer}


def test_starts_at_the_model_defaults(explorer):
    assert explorer.values() == {"bins": 10, "method": "isotonic",
                                 "base_rate_multiplier": 1.0, "cost_fp": 30.0,
                                 "cost_fn": 400.0}


def test_controls_are_labelled_and_deferred(explorer):
    check_controls(explorer, calibration)
    method = explorer.controls["method"]
    assert isinstance(method, ipywidgets.ToggleButtons)
    assert list(method.options) == list(calibration.METHODS)
    assert len(method.tooltips) == len(method.options)
    for name in ("base_rate_multiplier", "cost_fp", "cost_fn"):
        # Units or a plain meaning in every label.
        assert "(" in explorer.controls[name].description, name


@pytest.mark.parametrize("name,value", [("base_rate_multiplier", 2.0), ("bins", 15),
                                        ("method", "sigmoid"), ("cost_fp", 60.0),
                                        ("cost_fn", 1000.0)])
def test_moving_a_control_updates_everything(explorer, name, value):
    check_update(explorer, calibration, name, value)


def test_the_lines_show_the_result(explorer):
    explorer.controls["base_rate_multiplier"].value = 2.0
    r = explorer.result
    for name in ("vendor", "calibrated", "adjusted"):
        x, y = explorer.lines[name].get_data()
        np.testing.assert_allclose(x, getattr(r, name).mean_score)
        np.testing.assert_allclose(y, getattr(r, name).fraud_rate)
    assert explorer.score_line.get_xdata()[0] == pytest.approx(r.score_threshold)
    assert explorer.rule_line.get_xdata()[0] == pytest.approx(30 / 430)
    np.testing.assert_allclose(explorer.cost_line.get_ydata(), r.cost_curve)
    assert explorer.cheapest.get_xdata()[0] == r.cheapest_threshold
    assert "10.0% fraud" in explorer.diagram_title.get_text()
    assert explorer.cost_axes.get_ylim()[1] >= r.cost_curve.max()


def test_figure_is_reused(explorer):
    check_figure_reused(explorer, "base_rate_multiplier", 3.0)


def test_update_errors_are_reported_not_raised(explorer, monkeypatch):
    check_errors_reported(explorer, calibration, monkeypatch, "base_rate_multiplier", 1.5)


def test_initial_values_and_unknown_settings():
    explorer = calibration_explorer(base_rate_multiplier=2.0, method="sigmoid")
    assert explorer.result.base_rate == pytest.approx(0.10)
    assert explorer.result.method == "sigmoid"
    assert explorer.reading_text.startswith("At 2x the pilot's base rate")
    with pytest.raises(TypeError):
        calibration_explorer(threshold=0.5)


def test_pure_model_does_not_import_the_view_stack():
    check_pure_modules("course.m1.calibration")


def test_explorer_does_not_use_pyplot():
    check_no_pyplot("course.m1.calibration_explorer", "calibration_explorer",
                    warnings_as_errors=True)


def test_blitted_chart_matches_a_fresh_draw():
    check_blit_matches_fresh(calibration_explorer(), calibration_explorer, [
        ("base_rate_multiplier", 2.5), ("bins", 6), ("method", "sigmoid"),
        ("cost_fn", 1500.0), ("base_rate_multiplier", 0.5), ("cost_fp", 100.0),
        ("bins", 18), ("method", "isotonic")])
