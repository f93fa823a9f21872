"""nbgrader configuration for the course (the course directory is the repository root)."""

import os

c = get_config()  # noqa: F821  (injected by traitlets)

c.CourseDirectory.course_id = "pm-ml-judgment"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Released answer cells keep the placeholder line above the solution (e.g. `answer = None`)
# and get this stub instead of nbgrader's default `raise NotImplementedError()`, so a learner's
# visible check can say "not attempted yet" instead of showing a traceback.
c.ClearSolutions.code_stub = {"python": "# YOUR ANSWER HERE"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A learner's endless loop should not hold a whole cohort's grading for long.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
