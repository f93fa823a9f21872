"""Print how fast the explorers react and how long each notebook takes to run (`make bench`).

Figures only, no assertions: the machine is noisy, so compare ratios within one run.

(a) Explorers. Every ``course.m<N>.explorers`` module declares ``EXPLORERS`` (name -> factory).
    For each explorer: the time to import its module, to construct it (first and second
    call: the first pays for any cached precomputation), then the median and p90 in-kernel
    update time over 30 changes of its primary control (``explorer.controls[explorer.primary]``),
    stepping through distinct valid values across the control's range. Setting the value
    runs compute + redraw + PNG render synchronously. Target: median update <= 40 ms.

(b) Notebooks. For each notebook in ``source/m*_*/``: run-all wall time in a fresh python3
    kernel (nbclient, cwd = the notebook's folder) against a "floor" notebook holding only the
    notebook's top-level import statements in one cell, run the same way. The two are run
    alternately, ``--runs`` times each (median), so that noise hits both alike.
    Target: run-all / floor <= 2.5x.

(c) Keys in the browser (JupyterLab in Debian's headless chromium, tests/browser_support.py;
    every explorer in one notebook). For each explorer: one key press on its primary control
    to the first change of its reading (target: median <= 50 ms), then a held key (``--presses``
    presses, 30 by default, as fast as the browser takes them) from the last press to the
    final reading and the final chart (target: <= 120 ms), and whether that final reading is
    the model's reading at the handle's final value (it must always be).

(d) Cohort grading. ``nbgrader autograde`` (serial) against ``scripts/grade_cohort.py
    --jobs 2`` (sandboxed, parallel) on the same ``--learners`` (10) solved submissions of
    Module 1, one after the other in one run; prints both wall times, the speed-up and whether
    every learner's total is identical. Target: speed-up >= 1.8 with 2 jobs on 2 cores (only
    meaningful on an otherwise idle machine).

A row that fails prints its error; the script goes on and exits 1 at the end.

    .venv/bin/python scripts/bench.py [--only explorers|notebooks|keys|grading]
        [--runs 3] [--changes 30] [--presses 30] [--learners 10]
"""

from __future__ import annotations

import argparse
import ast
import importlib
import os
import pkgutil
import re
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
UPDATE_TARGET_MS = 40.0
FIRST_CHANGE_TARGET_MS = 50.0
HELD_KEY_TARGET_MS = 120.0
RATIO_TARGET = 2.5

# Widgets and charts render off-screen; the kernel the notebooks run in is the venv's.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def _ms(seconds: float) -> float:
    return 1000.0 * seconds


def _short_error(exc: BaseException) -> str:
    """One line: ``Type: message`` (a notebook cell's error as ``ename: evalue``)."""
    if getattr(exc, "ename", None):  # nbclient.exceptions.CellExecutionError
        line = f"{type(exc).__name__} ({exc.ename}: {exc.evalue})"
    else:
        line = traceback.format_exception_only(type(exc), exc)[-1].strip()
    line = " ".join(re.sub(r"\x1b\[[0-9;]*m", "", line).split())
    return line if len(line) <= 300 else line[:297] + "..."


# --- (a) explorers --------------------------------------------------------------------------


def discover_explorer_modules(package: str = "course") -> list[str]:
    """Names of ``<package>.m<N>.explorers`` modules that exist, in module order."""
    pkg = importlib.import_module(package)
    subpackages = [
        info.name
        for info in pkgutil.iter_modules(pkg.__path__)
        if info.ispkg and re.fullmatch(r"m\d+", info.name)
    ]
    subpackages.sort(key=lambda name: int(name[1:]))
    found = []
    for sub in subpackages:
        sub_path = Path(pkg.__path__[0]) / sub
        if (sub_path / "explorers.py").is_file() or (sub_path / "explorers").is_dir():
            found.append(f"{package}.{sub}.explorers")
    return found


def sweep_values(control, n: int) -> tuple[str, list]:
    """``(attribute, values)``: ``n`` valid settings of ``control`` spread over its range.

    Consecutive values differ (so each assignment is a change) and the first differs from
    the control's current setting. Selection sliders are moved by ``index`` (which sets
    ``value``); numeric sliders by ``value``, on their step grid.
    """
    import ipywidgets as w

    if isinstance(control, w.SelectionSlider):
        attr, current = "index", control.index
        grid = list(range(len(control.options)))
    elif isinstance(control, w.FloatLogSlider):
        attr, current = "value", control.value
        exponents = _grid(control.min, control.max, control.step, n)
        grid = [float(control.base) ** float(e) for e in exponents]
    elif isinstance(control, (w.IntSlider, w.BoundedIntText)):
        attr, current = "value", control.value
        step = control.step or 1
        grid = list(range(control.min, control.max + 1, step))
    elif isinstance(control, (w.FloatSlider, w.BoundedFloatText)):
        attr, current = "value", control.value
        grid = [float(v) for v in _grid(control.min, control.max, control.step, n)]
    else:
        raise TypeError(f"primary control is a {type(control).__name__}: no sweep for it")
    if len(grid) < 2:
        raise ValueError(f"primary control has {len(grid)} position(s): nothing to sweep")
    if len(grid) > n:
        picks = np.unique(np.round(np.linspace(0, len(grid) - 1, n)).astype(int))
        grid = [grid[i] for i in picks]
    start = 1 if grid[0] == current else 0
    # Cycles when the control has fewer than n positions; neighbours still differ.
    return attr, [grid[(start + i) % len(grid)] for i in range(n)]


