"""Module 4's loop explorers, headless: construction, updates, errors, model/view split."""

import subprocess
import sys
from io import BytesIO
from pathlib import Path

import ipywidgets
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from course.m4 import feedback, review
from course.m4.loop_explorers import (
    FeedbackExplorer,
    ReviewExplorer,
    feedback_explorer,
    review_explorer,
)
from course.widgets import Explorer

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CASES = {
    "review": (review_explorer, ReviewExplorer, review,
               [("review_threshold", 0.7), ("auto_block_threshold", 0.95),
                ("review_capacity", 800), ("rules_on", False)]),
    "feedback": (feedback_explorer, FeedbackExplorer, feedback,
                 [("exploration", 0.1), ("k", 15)]),
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


@pytest.mark.parametrize("name", CASES)
def test_structure(name):
    factory, cls, model, _ = CASES[name]
    explorer = factory()
    assert isinstance(explorer, cls) and isinstance(explorer, Explorer)
    assert isinstance(explorer, ipywidgets.VBox)
    assert isinstance(explorer.figure, Figure)
    png = bytes(explorer.image.value)
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1000
    assert 'role="status"' in explorer.reading.value
    assert explorer.caption.value.strip()
    assert not explorer.errors.outputs
    assert explorer.reading_text == model.reading(model.compute(**explorer.values()))
    width, height = explorer.figure.get_size_inches()
    assert width <= 10 and height <= 3.8


def test_start_at_the_model_defaults():
    assert review_explorer().values() == {"review_threshold": 0.5, "auto_block_threshold": 0.9,
                                          "review_capacity": 300, "rules_on": True}
    assert feedback_explorer().values() == {"exploration": 0.0, "k": 10}
    assert review_explorer().primary == "review_threshold"
    assert feedback_explorer().primary == "exploration"


@pytest.mark.parametrize("name", CASES)
def test_controls_are_labelled_and_deferred(name):
    explorer = CASES[name][0]()
    for key, control in explorer.controls.items():
        assert control.description.strip(), key
        assert control.tooltip, key
        if not isinstance(control, ipywidgets.Checkbox):
            assert control.continuous_update is False, key


@pytest.mark.parametrize("name,key,value", [(n, k, v) for n, case in CASES.items()
                                            for k, v in case[3]])
def test_moving_a_control_updates_everything(name, key, value):
    factory, _, model, _ = CASES[name]
    explorer = factory()
    reading, png = explorer.reading_text, bytes(explorer.image.value)
    artists = _artist_data(explorer.figure)
    explorer.controls[key].value = value
    assert not explorer.errors.outputs
    assert explorer.reading_text != reading
    assert explorer.reading_text == model.reading(model.compute(**explorer.values()))
    new_png = bytes(explorer.image.value)
    assert new_png != png and new_png.startswith(PNG_SIGNATURE)
    assert _changed(artists, _artist_data(explorer.figure))


def test_review_bars_show_the_result():
    explorer = review_explorer(review_threshold=0.6)
    r = explorer.result
    widths = [bar.get_width() for bar in explorer.fraud_bars.values()]
    np.testing.assert_allclose(widths, list(r.fraud_outcomes.values()))
    assert sum(widths) == pytest.approx(500)
    np.testing.assert_allclose([b.get_width() for b in explorer.good_bars.values()],
                               list(r.good_blocked.values()))
    assert explorer.arrivals_dot.get_xdata()[0] == pytest.approx(0.6)
    assert explorer.arrivals_dot.get_ydata()[0] == pytest.approx(r.queue_arrivals_per_day)
    assert explorer.capacity_line.get_ydata()[0] == pytest.approx(300)


def test_feedback_lines_show_the_result():
    explorer = feedback_explorer(exploration=0.1)
    r = explorer.result
    np.testing.assert_allclose(explorer.coverage_line.get_ydata(), r.run.coverage)
    np.testing.assert_allclose(explorer.coverage_base.get_ydata(), r.baseline.coverage)
    np.testing.assert_allclose(explorer.clicks_line.get_ydata(), r.run.expected_clicks)
    assert explorer.best_line.get_ydata()[0] == pytest.approx(r.best_clicks)


@pytest.mark.parametrize("name", CASES)
def test_update_errors_are_reported_not_raised(name, monkeypatch):
    factory, _, model, changes = CASES[name]
    explorer = factory()
    png = bytes(explorer.image.value)

    def broken(*args, **kwargs):
        raise ValueError("simulated failure")

    monkeypatch.setattr(model, "compute", broken)
    key, value = changes[0]
    explorer.controls[key].value = value    # must not raise
    assert "Could not update the chart: simulated failure" in explorer.reading.value
    assert "simulated failure" in explorer.errors.outputs[-1]["text"]
    assert bytes(explorer.image.value) == png
    monkeypatch.undo()
    explorer.update()
    assert not explorer.errors.outputs


def test_initial_values_and_unknown_settings():
    assert review_explorer(rules_on=False).result.fraud_by_rules == 0
    assert feedback_explorer(k=5).result.k == 5
    with pytest.raises(TypeError):
        review_explorer(threshold=0.5)
    with pytest.raises(TypeError):
        feedback_explorer(rounds=10)


@pytest.mark.parametrize("module", ["course.m4.review", "course.m4.feedback"])
def test_pure_models_do_not_import_the_view_stack(module):
    code = (f"import {module}, sys; "
            "print('ipywidgets' in sys.modules, 'matplotlib.pyplot' in sys.modules, "
            "'matplotlib' in sys.modules, 'IPython' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False", "False", "False", "False"]


def test_explorers_do_not_use_pyplot():
    code = ("import course.m4.loop_explorers as e, sys; e.review_explorer(); "
            "e.feedback_explorer(); print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False"]


@pytest.mark.parametrize("name", CASES)
def test_blitted_chart_matches_a_fresh_draw(name):
    factory, _, _, changes = CASES[name]
    explorer = factory()
    primary = explorer.primary
    for key, value in changes + [(primary, explorer.controls[primary].value)]:
        explorer.controls[key].value = value
    explorer.controls[primary].value = 0.2 if name == "feedback" else 0.4
    fresh = factory(**explorer.values())

    def pixels(e):
        return np.asarray(Image.open(BytesIO(bytes(e.image.value))))

    assert np.array_equal(pixels(explorer), pixels(fresh))
