"""Autograde a cohort in a sandbox, in parallel, and say plainly what happened to each learner.

    python scripts/grade_cohort.py m1_model_literacy [--course-dir DIR] [--jobs N] [--unsafe]

A thin entry point: the grading lives in course/grading/ (see its docstrings and README's
"Running a cohort with nbgrader"). Writes autograded/<assignment>_report.csv (one row per
learner and notebook, with flags), <assignment>_totals.csv (LMS upload), and
<assignment>_report.html with its charts; exits 1 when anything was flagged, after grading
everyone it could, and 2 when it refuses to grade (no sandbox and no --unsafe).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from course.grading.cli import main  # noqa: E402
from course.grading.cohort import Row, grade, prepare  # noqa: E402,F401  (kept importable)
from course.grading.report import text_report as report  # noqa: E402,F401

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:], default_course=ROOT))
