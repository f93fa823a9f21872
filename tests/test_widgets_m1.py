"""Module 1 explorers, headless: construction, updates, error reporting, model/view split."""

import subprocess
import sys
from pathlib import Path

import ipywidgets
import numpy as np
import pytest
from matplotlib.figure import Figure

from course.m1 import budget, capacity, drift, explorers, imbalance, segments, threshold
from course.widgets import Explorer

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# name -> (model module, new value for the primary control, another control and its value)
CASES = {
    "threshold": (threshold, 0.71, ("cost_fn", 900.0)),
    "imbalance": (imbalance, 0.05, None),
    "capacity": (capacity, 9, ("spike", 0.5)),
    "segments": (segments, 0.25, ("fax_error_rate", 0.3)),
    "drift": (drift, 1.5, ("concept_shift", 1.0)),
    "architecture": (budget, 1000.0, ("labelled_rows", 1_500.0)),
}


def _line_data(figure):
    return [line.get_xydata().copy() for ax in figure.axes for line in ax.get_lines()]


def _changed(before, after):
    return any(a.shape != b.shape or not np.array_equal(a, b, equal_nan=True)
               for a, b in zip(before, after, strict=True))


@pytest.fixture(params=sorted(CASES))
def case(request):
    name = request.param
    model, new_primary, other = CASES[name]
    return name, explorers.EXPLORERS[name](), model, new_primary, other


def test_explorers_registry():
    assert set(explorers.EXPLORERS) == {"threshold", "imbalance", "capacity", "segments",
                                        "drift", "architecture"}
    assert explorers.EXPLORERS["threshold"] is explorers.threshold_explorer
    assert explorers.EXPLORERS["segments"] is explorers.segments_explorer
    assert explorers.EXPLORERS["drift"] is explorers.drift_explorer
    assert explorers.EXPLORERS["architecture"] is explorers.architecture_explorer


def test_structure(case):
    _, explorer, model, _, _ = case
    assert isinstance(explorer, ipywidgets.VBox) and isinstance(explorer, Explorer)
    assert isinstance(explorer.figure, Figure)
    assert isinstance(explorer.image, ipywidgets.Image) and explorer.image.format == "png"
    png = bytes(explorer.image.value)     # ipywidgets keeps the bytes as a memoryview
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1000
    assert "course-chart" in explorer.image._dom_classes
    assert isinstance(explorer.reading, ipywidgets.HTML)
    assert "course-reading" in explorer.reading._dom_classes
    assert 'role="status"' in explorer.reading.value
    assert 'aria-live="polite"' in explorer.reading.value
    assert isinstance(explorer.errors, ipywidgets.Output) and not explorer.errors.outputs
    assert explorer.primary in explorer.controls
    assert isinstance(explorer.controls[explorer.primary],
                      (ipywidgets.FloatSlider, ipywidgets.IntSlider, ipywidgets.FloatLogSlider))
    assert explorer.reading_text == model.reading(model.compute(**explorer.values()))
    for node in (explorer.image, explorer.reading, explorer.errors):
        assert node in explorer.children


def test_controls_are_labelled_and_deferred(case):
    _, explorer, _, _, _ = case
    for name, control in explorer.controls.items():
        assert control.description.strip(), name
        # Sliders update on release; a checkbox or toggle has no continuous mode.
        assert getattr(control, "continuous_update", False) is False, name


def _check_update(explorer, model, name, value):
    reading, png = explorer.reading_text, bytes(explorer.image.value)
    lines = _line_data(explorer.figure)
    explorer.controls[name].value = value
    assert not explorer.errors.outputs
    assert explorer.reading_text != reading
    assert explorer.reading_text == model.reading(model.compute(**explorer.values()))
    new_png = bytes(explorer.image.value)
    assert new_png != png and new_png.startswith(PNG_SIGNATURE)
    assert _changed(lines, _line_data(explorer.figure))


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
    assert explorer.reading_text.startswith("Could not update the chart")
    assert explorer.errors.outputs
    assert "simulated failure" in explorer.errors.outputs[-1]["text"]
    assert bytes(explorer.image.value) == png                   # last good chart stays
    monkeypatch.undo()
    explorer.update()
    assert not explorer.errors.outputs
    assert not explorer.reading_text.startswith("Could not")


