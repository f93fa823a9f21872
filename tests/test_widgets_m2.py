"""Module 2 explorers, headless: construction, updates, error reporting, model/view split."""

import math

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

from course.m2 import explorers, labels, leakage, sampling

# name -> (model module, new value for the primary control, another control and its value)
CASES = {
    "leakage": (leakage, 7.0, None),
    "labels": (labels, 0.2, None),
    "sampling": (sampling, 900, ("design", "convenience")),
}


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
    check_structure(explorer, model, primary_types=(
        ipywidgets.FloatSlider, ipywidgets.IntSlider, ipywidgets.SelectionSlider))


def test_controls_are_labelled_and_deferred(case):
    _, explorer, model, _, _ = case
    check_controls(explorer, model)


def test_moving_controls_updates_everything(case):
    _, explorer, model, new_primary, other = case
    check_update(explorer, model, explorer.primary, new_primary)
    if other is not None:
        check_update(explorer, model, *other)


def test_figure_is_reused(case):
    _, explorer, _, new_primary, _ = case
    check_figure_reused(explorer, explorer.primary, new_primary)


def test_update_errors_are_reported_not_raised(case, monkeypatch):
    _, explorer, model, new_primary, _ = case
    check_errors_reported(explorer, model, monkeypatch, explorer.primary, new_primary)


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
    check_pure_modules("course.m2.leakage", "course.m2.labels", "course.m2.sampling")


def test_explorers_do_not_use_pyplot():
    check_no_pyplot("course.m2.explorers")


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
    factory = explorers.EXPLORERS[name]
    check_blit_matches_fresh(factory(), factory, MOVES[name])
