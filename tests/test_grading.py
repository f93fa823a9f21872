"""The nbgrader round trip, tested the way nbgrader tests itself.

For each course module with a ``tests/m*_cases.py`` file, one throwaway course directory is
built per session: source/ and nbgrader_config.py copied, `nbgrader generate_assignment`,
one submission per scenario student, ONE `nbgrader autograde` for all of them, and the
scores read back through ``nbgrader.api.Gradebook``. Students are named by scenario:

    solution          released notebooks with every answer filled in from source/
    untouched         released notebooks as handed out
    misconception_<k> solution, with each exercise's k-th named misconception as its answer
    tampered          solution, first exercise answered wrongly and its locked test cell
                      replaced by `pass`
    broken            solution, an answer that raises, an answer of the wrong type and an
                      extra learner cell with a syntax error

Scores are judged per student and per notebook, never by nbgrader's exit code: nbgrader drops
a failed notebook and carries on with the other students.

`nbgrader validate` is also run on every source notebook (all tests pass with solutions) and
on every released notebook (blank answers read "not attempted yet" and do not stop Run All;
they still score 0 in autograde, where the hidden tests run).
"""

from __future__ import annotations

import copy
import html
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from grading_support import (
    ROOT,
    CellScore,
    cell_by_id,
    grade_cells,
    load_cases,
    make_course,
    nbgrader,
    notebooks,
    read,
    read_scores,
    solved,
    source_modules,
    start_nbgrader,
    ungraded,
    write_submission,
)

pytestmark = pytest.mark.grading

CASES = load_cases()
MODULES = sorted(CASES)

# The `broken` student's answers, per exercise: code that raises or has the wrong type, and
# the phrase the generated feedback must show the learner (None: nothing to look for). A
# cases file may define its own BROKEN; otherwise its first exercise's answer just raises.
BROKEN = {
    "m1_model_literacy": {
        "q1": {"answer": 'precision = counts["tp"] / 0\n'
                         'recall = counts["tp"] / (counts["tp"] + counts["fn"])',
               "feedback": None},
        "q4": {"answer": "metric = 7\ncoin_flip_ap = 0.005",
               "feedback": "give one of these as text in quotes"},
    },
}
SYNTAX_ERROR_CELL = "# my notes\nprint('checking my numbers'"


def broken_answers(module: str) -> dict:
    cases = CASES[module]
    default = {next(iter(cases.CASES)): {"answer": "1 / 0", "feedback": None}}
    return getattr(cases, "BROKEN", None) or BROKEN.get(module) or default


def misconception_students(module: str) -> dict[str, dict[str, str]]:
    """{student: {exercise: misconception name}} for students misconception_0, _1, ..."""
    exercises = CASES[module].CASES
    depth = max(len(case["misconceptions"]) for case in exercises.values())
    return {
        f"misconception_{k}": {
            q: list(case["misconceptions"])[k]
            for q, case in exercises.items() if len(case["misconceptions"]) > k
        }
        for k in range(depth)
    }


# --------------------------------------------------------------------------- one run per module

@dataclass
class GradingRun:
    module: str
    course: Path
    scores: dict
    log: str

    @property
    def exercises(self) -> dict:
        return CASES[self.module].CASES

    def test_cell(self, student: str, q: str) -> CellScore:
        """The score of exercise q's test cell; fails if nbgrader did not grade its notebook."""
        name = self.exercises[q]["notebook"]
        nb = self.scores[student][name]
        cell = nb.cells.get(f"{q}_tests")
        assert nb.graded_file and cell is not None and cell.auto_score is not None, (
            f"{student}'s {name} was not graded (nbgrader dropped it), so its {q} score "
            f"means nothing; autograde log:\n{self.log[-3000:]}")
        return cell

    def report(self, student: str, q: str) -> str:
        c = self.test_cell(student, q)
        return f"{q}_tests scored {c.score:g}/{c.max_score:g} for student {student!r}"


