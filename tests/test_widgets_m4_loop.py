"""Module 4's loop explorers, headless: construction, updates, errors, model/view split."""

import numpy as np
import pytest
from widget_checks import (
    MAX_FIGSIZE,
    check_blit_matches_fresh,
    check_controls,
    check_errors_reported,
    check_no_pyplot,
    check_pure_modules,
    check_structure,
    check_update,
)

from course.m4 import feedback, review
from course.m4.loop_explorers import (
    FeedbackExplorer,
    ReviewExplorer,
    feedback_explorer,
    review_explorer,
)

CASES = {
    "review": (review_explorer, ReviewExplorer, review,
               [("review_threshold", 0.7), ("auto_block_threshold", 0.95),
                ("review_capacity", 800), ("rules_on", False)]),
    "feedback": (feedback_explorer, FeedbackExplorer, feedback,
                 [("exploration", 0.1), ("k", 15)]),
}


@pytest.mark.parametrize("name", CASES)
def test_structure(name):
    factory, cls, model, _ = CASES[name]
    check_structure(factory(), model, cls=cls, max_figsize=MAX_FIGSIZE)


def test_start_at_the_model_defaults():
    assert review_explorer().values() == {"review_threshold": 0.5, "auto_block_threshold": 0.9,
                                          "review_capacity": 300, "rules_on": True}
    assert feedback_explorer().values() == {"exploration": 0.0, "k": 10}
    assert review_explorer().primary == "review_threshold"
    assert feedback_explorer().primary == "exploration"


@pytest.mark.parametrize("name", CASES)
def test_controls_are_labelled_and_deferred(name):
    factory, _, model, _ = CASES[name]
    check_controls(factory(), model)


@pytest.mark.parametrize("name,key,value", [(n, k, v) for n, case in CASES.items()
                                            for k, v in case[3]])
def test_moving_a_control_updates_everything(name, key, value):
    factory, _, model, _ = CASES[name]
    check_update(factory(), model, key, value)


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
    key, value = changes[0]
    check_errors_reported(explorer, model, monkeypatch, key, value)


def test_initial_values_and_unknown_settings():
    assert review_explorer(rules_on=False).result.fraud_by_rules == 0
    assert feedback_explorer(k=5).result.k == 5
    with pytest.raises(TypeError):
        review_explorer(threshold=0.5)
    with pytest.raises(TypeError):
        feedback_explorer(rounds=10)


@pytest.mark.parametrize("module", ["course.m4.review", "course.m4.feedback"])
def test_pure_models_do_not_import_the_view_stack(module):
    check_pure_modules(module)


def test_explorers_do_not_use_pyplot():
    check_no_pyplot("course.m4.loop_explorers", "review_explorer", "feedback_explorer")


@pytest.mark.parametrize("name", CASES)
def test_blitted_chart_matches_a_fresh_draw(name):
    factory, _, _, changes = CASES[name]
    explorer = factory()
    primary = explorer.primary
    moves = changes + [(primary, explorer.controls[primary].value),
                       (primary, 0.2 if name == "feedback" else 0.4)]
    check_blit_matches_fresh(explorer, factory, moves)
