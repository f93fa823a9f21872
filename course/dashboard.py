"""The course-wide progress view shown in START_HERE: a chart, a sentence and a table.

Every check records its result to the learner's progress file (``course.progress_store``: a
small JSON file in the learner's own home, never the network), so the view survives kernel
restarts and works the same on a laptop and on a hub. In a notebook::

    from course import dashboard
    dashboard.show()

The model is pure and tested headless (tests/test_dashboard.py): ``exercises()`` lists every
registered exercise, ``find_notebooks(base)`` finds the notebook that checks each one (in
``release/<module>/`` of a git clone, or in ``<module>/`` beside START_HERE as an nbgrader
exchange or nbgitpuller lays it out), and ``compute(progress, exercises, notebooks)`` returns
the rows, the counts per module and the summary. ``show()`` is the view: it draws the chart
(Okabe-Ito colours, each status also hatched) and prints the sentence and a markdown table
whose links open each notebook.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path

from course import progress_store

#: The statuses the dashboard shows, in order; the progress file's "tried" is "attempted".
STATUSES = ("correct", "attempted", "not attempted")
_FROM_STORE = {"correct": "correct", "tried": "attempted", "not attempted": "not attempted"}
#: Module folders (source/, release/, the exchange) and their titles.
MODULE_FOLDERS = {
    "m1": "m1_model_literacy",
    "m2": "m2_data_fluency",
    "m3": "m3_system_awareness",
    "m4": "m4_deployment_judgment",
}
MODULE_TITLES = {
    "m1": "Module 1 · Model literacy",
    "m2": "Module 2 · Data fluency",
    "m3": "Module 3 · System awareness",
    "m4": "Module 4 · Deployment judgment",
}
_CHECK_CALL = re.compile(r"\b(q\d+)\.check\(")


@dataclass(frozen=True)
class Row:
    """One exercise: where it is, and the learner's best result so far."""

    module: str          # "m1"
    key: str             # "q1"
    title: str
    notebook: str | None  # a link relative to the folder the view runs in, or None
    status: str          # one of STATUSES
    updated: str | None  # when the learner last checked it (ISO time), or None


@dataclass(frozen=True)
class Dashboard:
    """Rows in course order, ``counts[module][status]``, and the totals."""

    rows: tuple[Row, ...]
    counts: dict[str, dict[str, int]]
    total: dict[str, int]

    @property
    def exercises(self) -> int:
        return len(self.rows)


def exercises() -> list[tuple[str, str, str]]:
    """``(module, key, title)`` of every exercise of the course's modules (``course.mN``),
    in module and key order. Only real course modules count: anything else that registered
    exercises (a test, an instructor's experiment) is left out."""
    from course import exercises as registry

    package = Path(__file__).parent
    modules = []
    for info in pkgutil.iter_modules([str(package)]):
        if info.ispkg and re.fullmatch(r"m\d+", info.name):
            importlib.import_module(f"course.{info.name}.exercises")
            modules.append(info.name)
    found = []
    for module in sorted(set(modules) & set(registry.REGISTRY), key=lambda m: int(m[1:])):
        table = registry.REGISTRY[module]
        for key in sorted(table, key=lambda k: int(k[1:])):
            found.append((module, key, table[key].title))
    return found


def find_notebooks(base: Path | str = ".") -> dict[tuple[str, str], str]:
    """``{(module, key): link}``: the notebook whose code calls ``<key>.check(``, as a POSIX
    path relative to ``base``. Looks in ``base/release/<module folder>/`` (a clone of the
    course) and then in ``base/<module folder>/`` (the exchange or nbgitpuller layout, where
    module folders sit beside START_HERE)."""
    base = Path(base)
    found: dict[tuple[str, str], str] = {}
    for module, folder in MODULE_FOLDERS.items():
        for parent in (base / "release" / folder, base / folder):
            if not parent.is_dir():
                continue
            for path in sorted(parent.glob("*.ipynb")):
                try:
                    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
                except (OSError, ValueError):
                    continue
                code = "\n".join("".join(c.get("source", "")) for c in cells
                                 if c.get("cell_type") == "code")
                for key in _CHECK_CALL.findall(code):
                    found.setdefault((module, key), path.relative_to(base).as_posix())
            if any(m == module for m, _ in found):
                break      # the first layout that has this module's notebooks wins
    return found