def build_submissions(course: Path, module: str) -> list[str]:
    """Write every scenario student's submission; return the student ids."""
    exercises = CASES[module].CASES
    released = {n: read(course / "release" / module / f"{n}.ipynb") for n in notebooks(module)}
    source = {n: read(course / "source" / module / f"{n}.ipynb") for n in notebooks(module)}
    solution = {n: solved(released[n], source[n]) for n in released}

    def variant(answers: dict[str, str]) -> dict:
        nbs = copy.deepcopy(solution)
        for q, code in answers.items():
            cell_by_id(nbs[exercises[q]["notebook"]], f"{q}_answer").source = code
        return nbs

    students = {"solution": solution, "untouched": released}
    for student, applied in misconception_students(module).items():
        students[student] = variant(
            {q: exercises[q]["misconceptions"][name] for q, name in applied.items()})

    first = next(iter(exercises))
    tampered = variant({first: next(iter(exercises[first]["misconceptions"].values()))})
    cell_by_id(tampered[exercises[first]["notebook"]], f"{first}_tests").source = "pass"
    students["tampered"] = tampered

    broken_spec = broken_answers(module)
    broken = variant({q: spec["answer"] for q, spec in broken_spec.items()})
    first_broken = next(iter(broken_spec))
    nb = broken[exercises[first_broken]["notebook"]]
    at = nb.cells.index(cell_by_id(nb, f"{first_broken}_answer")) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(SYNTAX_ERROR_CELL))
    students["broken"] = broken

    cheats = getattr(CASES[module], "CHEATS", {})
    if cheats:
        students["cheater"] = variant(cheats)

    for student, nbs in students.items():
        write_submission(course, student, module, nbs)
    return list(students)


class Runs:
    """Each module's course directory and grading run, built lazily once per session.

    `course()` generates the assignment, writes the submissions and STARTS the one autograde
    run in the background; `graded()` waits for it. The validate tests run in between on a
    separate copy of the notebooks, using the machine's second core while autograde runs.
    """

    def __init__(self, tmp_path_factory):
        self.tmp = tmp_path_factory
        self._courses: dict[str, Path] = {}
        self._autograde: dict[str, tuple[subprocess.Popen, Path, list[str]]] = {}
        self._validate_dirs: dict[str, Path] = {}
        self._runs: dict[str, GradingRun] = {}

    def course(self, module: str) -> Path:
        if module not in self._courses:
            course = self.tmp.mktemp(f"course-{module}")
            make_course(course, module)
            students = build_submissions(course, module)
            log = course.parent / f"autograde-{module}.log"
            # One autograde for every student (nbgrader starts one kernel per notebook).
            proc = start_nbgrader(["autograde", module], cwd=course, log=log)
            self._autograde[module] = (proc, log, students)
            self._courses[module] = course
        return self._courses[module]

    def validate_dir(self, module: str) -> Path:
        """A copy of the module's source and release notebooks, away from the grading run."""
        if module not in self._validate_dirs:
            course = self.course(module)
            folder = self.tmp.mktemp(f"validate-{module}")
            shutil.copy(course / "nbgrader_config.py", folder / "nbgrader_config.py")
            for kind in ("source", "release"):
                shutil.copytree(course / kind / module, folder / kind / module)
            self._validate_dirs[module] = folder
        return self._validate_dirs[module]

    def graded(self, module: str) -> GradingRun:
        if module not in self._runs:
            course = self.course(module)
            proc, log, students = self._autograde[module]
            code = proc.wait(timeout=900)
            self._runs[module] = GradingRun(
                module, course, read_scores(course, module, students),
                f"exit code {code}\n{log.read_text()}")
        return self._runs[module]

    def close(self) -> None:
        for proc, _, _ in self._autograde.values():
            if proc.poll() is None:  # only when a test run was interrupted
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    runs = Runs(tmp_path_factory)
    yield runs
    runs.close()


# --------------------------------------------------------------------------- the cases files

def test_every_source_module_has_grading_cases():
    assert source_modules(), "no source/m*_ modules found"
    missing = sorted(set(source_modules()) - set(CASES))
    assert not missing, f"add tests/<mN>_cases.py (MODULE, CASES, WRITTEN) for {missing}"


@pytest.mark.parametrize("module", MODULES)
def test_cases_cover_every_graded_cell(module):
    """Every autograded test cell has named misconceptions; every written cell is listed."""
    cases = CASES[module]
    tests, written = {}, {}
    for name in notebooks(module):
        nb = read(ROOT / "source" / module / f"{name}.ipynb")
        for cell in grade_cells(nb):
            gid = cell.metadata.nbgrader["grade_id"]
            (tests if cell.cell_type == "code" else written)[gid] = name
            if cell.cell_type == "code":
                assert gid.endswith("_tests"), f"{name}: graded code cell {gid} is not qN_tests"
                cell_by_id(nb, gid.removesuffix("_tests") + "_answer")
    assert tests == {f"{q}_tests": c["notebook"] for q, c in cases.CASES.items()}
    assert written == cases.WRITTEN
    assert all(c["misconceptions"] for c in cases.CASES.values())