def _grid(lo: float, hi: float, step: float | None, n: int) -> np.ndarray:
    """Positions from ``lo`` to ``hi`` on the ``step`` grid (``n`` positions if no step)."""
    if not step:
        return np.linspace(lo, hi, n)
    count = int(np.floor((hi - lo) / step + 1e-9)) + 1
    return np.round(lo + step * np.arange(count), 12)


def _output_errors(root) -> list[str]:
    """Error outputs in any ``ipywidgets.Output`` reachable from ``root``.

    Explorers send callback errors to an Output widget instead of raising, so a failing
    update would otherwise look fast.
    """
    import ipywidgets as w

    seen, todo, errors = set(), [root], []
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, w.Output):
            for out in obj.outputs:
                if out.get("output_type") == "error":
                    errors.append(f"{out.get('ename')}: {out.get('evalue')}")
                elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                    errors.append(str(out.get("text", "")).strip())
        if isinstance(obj, w.Box):
            todo.extend(obj.children)
        elif not isinstance(obj, w.Widget):
            todo.extend(v for v in vars(obj).values() if isinstance(v, w.Widget))
            todo.extend(
                c for v in vars(obj).values() if isinstance(v, dict) for c in v.values()
                if isinstance(c, w.Widget)
            )
    return errors


def bench_explorer(factory, changes: int) -> dict:
    t0 = time.perf_counter()
    explorer = factory()
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    factory()
    warm = time.perf_counter() - t0

    control = explorer.controls[explorer.primary]
    attr, values = sweep_values(control, changes)
    times = []
    for v in values:
        t0 = time.perf_counter()
        setattr(control, attr, v)
        times.append(time.perf_counter() - t0)
    errors = _output_errors(explorer)
    if errors:
        raise RuntimeError(f"callback error shown in an Output widget: {errors[0]}")
    ms = np.array([_ms(t) for t in times])
    return {
        "primary": f"{explorer.primary} ({type(control).__name__}, {len(set(map(repr, values)))}"
        " values)",
        "cold_ms": _ms(cold),
        "warm_ms": _ms(warm),
        "median_ms": float(np.median(ms)),
        "p90_ms": float(np.percentile(ms, 90)),
    }


def run_explorers(package: str, changes: int) -> int:
    print(f"== Explorers: update time over {changes} changes of the primary control ==")
    failures = 0
    try:
        modules = discover_explorer_modules(package)
    except Exception as exc:  # the package itself does not import
        print(f"  cannot import {package}: {_short_error(exc)}")
        return 1
    if not modules:
        print(f"  (no {package}.m<N>.explorers module yet)")
    header = (
        f"  {'explorer':<34} {'construct':>10} {'again':>8} {'median':>8} {'p90':>8}"
        f"   target median <= {UPDATE_TARGET_MS:.0f} ms"
    )
    for module_name in modules:
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(module_name)
            registry = dict(module.EXPLORERS)
        except Exception as exc:
            print(f"  {module_name}: FAILED to import / read EXPLORERS: {_short_error(exc)}")
            failures += 1
            continue
        print(f"  {module_name} (import {_ms(time.perf_counter() - t0):.0f} ms)")
        print(header)
        for name, factory in registry.items():
            try:
                row = bench_explorer(factory, changes)
            except Exception as exc:
                print(f"  {name:<34} FAILED: {_short_error(exc)}")
                failures += 1
                continue
            verdict = "ok" if row["median_ms"] <= UPDATE_TARGET_MS else "OVER"
            print(
                f"  {name:<34} {row['cold_ms']:>8.0f}ms {row['warm_ms']:>6.0f}ms "
                f"{row['median_ms']:>6.1f}ms {row['p90_ms']:>6.1f}ms   {verdict}"
                f"  [{row['primary']}]"
            )
    return failures


# --- (b) notebooks --------------------------------------------------------------------------

_IMPORT_LINE = re.compile(r"^(import\s+\S|from\s+\S+\s+import\s)")


