"""Module 4 explorers, headless: construction, updates, error reporting, model/view split."""

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

from course.m4 import abtest, explorers, retraining
from course.widgets import Explorer

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# name -> (model module, new value for the primary control, other controls and their values)
CASES = {
    "retraining": (retraining, 5, [("policy", "drift-triggered"), ("psi_threshold", 0.1),
                                   ("gate", False), ("policy", "scheduled"),
                                   ("schedule_weeks", 2)]),
    # run_to_run_sd moves after samples_per_input: with one sample per input and two
    # groups, it changes nothing (a yes/no outcome's variance is p(1 - p) either way).
    "abtest": (abtest, 5011.872336272725, [("true_lift", 3.0), ("baseline_rate", 0.5),
                                           ("samples_per_input", 4), ("run_to_run_sd", 0.25),
                                           ("peeks", 10), ("paired", True)]),
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
    from course.m4 import loop_explorers

    assert explorers.EXPLORERS == {"retraining": explorers.retraining_explorer,
                                   "abtest": explorers.abtest_explorer,
                                   "review": loop_explorers.review_explorer,
                                   "feedback": loop_explorers.feedback_explorer}


def test_structure(case):
    _, explorer, model, _, _ = case
    assert isinstance(explorer, ipywidgets.VBox) and isinstance(explorer, Explorer)
    assert isinstance(explorer.figure, Figure)
    assert isinstance(explorer.image, ipywidgets.Image) and explorer.image.format == "png"
    png = bytes(explorer.image.value)
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1000
    assert 'role="status"' in explorer.reading.value
    assert isinstance(explorer.errors, ipywidgets.Output) and not explorer.errors.outputs
    assert explorer.caption.value.strip()
    assert isinstance(explorer.controls[explorer.primary],
                      (ipywidgets.FloatSlider, ipywidgets.IntSlider, ipywidgets.FloatLogSlider))
    assert explorer.reading_text == model.reading(model.compute(**explorer.values()))


def test_controls_are_the_model_keywords_and_are_labelled(case):
    _, explorer, model, _, _ = case
    assert set(explorer.controls) <= set(inspect.signature(model.compute).parameters)
    for name, control in explorer.controls.items():
        assert control.description.strip(), name
        assert control.tooltip, name
        assert getattr(control, "continuous_update", False) is False, name


def _check_update(explorer, model, name, value):
    reading, png = explorer.reading_text, bytes(explorer.image.value)
    artists = _artist_data(explorer.figure)
    explorer.controls[name].value = value
    assert not explorer.errors.outputs
    assert explorer.reading_text != reading, name
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
    assert "simulated failure" in explorer.errors.outputs[-1]["text"]
    assert bytes(explorer.image.value) == png
    monkeypatch.undo()
    explorer.update()
    assert not explorer.errors.outputs


def test_initial_values_and_unknown_settings():
    assert explorers.retraining_explorer().values() == dict(
        policy="scheduled", schedule_weeks=4, psi_threshold=0.2, label_delay_weeks=2,
        gate=True)
    explorer = explorers.retraining_explorer(policy="never", label_delay_weeks=0)
    assert explorer.result.policy == "never" and explorer.result.label_delay_weeks == 0
    values = explorers.abtest_explorer().values()
    assert values["inputs_per_arm"] == pytest.approx(2000)
    assert {k: v for k, v in values.items() if k != "inputs_per_arm"} == dict(
        true_lift=2.0, baseline_rate=0.3, run_to_run_sd=0.15, samples_per_input=1, peeks=1,
        paired=False)
    assert explorers.abtest_explorer(peeks=10).result.peeks == 10
    with pytest.raises(TypeError):
        explorers.retraining_explorer(delay=3)
    with pytest.raises(TypeError):
        explorers.abtest_explorer(simulations=100)


def test_retraining_chart_marks_retrains_and_highlights_the_policy():
    explorer = explorers.retraining_explorer(policy="scheduled", gate=False)
    result = explorer.result
    assert np.allclose(explorer.error_line.get_ydata(), result.error)
    bad = np.flatnonzero(result.bad & result.deployed)
    assert bad.size and list(explorer.shipped_bad_marks.get_xdata()) == list(bad + 1)
    assert len(explorer.deployed_marks.get_xdata()) == result.retrains - bad.size
    explorer.controls["gate"].value = True
    assert len(explorer.blocked_marks.get_xdata()) == explorer.result.blocked_retrains >= 1
    widths = [patch.get_width() for patch in explorer.bars]
    assert widths == [explorer.result.policy_wrong_forecasts[p] for p in retraining.POLICIES]
    colors = [patch.get_facecolor() for patch in explorer.bars]
    assert colors[1] != colors[0] and colors[0] == colors[2] == colors[3]
    assert explorer.threshold_line.get_ydata()[0] == 0.2


def test_abtest_chart_marks_the_current_and_required_size():
    explorer = explorers.abtest_explorer(inputs_per_arm=5011.872336272725, peeks=5)
    result = explorer.result
    assert list(explorer.current_point.get_xdata()) == [result.inputs_per_arm]
    assert list(explorer.current_point.get_ydata()) == [result.power]
    assert explorer.required_line.get_xdata()[0] == result.n_required
    assert np.array_equal(explorer.power_curve.get_ydata(), result.power_curve)
    assert list(explorer.peeks_point.get_data()[0]) == [5]
    assert list(explorer.peeks_point.get_data()[1]) == [result.false_positive_rate]


def test_pure_models_do_not_import_the_view_stack():
    code = ("import course.m4.retraining, course.m4.abtest, sys; "
            "print('ipywidgets' in sys.modules, 'matplotlib.pyplot' in sys.modules, "
            "'matplotlib' in sys.modules, 'IPython' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False", "False", "False", "False"]


def test_explorers_do_not_use_pyplot_or_warn():
    code = ("import course.m4.explorers as e, sys; [f() for f in e.EXPLORERS.values()]; "
            "print('matplotlib.pyplot' in sys.modules)")
    run = subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False"] and not run.stderr


MOVES = {
    "retraining": [("label_delay_weeks", 6), ("policy", "drift-triggered"),
                   ("psi_threshold", 0.05), ("gate", False), ("label_delay_weeks", 0),
                   ("policy", "performance-triggered")],
    "abtest": [("inputs_per_arm", 20_000.0), ("peeks", 20), ("true_lift", 0.0),
               ("paired", True), ("true_lift", 4.0), ("inputs_per_arm", 200.0),
               ("samples_per_input", 8)],
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
