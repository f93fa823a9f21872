"""Serial ``nbgrader autograde`` against the course's parallel sandboxed grader (make bench).

:func:`build_course` makes a throwaway course directory with ``n`` learners who all submit
the solved notebooks (released notebooks with the source's solutions filled in, as a learner
who gets everything right would hand them in). :func:`compare` grades two identical copies,
one with ``nbgrader autograde ASSIGNMENT`` and one with ``scripts/grade_cohort.py --jobs N``,
each as the instructor would run it (a fresh process), and returns both wall times and both
gradebooks' totals per learner, which must be identical.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]


def _env() -> dict:
    bin_dir = str(Path(sys.executable).parent)
    return dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
                PYTHONPATH=str(REPO))


def solved(released, source):
    """The released notebook with every solution cell's text taken from the source."""
    answers = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.from_dict(nbformat.writes(released) and released)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and gid in answers:
            cell.source = answers[gid]
    return nb


def build_course(course: Path, assignment: str, learners: int, repo: Path = REPO) -> None:
    """A course directory with ``assignment`` generated and ``learners`` solved submissions."""
    shutil.copytree(repo / "source", course / "source")
    shutil.copy(repo / "nbgrader_config.py", course / "nbgrader_config.py")
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "nbgrader"), "generate_assignment", assignment, "--force",
                    "--log-level=ERROR"], cwd=course, env=_env(), check=True,
                   capture_output=True)
    for i in range(learners):
        folder = course / "submitted" / f"learner{i + 1:02d}" / assignment
        folder.mkdir(parents=True)
        for path in sorted((course / "release" / assignment).glob("*.ipynb")):
            released = nbformat.read(path, as_version=4)
            source = nbformat.read(course / "source" / assignment / path.name, as_version=4)
            nbformat.write(solved(released, source), folder / path.name)


def totals(course: Path, assignment: str) -> dict[str, float]:
    from nbgrader.api import Gradebook
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    course_id = config.CourseDirectory.get("course_id", "default_course")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id) as gb:
        return {s.student.id: s.score for s in gb.find_assignment(assignment).submissions}


def compare(workdir: Path, assignment: str = "m1_model_literacy", learners: int = 10,
            jobs: int = 2) -> dict:
    """Wall time of serial nbgrader vs the course's grader on the same cohort."""
    serial, parallel = workdir / "serial", workdir / "parallel"
    build_course(serial, assignment, learners)
    shutil.copytree(serial, parallel)
    bin_dir = Path(sys.executable).parent
    start = time.perf_counter()
    done = subprocess.run([str(bin_dir / "nbgrader"), "autograde", assignment,
                           "--log-level=ERROR"], cwd=serial, env=_env(), capture_output=True,
                          text=True)
    t_serial = time.perf_counter() - start
    start = time.perf_counter()
    ours = subprocess.run([sys.executable, str(REPO / "scripts" / "grade_cohort.py"),
                           assignment, "--course-dir", str(parallel), "--jobs", str(jobs)],
                          env=_env(), capture_output=True, text=True)
    t_parallel = time.perf_counter() - start
    return {"serial_s": t_serial, "parallel_s": t_parallel, "jobs": jobs,
            "learners": learners, "speedup": t_serial / t_parallel,
            "serial_totals": totals(serial, assignment),
            "parallel_totals": totals(parallel, assignment),
            "serial_exit": done.returncode, "parallel_exit": ours.returncode,
            "parallel_log": ours.stdout[-2000:] + ours.stderr[-2000:]}
