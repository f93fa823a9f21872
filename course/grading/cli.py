"""``python scripts/grade_cohort.py ASSIGNMENT [--course-dir DIR] [--jobs N] [--unsafe]``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from course.grading import cohort, report
from course.grading.sandbox import Limits, SandboxUnavailable, check_available


def main(argv: list[str], default_course: Path | None = None) -> int:
    defaults = Limits()
    parser = argparse.ArgumentParser(
        description="Autograde a cohort: each learner's notebooks run in a sandbox, the "
                    "grader judges the reported answers, learners are graded in parallel.")
    parser.add_argument("assignment", help="e.g. m1_model_literacy")
    parser.add_argument("--course-dir", default=str(default_course or Path.cwd()))
    parser.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 4),
                        help="learners graded at once (default: CPUs, at most 4)")
    parser.add_argument("--unsafe", action="store_true",
                        help="run learner code WITHOUT a sandbox (only if you trust every "
                             "submission)")
    parser.add_argument("--memory-mb", type=int, default=defaults.memory_mb)
    parser.add_argument("--cpu-seconds", type=int, default=defaults.cpu_seconds)
    parser.add_argument("--processes", type=int, default=defaults.processes)
    parser.add_argument("--file-mb", type=int, default=defaults.file_mb)
    parser.add_argument("--output-mb", type=int, default=defaults.output_mb)
    args = parser.parse_args(argv)
    limits = Limits(memory_mb=args.memory_mb, cpu_seconds=args.cpu_seconds,
                    processes=args.processes, file_mb=args.file_mb, output_mb=args.output_mb)
    course = Path(args.course_dir).resolve()
    try:
        box_class = None if args.unsafe else check_available(limits)
        if box_class is not None:
            print(f"Learner code runs in a sandbox: {box_class.mode}.")
        rows = cohort.grade(course, args.assignment, jobs=args.jobs, unsafe=args.unsafe,
                            limits=limits, box_class=box_class)
    except SandboxUnavailable as err:
        print(f"Refusing to grade: {err}")
        return 2
    if args.unsafe:
        print("WARNING: graded with --unsafe: learner code ran with your rights.")
    paths = report.write_all(rows, course / "autograded", args.assignment)
    print(report.text_report(rows, paths["csv"]))
    flagged = sorted({r.student for r in rows if r.flags})
    print(f"\nreport: {paths['html']}\nLMS totals: {paths['totals']}")
    if flagged:
        print(f"flagged: {', '.join(flagged)} (everyone else is graded as usual)")
    return 1 if flagged else 0
