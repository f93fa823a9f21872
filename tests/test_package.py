"""The package imports cheaply and without side effects."""

import subprocess
import sys

# Reading rcParams["backend"] would itself import pyplot, so compare styling keys only.
SNAPSHOT = ("import matplotlib;"
            "keys = ('axes.prop_cycle', 'font.size', 'figure.figsize', 'lines.linewidth',"
            " 'axes.facecolor', 'axes.grid', 'figure.dpi');"
            "snap = lambda: [str(matplotlib.rcParams[k]) for k in keys];"
            "before = snap();")


def run(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_import_course_has_no_heavy_imports_or_global_styling():
    out = run(
        SNAPSHOT + "import sys;"
        "import course, course.style, course.exercises, course.m1.scenarios;"
        "import course.m1.exercises, course.m1.architectures;"
        "print(snap() == before,"
        " 'matplotlib.pyplot' in sys.modules, 'ipywidgets' in sys.modules)"
    )
    assert out == "True False False"


def test_explorers_module_does_not_touch_global_matplotlib_state():
    out = run(
        SNAPSHOT + "import course.m1.explorers as e, sys; e.threshold_explorer();"
        "print(snap() == before, 'matplotlib.pyplot' in sys.modules)"
    )
    assert out == "True False"
