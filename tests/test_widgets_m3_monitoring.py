"""The monitoring explorer, headless: construction, updates, error reporting, model/view split."""

import subprocess
import sys
from io import BytesIO
from pathlib import Path

import ipywidgets
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from course.m3 import monitoring
from course.m3.monitoring_explorer import (
    MonitoringExplorer,
    monitoring_explorer,
    statistic_ratios,
)
from course.widgets import Explorer

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _artist_data(figure):
    """Positions of every line, bar and text: what a data update moves."""
    data = []
    for ax in figure.axes:
        data += [line.get_xydata().copy() for line in ax.get_lines()]
        # Rectangles by their bounds; step histograms (StepPatch) by their outline.
        data += [np.array(patch.get_bbox().bounds) if hasattr(patch, "get_bbox")
                 else patch.get_path().vertices.copy() for patch in ax.patches]
        data += [np.array([*text.get_position(), hash(text.get_text())], dtype=float)
                 for text in ax.texts]
    return data


def _changed(before, after):
    return any(a.shape != b.shape or not np.array_equal(a, b, equal_nan=True)
               for a, b in zip(before, after, strict=True))


@pytest.fixture
def explorer():
    return monitoring_explorer()


def test_structure(explorer):
    assert isinstance(explorer, MonitoringExplorer)
    assert isinstance(explorer, ipywidgets.VBox) and isinstance(explorer, Explorer)
    assert isinstance(explorer.figure, Figure)
    assert isinstance(explorer.image, ipywidgets.Image) and explorer.image.format == "png"
    png = bytes(explorer.image.value)
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1000
    assert "course-chart" in explorer.image._dom_classes
    assert 'role="status"' in explorer.reading.value
    assert 'aria-live="polite"' in explorer.reading.value
    assert isinstance(explorer.errors, ipywidgets.Output) and not explorer.errors.outputs
    assert explorer.caption.value.strip()
    assert explorer.primary == "shift"
    assert isinstance(explorer.controls["shift"], ipywidgets.FloatSlider)
    assert set(explorer.controls) == {"shift", "spread", "concept", "label_delay_days",
                                      "n_production"}
    assert explorer.reading_text == monitoring.reading(monitoring.compute(**explorer.values()))
    for node in (explorer.image, explorer.reading, explorer.errors):
        assert node in explorer.children
    width, height = explorer.figure.get_size_inches()
    assert width <= 10 and height <= 3.8


def test_starts_at_the_model_defaults(explorer):
    assert explorer.values() == {"shift": 0.0, "spread": 1.0, "concept": 0.0,
                                 "label_delay_days": 30, "n_production": 5_000}


def test_controls_are_labelled_and_deferred(explorer):
    for name, control in explorer.controls.items():
        assert control.description.strip(), name
        assert control.tooltip, name
        assert control.continuous_update is False, name
    size = explorer.controls["n_production"]
    assert isinstance(size, ipywidgets.FloatLogSlider)
    assert 10 ** size.min == pytest.approx(200) and 10 ** size.max == pytest.approx(50_000)


def _check_update(explorer, name, value):
    reading, png = explorer.reading_text, bytes(explorer.image.value)
    artists = _artist_data(explorer.figure)
    explorer.controls[name].value = value
    assert not explorer.errors.outputs
    assert explorer.reading_text != reading
    assert explorer.reading_text == monitoring.reading(monitoring.compute(**explorer.values()))
    new_png = bytes(explorer.image.value)
    assert new_png != png and new_png.startswith(PNG_SIGNATURE)
    assert _changed(artists, _artist_data(explorer.figure))


@pytest.mark.parametrize("name,value", [("shift", 0.5), ("spread", 1.5), ("concept", 0.6),
                                        ("label_delay_days", 60), ("n_production", 50_000)])
def test_moving_a_control_updates_everything(explorer, name, value):
    _check_update(explorer, name, value)
    assert explorer.result is not None


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
    figure, axes = explorer.figure, list(explorer.figure.axes)
    explorer.controls["shift"].value = 0.7
    assert explorer.figure is figure and explorer.figure.axes == axes


def test_update_errors_are_reported_not_raised(explorer, monkeypatch):
    png = bytes(explorer.image.value)

    def broken(*args, **kwargs):
        raise ValueError("simulated failure")

    monkeypatch.setattr(monitoring, "compute", broken)
    explorer.controls["shift"].value = 0.5    # must not raise
    assert "Could not update the chart: simulated failure" in explorer.reading.value
    assert explorer.errors.outputs
    assert "simulated failure" in explorer.errors.outputs[-1]["text"]
    assert bytes(explorer.image.value) == png
    monkeypatch.undo()
    explorer.update()
    assert not explorer.errors.outputs
    assert not explorer.reading_text.startswith("Could not")


def test_initial_values_and_unknown_settings():
    explorer = monitoring_explorer(concept=0.5, label_delay_days=0)
    assert explorer.result.concept == 0.5 and explorer.result.measurable_days == 60
    assert "concept drift" in explorer.reading_text
    with pytest.raises(TypeError):
        monitoring_explorer(drift=0.5)


def test_pure_model_does_not_import_the_view_stack():
    code = ("import course.m3.monitoring, sys; "
            "print('ipywidgets' in sys.modules, 'matplotlib.pyplot' in sys.modules, "
            "'matplotlib' in sys.modules, 'IPython' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False", "False", "False", "False"]


def test_explorer_does_not_use_pyplot():
    code = ("import course.m3.monitoring_explorer as e, sys; e.monitoring_explorer(); "
            "print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False"]


def test_blitted_chart_matches_a_fresh_draw():
    explorer = monitoring_explorer()
    for name, value in [("shift", 0.4), ("label_delay_days", 50), ("shift", 1.5),
                        ("n_production", 800), ("concept", 0.7), ("shift", 0.1),
                        ("label_delay_days", 5), ("spread", 0.6)]:
        explorer.controls[name].value = value
    fresh = monitoring_explorer(**explorer.values())

    def pixels(e):
        return np.asarray(Image.open(BytesIO(bytes(e.image.value))))

    assert np.array_equal(pixels(explorer), pixels(fresh))
