"""Grade a whole cohort: sandboxed, in parallel, with nbgrader's own bookkeeping.

How a cohort is graded (``grade``):

* The trusted grading process checks the sandbox (refusing to grade without one unless
  ``unsafe``), then forks ``jobs`` worker processes. Each worker owns one sandbox slot (a uid
  of its own as root; a token naming its bwrap processes in a user-namespace sandbox when
  the instructor is an ordinary user) and grades one learner at a time; nbgrader is imported once, before the fork.
* For each learner a worker first looks at the submission as data (:func:`prepare`): a
  notebook saved under another name is copied to the expected name, an unreadable notebook
  and every deleted, disabled or edited locked cell is flagged.
* It then drives nbgrader's own ``Autograde`` converter, notebook by notebook: gradebook
  entries, copying, restoring locked cells from the gradebook (deleted test cells are put
  back), ``SaveAutoGrades``, late penalties; only ``Execute`` is replaced by
  :class:`course.grading.execute.SandboxedExecute`. A notebook that fails is flagged and
  zeroed on its own; the learner's other notebooks are graded.
* The gradebook (SQLite) is written only by these trusted processes, one at a time: a worker
  holds an exclusive file lock while nbgrader does its bookkeeping and releases it while the
  learner's kernel runs, which is where the time goes.
* Scores are read back through ``nbgrader.api.Gradebook`` into :class:`Row` objects; the
  report (:mod:`course.grading.report`) is written from them.
"""

from __future__ import annotations

import concurrent.futures
import fcntl
import io
import json
import logging
import multiprocessing
import os
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course.grading import judging
from course.grading import sandbox as sandboxes
from course.grading.sandbox import Limits

# Per-notebook grading context (sandbox, lock, flags, judgements), by "student/notebook".
CONTEXTS: dict[str, dict] = {}

FAILED_CHECK = {"FeedbackError", "AssertionError", "NotYetRight"}


@dataclass
class Row:
    """One learner's notebook: what the gradebook says and every flag raised on the way."""

    student: str
    notebook: str
    score: float | None = None
    max_score: float | None = None
    needs_manual_grade: bool = False
    flags: list[str] = field(default_factory=list)
    judgements: list[dict] = field(default_factory=list)


# --------------------------------------------------------------------------- the submission

def _stem_key(name: str) -> str:
    """A notebook name without copy suffixes: '01_x (1).ipynb' / '01_x-Copy1.ipynb' -> '01_x'."""
    stem = Path(name).stem
    stem = re.sub(r"(\s*\(\d+\)|-?\s*Copy\d*|_copy\d*)$", "", stem, flags=re.IGNORECASE)
    return stem.strip().lower()


def _released_text(source: str) -> str:
    return judging.strip_hidden_tests(source).replace(judging.HIDDEN_NOTE, "").strip()


def inspect_cells(submitted, source) -> list[str]:
    """Flags for locked cells of ``source`` that the submission deleted, disabled or edited.

    nbgrader restores them all before grading (deleted test cells are added back), so these
    flags never cost points by themselves; they tell the instructor what the learner did.
    """
    flags = []
    by_id = {}
    for cell in submitted.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid:
            by_id[gid] = cell
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("locked") or not meta.get("grade_id"):
            continue
        gid = meta["grade_id"]
        kind = "test cell" if meta.get("grade") else "locked cell"
        mine = by_id.get(gid)
        if mine is None:
            flags.append(f"{kind} {gid} was deleted (or its nbgrader metadata removed); the "
                         "original was put back and graded. Remind the learner that locked "
                         "cells must stay as they are.")
        elif mine.get("cell_type") != cell.cell_type:
            flags.append(f"{kind} {gid} was disabled (turned into a {mine.get('cell_type')} "
                         "cell); the original was put back and graded.")
        elif _released_text(str(mine.get("source", ""))) != _released_text(cell.source):
            flags.append(f"{kind} {gid} was edited; the original was put back and graded.")
    return flags