def compute(progress: dict[str, dict], exercise_list, notebooks=None) -> Dashboard:
    """The dashboard for ``progress`` (``progress_store.load()``'s mapping) over
    ``exercise_list`` (``(module, key, title)``), with ``notebooks`` from ``find_notebooks``.

    An exercise counts by its best result; entries for exercises the course no longer has
    are ignored."""
    notebooks = notebooks or {}
    rows, counts = [], {}
    for module, key, title in exercise_list:
        entry = progress.get(f"{module}.{key}", {})
        status = _FROM_STORE.get(entry.get("best", "not attempted"), "not attempted")
        rows.append(Row(module, key, title, notebooks.get((module, key)), status,
                        entry.get("updated")))
        counts.setdefault(module, dict.fromkeys(STATUSES, 0))[status] += 1
    total = {s: sum(c[s] for c in counts.values()) for s in STATUSES}
    return Dashboard(tuple(rows), counts, total)


def summary(board: Dashboard) -> str:
    """The sentence under the chart: how far the learner is, and where to go next."""
    n, done, tried = board.exercises, board.total["correct"], board.total["attempted"]
    if not n:
        return "No exercises found: is the course package installed?"
    if done == n:
        return f"All {n} exercises correct. Well done: the written answers are next."
    if done == 0 and tried == 0:
        head = f"No exercises checked yet (0 of {n})."
    else:
        head = f"{done} of {n} exercises correct" + (
            f", {tried} attempted and not yet right." if tried else ".")
    nxt = next((r for r in board.rows if r.status == "attempted"), None) or \
        next(r for r in board.rows if r.status != "correct")
    where = f"{MODULE_TITLES.get(nxt.module, nxt.module)}, {nxt.key}: {nxt.title}"
    verb = "Pick up" if nxt.status == "attempted" else "Next"
    return f"{head} {verb}: {where}."


def table_markdown(board: Dashboard) -> str:
    """A markdown table per module: exercise, status and a link to its notebook."""
    marks = {"correct": "✓ correct", "attempted": "… attempted",
             "not attempted": "· not attempted"}
    parts = []
    for module, counts in board.counts.items():
        rows = [r for r in board.rows if r.module == module]
        parts += [f"**{MODULE_TITLES.get(module, module)}**: {counts['correct']} of "
                  f"{len(rows)} correct", "",
                  "| exercise | status | notebook |", "|---|---|---|"]
        for r in rows:
            link = (f"[{Path(r.notebook).stem}]({r.notebook})" if r.notebook
                    else "(notebook not found)")
            parts.append(f"| {r.key}: {_md(r.title)} | {marks[r.status]} | {link} |")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def _md(text: str) -> str:
    """Text safe inside a markdown table cell (no column breaks, no maths)."""
    return text.replace("|", "\\|").replace("$", "\\$")


# --- the view -----------------------------------------------------------------------------------

#: Colour and hatch per status (Okabe-Ito; the hatch keeps them apart in greyscale).
STYLE = {"correct": ("#009E73", ""), "attempted": ("#E69F00", "///"),
         "not attempted": ("#999999", "..")}


def figure(board: Dashboard):
    """A matplotlib ``Figure`` (no pyplot): one stacked bar per module."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from course.widgets import LABEL_SIZE, LEGEND_SIZE, TITLE_SIZE, style_axes

    modules = list(board.counts)
    height = 1.2 + 0.4 * max(len(modules), 1)
    fig = Figure(figsize=(8.0, height), dpi=85)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.3, right=0.97, top=1 - 0.62 / height, bottom=0.45 / height)
    style_axes(ax, None, "exercises", "")
    ax.grid(False, axis="y")
    y = list(range(len(modules)))[::-1]
    left = [0] * len(modules)
    for status in STATUSES:
        values = [board.counts[m][status] for m in modules]
        color, hatch = STYLE[status]
        ax.barh(y, values, left=left, height=0.6, color=color, hatch=hatch,
                edgecolor="white", label=status)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(y, [MODULE_TITLES.get(m, m) for m in modules], fontsize=LABEL_SIZE)
    ax.set_xlim(0, max(left, default=1) or 1)
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.text(0.01, 1 - 0.08 / height, f"Your progress: {board.total['correct']} of "
             f"{board.exercises} exercises correct", fontsize=TITLE_SIZE, va="top")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, fontsize=LEGEND_SIZE,
              frameon=False, borderaxespad=0.3)
    return fig


def show(path: Path | str | None = None, base: Path | str = ".") -> None:
    """Display the chart, the summary sentence and the table (the progress file at ``path``,
    default ``progress_store.progress_path()``; notebooks looked up from ``base``)."""
    from io import BytesIO

    from IPython.display import Image, Markdown, display

    progress = progress_store.load(Path(path) if path else None)
    board = compute(progress, exercises(), find_notebooks(base))
    buffer = BytesIO()
    figure(board).savefig(buffer, format="png")
    display(Image(buffer.getvalue()))
    display(Markdown(f"**{summary(board)}**\n\n" + table_markdown(board)))
