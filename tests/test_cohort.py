"""scripts/grade_cohort.py: every learner graded as far as possible, every problem flagged."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import grade_cohort  # noqa: E402

MODULE = "m1_model_literacy"
NB = "04_architecture_and_judgment"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("cohort")
    shutil.copytree(ROOT / "source", course / "source")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    subprocess.run([str(bin_dir / "nbgrader"), "generate_assignment", MODULE, "--force"],
                   cwd=course, env=env, check=True, capture_output=True)
    solved = (ROOT / "source" / MODULE / f"{NB}.ipynb").read_text()

    def submit(student, name, text):
        folder = course / "submitted" / student / MODULE
        folder.mkdir(parents=True)
        (folder / name).write_text(text)

    submit("complete", f"{NB}.ipynb", solved)
    submit("renamed", f"{NB} (1).ipynb", solved)
    submit("corrupt", f"{NB}.ipynb", solved[: len(solved) // 2])
    nb = nbformat.reads(solved, as_version=4)
    answer = next(c for c in nb.cells if c.get("id") == "q8_answer")
    answer.source = "architecture = options_i_never_defined"
    submit("crashing", f"{NB}.ipynb", nbformat.writes(nb))
    rows = grade_cohort.grade(course, MODULE)
    return {(r.student, r.notebook): r for r in rows}


def test_a_complete_submission_is_graded_and_awaits_the_written_answer(graded):
    row = graded[("complete", NB)]
    # 2 autograded points earned; the 12-point written answer waits for the instructor.
    assert (row.score, row.max_score) == (2, 14) and row.needs_manual_grade
    assert row.flags == []
    missing = graded[("complete", "01_thresholds_and_costs")]
    assert not missing.score and "missing" in missing.flags[0]


def test_a_renamed_notebook_is_graded_under_its_name_and_flagged(graded):
    row = graded[("renamed", NB)]
    assert row.score == 2
    assert "(1).ipynb" in row.flags[0] and "expected name" in row.flags[0]


def test_an_unreadable_notebook_is_flagged_not_silently_dropped(graded):
    row = graded[("corrupt", NB)]
    assert not row.score
    assert any("not a valid notebook" in f for f in row.flags)


def test_a_crashing_answer_scores_zero_and_names_the_crash(graded):
    row = graded[("crashing", NB)]
    assert (row.score, row.max_score) == (0, 14)
    assert any("q8_answer: NameError" in f for f in row.flags)


def test_report_lists_every_flag(graded, tmp_path):
    text = grade_cohort.report(list(graded.values()), tmp_path / "r.csv")
    assert "not a valid notebook" in text and "q8_answer: NameError" in text
    assert (tmp_path / "r.csv").read_text().count("\n") == len(graded) + 1