def prepare(student_dir: Path, expected: list[str], source_dir: Path | None = None
            ) -> dict[str, list[str]]:
    """Fix unambiguous renames in place and return flags per expected notebook."""
    flags: dict[str, list[str]] = {nb: [] for nb in expected}
    present = {p.name for p in student_dir.glob("*.ipynb")}
    extras = sorted(present - {f"{nb}.ipynb" for nb in expected})
    for nb in expected:
        path = student_dir / f"{nb}.ipynb"
        if not path.exists():
            matches = [e for e in extras if _stem_key(e) == nb.lower()]
            if len(matches) == 1:
                shutil.copy(student_dir / matches[0], path)
                flags[nb].append(f"submitted as {matches[0]!r}; graded under the expected name")
            else:
                flags[nb].append("missing (no notebook with this name was submitted); ask the "
                                 "learner to submit it")
                continue
        try:
            submitted = nbformat.read(path, as_version=4)
        except Exception as err:  # nbformat raises several types for unreadable files
            flags[nb].append(f"not a valid notebook ({type(err).__name__}); it scores 0 until "
                             "the learner resubmits a notebook that opens in Jupyter (the "
                             "learner's other notebooks are graded)")
            continue
        if source_dir is not None:
            flags[nb] += inspect_cells(submitted, nbformat.read(source_dir / f"{nb}.ipynb",
                                                                as_version=4))
    return flags


def crashed_cells(nb) -> list[str]:
    """Cells that raised something other than a failed check (learner code that broke)."""
    out = []
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error" and o.get("ename") not in FAILED_CHECK:
                gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") \
                    or cell.get("id")
                out.append(f"{gid}: {o.get('ename')}")
    return out


# --------------------------------------------------------------------------- the gradebook lock

