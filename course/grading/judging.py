"""Turning what a kernel reported into points, in the grader's own process.

A graded test cell's hidden part calls ``qN.report(...)``, which publishes the learner's
answers as plain data (:data:`course.exercises.REPORT_MIME`). Whatever else happened in the
kernel (replaced builtins, patched modules, rewritten test cells, swallowed exceptions, forged
text) is ignored: :func:`judge_cell` reads exactly one report from the test cell's own outputs,
decodes it as data and judges it with the exercise's rules here, failing closed when the report
is missing, duplicated, foreign or malformed. Answers that are functions are judged by
:mod:`course.grading.functions` in a fresh sandboxed process.

:func:`grader_outputs` then replaces the test cell's outputs with the grader's own: the
learner's answers and the check's message, as a stream (full points) or an error output
(zero points), which is how nbgrader's own ``SaveAutoGrades`` scores the cell and how
``generate_feedback`` shows it. :func:`strip_hidden_tests` keeps the hidden test code out of
the autograded notebook, so feedback never shows it (nbgrader issue #917).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from nbformat.v4 import new_output

from course import exercises as ex_api

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
HIDDEN_NOTE = "# (hidden check: your answers were judged by the course's grader)"


@dataclass
class Judgement:
    """The grader's verdict on one test cell, as plain data (it travels between processes)."""

    grade_id: str
    key: str
    status: str  # "correct", "wrong", "unreadable", "not run"
    parts: list[dict] = field(default_factory=list)  # {part, status, message, answer}
    reason: str = ""  # why a report could not be read

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def to_dict(self) -> dict:
        return asdict(self)


def exercise_key(grade_id: str) -> str:
    return grade_id[: -len("_tests")] if grade_id.endswith("_tests") else grade_id


def module_of(assignment: str) -> str:
    """'m1_model_literacy' -> 'm1' (the course module that owns the assignment's exercises)."""
    found = re.match(r"(m\d+)", assignment)
    return found.group(1) if found else assignment


def show_value(value) -> str:
    """A decoded answer as the learner wrote it, short."""
    if isinstance(value, ex_api.FunctionAnswer):
        return f"a function named {value.name}" if value.name else "a function"
    if value is None:
        return "(blank)"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def judge_cell(module: str, grade_id: str, outputs: list, ran: bool,
               judge_functions=None) -> Judgement:
    """Judge one executed test cell from its outputs (plain dicts), failing closed.

    ``judge_functions(exercise, answers) -> {part name: Verdict}`` judges function answers
    (in a sandbox); ``ran`` is False when the cell never executed (the kernel had died).
    """
    key = exercise_key(grade_id)
    if not ran:
        return Judgement(grade_id, key, "not run",
                         reason="this cell never ran: the notebook's kernel had stopped "
                                "before it")
    try:
        exercise = ex_api.exercise(module, key)
    except (KeyError, ImportError) as err:
        return Judgement(grade_id, key, "unreadable",
                         reason=f"the course has no exercise {module}.{key} ({err})")
    try:
        answers = ex_api.parse_report([dict(o) for o in outputs], module, key)
        functions = {}
        if judge_functions is not None and any(
                isinstance(v, ex_api.FunctionAnswer) for v in answers.values()):
            functions = judge_functions(exercise, answers)
        verdicts = ex_api.judge_report(module, key, answers, functions=functions)
    except ex_api.ReportError as err:
        return Judgement(grade_id, key, "unreadable", reason=str(err))
    parts = [{"part": v.part, "status": v.status, "message": v.message,
              "answer": show_value(answers.get(v.part))} for v in verdicts]
    status = "correct" if all(v.ok for v in verdicts) else "wrong"
    return Judgement(grade_id, key, status, parts)


def feedback_lines(module: str, judgement: Judgement) -> list[str]:
    """What the learner reads about this cell: answers, verdict and the check's message."""
    if judgement.status in ("unreadable", "not run"):
        return [f"{judgement.key}: no points, because the grader could not read your answers: "
                f"{judgement.reason}.",
                "Run the whole notebook from the top (Kernel > Restart & Run All) and check "
                "that this cell runs without changes."]
    exercise = ex_api.exercise(module, judgement.key)
    verdicts = [ex_api.Verdict(p["part"], p["status"], p["message"]) for p in judgement.parts]
    answers = ", ".join(f"{p['part']} = {p['answer']}" for p in judgement.parts)
    head = [f"Your answers: {answers}"]
    if judgement.correct:
        return head + [f"✓ {exercise.key} ({exercise.title}): correct."]
    return head + exercise.feedback_lines(verdicts)


def grader_outputs(module: str, judgement: Judgement) -> list:
    """The test cell's outputs as the grader writes them (the kernel's are discarded)."""
    lines = feedback_lines(module, judgement)
    if judgement.correct:
        return [new_output("stream", name="stdout", text="\n".join(lines) + "\n")]
    return [new_output("error", ename="NotYetRight", evalue=lines[0], traceback=lines)]


def strip_hidden_tests(source: str) -> str:
    """``source`` without its hidden-test region (replaced by one explanatory comment)."""
    if BEGIN_HIDDEN not in source:
        return source
    out, inside = [], False
    for line in source.split("\n"):
        if BEGIN_HIDDEN in line:
            inside = True
            out.append(HIDDEN_NOTE)
        elif END_HIDDEN in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)
