"""Real-browser check: in JupyterLab, moving an explorer's slider changes its reading and chart.

JupyterLab (from the venv, on 127.0.0.1) serves a temporary copy of release/, so the test never
writes outputs into the repository; Debian's headless chromium opens one notebook per module,
runs all cells (run-all stops at the first exercise, which comes after the first explorer),
focuses the first slider handle and presses an arrow key. The harness lives in
tests/browser_support.py; `python tests/browser_support.py` runs it against a stand-in.
"""

from __future__ import annotations

import os
import shutil

import pytest
from browser_support import CHROMIUM, REPO, check_explorer, chromium_page, lab_server

# One explorer per module, with the key that moves its first slider away from its start
# (the leakage explorer starts at its last position, "whole table").
NOTEBOOKS = {
    "m1_model_literacy/01_thresholds_and_costs.ipynb": "ArrowRight",
    "m2_data_fluency/01_leakage_and_time.ipynb": "ArrowLeft",
    "m3_system_awareness/01_latency_and_cost.ipynb": "ArrowRight",
    "m4_deployment_judgment/01_experiments.ipynb": "ArrowRight",
}


@pytest.fixture
def lab(tmp_path):
    """JupyterLab serving a copy of release/; stopped (with its kernels) on teardown."""
    release = REPO / "release"
    for notebook in NOTEBOOKS:
        assert (release / notebook).is_file(), f"release/{notebook} is missing: `make release`"
    root = tmp_path / "release"
    shutil.copytree(release, root)
    with lab_server(root, tmp_path / "lab") as server:
        yield server


@pytest.fixture
def page():
    """A page in headless Debian chromium that may only reach 127.0.0.1."""
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: run `make chromium`"
    with chromium_page() as (page, blocked, errors):
        page.console_errors = errors  # read by the test's failure message
        yield page
        assert not blocked, f"requests to other hosts were attempted: {blocked}"


@pytest.mark.browser
@pytest.mark.parametrize("notebook", list(NOTEBOOKS))
def test_slider_key_press_changes_reading_and_chart(lab, page, tmp_path, capsys, notebook):
    failure_png = tmp_path / "failure.png"

    def context() -> str:
        console = "\n".join(page.console_errors[-10:]) or "(none)"
        return (
            f"screenshot: {failure_png}\nbrowser errors:\n{console}\n"
            f"server log tail:\n{lab.log_tail()}"
        )

    try:
        result = check_explorer(page, lab, notebook, key=NOTEBOOKS[notebook],
                                screenshot=tmp_path / "explorer.png")
    except Exception as exc:
        page.screenshot(path=str(failure_png), full_page=True)
        raise AssertionError(f"browser check did not complete: {exc}\n{context()}") from exc

    with capsys.disabled():
        print(
            f"\n[browser] {notebook}: key press -> reading changed {result.latency_ms['reading']} ms, "
            f"chart src changed {result.latency_ms['src']} ms, "
            f"new chart loaded {result.latency_ms['image_loaded']} ms"
        )
    if not (result.reading_changed and result.src_changed):
        page.screenshot(path=str(failure_png), full_page=True)
    assert result.reading_changed, (
        f"reading stayed {result.reading_before!r} after {NOTEBOOKS[notebook]}\n{context()}"
    )
    assert result.src_changed, f"chart image src did not change after {NOTEBOOKS[notebook]}\n{context()}"