class GradebookLock:
    """An exclusive lock on the gradebook, shared by the grading processes (flock)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.fd = None

    def acquire(self) -> None:
        if self.fd is None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self.fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


# --------------------------------------------------------------------------- one learner

def _config(course: Path):
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    if (course / "nbgrader_config.py").exists():
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config())
    config.CourseDirectory.root = str(course)
    config.OverwriteCells.add_missing_cells = True
    return config


def _zero(gb, notebook: str, assignment: str, student: str) -> None:
    """What nbgrader does for a missing notebook: every grade 0, nothing to grade by hand."""
    sub = gb.find_submission_notebook(notebook, assignment, student)
    for grade in sub.grades:
        grade.auto_score = 0
        grade.needs_manual_grade = False
    gb.db.commit()


def grade_student(course: Path, assignment: str, student: str, box, limits: Limits,
                  lock: GradebookLock, workdir: Path, cell_timeout: int | None = None
                  ) -> list[Row]:
    """Autograde one learner (see the module docstring); never raises for their content."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbconvert.writers import FilesWriter
    from nbformat.warnings import MissingIDFieldWarning
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )
    from sqlalchemy.exc import SAWarning

    from course.grading.execute import SandboxedExecute

    source_dir = course / "source" / assignment
    expected = sorted(p.stem for p in source_dir.glob("*.ipynb"))
    student_dir = course / "submitted" / student / assignment
    flags = prepare(student_dir, expected, source_dir)
    rows = {nb: Row(student, nb, flags=list(flags[nb])) for nb in expected}
    unreadable = {nb for nb in expected if any("not a valid notebook" in f for f in flags[nb])}

    log_text = io.StringIO()
    logger = logging.getLogger(f"pm_ml.grading.{student}")
    logger.handlers = [logging.StreamHandler(log_text)]
    logger.setLevel(logging.WARNING)
    logger.propagate = False

    config = _config(course)
    if cell_timeout:
        config.Execute.timeout = cell_timeout
    config.Autograde.autograde_preprocessors = [
        SandboxedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
        SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
    coursedir = CourseDirectory(config=config, assignment_id=assignment, student_id=student,
                                log=logger)
    contexts: dict[str, dict] = {}

    class CourseAutograde(Autograde):
        def init_single_notebook_resources(self, notebook_filename):
            resources = super().init_single_notebook_resources(notebook_filename)
            name = resources["nbgrader"]["notebook"]
            ctx = contexts.setdefault(name, {})
            ctx.update(sandbox=box, limits=limits, lock=lock, workdir=str(student_work),
                       assignment=assignment, files=data_files,
                       source_nb=nbformat.read(source_dir / f"{name}.ipynb", as_version=4))
            # nbconvert deep-copies resources between preprocessors: pass a key, not objects.
            token = f"{student}/{name}"
            CONTEXTS[token] = ctx
            resources["pm_ml"] = token
            return resources

    student_work = workdir / student
    student_work.mkdir(parents=True, exist_ok=True)
    data_files = [str(p) for p in source_dir.iterdir() if p.is_file()
                  and p.suffix != ".ipynb"]
    conv = CourseAutograde(coursedir=coursedir, config=config, log=logger, force=True)
    here = os.getcwd()
    lock.acquire()
    try:
        os.chdir(course)
        conv.init_notebooks()
        conv.notebooks = sorted(p for found in conv.assignments.values() for p in found)
        conv.writer = FilesWriter(parent=conv, config=conv.config)
        conv.exporter = conv.exporter_class(parent=conv, config=conv.config)
        conv.init_destination(assignment, student)
        conv.init_assignment(assignment, student)
        for path in conv.notebooks:
            name = Path(path).stem
            if name in unreadable or name not in rows:
                continue
            try:
                with warnings.catch_warnings():
                    # nbgrader puts a deleted test cell back without a cell id; nbformat
                    # warns (FutureWarning) and the notebook is fine.
                    warnings.filterwarnings("ignore", category=MissingIDFieldWarning)
                    warnings.filterwarnings("ignore", category=SAWarning)
                    conv.convert_single_notebook(path)
            except Exception as err:  # nbgrader could not grade this one notebook
                tail = log_text.getvalue().strip().splitlines()[-2:]
                rows[name].flags.append(
                    f"not graded by nbgrader ({type(err).__name__}: {str(err)[:300]}"
                    f"{' | ' + ' | '.join(tail) if tail else ''}); scored 0. Open the "
                    "notebook, fix what stops it, and regrade this learner")
                unreadable.add(name)
                graded = course / "autograded" / student / assignment / f"{name}.ipynb"
                graded.unlink(missing_ok=True)
        with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
            for name in sorted(unreadable):
                try:
                    _zero(gb, name, assignment, student)
                except MissingEntry:
                    pass
        conv.set_permissions(assignment, student)
        with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
            for name, row in rows.items():
                try:
                    sub = gb.find_submission_notebook(name, assignment, student)
                except MissingEntry:
                    continue
                row.score, row.max_score = sub.score, sub.max_score
                row.needs_manual_grade = bool(sub.needs_manual_grade)
    except Exception as err:  # the whole learner failed (e.g. no notebooks at all)
        for row in rows.values():
            if not any("missing" in f for f in row.flags):
                row.flags.append(f"not graded: {type(err).__name__}: {str(err)[:300]}")
    finally:
        os.chdir(here)
        lock.release()
        box.kill_all()

    for name in contexts:
        CONTEXTS.pop(f"{student}/{name}", None)
    for name, row in rows.items():
        ctx = contexts.get(name, {})
        row.judgements = ctx.get("judgements", [])
        died = ctx.get("died_at")
        if died is not None:
            row.flags.append(
                f"the notebook's Python process {ctx.get('stop_reason', 'stopped')} "
                + (f"in cell {died + 1}" if died >= 0 else "before any cell ran")
                + " (os._exit, a crash or a resource limit); points earned before it are kept, "
                "later cells were not run and score 0. Ask the learner to remove what ends "
                "the process and resubmit")
        if ctx.get("output_capped"):
            row.flags.append(f"printed more than {limits.output_mb} MB; the extra output was "
                             "dropped (answers were still graded)")
        if ctx.get("leftover_processes"):
            row.flags.append(f"left {ctx['leftover_processes']} process(es) running; they "
                             "were stopped")
        for j in row.judgements:
            if j["status"] == "unreadable":
                row.flags.append(f"{j['grade_id']}: no readable answers ({j['reason']}); "
                                 "scored 0. Look for code before this cell that interferes "
                                 "with the check")
        graded = course / "autograded" / student / assignment / f"{name}.ipynb"
        if graded.exists() and name not in unreadable:
            try:
                done = json.loads(graded.read_text(encoding="utf-8"))
            except ValueError:
                done = {}
            row.flags += [f"cell crashed: {c}" for c in crashed_cells(done)]
    return [rows[nb] for nb in expected]


# --------------------------------------------------------------------------- the cohort

_WORKER: dict = {}


def _init_worker(slots, limits, box_class, lock_path, workdir, cell_timeout):
    slot = slots.get()
    _WORKER.update(box=box_class(slot, limits), limits=limits,
                   lock=GradebookLock(Path(lock_path)), workdir=Path(workdir),
                   cell_timeout=cell_timeout)


def _grade_in_worker(course: str, assignment: str, student: str) -> list[Row]:
    w = _WORKER
    return grade_student(Path(course), assignment, student, w["box"], w["limits"], w["lock"],
                         w["workdir"], w["cell_timeout"])


def students_of(course: Path, assignment: str) -> list[str]:
    return sorted(p.parent.name for p in (course / "submitted").glob(f"*/{assignment}")
                  if p.is_dir())


def _warm(course: Path, assignment: str) -> None:
    """Byte-compile the course package and build matplotlib's font cache once, so that no
    sandboxed kernel (which cannot write there) pays for it."""
    import compileall

    compileall.compile_dir(str(sandboxes.course_package_dir()), quiet=1)
    # (No copy into a fixed /tmp folder: on a shared machine another user may own it.)
    sandboxes.font_cache_files()
    for module in {judging.module_of(assignment)}:
        try:
            __import__(f"course.{module}.exercises")
        except ImportError:
            pass


def grade(course: Path, assignment: str, jobs: int = 1, unsafe: bool = False,
          limits: Limits | None = None, students: list[str] | None = None,
          cell_timeout: int | None = None, box_class: type | None = None) -> list[Row]:
    """Grade every learner who submitted ``assignment``; return one Row per notebook.

    ``cell_timeout`` overrides nbgrader_config.py's ``Execute.timeout`` (seconds per cell).
    ``box_class`` is the sandbox :func:`course.grading.sandbox.check_available` returned (it
    is probed here when not given).
    """
    from nbgrader.api import Gradebook, MissingEntry

    course = Path(course).resolve()
    limits = limits or Limits()
    # Root mode (a uid per slot) as root, a user-namespace sandbox for an ordinary user.
    if unsafe:
        box_class = sandboxes.Unconfined
    elif box_class is None:
        box_class = sandboxes.check_available(limits)
    bin_dir = str(Path(os.sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    config = _config(course)
    course_id = config.CourseDirectory.get("course_id", "default_course")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            raise SystemExit(f"No assignment {assignment!r} in {course / 'gradebook.db'}: run "
                             f"`nbgrader generate_assignment {assignment}` first.") from None
    _warm(course, assignment)
    students = students if students is not None else students_of(course, assignment)
    workdir = Path(tempfile.mkdtemp(prefix="pm-ml-grading-"))
    workdir.chmod(0o700)
    lock_path = workdir / "gradebook.lock"
    rows: list[Row] = []
    try:
        if jobs <= 1:
            box = box_class(0, limits)
            lock = GradebookLock(lock_path)
            for student in students:
                rows += grade_student(course, assignment, student, box, limits, lock, workdir,
                                      cell_timeout)
        else:
            mp = multiprocessing.get_context("fork")
            slots = mp.Queue()
            for slot in range(jobs):
                slots.put(slot)
            with concurrent.futures.ProcessPoolExecutor(
                    max_workers=jobs, mp_context=mp, initializer=_init_worker,
                    initargs=(slots, limits, box_class, str(lock_path), str(workdir),
                              cell_timeout)) as pool:
                futures = {s: pool.submit(_grade_in_worker, str(course), assignment, s)
                           for s in students}
                for student in students:
                    try:
                        rows += futures[student].result()
                    except Exception as err:  # a worker died: say so, keep the others
                        names = sorted(p.stem for p in
                                       (course / "source" / assignment).glob("*.ipynb"))
                        rows += [Row(student, nb, flags=[f"not graded: the grading worker "
                                                         f"failed ({err}); regrade this "
                                                         "learner"]) for nb in names]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return rows

