"""Module 2's notebooks read right for a learner: dollars, points, prompts, decisions.

Which graded parts are decisions (a judgment a PM makes from evidence: diagnose a cause,
choose a design and its reason, say which number goes in front of leadership) and which are
the numbers or code they rest on is declared here, part by part, and checked against the
exercises, so adding a part without classifying it fails.
"""

import re
from pathlib import Path

import nbformat
import pytest

from course.m2 import exercises as ex

ROOT = Path(__file__).resolve().parents[1]
SOURCE = sorted((ROOT / "source" / "m2_data_fluency").glob("*.ipynb"))

DECISIONS = {
    "q1": {"point_in_time_fraud_rate": False, "launch_number": True, "if_leaky_ships": True},
    "q2": {f"case_{c}": True for c in "abcde"},          # leaky or safe: a code-review call
    "q3": {"trusted_snippet": True, "reject_c_because": True, "orders_filled_by_a": False},
    "q4": {"broken_feed": True, "broke_on": False, "masked_feature": True, "ask_first": True},
    "q5": {"buggy_line": True, "peak_drop_share": False, "verdict": True},
    "q6": {"reaudit_first": True, "south_kappa": False, "fix_labels": True},
    "q7": {"design": True, "convenience_understates_by": False, "launch_call": True},
}


def cells(path):
    return nbformat.read(path, as_version=4).cells


def points() -> dict[str, float]:
    found = {}
    for path in SOURCE:
        for c in cells(path):
            meta = c.metadata.get("nbgrader", {})
            if meta.get("grade") and c.cell_type == "code":
                found[meta["grade_id"].removesuffix("_tests")] = float(meta["points"])
    return found


def test_decisions_table_matches_the_exercises():
    assert {e.key: [p.name for p in e.parts] for e in ex.ALL} == {
        k: list(v) for k, v in DECISIONS.items()}


def test_at_least_half_of_the_autograded_points_are_decisions():
    """A cell's points are shared equally by its parts (nbgrader scores the cell as a whole;
    every part must be right)."""
    pts = points()
    assert set(pts) == set(DECISIONS)
    decided = sum(pts[q] * sum(parts.values()) / len(parts) for q, parts in DECISIONS.items())
    assert decided / sum(pts.values()) >= 0.5, decided / sum(pts.values())
    assert all(any(parts.values()) for parts in DECISIONS.values())   # every exercise decides


# Functions whose return value is an answer: no prompt may name them.
ANSWER_FUNCTIONS = ("cohen_kappa_score", "sampling.draw", "snippet_a", "idxmax", "mean_")


@pytest.mark.parametrize("path", SOURCE, ids=[p.stem for p in SOURCE])
def test_no_prompt_names_the_function_that_returns_its_answer(path):
    for c in cells(path):
        if c.cell_type == "markdown" and re.match(r"## Exercise", c.source):
            for name in ANSWER_FUNCTIONS:
                assert name not in c.source, f"{c.id} names {name}"


