"""Module 3 explorers, headless: construction, updates, error reporting, model/view split."""

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

from course.m3 import cache, cascade, explorers, latency

# name -> (model module, new value for the primary control, other controls and their values)
CASES = {
    "latency": (latency, 0.45, [("model_size", "large"), ("quantized", True),
                                ("batch_size", 12), ("safety_filter", True)]),
    "cascade": (cascade, 0.4, [("budget_per_month", 3_000.0)]),
    "cache": (cache, 12, [("retrain_every_days", 5)]),
}


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
    check_structure(explorer, model, primary_types=(ipywidgets.FloatSlider, ipywidgets.IntSlider))


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
    assert explorers.latency_explorer().values() == dict(
        model_size="medium", quantized=False, cache_hit_rate=0.2, batch_size=4,
        safety_filter=False)
    explorer = explorers.latency_explorer(safety_filter=True, model_size="small")
    assert explorer.result.safety_filter and explorer.result.model_size == "small"
    assert "In numbers: small model, 20% cache hits, batch 4, safety" in explorer.reading_text
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
    check_pure_modules("course.m3.latency", "course.m3.cascade", "course.m3.cache")


def test_explorers_do_not_use_pyplot_or_warn():
    check_no_pyplot("course.m3.explorers", warnings_as_errors=True)


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
    factory = explorers.EXPLORERS[name]
    check_blit_matches_fresh(factory(), factory, MOVES[name])
