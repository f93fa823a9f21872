"""Module 3 explorers, headless: construction, updates, error reporting, model/view split."""

import inspect
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import ipywidgets
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from course.m3 import cache, cascade, explorers, latency
from course.widgets import Explorer

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# name -> (model module, new value for the primary control, other controls and their values)
CASES = {
    "latency": (latency, 0.45, [("model_size", "large"), ("quantized", True),
                                ("batch_size", 12), ("safety_filter", True)]),
    "cascade": (cascade, 0.4, [("budget_per_month", 3_000.0)]),
    "cache": (cache, 12, [("retrain_every_days", 5)]),
}


def _artist_data(figure):
    """Positions of every line, bar, step patch and text: what a data update moves."""
    data = []
    for ax in figure.axes:
        data += [line.get_xydata().copy() for line in ax.get_lines()]
        for patch in ax.patches:
            if hasattr(patch, "get_data"):          # StepPatch (histograms)
                data.append(np.asarray(patch.get_data().values, dtype=float).copy())
            else:
                data.append(np.array(patch.get_bbox().bounds))
        data += [np.array([*text.get_position(), hash(text.get_text())], dtype=float)
                 for text in ax.texts]
    return data


def _changed(before, after):
    return any(a.shape != b.shape or not np.array_equal(a, b, equal_nan=True)
               for a, b in zip(before, after, strict=True))


@pytest.fixture(params=sorted(CASES))
def case(request):
    name = request.param
    model, new_primary, others = CASES[name]
    return name, explorers.EXPLORERS[name](), model, new_primary, others


def test_explorers_registry():
    assert {"latency", "cascade"} <= set(explorers.EXPLORERS)
    assert explorers.EXPLORERS["latency"] is explorers.latency_explorer
    assert explorers.EXPLORERS["cascade"] is explorers.cascade_explorer
    assert explorers.EXPLORERS["cache"] is explorers.cache_explorer


def test_structure(case):
    _, explorer, model, _, _ = case
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
    assert isinstance(explorer.controls[explorer.primary],
                      (ipywidgets.FloatSlider, ipywidgets.IntSlider))
    assert explorer.reading_text == model.reading(model.compute(**explorer.values()))
    for node in (explorer.image, explorer.reading, explorer.errors):
        assert node in explorer.children


def test_controls_are_the_model_keywords_and_are_labelled(case):
    _, explorer, model, _, _ = case
    assert set(explorer.controls) <= set(inspect.signature(model.compute).parameters)
    for name, control in explorer.controls.items():
        assert control.description.strip(), name
        assert control.tooltip, name
        # Buttons and checkboxes update once per click; sliders only on release.
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
    _, explorer, model, new_primary, others = case
    _check_update(explorer, model, explorer.primary, new_primary)
    for name, value in others:
        _check_update(explorer, model, name, value)
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
    assert explorers.latency_explorer().values() == dict(
        model_size="medium", quantized=False, cache_hit_rate=0.2, batch_size=4,
        safety_filter=False)
    explorer = explorers.latency_explorer(safety_filter=True, model_size="small")
    assert explorer.result.safety_filter and explorer.result.model_size == "small"
    assert explorer.reading_text.startswith("small model, 20% cache hits, batch 4, safety")
    assert explorers.cascade_explorer().values() == dict(threshold=0.7,
                                                         budget_per_month=5_000.0)
    assert explorers.cascade_explorer(threshold=0.2).result.threshold == 0.2
    assert explorers.cache_explorer().values() == dict(ttl_days=7, retrain_every_days=7)
    with pytest.raises(TypeError):
        explorers.latency_explorer(model="small")
    with pytest.raises(TypeError):
        explorers.cascade_explorer(budget=3_000)


def test_latency_model_choices_are_the_models():
    control = explorers.latency_explorer().controls["model_size"]
    assert tuple(control.options) == ("small", "medium", "large")
    assert len(control.tooltips) == 3


def test_latency_chart_marks_the_percentiles_and_the_current_point():
    explorer = explorers.latency_explorer(cache_hit_rate=0.4)
    result = explorer.result
    xs = [line.get_xdata()[0] for line in explorer.percentile_lines]
    assert xs == [result.p50_ms, result.p95_ms, result.p99_ms]
    assert list(explorer.model_hist.get_data().values) == list(result.hist_model)
    assert list(explorer.current_point.get_xdata()) == [result.cost_per_1k]
    assert list(explorer.current_point.get_ydata()) == [result.quality]


def test_cascade_chart_marks_the_threshold_budget_and_best_threshold():
    explorer = explorers.cascade_explorer(threshold=0.3, budget_per_month=3_000)
    result = explorer.result
    assert all(line.get_xdata()[0] == 0.3 for line in explorer.current_lines)
    assert all(line.get_xdata()[0] == result.best_threshold for line in explorer.best_lines)
    assert explorer.budget_line.get_ydata()[0] == 3_000


def test_pure_models_do_not_import_the_view_stack():
    code = ("import course.m3.latency, course.m3.cascade, course.m3.cache, sys; "
            "print('ipywidgets' in sys.modules, 'matplotlib.pyplot' in sys.modules, "
            "'matplotlib' in sys.modules, 'IPython' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False", "False", "False", "False"]


def test_explorers_do_not_use_pyplot_or_warn():
    code = ("import course.m3.explorers as e, sys; [f() for f in e.EXPLORERS.values()]; "
            "print('matplotlib.pyplot' in sys.modules)")
    run = subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False"] and not run.stderr


# After any sequence of moves, the blitted chart must equal the chart of a fresh explorer at
# the same settings: a stale background would show up here.
MOVES = {
    "latency": [("cache_hit_rate", 0.6), ("model_size", "small"), ("batch_size", 16),
                ("quantized", True), ("cache_hit_rate", 0.0), ("safety_filter", True),
                ("model_size", "large")],
    "cascade": [("threshold", 0.0), ("budget_per_month", 500.0), ("threshold", 1.0),
                ("budget_per_month", 14_000.0), ("threshold", 0.45)],
    "cache": [("ttl_days", 1), ("retrain_every_days", 30), ("ttl_days", 60),
              ("retrain_every_days", 3), ("ttl_days", 10)],
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
