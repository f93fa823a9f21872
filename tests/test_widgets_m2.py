"""Module 2 explorers, headless: construction, updates, error reporting, model/view split."""

import math
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import ipywidgets
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from course.m2 import explorers, labels, leakage, sampling
from course.widgets import Explorer

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# name -> (model module, new value for the primary control, another control and its value)
CASES = {
    "leakage": (leakage, 7.0, None),
    "labels": (labels, 0.2, None),
    "sampling": (sampling, 900, ("design", "convenience")),
}


def _artist_data(figure):
    """Positions of every line, bar and text: what a data update moves."""
    data = []
    for ax in figure.axes:
        data += [line.get_xydata().copy() for line in ax.get_lines()]
        data += [np.array(patch.get_bbox().bounds) for patch in ax.patches]
        data += [np.array([*text.get_position(), hash(text.get_text())], dtype=float)
                 for text in ax.texts]
    return data


def _changed(before, after):
    return any(a.shape != b.shape or not np.array_equal(a, b, equal_nan=True)
               for a, b in zip(before, after, strict=True))


@pytest.fixture(params=sorted(CASES))
def case(request):
    name = request.param
    model, new_primary, other = CASES[name]
    return name, explorers.EXPLORERS[name](), model, new_primary, other


def test_explorers_registry():
    assert set(explorers.EXPLORERS) == {"leakage", "labels", "sampling"}
    assert explorers.EXPLORERS["leakage"] is explorers.leakage_explorer
    assert explorers.EXPLORERS["labels"] is explorers.labels_explorer
    assert explorers.EXPLORERS["sampling"] is explorers.sampling_explorer


def test_structure(case):
    _, explorer, model, _, _ = case
    assert isinstance(explorer, ipywidgets.VBox) and isinstance(explorer, Explorer)
    assert isinstance(explorer.figure, Figure)
    assert isinstance(explorer.image, ipywidgets.Image) and explorer.image.format == "png"
    png = bytes(explorer.image.value)
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1000
    assert "course-chart" in explorer.image._dom_classes
    assert isinstance(explorer.reading, ipywidgets.HTML)
    assert 'role="status"' in explorer.reading.value
    assert 'aria-live="polite"' in explorer.reading.value
    assert isinstance(explorer.errors, ipywidgets.Output) and not explorer.errors.outputs
    assert explorer.caption.value.strip()
    assert explorer.primary in explorer.controls
    assert isinstance(explorer.controls[explorer.primary],
                      (ipywidgets.FloatSlider, ipywidgets.IntSlider, ipywidgets.SelectionSlider))
    assert explorer.reading_text == model.reading(model.compute(**explorer.values()))
    for node in (explorer.image, explorer.reading, explorer.errors):
        assert node in explorer.children


def test_controls_are_labelled_and_deferred(case):
    _, explorer, _, _, _ = case
    for name, control in explorer.controls.items():
        assert control.description.strip(), name
        assert control.tooltip, name
        # Buttons update once per click; sliders only on release.
        assert getattr(control, "continuous_update", False) is False, name


def _check_update(explorer, model, name, value):
    reading, png = explorer.reading_text, bytes(explorer.image.value)
    artists = _artist_data(explorer.figure)
    explorer.controls[name].value = value
    assert not explorer.errors.outputs
    assert explorer.reading_text != reading
    assert explorer.reading_text == model.reading(model.compute(**explorer.values()))
    new_png = bytes(explorer.image.value)
    assert new_png != png and new_png.startswith(PNG_SIGNATURE)
    assert _changed(artists, _artist_data(explorer.figure))


def test_moving_controls_updates_everything(case):
    _, explorer, model, new_primary, other = case
    _check_update(explorer, model, explorer.primary, new_primary)
    if other is not None:
        _check_update(explorer, model, *other)
    assert explorer.result is not None


def test_figure_is_reused(case):
    _, explorer, _, new_primary, _ = case
    figure, axes = explorer.figure, list(explorer.figure.axes)
    explorer.controls[explorer.primary].value = new_primary
    assert explorer.figure is figure and explorer.figure.axes == axes


def test_update_errors_are_reported_not_raised(case, monkeypatch):
    _, explorer, model, new_primary, _ = case
    png = bytes(explorer.image.value)

    def broken(*args, **kwargs):
        raise ValueError("simulated failure")

    monkeypatch.setattr(model, "compute", broken)
    explorer.controls[explorer.primary].value = new_primary    # must not raise
    assert "Could not update the chart: simulated failure" in explorer.reading.value
    assert explorer.errors.outputs
    assert "simulated failure" in explorer.errors.outputs[-1]["text"]
    assert bytes(explorer.image.value) == png                   # last good chart stays
    monkeypatch.undo()
    explorer.update()
    assert not explorer.errors.outputs
    assert not explorer.reading_text.startswith("Could not")


def test_initial_values_and_unknown_settings():
    explorer = explorers.leakage_explorer(horizon_days=0.0)
    assert explorer.result.horizon_days == 0.0
    assert "point in time" in explorer.reading_text
    assert explorers.leakage_explorer().values() == {"horizon_days": math.inf}
    assert explorers.labels_explorer().values() == {"divergence": 0.6}
    assert explorers.sampling_explorer(design="random").values() == {"budget": 400,
                                                                     "design": "random"}
    with pytest.raises(TypeError):
        explorers.sampling_explorer(size=400)


def test_leakage_slider_offers_the_model_grid():
    control = explorers.leakage_explorer().controls["horizon_days"]
    assert tuple(value for _, value in control.options) == leakage.HORIZONS
    assert control.label == "whole table"


def test_pure_models_do_not_import_the_view_stack():
    code = ("import course.m2.leakage, course.m2.labels, course.m2.sampling, sys; "
            "print('ipywidgets' in sys.modules, 'matplotlib.pyplot' in sys.modules, "
            "'matplotlib' in sys.modules, 'IPython' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False", "False", "False", "False"]


def test_explorers_do_not_use_pyplot():
    code = ("import course.m2.explorers as e, sys; [f() for f in e.EXPLORERS.values()]; "
            "print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False"]


# After any sequence of moves, the blitted chart must equal the chart of a fresh explorer at
# the same settings: a stale background would show up here.
MOVES = {
    "leakage": [("horizon_days", 0.0), ("horizon_days", 365.0), ("horizon_days", 1.0)],
    "labels": [("divergence", 0.0), ("divergence", 1.0), ("divergence", 0.4)],
    "sampling": [("budget", 100), ("design", "random"), ("budget", 2000),
                 ("design", "convenience"), ("budget", 700)],
}


@pytest.mark.parametrize("name", sorted(MOVES))
def test_blitted_chart_matches_a_fresh_draw(name):
    explorer = explorers.EXPLORERS[name]()
    for control, value in MOVES[name]:
        explorer.controls[control].value = value
    fresh = explorers.EXPLORERS[name](**explorer.values())

    def pixels(e):
        return np.asarray(Image.open(BytesIO(bytes(e.image.value))))

    assert np.array_equal(pixels(explorer), pixels(fresh))
