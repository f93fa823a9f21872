"""The course's cohort grader against adversarial submissions (issue 11).

One session cohort per module (Module 1's first notebook for the attacks on grading and the
host, Module 2's function exercise for attacks on function judging), graded ONCE by
``course.grading.cohort.grade`` with two parallel workers; many assertions read it.

Every attack leaves the notebook's last question blank and tries to turn it into points (or
to harm other learners or the host). Each must score 0 on that question while the learner's
honest answers before it keep their points. See tests/grading_attacks.py for the attacks.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from grading_attacks import ATTACKS, MARK, attacked, grade_ids, index_of

from course import exercises as ex_api
from course.grading import cohort
from course.grading.benchmark import build_course, solved
from course.grading.sandbox import Limits

pytestmark = pytest.mark.grading

ROOT = Path(__file__).resolve().parents[1]
M1 = "m1_model_literacy"
M2 = "m2_data_fluency"
BIN = Path(sys.executable).parent


def _env():
    return dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def _notebooks(course, module):
    names = sorted(p.stem for p in (course / "source" / module).glob("*.ipynb"))
    released = {n: nbformat.read(course / "release" / module / f"{n}.ipynb", as_version=4)
                for n in names}
    source = {n: nbformat.read(course / "source" / module / f"{n}.ipynb", as_version=4)
              for n in names}
    return names, released, source


def _submit(course, module, student, nbs: dict, raw: dict | None = None):
    folder = course / "submitted" / student / module
    folder.mkdir(parents=True, exist_ok=True)
    for name, nb in nbs.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    for rel, text in (raw or {}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)


def _function_exercise(module_key: str):
    """(exercise, part) of the first exercise of ``module_key`` judged by behaviour."""
    import importlib

    importlib.import_module(f"course.{module_key}.exercises")
    for ex in ex_api.REGISTRY[module_key].values():
        for part in ex.parts:
            if isinstance(part.kind, ex_api.Behaviour):
                return ex, part
    raise LookupError(f"{module_key} has no function exercise")


class Cohort:
    def __init__(self, course, module, rows, first, attacked_key, honest_keys, hashes):
        self.course, self.module, self.rows = course, module, rows
        self.first, self.attacked_key, self.honest_keys = first, attacked_key, honest_keys
        self.honest_hashes = hashes

    def row(self, student, notebook=None):
        notebook = notebook or self.first
        return next(r for r in self.rows if r.student == student and r.notebook == notebook)

    def cell(self, student, grade_id, notebook=None):
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.course / 'gradebook.db'}", "pm-ml-judgment") as gb:
            sub = gb.find_submission_notebook(notebook or self.first, self.module, student)
            g = next(g for g in sub.grades if g.name == grade_id)
            return g.score, g.max_score, g.auto_score, g.needs_manual_grade

    def graded_nb(self, student, notebook=None):
        path = (self.course / "autograded" / student / self.module
                / f"{notebook or self.first}.ipynb")
        return nbformat.read(path, as_version=4)

    def outputs_text(self, student, notebook=None):
        return json.dumps([c.get("outputs", []) for c in self.graded_nb(student, notebook).cells])


def _hashes(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def m1(tmp_path_factory):
    course = tmp_path_factory.mktemp("cohort-m1")
    build_course(course, M1, learners=0)
    names, released, source = _notebooks(course, M1)
    first = names[0]
    good = {n: solved(released[n], source[n]) for n in names}
    tests = grade_ids(good[first], "tests")
    key = tests[-1].removesuffix("_tests")
    _submit(course, M1, "honest", {first: good[first]})
    blank = attacked(good[first], released[first], "pass", "m1", str(course))
    _submit(course, M1, "blank", {first: blank})
    for name, code in ATTACKS.items():
        _submit(course, M1, name, {first: attacked(good[first], released[first], code, "m1",
                                                   str(course))})
    # Lost work: an unreadable notebook beside a valid one; deleted and disabled test cells;
    # checkpoints and extra files.
    _submit(course, M1, "invalid_json", {first: good[first]},
            raw={f"{names[1]}.ipynb": '{"cells": [ {"cell_type": "code", "sour'})
    tampered = nbformat.from_dict(json.loads(nbformat.writes(good[first])))
    tampered.cells[index_of(tampered, tests[0])].cell_type = "markdown"
    tampered.cells[index_of(tampered, tests[0])].pop("outputs", None)
    tampered.cells[index_of(tampered, tests[0])].pop("execution_count", None)
    del tampered.cells[index_of(tampered, tests[-1])]
    _submit(course, M1, "deleted_tests", {first: tampered})
    _submit(course, M1, "checkpoints", {first: good[first]},
            raw={f".ipynb_checkpoints/{first}-checkpoint.ipynb": "not json at all",
                 "my_notes.txt": "scratch", "scratch.ipynb": "{}"})
    hashes = _hashes(course / "submitted" / "honest")
    rows = cohort.grade(course, M1, jobs=2, limits=Limits(output_mb=4), cell_timeout=30)
    honest = [t.removesuffix("_tests") for t in tests[:-1]]
    return Cohort(course, M1, rows, first, key, honest, hashes)


def _points(c: Cohort, student: str):
    return {k: c.cell(student, f"{k}_tests") for k in [*c.honest_keys, c.attacked_key]}


# --------------------------------------------------------------------------- baseline

def test_honest_work_scores_full_and_blank_scores_zero(m1):
    for k, (score, max_score, _auto, manual) in _points(m1, "honest").items():
        assert score == max_score > 0 and not manual, k
    assert m1.row("honest").flags == []
    pts = _points(m1, "blank")
    assert pts[m1.attacked_key][0] == 0
    assert all(pts[k][0] == pts[k][1] for k in m1.honest_keys)


# --------------------------------------------------------------------------- every attack

@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_scores_zero_on_its_question_and_honest_cells_keep_points(m1, attack):
    pts = _points(m1, attack)
    score, max_score, auto, manual = pts[m1.attacked_key]
    assert score == 0 and auto == 0 and not manual, f"{attack}: {pts[m1.attacked_key]}"
    kept = {k: pts[k] for k in m1.honest_keys if pts[k][0] != pts[k][1]}
    assert not kept, f"{attack} cost honest answers their points: {kept} {m1.row(attack).flags}"


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_cell_ran(m1, attack):
    """Each attack really ran in the kernel (a blocked attack is not one that never ran)."""
    text = m1.outputs_text(attack)
    # (40 MB of output arrives as one capped message, the marker with it.)
    evidence = "output beyond" if attack == "huge_output" else MARK
    assert evidence in text, f"{attack}: the attack cell printed nothing"


@pytest.mark.parametrize("attack, marker", [
    ("reads_source", "source hidden"),
    ("other_learner", "saw 0 files, changed 0"),
    ("gradebook", "gradebook out of reach"),
    ("memory", "memory refused"),
    ("network", "network blocked"),
    ("processes", "process limit hit"),
])
def test_the_sandbox_blocked_it(m1, attack, marker):
    assert f"{MARK} {marker}" in m1.outputs_text(attack).replace('\\n', ' ')


def test_other_learners_files_and_the_gradebook_are_untouched(m1):
    assert _hashes(m1.course / "submitted" / "honest") == m1.honest_hashes
    db = sqlite3.connect(m1.course / "gradebook.db")
    try:
        triggers = db.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall()
    finally:
        db.close()
    assert triggers == []
    assert (m1.course / "autograded" / "honest" / M1 / f"{m1.first}.ipynb").exists()


def test_no_process_a_submission_started_survives_grading(m1):
    alive = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if b"987654" in cmd:
                alive.append(entry)
    assert alive == []


def test_huge_output_is_capped_and_flagged(m1):
    path = m1.course / "autograded" / "huge_output" / M1 / f"{m1.first}.ipynb"
    assert path.stat().st_size < 6 * 2**20
    assert any("printed more than" in f for f in m1.row("huge_output").flags)


def test_a_dead_kernel_keeps_earlier_marks_and_is_flagged(m1):
    flags = m1.row("dies").flags
    assert any("stopped" in f and "points earned before it are kept" in f for f in flags), flags


def test_test_cells_never_show_the_kernels_own_verdict(m1):
    """The grader writes each test cell's output: forged text from the kernel is gone."""
    for student in ("rewritten_feedback", "custom_exception_handler"):
        nb = m1.graded_nb(student)
        cell = nb.cells[index_of(nb, f"{m1.attacked_key}_tests")]
        text = json.dumps(cell.outputs)
        assert "100/100" not in text and f"✓ {m1.attacked_key}: correct" not in text
        assert cell.outputs[0]["output_type"] == "error"


