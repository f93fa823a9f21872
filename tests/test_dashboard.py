"""The START_HERE progress dashboard, headless: fixture progress files and notebook trees."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from course import dashboard, progress_store
from course.exercises import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = [("m1", "q1", "first"), ("m1", "q2", "second"), ("m2", "q1", "third"),
             ("m2", "q2", "fourth"), ("m2", "q3", "fifth")]


def _notebook(path: Path, *code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("q9.check( in markdown does not count")]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in code]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_counts_by_best_result_against_a_plain_loop():
    progress = {"m1.q1": {"best": "correct", "last": "tried", "updated": "2025-03-04T10:00"},
                "m2.q1": {"best": "tried", "last": "tried"},
                "m2.q3": {"best": "correct", "last": "correct"},
                "m9.q1": {"best": "correct", "last": "correct"}}      # not in the course
    board = dashboard.compute(progress, EXERCISES)
    expected = {}
    for module, key, _ in EXERCISES:
        best = progress.get(f"{module}.{key}", {}).get("best", "not attempted")
        status = {"tried": "attempted"}.get(best, best)
        expected.setdefault(module, {"correct": 0, "attempted": 0, "not attempted": 0})
        expected[module][status] += 1
    assert board.counts == expected
    assert board.total == {"correct": 2, "attempted": 1, "not attempted": 2}
    assert [r.status for r in board.rows] == ["correct", "not attempted", "attempted",
                                              "not attempted", "correct"]
    assert board.rows[0].updated == "2025-03-04T10:00"


def test_summary_names_the_next_step():
    empty = dashboard.compute({}, EXERCISES)
    assert dashboard.summary(empty) == ("No exercises checked yet (0 of 5). Next: m1, q1: "
                                        "first.").replace("m1", dashboard.MODULE_TITLES["m1"])
    some = dashboard.compute({"m1.q1": {"best": "correct", "last": "correct"},
                              "m2.q2": {"best": "tried", "last": "tried"}}, EXERCISES)
    assert dashboard.summary(some).startswith("1 of 5 exercises correct, 1 attempted and not "
                                              "yet right. Pick up: Module 2")
    assert "q2: fourth" in dashboard.summary(some)
    done = dashboard.compute({f"{m}.{k}": {"best": "correct", "last": "correct"}
                              for m, k, _ in EXERCISES}, EXERCISES)
    assert dashboard.summary(done).startswith("All 5 exercises correct")


def test_notebooks_are_found_in_a_clone_and_in_the_exchange_layout(tmp_path):
    clone = tmp_path / "clone"
    _notebook(clone / "release" / "m1_model_literacy" / "01_a.ipynb",
              "from course.m1.exercises import q1, q2", "q1.check(a=a)", "q2.check(b=b)")
    _notebook(clone / "release" / "m2_data_fluency" / "02_b.ipynb", "q3.check(x=x)")
    found = dashboard.find_notebooks(clone)
    assert found == {("m1", "q1"): "release/m1_model_literacy/01_a.ipynb",
                     ("m1", "q2"): "release/m1_model_literacy/01_a.ipynb",
                     ("m2", "q3"): "release/m2_data_fluency/02_b.ipynb"}
    exchange = tmp_path / "home"
    _notebook(exchange / "m2_data_fluency" / "01_c.ipynb", "q1.check(a=a)")
    (exchange / "m2_data_fluency" / "broken.ipynb").write_text("{not json")
    assert dashboard.find_notebooks(exchange) == {("m2", "q1"): "m2_data_fluency/01_c.ipynb"}
    assert dashboard.find_notebooks(tmp_path / "nowhere") == {}


def test_every_real_exercise_has_a_released_notebook():
    found = dashboard.find_notebooks(ROOT)
    listed = dashboard.exercises()
    real = [m for m in REGISTRY if (ROOT / "course" / m / "exercises.py").is_file()]
    assert len(listed) == sum(len(REGISTRY[m]) for m in real) >= 30
    assert {(m, k) for m, k, _ in listed} == set(found)
    for link in found.values():
        assert (ROOT / link).is_file() and link.startswith("release/")


def test_table_links_each_notebook_and_escapes_markdown(tmp_path):
    rows = [("m1", "q1", "costs in $ | money"), ("m1", "q2", "second")]
    board = dashboard.compute({"m1.q1": {"best": "correct", "last": "correct"}}, rows,
                              {("m1", "q1"): "release/m1_model_literacy/01_a.ipynb"})
    table = dashboard.table_markdown(board)
    assert "**Module 1 · Model literacy**: 1 of 2 correct" in table
    assert ("| q1: costs in \\$ \\| money | ✓ correct | "
            "[01_a](release/m1_model_literacy/01_a.ipynb) |") in table
    assert "| q2: second | · not attempted | (notebook not found) |" in table


def test_progress_survives_a_restart_through_the_file(tmp_path, monkeypatch):
    """What one kernel records, a fresh read of the file (a new kernel) shows."""
    path = tmp_path / "progress.json"
    progress_store.record("m1", "q1", "tried", path)
    progress_store.record("m1", "q1", "correct", path)
    progress_store.record("m1", "q1", "tried", path)          # best stays "correct"
    progress_store.record("m2", "q2", "tried", path)
    board = dashboard.compute(progress_store.load(path), EXERCISES)
    assert board.total == {"correct": 1, "attempted": 1, "not attempted": 3}
    path.write_text("{damaged")
    assert dashboard.compute(progress_store.load(path), EXERCISES).total["not attempted"] == 5


def test_figure_has_a_bar_per_module_and_status(tmp_path):
    board = dashboard.compute({"m1.q1": {"best": "correct", "last": "correct"}}, EXERCISES)
    fig = dashboard.figure(board)
    ax = fig.axes[0]
    # One bar per module for each status in turn: m1 (1 correct, 1 not attempted), m2 (3 not).
    assert [p.get_width() for p in ax.patches] == [1, 0, 0, 0, 1, 3]
    assert [p.get_hatch() for p in ax.patches][2:] == ["///", "///", "..", ".."]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(dashboard.STATUSES)
    fig.savefig(tmp_path / "dash.png")


def test_show_displays_chart_sentence_and_table(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    progress_store.record("m1", "q1", "correct", path)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    dashboard.show(path, base=ROOT)
    image, text = shown
    assert image.data.startswith(b"\x89PNG")
    assert text.data.startswith("**1 of ")
    assert "release/m1_model_literacy/01_thresholds_and_costs.ipynb" in text.data


def test_start_here_has_the_dashboard_cell_and_stays_clean():
    nb = json.loads((ROOT / "START_HERE.ipynb").read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert any("dashboard.show()" in c for c in code)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("status", ["correct", "tried"])
def test_recorded_status_is_shown(tmp_path, status):
    path = tmp_path / "p.json"
    progress_store.record("m2", "q3", status, path)
    board = dashboard.compute(progress_store.load(path), EXERCISES)
    assert board.rows[-1].status == {"tried": "attempted"}.get(status, status)