# --------------------------------------------------------------------------- nbgrader validate

NOTEBOOKS = [(m, n) for m in MODULES for n in notebooks(m)]


def validate(folder: Path, path: Path, *flags: str) -> subprocess.CompletedProcess:
    return nbgrader(["validate", *flags, str(path)], cwd=folder)


@pytest.mark.parametrize("module, name", NOTEBOOKS, ids=[f"{m}/{n}" for m, n in NOTEBOOKS])
def test_source_notebook_passes_validate(runs, module, name):
    folder = runs.validate_dir(module)
    done = validate(folder, folder / "source" / module / f"{name}.ipynb")
    # validate exits 0 whatever the outcome; only its report says whether the cells passed.
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "Success! Your notebook passes all the tests.", done.stdout


@pytest.mark.parametrize("module, name", NOTEBOOKS, ids=[f"{m}/{n}" for m, n in NOTEBOOKS])
def test_released_notebook_runs_through_with_blank_answers_saying_not_attempted(runs, module,
                                                                               name):
    # A learner's Run All must not stop at the first blank answer: every visible check of
    # the untouched release passes quietly and says "not attempted yet". The points are
    # still 0 (the hidden tests fail a blank; test_untouched_release_scores_zero_... proves
    # it through autograde).
    folder = runs.validate_dir(module)
    path = folder / "release" / module / f"{name}.ipynb"
    done = validate(folder, path)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout.strip()
    if out != "Success! Your notebook passes all the tests.":
        # Validate still tells the learner that a written answer is empty; that is the
        # only failure a blank notebook may show (no code cell may fail).
        assert out.startswith("VALIDATION FAILED"), out
        assert out.count("The following cell failed") == out.count(
            "You did not provide a response."), out


# --------------------------------------------------------------------------- autograde

STUDENTS_PER_MODULE = {
    m: ["solution", "untouched", *misconception_students(m), "tampered", "broken",
        *(["cheater"] if getattr(CASES[m], "CHEATS", {}) else [])]
    for m in MODULES
}
STUDENT_PARAMS = [(m, s) for m in MODULES for s in STUDENTS_PER_MODULE[m]]


@pytest.mark.parametrize("module, student", STUDENT_PARAMS,
                         ids=[f"{m}/{s}" for m, s in STUDENT_PARAMS])
def test_every_notebook_of_the_student_was_graded(runs, module, student):
    run = runs.graded(module)
    autograded = {f"{q}_tests" for q in run.exercises}
    problems = ungraded(run.scores, student, autograded)
    assert not problems, "\n".join(problems) + f"\n\nautograde log:\n{run.log[-4000:]}"


@pytest.mark.parametrize("module", MODULES)
def test_solution_scores_full_marks_and_leaves_written_answers_to_a_grader(runs, module):
    # Full marks also prove that no test cell writes to stderr with the right answers:
    # nbgrader scores a cell that writes to stderr (a warning, say) 0.
    run = runs.graded(module)
    wrong = [run.report("solution", q) for q in run.exercises
             if run.test_cell("solution", q).score != run.test_cell("solution", q).max_score]
    assert not wrong, "\n".join(wrong)
    cells = [c for nb in run.scores["solution"].values() for gid, c in nb.cells.items()
             if gid not in CASES[module].WRITTEN]
    assert sum(c.score for c in cells) == sum(c.max_score for c in cells) > 0
    for gid, name in CASES[module].WRITTEN.items():
        c = run.scores["solution"][name].cells[gid]
        assert (c.needs_manual_grade, c.auto_score, c.manual_score) == (True, None, None), (
            f"{gid}: written answer not left for manual grading: {c}")
        assert run.scores["solution"][name].needs_manual_grade


@pytest.mark.parametrize("module", MODULES)
def test_solution_test_cells_write_nothing_to_stderr(runs, module):
    # The same fact as full marks above, reported by cell and text when it breaks.
    run = runs.graded(module)
    noisy = []
    for name in notebooks(module):
        nb = read(run.course / "autograded" / "solution" / module / f"{name}.ipynb")
        for cell in grade_cells(nb):
            for out in cell.get("outputs", []):
                if out.output_type == "error" or out.get("name") == "stderr":
                    noisy.append(f"{cell.metadata.nbgrader['grade_id']}: "
                                 f"{out.get('text') or out.get('ename')}")
    assert not noisy, "\n".join(noisy)


