"""Helpers for the nbgrader round trip in tests/test_grading.py.

A *grading run* is one throwaway course directory per course module: a copy of source/ and
nbgrader_config.py, `nbgrader generate_assignment`, one submission per scenario student,
a single `nbgrader autograde` for all of them, and the scores read back through
:class:`nbgrader.api.Gradebook` into plain data (so no test holds the database open).

Everything module-specific comes from ``tests/m*_cases.py`` (MODULE, CASES, WRITTEN, and
optionally BROKEN); adding a course module means adding its cases file, nothing here.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import nbformat

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


# --------------------------------------------------------------------------- cases files

def load_cases() -> dict[str, ModuleType]:
    """Every ``tests/m*_cases.py``, loaded by path, keyed by its MODULE (a source/ folder).

    Several files may name the same MODULE (a lesson added to a module keeps its cases in a
    file of its own, e.g. ``m1_calibration_cases.py``): their CASES and WRITTEN are merged
    into the first file's, and an exercise or written answer defined twice is an error.
    """
    found: dict[str, ModuleType] = {}
    # A module's own mN_cases.py comes first (it also holds CHEATS and BROKEN, which are not
    # merged), then the lessons' files: "m1_calibration_cases" sorts before "m1_cases".
    paths = sorted(TESTS.glob("m[0-9]*_cases.py"),
                   key=lambda p: (p.stem.split("_")[0], p.stem.count("_") > 1, p.name))
    for path in paths:
        spec = importlib.util.spec_from_file_location(f"_grading_cases_{path.stem}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        first = found.setdefault(mod.MODULE, mod)
        if first is mod:
            continue
        for name in ("CASES", "WRITTEN"):
            extra = getattr(mod, name, {})
            twice = set(extra) & set(getattr(first, name))
            assert not twice, f"{path.name} redefines {sorted(twice)} of {mod.MODULE}"
            getattr(first, name).update(extra)
    return found


def source_modules() -> list[str]:
    return sorted(p.name for p in (ROOT / "source").glob("m[0-9]_*") if p.is_dir())


def notebooks(module: str) -> list[str]:
    """The module's notebook names (without .ipynb), in teaching order."""
    return sorted(p.stem for p in (ROOT / "source" / module).glob("*.ipynb"))


def grade_cells(nb) -> list:
    """The notebook's graded cells (autograded tests and manually graded answers)."""
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


def cell_by_id(nb, grade_id: str):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(f"no cell with grade_id {grade_id!r}")


# --------------------------------------------------------------------------- running nbgrader

def _env() -> dict:
    return dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def nbgrader(args: list[str], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run the venv's nbgrader with its bin folder first on PATH (nbgrader calls `alembic`)."""
    return subprocess.run([str(BIN / "nbgrader"), *args], cwd=cwd, env=_env(), text=True,
                          capture_output=True, timeout=timeout)


def start_nbgrader(args: list[str], cwd: Path, log: Path) -> subprocess.Popen:
    """Start nbgrader in the background, its stdout and stderr going to ``log``."""
    with open(log, "w") as out:
        return subprocess.Popen([str(BIN / "nbgrader"), *args], cwd=cwd, env=_env(),
                                stdout=out, stderr=subprocess.STDOUT)


def make_course(course: Path, module: str) -> None:
    """A throwaway course directory with ``module`` generated into release/."""
    shutil.copytree(ROOT / "source", course / "source")
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    done = nbgrader(["generate_assignment", module, "--force"], cwd=course)
    assert done.returncode == 0, f"generate_assignment {module} failed:\n{done.stderr[-3000:]}"


def course_id(course: Path) -> str:
    """The course id nbgrader_config.py sets (the gradebook is keyed by it)."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    return config.CourseDirectory.get("course_id", "default_course")


# --------------------------------------------------------------------------- submissions

def read(path: Path):
    return nbformat.read(path, as_version=4)


def solved(released, source):
    """The released notebook with every answer cell filled in from the source notebook.

    This is what a learner who gets everything right submits: the released cells and
    metadata (checksums, ids), with the source's solution text in each solution cell.
    """
    nb = copy.deepcopy(released)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            cell.source = cell_by_id(source, meta["grade_id"]).source
    return nb


def write_submission(course: Path, student: str, module: str, nbs: dict) -> None:
    folder = course / "submitted" / student / module
    folder.mkdir(parents=True, exist_ok=True)
    for name, nb in nbs.items():
        nbformat.write(nb, folder / f"{name}.ipynb")


# --------------------------------------------------------------------------- scores

@dataclass(frozen=True)
class CellScore:
    score: float | None
    max_score: float
    auto_score: float | None
    manual_score: float | None
    needs_manual_grade: bool


@dataclass
class NotebookScore:
    graded_file: bool                      # autograded/<student>/<module>/<nb>.ipynb exists
    score: float = 0.0
    max_score: float = 0.0
    needs_manual_grade: bool = False
    cells: dict[str, CellScore] = field(default_factory=dict)


def read_scores(course: Path, module: str, students: list[str]) -> dict:
    """{student: {notebook: NotebookScore}} read through nbgrader's Gradebook API."""
    from nbgrader.api import Gradebook, MissingEntry

    scores: dict[str, dict[str, NotebookScore]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id(course)) as gb:
        for student in students:
            scores[student] = {}
            for name in notebooks(module):
                graded = (course / "autograded" / student / module / f"{name}.ipynb").exists()
                try:
                    sub = gb.find_submission_notebook(name, module, student)
                except MissingEntry:
                    scores[student][name] = NotebookScore(graded_file=False)
                    continue
                cells = {
                    g.name: CellScore(g.score, g.max_score, g.auto_score, g.manual_score,
                                      g.needs_manual_grade)
                    for g in sub.grades
                }
                scores[student][name] = NotebookScore(
                    graded, sub.score, sub.max_score, sub.needs_manual_grade, cells)
    return scores


def ungraded(scores: dict, student: str, autograded_ids: set[str]) -> list[str]:
    """Why any of the student's notebooks counts as not graded (empty when all were)."""
    problems = []
    for name, nb in scores[student].items():
        if not nb.graded_file:
            problems.append(f"{name}: no autograded notebook (nbgrader dropped or skipped it)")
            continue
        for gid in sorted(autograded_ids & set(nb.cells)):
            if nb.cells[gid].auto_score is None:
                problems.append(f"{name}: {gid} has no autograde score")
    return problems
