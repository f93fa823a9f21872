"""The silence explorer, headless: construction, updates, error reporting, model/view split."""

import ipywidgets
import numpy as np
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

from course.m3 import silence
from course.m3.silence_explorer import SilenceExplorer, page_points, silence_explorer


@pytest.fixture
def explorer():
    return silence_explorer()


def test_structure(explorer):
    check_structure(explorer, silence, primary_types=ipywidgets.SelectionSlider,
                    cls=SilenceExplorer, max_figsize=MAX_FIGSIZE)
    assert explorer.primary == "row_drop_pct"
    assert set(explorer.controls) == {"grain", "freshness_slack_hours", "row_drop_pct",
                                      "drift_threshold"}


def test_starts_at_the_model_defaults(explorer):
    assert explorer.values() == {"grain": "global", "freshness_slack_hours": 6,
                                 "row_drop_pct": 50, "drift_threshold": 0.1}


def test_controls_are_labelled_and_deferred(explorer):
    check_controls(explorer, silence)
    assert list(explorer.controls["row_drop_pct"].options) == list(silence.DROP_GRID)
    assert list(explorer.controls["grain"].options) == list(silence.GRAINS)


@pytest.mark.parametrize("name,value", [("grain", "per merchant"),
                                        ("freshness_slack_hours", 1),
                                        ("row_drop_pct", 10), ("drift_threshold", 0.02)])
def test_moving_a_control_updates_everything(explorer, name, value):
    if name != "grain":   # at the global grain some settings change nothing on the chart
        explorer.controls["grain"].value = "per merchant"
    check_update(explorer, silence, name, value)


def test_markers_are_the_pages(explorer):
    explorer.controls["grain"].value = "per merchant"
    explorer.controls["row_drop_pct"].value = 20
    result = explorer.result
    xs, ys = page_points(result)["row count"]
    n_false = result.false_alarms["row count"]
    assert np.count_nonzero(ys == len(result.incidents)) == n_false == 24
    assert len(explorer.false_line.get_xdata()) == sum(result.false_alarms.values())
    caught = explorer.page_lines["row count"].get_xdata()
    assert len(caught) == len(xs) - n_false
    texts = [t.get_text() for t in explorer.status_texts]
    assert texts == ["yes" if o.caught else "MISSED" for o in result.incidents]
    assert "8.0 false pages a week" in explorer.title.get_text()


def test_figure_is_reused(explorer):
    check_figure_reused(explorer, "row_drop_pct", 20)


def test_update_errors_are_reported_not_raised(explorer, monkeypatch):
    check_errors_reported(explorer, silence, monkeypatch, "row_drop_pct", 30)


def test_initial_values_and_unknown_settings():
    explorer = silence_explorer(grain="per source", freshness_slack_hours=2)
    assert explorer.result.grains["freshness"] == "per source"
    assert "profiles stale" in explorer.result.caught
    with pytest.raises(TypeError):
        silence_explorer(threshold=0.5)


def test_pure_model_does_not_import_the_view_stack():
    check_pure_modules("course.m3.silence")


def test_explorer_does_not_use_pyplot():
    check_no_pyplot("course.m3.silence_explorer", "silence_explorer")


def test_blitted_chart_matches_a_fresh_draw():
    check_blit_matches_fresh(silence_explorer(), silence_explorer, [
        ("row_drop_pct", 20), ("grain", "per merchant"), ("freshness_slack_hours", 1),
        ("grain", "per source"), ("drift_threshold", 0.02), ("row_drop_pct", 40)])
