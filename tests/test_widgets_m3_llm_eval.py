"""The LLM-evaluation explorer, headless: construction, updates, error reporting, model/view
split."""

import ipywidgets
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

from course.m3 import llm_eval
from course.m3.llm_eval_explorer import EXPLORERS, LlmEvalExplorer, llm_eval_explorer


@pytest.fixture
def explorer():
    return llm_eval_explorer()


def test_structure(explorer):
    check_structure(explorer, llm_eval, primary_types=ipywidgets.FloatLogSlider,
                    cls=LlmEvalExplorer, max_figsize=MAX_FIGSIZE)
    assert explorer.primary == "n_per_version"
    assert set(explorer.controls) == {"n_per_version", "rate_b_points", "judge_skill",
                                      "strictness"}
    assert EXPLORERS == {"llm_eval": llm_eval_explorer}


def test_starts_at_the_model_defaults(explorer):
    values = explorer.values()
    assert values["n_per_version"] == pytest.approx(50)
    assert {k: v for k, v in values.items() if k != "n_per_version"} == {
        "rate_b_points": -2.0, "judge_skill": 2.0, "strictness": 1.5}
    assert explorer.result.verdict == "cannot tell"


def test_controls_are_labelled_and_deferred(explorer):
    check_controls(explorer, llm_eval)
    for control in explorer.controls.values():
        assert "(" in control.description          # units or a plain meaning


@pytest.mark.parametrize("name,value", [("n_per_version", 3000.0), ("rate_b_points", 2.0),
                                        ("judge_skill", 0.5), ("strictness", 2.5)])
def test_moving_a_control_updates_everything(explorer, name, value):
    check_update(explorer, llm_eval, name, value)


def test_the_intervals_show_the_result(explorer):
    explorer.controls["n_per_version"].value = 3000.0
    r = explorer.result
    low, high = explorer.diff_lines[0].get_xdata()
    assert (low, high) == pytest.approx((100 * r.human_difference[1],
                                         100 * r.human_difference[2]))
    assert explorer.rate_points[1].get_xdata()[0] == pytest.approx(100 * r.human_b[0])
    assert "B is better" in explorer.diff_title.get_text()
    lo, hi = explorer.diff_axes.get_xlim()
    assert lo <= 100 * r.judge_difference[1] and hi >= 100 * r.judge_difference[2]


def test_figure_is_reused(explorer):
    check_figure_reused(explorer, "n_per_version", 500.0)


def test_update_errors_are_reported_not_raised(explorer, monkeypatch):
    check_errors_reported(explorer, llm_eval, monkeypatch, "n_per_version", 800.0)


def test_initial_values_and_unknown_settings():
    explorer = llm_eval_explorer(n_per_version=3000, judge_skill=1.0)
    assert explorer.result.n_per_version == 3000 and explorer.result.judge_skill == 1.0
    with pytest.raises(TypeError):
        llm_eval_explorer(sample_size=10)


def test_pure_model_does_not_import_the_view_stack():
    check_pure_modules("course.m3.llm_eval")


def test_explorer_does_not_use_pyplot():
    check_no_pyplot("course.m3.llm_eval_explorer", "llm_eval_explorer",
                    warnings_as_errors=True)


def test_blitted_chart_matches_a_fresh_draw():
    check_blit_matches_fresh(llm_eval_explorer(), llm_eval_explorer, [
        ("n_per_version", 2000.0), ("rate_b_points", 3.0), ("judge_skill", 0.25),
        ("n_per_version", 20.0), ("strictness", 0.0), ("rate_b_points", -4.0)])
