"""Module 1 explorers, headless: construction, updates, error reporting, model/view split."""

import ipywidgets
import pytest
from widget_checks import (
    check_blit_matches_fresh,
    check_controls,
    check_errors_reported,
    check_figure_reused,
    check_no_pyplot,
    check_pure_modules,
    check_structure,
    check_update,
)

from course.m1 import budget, capacity, drift, explorers, imbalance, segments, threshold

# name -> (model module, new value for the primary control, another control and its value)
CASES = {
    "threshold": (threshold, 0.71, ("cost_fn", 900.0)),
    "imbalance": (imbalance, 0.05, None),
    "capacity": (capacity, 9, ("spike", 0.5)),
    "segments": (segments, 0.25, ("fax_error_rate", 0.3)),
    "drift": (drift, 1.5, ("concept_shift", 1.0)),
    "architecture": (budget, 1000.0, ("labelled_rows", 1_500.0)),
}


@pytest.fixture(params=sorted(CASES))
def case(request):
    name = request.param
    model, new_primary, other = CASES[name]
    return name, explorers.EXPLORERS[name](), model, new_primary, other


def test_explorers_registry():
    assert set(explorers.EXPLORERS) == {"threshold", "imbalance", "capacity", "segments",
                                        "drift", "architecture", "calibration"}
    assert explorers.EXPLORERS["threshold"] is explorers.threshold_explorer
    assert explorers.EXPLORERS["segments"] is explorers.segments_explorer
    assert explorers.EXPLORERS["drift"] is explorers.drift_explorer
    assert explorers.EXPLORERS["architecture"] is explorers.architecture_explorer


def test_structure(case):
    _, explorer, model, _, _ = case
    check_structure(explorer, model, primary_types=(
        ipywidgets.FloatSlider, ipywidgets.IntSlider, ipywidgets.FloatLogSlider))


def test_controls_are_labelled_and_deferred(case):
    _, explorer, model, _, _ = case
    check_controls(explorer, model)


def test_moving_controls_updates_everything(case):
    _, explorer, model, new_primary, other = case
    # Module 1's charts move lines on every update: check that a line moved.
    check_update(explorer, model, explorer.primary, new_primary, artists=("lines",))
    if other is not None:
        check_update(explorer, model, *other, artists=("lines",))


def test_figure_is_reused(case):
    _, explorer, _, new_primary, _ = case
    check_figure_reused(explorer, explorer.primary, new_primary)


def test_update_errors_are_reported_not_raised(case, monkeypatch):
    _, explorer, model, new_primary, _ = case
    check_errors_reported(explorer, model, monkeypatch, explorer.primary, new_primary)


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
    check_pure_modules("course.m1.threshold", "course.m1.imbalance", "course.m1.capacity",
                       "course.m1.segments", "course.m1.drift", "course.m1.budget")


def test_explorers_do_not_use_pyplot():
    check_no_pyplot("course.m1.explorers")


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
    factory = explorers.EXPLORERS[name]
    check_blit_matches_fresh(factory(), factory, MOVES[name])


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