def import_statements(nb) -> list[str]:
    """Every top-level ``import x`` / ``from x import y`` statement of the code cells, in order."""
    found: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        # Blank out IPython magics and shell escapes so the cell parses as Python.
        lines = [
            "" if line.lstrip().startswith(("%", "!")) else line
            for line in cell.source.splitlines()
        ]
        source = "\n".join(lines)
        try:
            tree = ast.parse(source)
        except SyntaxError:
            statements = [line for line in lines if _IMPORT_LINE.match(line)]
        else:
            statements = [
                ast.get_source_segment(source, node)
                for node in tree.body
                if isinstance(node, (ast.Import, ast.ImportFrom))
            ]
        found.extend(s for s in statements if s and s not in found)
    return found


def floor_notebook(nb):
    """A one-cell notebook with ``nb``'s import statements and its kernel metadata."""
    import nbformat

    floor = nbformat.v4.new_notebook(metadata=dict(nb.metadata))
    floor.cells = [nbformat.v4.new_code_cell("\n".join(import_statements(nb)))]
    return floor


def time_run(nb, folder: Path, timeout: int, kernel_log) -> float:
    """Seconds to execute ``nb`` in a fresh python3 kernel started in ``folder``.

    The time covers kernel start, every cell and kernel shutdown; the kernel's own stderr
    (e.g. ipykernel's TCP notice) goes to ``kernel_log``, an open file.
    """
    import copy

    from nbclient import NotebookClient

    client = NotebookClient(
        copy.deepcopy(nb),
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    t0 = time.perf_counter()
    client.execute(stderr=kernel_log)  # extra keywords go to the kernel's Popen
    return time.perf_counter() - t0


def run_notebooks(source: Path, runs: int, timeout: int) -> int:
    import nbformat

    print(
        f"\n== Notebooks: run-all vs floor (imports only), median of {runs} alternating runs,"
        f" target <= {RATIO_TARGET}x =="
    )
    failures = 0
    folders = sorted(p for p in source.glob("m*_*") if p.is_dir())
    if not folders:
        print(f"  (no module folders in {source})")
    for folder in folders:
        notebooks = sorted(folder.glob("*.ipynb"))
        print(f"  {folder.name}/")
        if not notebooks:
            print("    (no notebooks)")
            continue
        print(f"    {'notebook':<40} {'run-all':>8} {'floor':>8} {'ratio':>6}")
        total_run = total_floor = 0.0
        complete = True
        for path in notebooks:
            tail: list[str] = []
            try:
                with tempfile.TemporaryFile("w+") as kernel_log:
                    try:
                        nb = nbformat.read(path, as_version=4)
                        floor = floor_notebook(nb)
                        run_times, floor_times = [], []
                        for _ in range(runs):
                            run_times.append(time_run(nb, folder, timeout, kernel_log))
                            floor_times.append(time_run(floor, folder, timeout, kernel_log))
                    except Exception:
                        kernel_log.seek(0)
                        tail = [
                            ln for ln in kernel_log.read().splitlines()
                            if ln.strip() and "without encryption" not in ln
                        ]
                        raise
            except Exception as exc:
                print(f"    {path.name:<40} FAILED: {_short_error(exc)}")
                for line in tail[-5:]:
                    print(f"      kernel stderr: {line}")
                failures += 1
                complete = False
                continue
            run_s, floor_s = statistics.median(run_times), statistics.median(floor_times)
            total_run += run_s
            total_floor += floor_s
            ratio = run_s / floor_s
            verdict = "ok" if ratio <= RATIO_TARGET else "OVER"
            print(
                f"    {path.name:<40} {run_s:>7.2f}s {floor_s:>7.2f}s {ratio:>5.2f}x  {verdict}"
            )
        if total_floor:
            ratio = total_run / total_floor
            verdict = "ok" if ratio <= RATIO_TARGET else "OVER"
            partial = "" if complete else "  (failed notebooks left out)"
            print(
                f"    {'module total':<40} {total_run:>7.2f}s {total_floor:>7.2f}s "
                f"{ratio:>5.2f}x  {verdict}{partial}"
            )
    return failures


# --- (c) keys in the browser -------------------------------------------------------------------


def run_browser_keys(presses: int) -> int:
    """Key-to-first-change and held-key settle time of every explorer in JupyterLab."""
    sys.path.insert(0, str(REPO / "tests"))
    import browser_support as bs

    print(f"\n== Keys in JupyterLab (headless chromium): first change after one press, and a "
          f"held key ({presses} presses) from the last press to the final reading ==")
    names = bs.explorer_names()
    failures, firsts, settles = 0, [], []
    with tempfile.TemporaryDirectory(prefix="bench-keys-") as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        bs.write_explorers_notebook(root)
        with bs.lab_server(root, Path(tmp) / "lab") as server, \
                bs.chromium_page() as (page, _blocked, _errors):
            outputs = bs.open_and_run_all(page, server, "all_explorers.ipynb", len(names))
            print(f"  {'explorer':<18} {'first':>7} {'held: reading':>14} {'chart':>7} "
                  f"{'shown':>6}  final = model")
            for (module, name), explorer in zip(names, outputs, strict=True):
                try:
                    key = bs.away_key(module, name)
                    first = bs.first_change(page, explorer, key)
                    held = bs.held_key(page, explorer, key, presses=presses)
                    expected = bs.expected_reading(module, name, held["readout"])
                except Exception as exc:
                    print(f"  {module}.{name:<15} FAILED: {_short_error(exc)}")
                    failures += 1
                    continue
                match = held["final"] == expected
                failures += not match
                if first["reading_ms"] is not None:
                    firsts.append(first["reading_ms"])
                if held["settle_ms"] is not None:
                    settles.append(held["settle_ms"])
                print(f"  {module + '.' + name:<18} {first['reading_ms']!s:>5}ms "
                      f"{held['settle_ms']!s:>12}ms {held['chart_settle_ms']!s:>5}ms "
                      f"{held['readings_shown']:>6}  {'yes' if match else 'NO'}")
                if not match:
                    import difflib

                    diff = [d for d in difflib.ndiff([held["final"]], [expected])
                            if d.startswith("?") is False]
                    print(f"    shown:    {held['final'][:300]}\n    expected: {expected[:300]}"
                          f"\n    (readout {held['readout']}; {len(diff)} lines differ)")
    if firsts:
        first_median = statistics.median(firsts)
        verdict = "ok" if first_median <= FIRST_CHANGE_TARGET_MS else "OVER"
        print(f"  median key-to-first-change {first_median:.0f} ms "
              f"(target <= {FIRST_CHANGE_TARGET_MS:.0f} ms)  {verdict}")
    if settles:
        held_median = statistics.median(settles)
        verdict = "ok" if held_median <= HELD_KEY_TARGET_MS else "OVER"
        print(f"  held key: median {held_median:.0f} ms, worst {max(settles):.0f} ms from the "
              f"last press to the final reading (target <= {HELD_KEY_TARGET_MS:.0f} ms)  "
              f"{verdict}")
    return failures


# --- (d) cohort grading ----------------------------------------------------------------------

GRADING_TARGET = 1.8


def run_grading(learners: int, jobs: int = 2) -> int:
    """Serial nbgrader vs the course's parallel sandboxed grader; 1 if totals differ."""
    from course.grading.benchmark import compare

    print(f"\n== Cohort grading: {learners} learners of Module 1, nbgrader autograde (serial) "
          f"vs grade_cohort.py --jobs {jobs}; target speed-up >= {GRADING_TARGET}")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
            r = compare(Path(tmp), learners=learners, jobs=jobs)
    except Exception as exc:  # noqa: BLE001 - a bench row reports and moves on
        print(f"  FAILED: {_short_error(exc)}")
        return 1
    same = r["serial_totals"] == r["parallel_totals"] and len(r["serial_totals"]) == learners
    print(f"  nbgrader autograde   {r['serial_s']:7.1f} s")
    print(f"  grade_cohort.py -j{jobs} {r['parallel_s']:7.1f} s   speed-up "
          f"{r['speedup']:.2f}x {'(meets target)' if r['speedup'] >= GRADING_TARGET else '(below target)'}")
    print(f"  totals identical for all {learners} learners: {same}")
    if not same:
        print(f"  nbgrader: {r['serial_totals']}\n  ours:     {r['parallel_totals']}")
        print(r["parallel_log"][-1500:])
    return 0 if same else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["explorers", "notebooks", "keys", "grading"])
    parser.add_argument("--presses", type=int, default=30, help="presses of the held key")
    parser.add_argument("--learners", type=int, default=10, help="cohort size for (d)")
    parser.add_argument("--changes", type=int, default=30, help="updates per explorer")
    parser.add_argument("--runs", type=int, default=3, help="runs per notebook and its floor")
    parser.add_argument("--timeout", type=int, default=600, help="per-cell timeout, seconds")
    parser.add_argument("--package", default="course", help="package holding m<N> modules")
    parser.add_argument("--source", type=Path, default=REPO / "source", help="notebook folder")
    args = parser.parse_args(argv)

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; figures only, no assertions")
    failures = 0
    if args.only in (None, "explorers"):
        failures += run_explorers(args.package, args.changes)
    if args.only in (None, "notebooks"):
        failures += run_notebooks(args.source, args.runs, args.timeout)
    if args.only in (None, "keys"):
        try:
            failures += run_browser_keys(args.presses)
        except Exception as exc:       # no chromium, JupyterLab did not start, ...
            print(f"  keys: FAILED: {_short_error(exc)}")
            failures += 1
    if args.only in (None, "grading"):
        failures += run_grading(args.learners)
    if failures:
        print(f"\n{failures} row(s) FAILED")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
