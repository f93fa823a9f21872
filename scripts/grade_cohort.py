"""Autograde a cohort one learner at a time, and say plainly what happened to each.

    python scripts/grade_cohort.py m1_model_literacy [--course-dir DIR]

`nbgrader autograde` drops a whole notebook when it is not valid JSON, was renamed, or kills
its kernel, and carries on with the other learners; its exit code then says little about
who was graded. This script:

1. checks each learner's folder before grading: a notebook saved under another name (for
   example "01_thresholds_and_costs (1).ipynb" from a download) is copied to the expected
   name when the match is unambiguous, and flagged; a notebook that is not valid JSON is
   flagged (nbgrader cannot read it, so its points stay 0 until the learner resubmits);
2. autogrades each learner separately, so one learner's broken notebook cannot stop another;
3. reads the gradebook back and prints, per learner and notebook, the score, whether written
   answers await manual grading, and every flag; cells that crashed (an error other than a
   failed check) are listed so an instructor can tell "wrong" from "broken".

It writes the same table to autograded/<assignment>_report.csv and exits 1 when anything
was flagged, after grading everyone it could.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

FAILED_CHECK = {"FeedbackError", "AssertionError"}


@dataclass
class Row:
    student: str
    notebook: str
    score: float | None = None
    max_score: float | None = None
    needs_manual_grade: bool = False
    flags: list[str] = field(default_factory=list)


def _stem_key(name: str) -> str:
    """A notebook name without copy suffixes: '01_x (1).ipynb' / '01_x-Copy1.ipynb' -> '01_x'."""
    stem = Path(name).stem
    stem = re.sub(r"(\s*\(\d+\)|-?\s*Copy\d*|_copy\d*)$", "", stem, flags=re.IGNORECASE)
    return stem.strip().lower()


def prepare(student_dir: Path, expected: list[str]) -> dict[str, list[str]]:
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
                flags[nb].append("missing (no notebook with this name was submitted)")
                continue
        try:
            nbformat.read(path, as_version=4)
        except Exception as err:  # nbformat raises several types for unreadable files
            flags[nb].append(f"not a valid notebook ({type(err).__name__}); ask for a "
                             "resubmission: nbgrader cannot grade it")
    return flags


def crashed_cells(path: Path) -> list[str]:
    """Cells of an autograded notebook that raised something other than a failed check."""
    if not path.exists():
        return []
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error" and o.get("ename") not in FAILED_CHECK:
                gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or cell.get("id")
                out.append(f"{gid}: {o.get('ename')}")
    return out


def grade(course: Path, assignment: str) -> list[Row]:
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    expected = sorted(p.stem for p in (course / "source" / assignment).glob("*.ipynb"))
    students = sorted(p.parent.name for p in (course / "submitted").glob(f"*/{assignment}"))
    rows: list[Row] = []
    logs: dict[str, str] = {}
    for student in students:
        flags = prepare(course / "submitted" / student / assignment, expected)
        proc = subprocess.run(
            [str(bin_dir / "nbgrader"), "autograde", assignment, "--student", student,
             "--force"],
            cwd=course, env=env, capture_output=True, text=True,
        )
        logs[student] = proc.stdout + proc.stderr
        for nb in expected:
            rows.append(Row(student, nb, flags=list(flags[nb])))
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for row in rows:
            try:
                sub = gb.find_submission_notebook(row.notebook, assignment, row.student)
            except MissingEntry:
                if not row.flags:
                    tail = logs[row.student].strip().splitlines()[-3:]
                    row.flags.append("not graded by nbgrader: " + " | ".join(tail))
                continue
            row.score, row.max_score = sub.score, sub.max_score
            row.needs_manual_grade = bool(sub.needs_manual_grade)
            graded = course / "autograded" / row.student / assignment / f"{row.notebook}.ipynb"
            row.flags += [f"cell crashed: {c}" for c in crashed_cells(graded)]
    return rows


def report(rows: list[Row], out_csv: Path) -> str:
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with out_csv.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "notebook", "score", "max_score", "needs_manual_grade", "flags"])
        for r in rows:
            w.writerow([r.student, r.notebook, r.score, r.max_score, r.needs_manual_grade,
                        "; ".join(r.flags)])
    lines = []
    for r in rows:
        score = "not graded" if r.score is None else f"{r.score:g}/{r.max_score:g}"
        manual = " (written answer to grade)" if r.needs_manual_grade else ""
        lines.append(f"{r.student:<16} {r.notebook:<32} {score}{manual}")
        lines += [f"{'':<16}   ! {flag}" for flag in r.flags]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment")
    parser.add_argument("--course-dir", default=str(Path(__file__).resolve().parents[1]))
    args = parser.parse_args(argv)
    course = Path(args.course_dir).resolve()
    rows = grade(course, args.assignment)
    print(report(rows, course / "autograded" / f"{args.assignment}_report.csv"))
    flagged = sorted({r.student for r in rows if r.flags})
    if flagged:
        print(f"\nflagged: {', '.join(flagged)} (everyone else is graded as usual)")
    return 1 if flagged else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
