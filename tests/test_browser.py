"""Real-browser checks: JupyterLab in Debian's headless chromium (tests/browser_support.py).

One JupyterLab server serves a temporary folder for the whole session (never the repository,
so no outputs are written into it): a copy of release/, START_HERE.ipynb, and a notebook with
one cell per explorer (all 20 in one kernel and one page).

- Every explorer renders; one key press on its primary control (the focused slider handle)
  changes its reading and its chart; key-to-first-change is measured in the page and
  printed (target: median <= 50 ms). No toggle-button label and no control description is
  cut short, and a control's buttons stay on one row (``scrollWidth <= clientWidth``).
- A real released notebook (Module 1's first) renders its explorer and reacts to a key.
- After two exercises in two notebooks are answered right in a kernel, START_HERE's
  dashboard (run in the browser) shows them correct and the rest not attempted, with links
  that open the notebooks.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys

import nbformat
import pytest
from browser_support import (
    CHROMIUM,
    REPO,
    away_key,
    check_explorer,
    chromium_page,
    explorer_names,
    first_change,
    fit_problems,
    lab_server,
    open_and_run_all,
    write_explorers_notebook,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(server, root, progress file): JupyterLab over a copy of the course's learner files."""
    tmp = tmp_path_factory.mktemp("browser")
    root = tmp / "root"
    shutil.copytree(REPO / "release", root / "release")
    shutil.copy(REPO / "START_HERE.ipynb", root / "START_HERE.ipynb")
    write_explorers_notebook(root)
    progress = tmp / "progress.json"
    old = os.environ.get("PM_ML_PROGRESS_FILE")
    os.environ["PM_ML_PROGRESS_FILE"] = str(progress)   # the server's kernels inherit it
    try:
        with lab_server(root, tmp / "lab") as server:
            yield server, root, progress
    finally:
        if old is None:
            os.environ.pop("PM_ML_PROGRESS_FILE", None)
        else:
            os.environ["PM_ML_PROGRESS_FILE"] = old


@pytest.fixture
def page():
    """A page in headless Debian chromium that may only reach 127.0.0.1."""
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: run `make chromium`"
    with chromium_page() as (page, blocked, errors):
        page.console_errors = errors
        yield page
        assert not blocked, f"requests to other hosts were attempted: {blocked}"


def _context(page, server, tmp_path) -> str:
    shot = tmp_path / "failure.png"
    page.screenshot(path=str(shot), full_page=True)
    console = "\n".join(page.console_errors[-10:]) or "(none)"
    return f"screenshot: {shot}\nbrowser errors:\n{console}\nserver log:\n{server.log_tail()}"


def test_every_explorer_reacts_to_a_key(served, page, tmp_path, capsys):
    server, _, _ = served
    names = explorer_names()
    assert len(names) == 20
    assert {("m1", "calibration"), ("m3", "llm_eval"), ("m3", "silence")} <= set(names)
    try:
        outputs = open_and_run_all(page, server, "all_explorers.ipynb", len(names))
    except Exception as exc:
        raise AssertionError(f"explorers did not render: {exc}\n"
                             f"{_context(page, server, tmp_path)}") from exc
    assert len(outputs) == len(names)
    rows, failures = [], []
    for (module, name), explorer in zip(names, outputs, strict=True):
        cut = fit_problems(explorer)
        if cut:
            failures.append(f"{module}.{name}: cut short: {cut}")
        seen = first_change(page, explorer, away_key(module, name))
        rows.append((f"{module}.{name}", seen))
        if seen["before"] == seen["after"] or seen["src_ms"] is None:
            failures.append(f"{module}.{name}: no change after a key press: {seen}")
    firsts = [s["reading_ms"] for _, s in rows if s["reading_ms"] is not None]
    with capsys.disabled():
        print("\n[browser] key press -> first reading change / chart src / image loaded (ms)")
        for label, s in rows:
            print(f"  {label:<18} {s['reading_ms']!s:>7} {s['src_ms']!s:>7} "
                  f"{s['image_ms']!s:>7}")
        if firsts:
            print(f"  median key-to-first-change {statistics.median(firsts):.0f} ms "
                  f"over {len(firsts)} explorers (target <= 50 ms)")
    if failures:
        raise AssertionError("\n".join(failures) + "\n" + _context(page, server, tmp_path))


def test_a_released_notebook_renders_its_explorer(served, page, tmp_path):
    server, _, _ = served
    try:
        result = check_explorer(page, server,
                                "release/m1_model_literacy/01_thresholds_and_costs.ipynb",
                                screenshot=tmp_path / "explorer.png")
    except Exception as exc:
        raise AssertionError(f"{exc}\n{_context(page, server, tmp_path)}") from exc
    assert result.reading_changed and result.src_changed


def _answer(root, module_folder: str, notebook: str, key: str) -> None:
    """Run the source notebook's cells up to and including ``key``'s check cell in a kernel
    started in the served copy of the module folder: the right answer, checked."""
    from nbclient import NotebookClient

    source = nbformat.read(REPO / "source" / module_folder / f"{notebook}.ipynb", as_version=4)
    cells = []
    for cell in source.cells:
        cells.append(cell)
        if cell.cell_type == "code" and f"{key}.check(" in cell.source:
            break
    else:
        raise AssertionError(f"no {key}.check( in {notebook}")
    source.cells = cells
    folder = root / "release" / module_folder
    env_path = f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}"
    os.environ["PATH"] = env_path
    NotebookClient(source, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()


def test_start_here_dashboard_shows_answered_exercises(served, page, tmp_path):
    server, root, progress = served
    _answer(root, "m1_model_literacy", "01_thresholds_and_costs", "q1")
    _answer(root, "m3_system_awareness", "01_latency_and_cost", "q1")
    assert progress.is_file()
    page.goto(server.url("/lab/tree/START_HERE.ipynb?reset"), wait_until="domcontentloaded")
    page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget;"
        " const k = w && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel; return !!(k && k.status === 'idle'); }",
        timeout=90_000, polling=200)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    table = page.locator(".jp-RenderedMarkdown table").first
    try:
        table.wait_for(state="visible", timeout=90_000)
    except Exception as exc:
        raise AssertionError(f"{exc}\n{_context(page, server, tmp_path)}") from exc
    text = page.locator(".jp-OutputArea-output").filter(has=page.locator("table")).first
    content = text.inner_text()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert content.startswith("2 of "), content[:200]
    rows = {line.split("\t")[0]: line for line in content.splitlines() if "\t" in line}
    m1 = [line for line in content.splitlines() if line.startswith("q1: precision and recall")]
    assert m1 and "✓ correct" in m1[0], content
    assert content.count("✓ correct") == 2 and "not attempted" in content, rows
    assert page.locator("img").filter(has_not=page.locator("svg")).count() >= 1
    # The table's links open the notebooks (relative to START_HERE's folder).
    link = text.locator("a", has_text="01_latency_and_cost").first
    link.click()
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget;"
        " return !!(w && w.context && w.context.path.endsWith('01_latency_and_cost.ipynb')); }",
        timeout=30_000)