@pytest.mark.parametrize("module", MODULES)
def test_untouched_release_scores_zero_in_every_notebook(runs, module):
    run = runs.graded(module)
    scored = {f"{name}: {gid}": c.score for name, nb in run.scores["untouched"].items()
              for gid, c in nb.cells.items() if c.score != 0}
    assert not scored, f"points for an untouched notebook: {scored}"
    assert [nb.score for nb in run.scores["untouched"].values()] == [0] * len(notebooks(module))


MISCONCEPTIONS = [(m, q, name, student)
                  for m in MODULES
                  for student, applied in misconception_students(m).items()
                  for q, name in applied.items()]


@pytest.mark.parametrize("module, q, name, student", MISCONCEPTIONS,
                         ids=[f"{m}/{q}/{name}" for m, q, name, _ in MISCONCEPTIONS])
def test_misconception_scores_zero(runs, module, q, name, student):
    run = runs.graded(module)
    assert run.test_cell(student, q).score == 0, f"{q}: {name} -> {run.report(student, q)}"


@pytest.mark.parametrize("module, student", [(m, s) for m in MODULES
                                             for s in misconception_students(m)])
def test_misconceptions_leave_other_exercises_full(runs, module, student):
    run = runs.graded(module)
    applied = misconception_students(module)[student]
    hurt = [run.report(student, q) for q in run.exercises if q not in applied
            and run.test_cell(student, q).score != run.test_cell(student, q).max_score]
    assert not hurt, "an exercise lost points for another exercise's mistake:\n" + "\n".join(hurt)


@pytest.mark.parametrize("module", MODULES)
def test_tampered_locked_cell_is_restored_and_scores_zero(runs, module):
    run = runs.graded(module)
    first = next(iter(run.exercises))
    assert run.test_cell("tampered", first).score == 0, (
        f"editing the locked test cell to `pass` earned points: {run.report('tampered', first)}")
    nb = read(run.course / "autograded" / "tampered" / module
              / f"{run.exercises[first]['notebook']}.ipynb")
    assert cell_by_id(nb, f"{first}_tests").source.strip() != "pass"
    hurt = [run.report("tampered", q) for q in list(run.exercises)[1:]
            if run.test_cell("tampered", q).score != run.test_cell("tampered", q).max_score]
    assert not hurt, "\n".join(hurt)


@pytest.mark.parametrize("module", MODULES)
def test_broken_notebook_is_graded_and_only_broken_answers_lose_points(runs, module):
    run = runs.graded(module)
    broken = broken_answers(module)
    for q in run.exercises:
        c = run.test_cell("broken", q)
        expected = 0 if q in broken else c.max_score
        assert c.score == expected, f"{run.report('broken', q)}, expected {expected:g}"


@pytest.mark.parametrize("module", MODULES)
def test_silencing_the_check_or_faking_equality_scores_zero(runs, module):
    """Hidden tests recompute the answer and coerce types, so a learner who replaces the
    visible check with a no-op, or hands in an object whose == always says True, gets 0."""
    cheats = getattr(CASES[module], "CHEATS", {})
    assert cheats, f"tests/{module[:2]}_cases.py must define CHEATS"
    run = runs.graded(module)
    passed = [run.report("cheater", q) for q in cheats if run.test_cell("cheater", q).score]
    assert not passed, "a cheat earned points: " + "; ".join(passed)


@pytest.mark.parametrize("module", MODULES)
def test_feedback_tells_the_learner_what_to_try(runs, module):
    run = runs.graded(module)
    done = nbgrader(["generate_feedback", module, "--student=broken", "--force"],
                    cwd=run.course)
    assert done.returncode == 0, done.stderr[-3000:]
    for q, spec in broken_answers(module).items():
        if not spec["feedback"]:
            continue
        page = (run.course / "feedback" / "broken" / module
                / f"{run.exercises[q]['notebook']}.html")
        assert page.exists(), f"no feedback page {page.name}:\n{done.stderr[-3000:]}"
        text = html.unescape(page.read_text())
        assert spec["feedback"] in text, f"{q}: feedback lacks {spec['feedback']!r}"
