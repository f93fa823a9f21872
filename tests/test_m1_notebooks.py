"""Module 1's notebooks read right for a learner: dollars, points, prompts, decisions.

Which graded parts are decisions (a judgment a PM makes from evidence: diagnose a cause,
choose a design, say which number goes in front of leadership, which mistake the business
buys) and which are the numbers they rest on is declared here, part by part, and checked
against the exercises, so adding a part without classifying it fails.
"""

import re
from pathlib import Path

import nbformat
import pytest

from course.m1 import exercises as ex

ROOT = Path(__file__).resolve().parents[1]
SOURCE = sorted((ROOT / "source" / "m1_model_literacy").glob("*.ipynb"))

DECISIONS = {
    "q1": {"precision": False, "recall": False},
    "q2": {"new_threshold": False, "more_of": True},      # which mistake a bigger team buys
    "q3": {"block": True, "extra_cost_b": False},               # block the launch or not
    "q4": {"metric": True, "coin_flip_ap": False},              # which number on the slide
    "q5": {"ship_depth": True, "honest_mae": False, "plan_number": True},
    "q6": {f"case_{c}": True for c in "abcd"},                  # diagnose the kind of drift
    "q7": {"failing_source": True, "fax_error_rate": False},    # which segment fails
    "q8": {"architecture": True},                               # choose a design
    "q9": {"action": True, "new_threshold": False},             # which way, after a campaign
    "q10": {"claim_holds": True, "top_bin_fraud_rate": False},  # does the vendor's claim hold
}
# Before issue 9 Module 1 had 18 points: q3 1.5, q4 1, q5 1.5 (a look-up of the lowest
# holdout error), q6 2, q7 1 and q8 2 of them from decisions, 9 of 18.
SHARE_BEFORE = 9 / 18


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


def decision_share() -> float:
    """A cell's points are shared equally by its parts (nbgrader scores the cell as a whole;
    every part must be right)."""
    pts = points()
    decided = sum(pts[q] * sum(parts.values()) / len(parts) for q, parts in DECISIONS.items())
    return decided / sum(pts.values())


def test_decisions_table_matches_the_exercises():
    assert {e.key: [p.name for p in e.parts] for e in ex.ALL} == {
        k: list(v) for k, v in DECISIONS.items()}
    assert set(points()) == set(DECISIONS)


def test_at_least_half_of_the_autograded_points_are_decisions():
    assert decision_share() >= 0.55 > SHARE_BEFORE, decision_share()
    # q1-q8: 11 of 19 points; the calibration lesson adds q9 (1.5 of 3) and q10 (1 of 2).
    assert round(decision_share(), 3) == round(13.5 / 24, 3)
    assert sum(points().values()) == 24


@pytest.mark.parametrize("path", SOURCE, ids=[p.stem for p in SOURCE])
def test_check_and_report_name_the_same_answers_as_the_answer_cell(path):
    nb = cells(path)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb}
    for e in ex.ALL:
        tests = by_id.get(f"{e.key}_tests")
        if tests is None:
            continue
        names = [p.name for p in e.parts]
        call = ", ".join(f"{n}={n}" for n in names)
        flat = re.sub(r"\s+", " ", tests.source)
        assert f"{e.key}.check({call})" in flat and f"_{e.key}.report({call})" in flat, e.key
        answer = by_id[f"{e.key}_answer"].source.split("### BEGIN SOLUTION")[0]
        for n in names:
            assert re.search(rf"^{n} = None +# your answer", answer, re.M), n


# What returns an answer (a field, a helper, a pandas call on a prepared table): no prompt
# or question cell may name it.
ANSWER_FUNCTIONS = ("cheapest_threshold", "ledgerly_daily_cost", "idxmin", "idxmax",
                    "feasible", "groupby", "average_precision_score")


@pytest.mark.parametrize("path", SOURCE, ids=[p.stem for p in SOURCE])
def test_no_prompt_names_the_function_that_returns_its_answer(path):
    for c in cells(path):
        if c.cell_type == "markdown" and (c.source.startswith("## Exercise")
                                          or c.id.endswith("_questions")):
            for name in ANSWER_FUNCTIONS:
                assert name not in c.source, f"{c.id} names {name}"


@pytest.mark.parametrize("path", SOURCE, ids=[p.stem for p in SOURCE])
def test_every_call_an_exercise_needs_is_shown_before_it(path):
    """A worked example with the parameter names visible comes before each exercise."""
    nb = cells(path)
    needs = {"q2_answer": "review_capacity=", "q3_answer": "ledgerly_daily_cost(precision=",
             "q5_answer": "fit_and_score(fold_train, fold_test, max_depth=",
             "q7_answer": '.groupby("language")[["fields", "field_errors"]].sum()'}
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb]
    for answer, shown in needs.items():
        if answer in ids:
            before = "\n".join(c.source for c in nb[:ids.index(answer)] if c.cell_type == "code")
            assert shown in before, (answer, shown)