def test_initial_values_and_unknown_settings():
    explorer = explorers.threshold_explorer(threshold=0.3, cost_fn=1000.0)
    assert explorer.controls["threshold"].value == 0.3
    assert explorer.result.threshold == 0.3
    assert explorer.reading_text == threshold.reading(threshold.compute(**explorer.values()))
    with pytest.raises(TypeError):
        explorers.capacity_explorer(depth=4)


def test_reading_is_escaped():
    explorer = explorers.imbalance_explorer()
    explorer._show_reading("<b>a & b</b>")
    assert "&lt;b&gt;a &amp; b&lt;/b&gt;" in explorer.reading.value


def test_pure_models_do_not_import_the_view_stack():
    code = ("import course.m1.threshold, course.m1.imbalance, course.m1.capacity, "
            "course.m1.segments, course.m1.drift, course.m1.budget, sys; "
            "print('ipywidgets' in sys.modules, 'matplotlib.pyplot' in sys.modules, "
            "'IPython' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False", "False", "False"]


def test_explorers_do_not_use_pyplot():
    code = ("import course.m1.explorers as e, sys; e.EXPLORERS['threshold'](); "
            "print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False"]


# After any sequence of moves, the blitted chart must equal the chart of a fresh explorer at
# the same settings: a stale background (a static artist that changed without the background
# being redrawn) would show up here.
MOVES = {
    "threshold": [("threshold", 0.2), ("prevalence", 0.05), ("threshold", 0.8),
                  ("review_capacity", 2000), ("cost_fp", 80.0), ("threshold", 0.4)],
    "imbalance": [("prevalence", 0.3), ("prevalence", 0.002)],
    "capacity": [("max_depth", 2), ("spike", 0.25), ("max_depth", 11), ("spike", 0.0)],
    "segments": [("fax_share", 0.4), ("fax_error_rate", 0.02), ("fax_share", 0.1),
                 ("fax_error_rate", 0.35)],
    "drift": [("input_shift", 2.5), ("concept_shift", 1.5), ("input_shift", 0.3)],
    "architecture": [("p99_budget_ms", 1000.0), ("needs_explanation", False),
                     ("labelled_rows", 800_000.0), ("p99_budget_ms", 30.0),
                     ("recall_target", 0.8)],
}


@pytest.mark.parametrize("name", sorted(MOVES))
def test_blitted_chart_matches_a_fresh_draw(name):
    from io import BytesIO

    from PIL import Image

    explorer = explorers.EXPLORERS[name]()
    for control, value in MOVES[name]:
        explorer.controls[control].value = value
    fresh = explorers.EXPLORERS[name](**explorer.values())

    def pixels(e):
        return np.asarray(Image.open(BytesIO(bytes(e.image.value))))

    assert np.array_equal(pixels(explorer), pixels(fresh))


def test_new_explorers_start_where_their_models_do():
    assert explorers.segments_explorer().result.fax_share == 0.06
    explorer = explorers.drift_explorer(concept_shift=1.0)
    assert explorer.result.concept_shift == 1.0 and explorer.result.input_shift == 0.0
    assert explorer.reading_text == drift.reading(drift.compute(0.0, 1.0))
    explorer = explorers.architecture_explorer()
    assert explorer.values() == {"p99_budget_ms": 80, "labelled_rows": 40_000,
                                 "needs_explanation": True, "recall_target": 0.65}
    assert explorer.result.feasible == ("gradient boosted trees",)


def test_architecture_toggle_changes_what_fits():
    explorer = explorers.architecture_explorer(p99_budget_ms=1000.0)
    png = bytes(explorer.image.value)
    assert explorer.result.feasible == ("gradient boosted trees",)
    explorer.controls["needs_explanation"].value = False
    assert not explorer.errors.outputs
    assert explorer.result.feasible == ("gradient boosted trees", "fine tuned llm")
    assert explorer.reading_text == budget.reading(budget.compute(**explorer.values()))
    assert bytes(explorer.image.value) != png
