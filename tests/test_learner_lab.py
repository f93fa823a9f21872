"""`make lab` is the learner's JupyterLab: no Nbgrader menu, formgrader or news toast.

The test takes JUPYTER_CONFIG_PATH from `make -n lab` (so it checks what the target really
passes: hub/selfpaced-jupyter-config, then hub/learner-jupyter-config, the folder the hub gives
learners), starts JupyterLab with it in Debian's chromium, and compares with the instructor's
JupyterLab (no learner config), which must still have nbgrader's tools.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from browser_support import CHROMIUM, REPO, chromium_page, fetch_news, lab_server

# Only what every browser test needs; notably NOT the news setting, which must come from
# the learner config.
SETTINGS = {"@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True}}


def learner_config_path() -> str:
    out = subprocess.run(["make", "-s", "-n", "lab"], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout
    m = re.search(r'JUPYTER_CONFIG_PATH="([^"$]+)', out)
    assert m, f"`make lab` does not set JUPYTER_CONFIG_PATH:\n{out}"
    return m.group(1)


def test_make_lab_uses_the_hubs_learner_config():
    dirs = learner_config_path().split(":")
    assert str(REPO / "hub" / "learner-jupyter-config") in dirs


@pytest.mark.browser
@pytest.mark.parametrize("who", ["learner", "instructor"])
def test_learner_lab_has_no_instructor_tools_and_no_news(who, tmp_path):
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: run `make chromium`"
    root = tmp_path / "course"
    shutil.copytree(REPO / "release", root / "release")
    shutil.copy(REPO / "START_HERE.ipynb", root)
    extra_env = {"JUPYTER_CONFIG_PATH": learner_config_path()} if who == "learner" else {}
    with lab_server(root, tmp_path / "lab", settings=SETTINGS, extra_env=extra_env) as server, \
            chromium_page() as (page, blocked, _errors):
        page.goto(server.url("/lab/tree/START_HERE.ipynb"), wait_until="domcontentloaded")
        page.locator(".lm-MenuBar-itemLabel", has_text="File").first.wait_for(timeout=60_000)
        page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
        page.wait_for_timeout(3000)  # the news prompt, if any, comes shortly after start
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        toasts = " ".join(page.locator(".Toastify__toast").all_inner_texts()).lower()
        formgrader = page.request.get(server.url("/formgrader")).status
        news = page.request.get(server.url(
            "/lab/api/settings/@jupyterlab/apputils-extension:notification")).json()
        assert not blocked, blocked

    if who == "learner":
        assert "Nbgrader" not in menus, menus
        assert formgrader == 404
        assert fetch_news(news) == "false", news
        assert "news" not in toasts, toasts
    else:
        assert "Nbgrader" in menus, menus
        assert formgrader == 200
        assert fetch_news(news) != "false"
