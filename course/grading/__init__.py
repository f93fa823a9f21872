"""Cohort grading an instructor can trust (``python scripts/grade_cohort.py ASSIGNMENT``).

nbgrader runs learner code with the grader's rights and lets the kernel decide the points.
This package keeps nbgrader for everything it does well (the gradebook, restoring locked
cells, the formgrader, ``generate_feedback``) and changes two things:

* learner code runs in a sandbox under limits (:mod:`course.grading.sandbox`), learner by
  learner in parallel (:mod:`course.grading.cohort`);
* the kernel only reports answers as data; the grader judges them in its own process
  (:mod:`course.grading.judging`, :mod:`course.grading.functions`) and that verdict is what
  nbgrader records (:mod:`course.grading.execute`).

:mod:`course.grading.report` writes what an instructor reads afterwards: the per-notebook
CSV, an LMS-ready CSV of totals and an HTML report with charts.
"""

from course.grading.cohort import Row, grade, prepare
from course.grading.sandbox import Limits, SandboxUnavailable

__all__ = ["Limits", "Row", "SandboxUnavailable", "grade", "prepare"]