def test_a_rewritten_test_cell_or_forged_report_is_flagged(m1):
    for student in ("input_transformer", "forged_report"):
        flags = " ".join(m1.row(student).flags)
        assert f"{m1.attacked_key}_tests: no readable answers" in flags, flags


# --------------------------------------------------------------------------- lost work

def test_an_unreadable_notebook_is_flagged_and_the_others_are_graded(m1):
    names = sorted(p.stem for p in (m1.course / "source" / M1).glob("*.ipynb"))
    good = m1.row("invalid_json")
    assert good.score == good.max_score > 0
    bad = m1.row("invalid_json", names[1])
    assert bad.score == 0 and not bad.needs_manual_grade
    assert any("not a valid notebook" in f and "resubmits" in f for f in bad.flags)


def test_deleted_or_disabled_test_cells_are_flagged_and_graded_not_sent_to_manual(m1):
    row = m1.row("deleted_tests")
    tests = grade_ids(nbformat.read(m1.course / "source" / M1 / f"{m1.first}.ipynb",
                                    as_version=4), "tests")
    text = " ".join(row.flags)
    assert f"test cell {tests[-1]} was deleted" in text
    assert f"test cell {tests[0]} was disabled" in text
    for gid in (tests[0], tests[-1]):
        score, max_score, auto, manual = m1.cell("deleted_tests", gid)
        assert auto is not None and not manual and score == max_score, (gid, row.flags)


