"""Module 4 explorers, headless: construction, updates, error reporting, model/view split."""

import ipywidgets
import numpy as np
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

from course.m4 import abtest, explorers, retraining

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
    check_structure(explorer, model, primary_types=(
        ipywidgets.FloatSlider, ipywidgets.IntSlider, ipywidgets.FloatLogSlider))


def test_controls_are_the_model_keywords_and_are_labelled(case):
    _, explorer, model, _, _ = case
    check_controls(explorer, model)


def test_moving_controls_updates_everything(case):
    _, explorer, model, new_primary, others = case
    check_update(explorer, model, explorer.primary, new_primary)
    for name, value in others:
        check_update(explorer, model, name, value)


def test_figure_is_reused(case):
    _, explorer, _, new_primary, _ = case
    check_figure_reused(explorer, explorer.primary, new_primary)


def test_update_errors_are_reported_not_raised(case, monkeypatch):
    _, explorer, model, new_primary, _ = case
    check_errors_reported(explorer, model, monkeypatch, explorer.primary, new_primary)


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
    check_pure_modules("course.m4.retraining", "course.m4.abtest")


def test_explorers_do_not_use_pyplot_or_warn():
    check_no_pyplot("course.m4.explorers", warnings_as_errors=True)


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
    factory = explorers.EXPLORERS[name]
    check_blit_matches_fresh(factory(), factory, MOVES[name])
