"""course.grading without kernels: judging reports, function values, reports, the sandbox's
refusal. (The end-to-end attacks are in tests/test_grading_sandbox.py.)"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import shutil
import struct

import numpy as np
import pandas as pd
import pytest

from course import exercises as ex_api
from course.exercises import Choice, Date, Exercise, Number, Part, digest_for, encode_value
from course.grading import answer_host, cli, functions, judging, report, sandbox
from course.grading.cohort import Row, inspect_cells

# A small exercise of our own, registered as course module "m99", so these tests do not
# depend on any module's current answers.
_NUM = Number(places=3, low=0, high=1, unit="a fraction")
_OPT = Choice({"fax": (), "phone photo": ("photo",)})
_DAY = Date()
EX = Exercise(
    key="q1", title="a test exercise",
    parts=[Part("rate", _NUM, digest_for("q1", "rate", _NUM, 0.192),
                {digest_for("q1", "rate", _NUM, 0.5): "that is half of everything: divide "
                                                      "by the source's own total."}),
           Part("source", _OPT, digest_for("q1", "source", _OPT, "fax")),
           Part("day", _DAY, digest_for("q1", "day", _DAY, "2025-03-04"))],
    hints=[])
if "m99" not in ex_api.REGISTRY:
    ex_api.register("m99", [EX])


def report_output(answers: dict, module="m99", key="q1") -> dict:
    payload = {"version": ex_api.REPORT_VERSION, "module": module, "exercise": key,
               "answers": {k: encode_value(v) for k, v in answers.items()}}
    return {"output_type": "display_data", "data": {ex_api.REPORT_MIME: payload},
            "metadata": {}}


RIGHT = {"rate": 0.192, "source": "fax", "day": "2025-03-04"}


def judge(outputs, ran=True):
    return judging.judge_cell("m99", "q1_tests", outputs, ran)


# --------------------------------------------------------------------------- judging

def test_right_answers_in_reasonable_forms_get_credit():
    forms = [RIGHT,
             {"rate": decimal.Decimal("0.1920"), "source": "faxes", "day": "2025-3-4"},
             {"rate": "0.192", "source": "Fax.", "day": dt.date(2025, 3, 4)},
             {"rate": np.float64(0.19204), "source": " FAX ", "day": pd.Timestamp("2025-03-04")}]
    for answers in forms:
        assert judge([report_output(answers)]).status == "correct", answers


def test_wrong_blank_and_misconceived_answers_score_nothing_and_say_why():
    j = judge([report_output({**RIGHT, "rate": 0.5})])
    assert j.status == "wrong"
    assert any(p["status"] == "misconception" and "half of everything" in p["message"]
               for p in j.parts)
    assert judge([report_output({**RIGHT, "rate": None})]).status == "wrong"
    assert judge([report_output({**RIGHT, "rate": 0.185})]).status == "wrong"


@pytest.mark.parametrize("outputs, reason", [
    ([], "reported no answers"),
    ([report_output(RIGHT), report_output(RIGHT)], "2 times"),
    ([report_output(RIGHT, key="q2")], "instead"),
    ([{"output_type": "display_data", "data": {ex_api.REPORT_MIME: "{not json"}}], "JSON"),
    ([{"output_type": "display_data",
       "data": {ex_api.REPORT_MIME: {"version": 99, "module": "m99", "exercise": "q1"}}}],
     "unknown format"),
    ([{"output_type": "stream", "name": "stdout",
       "text": json.dumps(report_output(RIGHT))}], "reported no answers"),
])
def test_missing_duplicated_foreign_or_malformed_reports_fail_closed(outputs, reason):
    j = judge(outputs)
    assert j.status == "unreadable" and reason in j.reason, j.reason


def test_an_object_that_claims_to_be_anything_is_not_an_answer():
    class Liar(float):
        def __eq__(self, other):
            return True

        def __round__(self, n=0):
            return 0.192

    j = judge([report_output({**RIGHT, "rate": Liar(0.9)})])
    assert j.status == "wrong"


def test_a_cell_that_never_ran_scores_nothing():
    assert judge([report_output(RIGHT)], ran=False).status == "not run"


def test_grader_outputs_decide_nbgraders_score_and_carry_the_message():
    from nbformat import from_dict
    from nbgrader.utils import determine_grade

    def score(outputs):
        cell = from_dict({"cell_type": "code", "source": "", "execution_count": 1,
                          "outputs": outputs, "metadata": {"nbgrader": {
                              "grade": True, "solution": False, "points": 3,
                              "grade_id": "q1_tests", "locked": True}}})
        return determine_grade(cell)[0]

    right = judging.grader_outputs("m99", judge([report_output(RIGHT)]))
    assert score(right) == 3 and "Your answers:" in right[0]["text"]
    wrong = judging.grader_outputs("m99", judge([report_output({**RIGHT, "rate": 0.5})]))
    assert score(wrong) == 0 and any("half of everything" in line
                                     for line in wrong[0]["traceback"])
    lost = judging.grader_outputs("m99", judge([]))
    assert score(lost) == 0 and "could not read your answers" in lost[0]["evalue"]


def test_hidden_tests_are_removed_from_what_learners_see():
    src = ("q1.check(rate=rate)\n### BEGIN HIDDEN TESTS\nfrom course.m99 import q1 as _q1\n"
           "_q1.report(rate=rate)\n### END HIDDEN TESTS")
    out = judging.strip_hidden_tests(src)
    assert "report" not in out and out.startswith("q1.check(rate=rate)")
    assert judging.HIDDEN_NOTE in out


def test_locked_cells_deleted_disabled_or_edited_are_named():
    from nbformat.v4 import new_code_cell, new_notebook

    def locked(gid, src, grade=False):
        return new_code_cell(src, metadata={"nbgrader": {"grade_id": gid, "locked": True,
                                                         "grade": grade, "solution": False}})

    source = new_notebook(cells=[locked("setup", "import x"), locked("q1_tests", "check()", True),
                                 locked("q2_tests", "check2()", True),
                                 locked("q3_tests", "check3()", True)])
    sub = new_notebook(cells=[locked("setup", "import x  # mine"),
                              locked("q1_tests", "check()", True)])
    sub.cells.append(locked("q2_tests", "check2()", True))
    sub.cells[-1].cell_type = "raw"
    flags = " ".join(inspect_cells(sub, source))
    assert "locked cell setup was edited" in flags
    assert "test cell q2_tests was disabled" in flags
    assert "test cell q3_tests was deleted" in flags
    assert "q1_tests" not in flags


# --------------------------------------------------------------------------- function values

def test_function_return_values_cross_the_sandbox_as_plain_data():
    series = pd.Series([np.nan, 0.5, 1.0], index=[10, 11, 12], name="rate")
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    for value in [None, True, 3, 0.25, float("nan"), "retrain", [1, "a"], {"k": 2.0},
                  np.float64(0.1), np.arange(3), series, frame]:
        back = functions.decode(json.loads(json.dumps(answer_host.encode(value))))
        if isinstance(value, pd.Series):
            pd.testing.assert_series_equal(back, value)
        elif isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(back, value, check_dtype=False)
        elif isinstance(value, np.ndarray):
            assert np.array_equal(back, value)
        elif isinstance(value, float) and np.isnan(value):
            assert np.isnan(back)
        else:
            assert back == value and type(back) is type(value.item() if hasattr(value, "item")
                                                         else value)


def test_an_unknown_object_comes_back_as_unsupported_never_as_itself():
    class Sneaky:
        def __eq__(self, other):
            return True

    back = functions.decode(answer_host.encode(Sneaky()))
    assert isinstance(back, ex_api.Unsupported)
    with pytest.raises(functions.HostFailure):
        functions.decode({"t": "pickle", "v": "gASV..."})


def test_frames_are_length_prefixed():
    import io

    buf = io.BytesIO()
    answer_host._frame_write(buf, b"hello")
    assert buf.getvalue() == struct.pack(">Q", 5) + b"hello"
    assert answer_host._frame_read(io.BytesIO(buf.getvalue())) == b"hello"


# --------------------------------------------------------------------------- sandbox

def test_the_sandbox_hides_the_course_and_cuts_the_network(tmp_path):
    box = sandbox.Sandbox(1)
    argv = box.wrap(["python", "-c", "pass"], tmp_path / "home", binds=[tmp_path / "rt"])
    text = " ".join(argv)
    assert "--unshare-net" in argv and "--unshare-pid" in argv and "--clearenv" in argv
    assert "--die-with-parent" in argv
    assert f"--reuid={box.uid}" in text and box.uid > 65535
    package = sandbox.course_package_dir()
    assert str(package.parent / "source") not in text
    assert f"--ro-bind {package} {package}" in text
    assert "--ro-bind / /" not in text
    lim = sandbox.Limits()
    assert f"--as={lim.memory_mb * 2**20}" in text and f"--nproc={lim.processes}" in text


def test_without_root_the_sandbox_is_a_user_namespace_with_the_same_fences(tmp_path,
                                                                            monkeypatch):
    box = sandbox.UserNamespaceSandbox(1)
    argv = box.wrap(["python", "-c", "pass"], tmp_path / "home", binds=[tmp_path / "rt"])
    text = " ".join(argv)
    for flag in ("--unshare-user", "--unshare-net", "--unshare-pid", "--unshare-ipc",
                 "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in argv, flag
    assert "setpriv" not in argv and "--reuid" not in text   # no uid switching without root
    assert f"--setenv PM_ML_SANDBOX {box.token}" in text      # how kill_all finds its bwraps
    assert box.token != sandbox.UserNamespaceSandbox(1).token
    package = sandbox.course_package_dir()
    assert str(package.parent / "source") not in text and "--ro-bind / /" not in text
    assert f"--bind {tmp_path / 'home'} /home/learner" in text
    lim = sandbox.Limits()
    assert f"--as={lim.memory_mb * 2**20}" in text and f"--cpu={lim.cpu_seconds}" in text
    assert "--core=0" in text and f"--fsize={lim.file_mb * 2**20}" in text
    # RLIMIT_NPROC counts per user namespace only since Linux 5.14; before, it would count
    # all of the instructor's processes, so the cap is left to the PID namespace there.
    monkeypatch.setattr(sandbox, "nproc_counts_per_namespace", lambda: True)
    assert f"--nproc={lim.processes}" in box.wrap(["true"], tmp_path / "home")
    monkeypatch.setattr(sandbox, "nproc_counts_per_namespace", lambda: False)
    assert not any(a.startswith("--nproc") for a in box.wrap(["true"], tmp_path / "home"))


def test_nproc_per_namespace_follows_the_kernel_version(monkeypatch):
    import collections

    uname = collections.namedtuple("uname", "release")
    for release, per_namespace in (("6.1.0-28-amd64", True), ("5.14.0", True),
                                   ("5.10.0-32-amd64", False), ("4.19.0", False)):
        monkeypatch.setattr(sandbox.os, "uname", lambda r=release: uname(r))
        assert sandbox.nproc_counts_per_namespace() is per_namespace, release


def test_grading_is_refused_when_no_sandbox_starts_and_says_how_to_fix_it(monkeypatch):
    monkeypatch.setattr(sandbox, "_probe", lambda box_class, limits: "exit 1: setting up uid "
                        "map: Permission denied")
    with pytest.raises(sandbox.SandboxUnavailable) as err:
        sandbox.check_available()
    text = str(err.value)
    assert "user namespace" in text and "Permission denied" in text and "--unsafe" in text
    assert "unprivileged_userns_clone" in text and "apparmor_restrict_unprivileged_userns" in text


def test_the_probe_picks_root_mode_as_root_and_user_namespaces_otherwise(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name, *a, **k: "/usr/bin/bwrap")
    monkeypatch.setattr(sandbox, "_probe", lambda box_class, limits: None)
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 0)
    assert sandbox.check_available() is sandbox.Sandbox
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)
    assert sandbox.check_available() is sandbox.UserNamespaceSandbox
    # as root, a failing root mode falls back to user namespaces
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 0)
    monkeypatch.setattr(sandbox, "_probe", lambda box_class, limits:
                        None if box_class is sandbox.UserNamespaceSandbox else "exit 1")
    assert sandbox.check_available() is sandbox.UserNamespaceSandbox


def test_without_bubblewrap_grading_is_refused_with_a_clear_message(monkeypatch, tmp_path,
                                                                     capsys):
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which",
                        lambda name, *a, **k: None if name == "bwrap" else real_which(name))
    with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap"):
        sandbox.check_available()
    assert cli.main(["m1_model_literacy", "--course-dir", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "Refusing to grade" in out and "--unsafe" in out and "apt-get install" in out


# --------------------------------------------------------------------------- report

def _rows():
    def j(key, status, parts):
        return {"grade_id": f"{key}_tests", "key": key, "status": status, "parts": parts,
                "reason": ""}

    ok = {"part": "rate", "status": "correct", "message": "", "answer": "0.192"}
    mis = {"part": "rate", "status": "misconception", "answer": "0.5",
           "message": "that is half of everything: divide by the source's own total."}
    odd = {"part": "rate", "status": "incorrect", "message": "not right yet", "answer": "0.77"}
    return [
        Row("ann", "01_nb", 3, 3, False, [], [j("q1", "correct", [ok])]),
        Row("bob", "01_nb", 0, 3, False, [], [j("q1", "wrong", [mis])]),
        Row("cat", "01_nb", 0, 3, False, ["cell crashed: q1_answer: NameError"],
            [j("q1", "wrong", [odd])]),
        Row("dan", "01_nb", 0, 3, False, [], [j("q1", "wrong", [odd])]),
        Row("eve", "01_nb", 0, 3, False, ["the notebook's Python process stopped"],
            [j("q1", "not run", [])]),
    ]


def test_misconceptions_are_counted_by_a_short_name():
    assert report.misconception_label(
        "that is half of everything: divide by the source's own total.") == \
        "that is half of everything"
    counts = report.misconceptions(_rows())
    assert counts == {"q1": {"rate: that is half of everything": 1}}


def test_identical_unusual_wrong_answers_form_a_cluster():
    found = report.clusters(_rows())
    assert found == [{"question": "q1", "answer": "rate = 0.77", "students": ["cat", "dan"]}]


def test_report_files_html_figures_and_lms_totals(tmp_path):
    paths = report.write_all(_rows(), tmp_path, "m99_test")
    for key in ("scores_png", "totals_png", "misconceptions_png"):
        assert paths[key].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = paths["html"].read_text()
    for needle in ("Score distribution per question", "q1: 1 of 5 right, 3 wrong, 1 not run",
                   "that is half of everything", "cell crashed: q1_answer: NameError",
                   "cat, dan", "m99_test_totals.csv"):
        assert needle in page, needle
    lines = paths["totals"].read_text().splitlines()
    assert lines[0] == "student,score,max_score,percent,needs_manual_grade,flagged"
    assert lines[1] == "ann,3,3,100.0,False,False" and len(lines) == 6
    header = paths["csv"].read_text().splitlines()[0]
    assert header == "student,notebook,score,max_score,needs_manual_grade,flags"