def test_checkpoints_and_extra_files_are_ignored(m1):
    row = m1.row("checkpoints")
    assert row.flags == [] and row.score == row.max_score


def test_missing_notebooks_are_flagged_not_silent(m1):
    names = sorted(p.stem for p in (m1.course / "source" / M1).glob("*.ipynb"))
    row = m1.row("honest", names[-1])
    assert not row.score and any("missing" in f for f in row.flags)


# --------------------------------------------------------------------------- feedback

def test_feedback_shows_answers_and_messages_but_not_the_hidden_tests(m1):
    done = subprocess.run([str(BIN / "nbgrader"), "generate_feedback", M1, "--student=blank",
                           "--force"], cwd=m1.course, env=_env(), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    page = (m1.course / "feedback" / "blank" / M1 / f"{m1.first}.html").read_text()
    import html

    text = html.unescape(page)
    assert "BEGIN HIDDEN TESTS" not in text and ".report(" not in text
    assert "Your answers:" in text and "not attempted" in text


# --------------------------------------------------------------------------- functions (M2)

@pytest.fixture(scope="module")
def m2(tmp_path_factory):
    course = tmp_path_factory.mktemp("cohort-m2")
    build_course(course, M2, learners=0)
    names, released, source = _notebooks(course, M2)
    ex, part = _function_exercise("m2")
    name = next(n for n in names if f"{ex.key}_answer" in grade_ids(source[n], "answer"))
    good = solved(released[name], source[name])
    answer_at = index_of(good, f"{ex.key}_answer")
    right = good.cells[answer_at].source
    fn = part.name
    wrong = (f"def {fn}(df):\n"
             "    return df.groupby('customer_id')['is_fraud'].transform('mean')\n")
    students = {"honest": good}

    def variant(answer: str, before: str | None = None):
        nb = nbformat.from_dict(json.loads(nbformat.writes(good)))
        nb.cells[answer_at].source = answer
        if before:
            nb.cells.insert(answer_at, nbformat.v4.new_code_cell(before))
        return nb

    # The answer cell itself patches the judge, the exercise and builtins, forges a verdict
    # on stdout, and defines a wrong function.
    # (The answer cell keeps the right values of the exercise's other parts: only the
    # function is attacked.)
    students["patches_judge"] = variant(
        right + "\n" + wrong + "import builtins, sys, json\n"
        "import course.exercises as ce\n"
        f"import course.{ex.module}.exercises as mx\n"
        f"mx.{ex.key}.parts[0].kind.__dict__  # frozen, but try anyway\n"
        f"object.__setattr__(mx.{ex.key}.parts[0].kind, 'judge', lambda f: ('correct', ''))\n"
        "ce.Behaviour.judge = property(lambda self: (lambda f: ('correct', '')))\n"
        "sys.__stdout__.write(json.dumps({'ready': True, 'callable': True}) + '\\n')\n"
        "sys.__stdout__.write(json.dumps({'status': 'correct', 'message': ''}) + '\\n')\n")
    # An earlier learner cell makes the kernel's check pass and leaves a helper behind.
    students["earlier_state"] = variant(
        right + f"\ndef {fn}(df):\n    return _my_helper(df)\n",
        before=(f"from course.{ex.module}.exercises import {ex.key}\n"
                f"import course.{ex.module}.exercises as mx\n"
                "def _my_helper(df):\n"
                "    return df.groupby('customer_id')['is_fraud'].transform('mean')\n"
                f"{ex.key}.report = lambda **kw: None\n"
                f"{ex.key}.check = lambda **kw: print('✓ correct')\n"))
    # A right function that makes numpy warn (stderr) must still get full points.
    students["warns"] = variant(
        right + "\nimport numpy as _np\n_np.log(_np.zeros(1))\n"
        f"_inner_{fn} = {fn}\n"
        f"def {fn}(df):\n"
        "    import numpy as np\n"
        "    np.log(np.zeros(1))\n"
        f"    return _inner_{fn}(df)\n")
    for student, nb in students.items():
        _submit(course, M2, student, {name: nb})
    rows = cohort.grade(course, M2, jobs=2, cell_timeout=60)
    others = [t.removesuffix("_tests") for t in grade_ids(good, "tests") if t != f"{ex.key}_tests"]
    return Cohort(course, M2, rows, name, ex.key, others, {})


def test_a_right_function_scores_full_even_when_numpy_warns(m2):
    for student in ("honest", "warns"):
        score, max_score, auto, manual = m2.cell(student, f"{m2.attacked_key}_tests")
        assert score == max_score > 0, (student, m2.row(student).flags)


@pytest.mark.parametrize("student", ["patches_judge", "earlier_state"])
def test_function_attacks_score_zero_and_other_answers_keep_points(m2, student):
    score, _, auto, manual = m2.cell(student, f"{m2.attacked_key}_tests")
    assert score == 0 and auto == 0 and not manual
    for k in m2.honest_keys:
        s, mx, _, _ = m2.cell(student, f"{k}_tests")
        assert s == mx, (student, k)


def test_the_function_attack_feedback_names_the_real_mistake(m2):
    nb = m2.graded_nb("patches_judge")
    text = json.dumps(nb.cells[index_of(nb, f"{m2.attacked_key}_tests")].outputs)
    assert "NotYetRight" in text and "correct." not in text
    assert "whole-table average" in text or re.search(r"includes\s+the row", text), text[:2000]


# --------------------------------------------------------------------------- without root

# Run as an ordinary user (uid 65534 when the tests run as root, else the test's own user)
# with Debian's python3, which any user may execute; it loads course/grading/sandbox.py
# directly (the rest of the grader needs the course environment, under root's home here).
_UNPRIVILEGED_PROBE = r'''
import importlib.util, json, os, socket, subprocess, sys, time
from pathlib import Path

spec = importlib.util.spec_from_file_location("pm_sandbox", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
sys.modules["pm_sandbox"] = mod
spec.loader.exec_module(mod)
course_like, scratch, port = Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
out = {"euid": os.geteuid(), "readable_outside": (course_like / "secret.txt").read_text()}
box_class = mod.check_available()
out["mode"] = box_class.__name__
out["disable_userns"] = mod._bwrap_has("--disable-userns")
box = box_class(0, mod.Limits(processes=64))
box.prepare_scratch(scratch)
inner = f"""
import json, os, socket, subprocess
seen = dict(uid=os.getuid(), pid=os.getpid(), interfaces=[n for _, n in socket.if_nameindex()])
try:
    seen["secret"] = open({str(course_like / 'secret.txt')!r}).read()
except OSError as err:
    seen["secret_error"] = type(err).__name__
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
    seen["network"] = "connected"
except OSError as err:
    seen["network"] = type(err).__name__
seen["nested_userns"] = subprocess.run(["unshare", "--user", "true"],
                                      capture_output=True).returncode
subprocess.Popen(["sleep", "300"], start_new_session=True)   # a daemon left behind
seen["spawned"] = 0
try:
    for _ in range(200):                                      # the process cap (64)
        subprocess.Popen(["sleep", "300"])
        seen["spawned"] += 1
except OSError:
    pass
with open("written.txt", "w") as f:
    f.write("scratch is writable")
print(json.dumps(seen), flush=True)
import time; time.sleep(300)                                   # the kernel hangs
"""
proc = subprocess.Popen(box.wrap([sys.executable, "-c", inner], scratch),
                        stdout=subprocess.PIPE, text=True)
out["inside"] = json.loads(proc.stdout.readline())
out["running_before_kill"] = len(box.survivors())
out["killed"] = box.kill_all()
proc.wait(timeout=30)
time.sleep(0.2)
out["survivors"] = box.survivors()
out["sleepers_of_mine"] = [
    p for p in os.listdir("/proc") if p.isdigit() and os.path.exists(f"/proc/{p}/cmdline")
    and open(f"/proc/{p}/cmdline", "rb").read().startswith(b"sleep\0300")
    and os.stat(f"/proc/{p}").st_uid == os.getuid()]
out["written"] = (scratch / "written.txt").read_text()
print(json.dumps(out))
'''


def test_an_ordinary_user_grades_in_a_user_namespace_sandbox(tmp_path):
    """What the hub's instructor gets: the sandbox probe passes without root, and a sandboxed
    process cannot see a folder its user can read (mount isolation, not permissions), has no
    network, and leaves no process behind."""
    import shutil
    import socket
    import tempfile

    as_user = ([] if os.geteuid() != 0 else
               ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
    base = Path(tempfile.mkdtemp(prefix="pm-ml-userns-", dir="/tmp"))
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        base.chmod(0o755)
        course_like = base / "course"          # like an instructor's 0700 course directory
        course_like.mkdir(mode=0o700)
        (course_like / "secret.txt").write_text("gradebook")
        probe = base / "probe.py"
        probe.write_text(_UNPRIVILEGED_PROBE)
        scratch = base / "scratch"
        if os.geteuid() == 0:
            for path in (course_like, course_like / "secret.txt", base):
                os.chown(path, 65534, 65534)
        done = subprocess.run(
            [*as_user, "env", "-i", "PATH=/usr/bin:/bin", f"PYTHONPATH={ROOT}",
             "/usr/bin/python3", str(probe), str(ROOT / "course" / "grading" / "sandbox.py"),
             str(course_like), str(scratch), str(listener.getsockname()[1])],
            capture_output=True, text=True, timeout=120, cwd=base)
        assert done.returncode == 0, done.stderr[-3000:]
        out = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        listener.close()
        shutil.rmtree(base, ignore_errors=True)
    assert out["euid"] != 0 and out["mode"] == "UserNamespaceSandbox", out
    assert out["readable_outside"] == "gradebook", out      # the user may read it ...
    inside = out["inside"]
    assert "secret" not in inside and inside["secret_error"] == "FileNotFoundError", inside
    assert inside["uid"] == out["euid"] and inside["pid"] <= 3, inside   # own PID namespace
    assert inside["interfaces"] == ["lo"] and inside["network"] == "ConnectionRefusedError", \
        inside
    assert out["written"] == "scratch is writable"
    assert 0 < inside["spawned"] < 64, inside              # RLIMIT_NPROC in the namespace
    if out["disable_userns"]:                              # bwrap >= 0.8: no nested userns
        assert inside["nested_userns"] != 0, inside
    # bwrap outside, its init, python and the daemon all ran; all were killed; none is left.
    assert out["running_before_kill"] >= 4 and out["killed"] >= 1, out
    assert out["survivors"] == [] and out["sleepers_of_mine"] == [], out


# The host attacks again, graded by the user-namespace sandbox (what an instructor without
# root gets: no uid switching, processes found by their bwrap token). The tests run as root
# here, so this proves the user-namespace mode's own fences (mounts, PID namespace, limits,
# clean-up), not the uid; test_hub.py grades a cohort as a real non-root instructor. (Root is
# exempt from RLIMIT_NPROC even inside a user namespace, so the process cap is checked by the
# unprivileged test above, not here; the processes attack still must not outlive grading.)
USERNS_ATTACKS = ["reads_source", "other_learner", "gradebook", "processes", "memory",
                  "network", "builtins"]


@pytest.fixture(scope="module")
def m1_userns(tmp_path_factory):
    from course.grading.sandbox import UserNamespaceSandbox

    course = tmp_path_factory.mktemp("cohort-m1-userns")
    build_course(course, M1, learners=0)
    names, released, source = _notebooks(course, M1)
    first = names[0]
    good = solved(released[first], source[first])
    tests = grade_ids(good, "tests")
    _submit(course, M1, "honest", {first: good})
    for name in USERNS_ATTACKS:
        _submit(course, M1, name, {first: attacked(good, released[first], ATTACKS[name], "m1",
                                                   str(course))})
    hashes = _hashes(course / "submitted" / "honest")
    rows = cohort.grade(course, M1, jobs=2, limits=Limits(output_mb=4), cell_timeout=30,
                        box_class=UserNamespaceSandbox)
    honest = [t.removesuffix("_tests") for t in tests[:-1]]
    return Cohort(course, M1, rows, first, tests[-1].removesuffix("_tests"), honest, hashes)


def test_user_namespace_mode_scores_honest_work_and_stops_the_host_attacks(m1_userns):
    c = m1_userns
    for k, (score, max_score, _auto, manual) in _points(c, "honest").items():
        assert score == max_score > 0 and not manual, k
    assert c.row("honest").flags == []
    for attack in USERNS_ATTACKS:
        pts = _points(c, attack)
        assert pts[c.attacked_key][0] == 0, (attack, pts)
        assert all(pts[k][0] == pts[k][1] for k in c.honest_keys), (attack, pts)
    for attack, marker in [("reads_source", "source hidden"),
                           ("other_learner", "saw 0 files, changed 0"),
                           ("gradebook", "gradebook out of reach"),
                           ("memory", "memory refused"), ("network", "network blocked")]:
        assert f"{MARK} {marker}" in c.outputs_text(attack).replace('\\n', ' '), attack
    assert _hashes(c.course / "submitted" / "honest") == c.honest_hashes
    alive = [e for e in os.listdir("/proc") if e.isdigit()
             and b"987654" in (Path(f"/proc/{e}/cmdline").read_bytes()
                               if Path(f"/proc/{e}/cmdline").exists() else b"")]
    assert alive == []
