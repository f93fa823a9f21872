"""The monitoring explorer, headless: construction, updates, error reporting, model/view split."""

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

from course.m3 import monitoring
from course.m3.monitoring_explorer import (
    MonitoringExplorer,
    monitoring_explorer,
    statistic_ratios,
)


@pytest.fixture
def explorer():
    return monitoring_explorer()


def test_structure(explorer):
    check_structure(explorer, monitoring, primary_types=ipywidgets.FloatSlider,
                    cls=MonitoringExplorer, max_figsize=MAX_FIGSIZE)
    assert explorer.primary == "shift"
    assert set(explorer.controls) == {"shift", "spread", "concept", "label_delay_days",
                                      "n_production"}


def test_starts_at_the_model_defaults(explorer):
    assert explorer.values() == {"shift": 0.0, "spread": 1.0, "concept": 0.0,
                                 "label_delay_days": 30, "n_production": 5_000}


def test_controls_are_labelled_and_deferred(explorer):
    check_controls(explorer, monitoring)
    size = explorer.controls["n_production"]
    assert isinstance(size, ipywidgets.FloatLogSlider)
    assert 10 ** size.min == pytest.approx(200) and 10 ** size.max == pytest.approx(50_000)


@pytest.mark.parametrize("name,value", [("shift", 0.5), ("spread", 1.5), ("concept", 0.6),
                                        ("label_delay_days", 60), ("n_production", 50_000)])
def test_moving_a_control_updates_everything(explorer, name, value):
    check_update(explorer, monitoring, name, value)


def test_the_primary_control_moves_the_production_histogram(explorer):
    before = explorer.production_hist.get_data().values.copy()
    explorer.controls["shift"].value = 1.0
    after = explorer.production_hist.get_data().values
    assert not np.array_equal(before, after)
    np.testing.assert_allclose(after, explorer.result.production_hist)


def test_statistic_bars_are_multiples_of_the_thresholds(explorer):
    explorer.controls["shift"].value = 0.5
    result = explorer.result
    ratios = statistic_ratios(result)
    r = result.inputs
    assert ratios[0][0] == pytest.approx(r.psi / 0.1)
    assert ratios[2][0] == pytest.approx(r.wasserstein / 0.1)
    assert ratios[3][0] == pytest.approx(r.js / 0.1)
    assert ratios[4][0] == pytest.approx(result.prediction_psi / 0.1)
    # KS: log p / log 0.05 is above 1 exactly when p is below 0.05.
    assert (ratios[1][0] > 1) == (r.ks_pvalue < 0.05)
    for bar, (ratio, drift, _) in zip(explorer.stat_bars, ratios, strict=True):
        assert bar.get_width() == pytest.approx(min(ratio, 4.0))
        assert drift == (ratio >= 1 - 1e-12)


def test_unmeasurable_days_are_greyed(explorer):
    explorer.controls["label_delay_days"].value = 45
    assert explorer.unmeasured.get_x() == pytest.approx(15)
    assert explorer.unmeasured.get_width() == pytest.approx(45)
    widths = [bar.get_width() for bar in explorer.block_bars]
    assert widths == [10, 5, 0, 0, 0, 0]


def test_figure_is_reused(explorer):
    check_figure_reused(explorer, "shift", 0.7)


def test_update_errors_are_reported_not_raised(explorer, monkeypatch):
    check_errors_reported(explorer, monitoring, monkeypatch, "shift", 0.5)


def test_initial_values_and_unknown_settings():
    explorer = monitoring_explorer(concept=0.5, label_delay_days=0)
    assert explorer.result.concept == 0.5 and explorer.result.measurable_days == 60
    assert "concept drift" in explorer.reading_text
    with pytest.raises(TypeError):
        monitoring_explorer(drift=0.5)


def test_pure_model_does_not_import_the_view_stack():
    check_pure_modules("course.m3.monitoring")


def test_explorer_does_not_use_pyplot():
    check_no_pyplot("course.m3.monitoring_explorer", "monitoring_explorer")


def test_blitted_chart_matches_a_fresh_draw():
    check_blit_matches_fresh(monitoring_explorer(), monitoring_explorer, [
        ("shift", 0.4), ("label_delay_days", 50), ("shift", 1.5), ("n_production", 800),
        ("concept", 0.7), ("shift", 0.1), ("label_delay_days", 5), ("spread", 0.6)])
