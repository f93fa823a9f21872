"""Drive a real JupyterLab in Debian's headless Chromium (used by tests/test_browser.py).

Everything here talks only to 127.0.0.1 and stops every process it starts:

- :func:`lab_server` starts ``jupyter lab`` from the venv on a free port with a random token,
  an isolated settings, workspace, config, data and runtime directory, and no news toast;
  on exit it asks the server to shut down (which stops its kernels), then terminates it and
  any kernel left behind, by process id.
- :func:`chromium_page` launches ``/usr/bin/chromium`` through Playwright's sync API and aborts
  any request that is not for 127.0.0.1.
- :func:`check_explorer` opens a notebook, runs all cells, moves the first explorer's first
  slider with the keyboard and reports whether the reading and the chart changed, with the
  key-press-to-change latency measured inside the page.

Run ``python tests/browser_support.py`` to exercise the harness against a throwaway stand-in
explorer (built in a temporary folder, never in the repository), or pass a notebook path
relative to a root folder: ``python tests/browser_support.py --root release
m1_model_literacy/01_thresholds_and_costs.ipynb``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The repository's venv; a worktree without one uses the interpreter running the tests.
VENV_BIN = REPO / ".venv" / "bin" if (REPO / ".venv" / "bin").is_dir() \
    else Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# JupyterLab user settings written into the temporary settings folder.
LAB_SETTINGS = {
    # No news toast, no update check (both would also be requests to the internet).
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # A notebook without kernelspec metadata starts python3 instead of asking in a dialog.
    "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True},
}

SLIDER_HANDLE = ".widget-slider .noUi-handle"
READING = ".course-reading"
CHART_IMG = "img.course-chart, .course-chart img"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # Field 4 (after the parenthesised command name) is the parent pid.
        fields = text.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for kid in _children(todo.pop()):
            out.append(kid)
            todo.append(kid)
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:  # a zombie is gone for our purposes
        return stat.read_text().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def _kill_pids(pids: list[int], timeout: float = 5.0) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    for pid in pids:
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@dataclass
class LabServer:
    """A running JupyterLab: where it listens, its token and its log file."""

    port: int
    token: str
    root_dir: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """URL of ``path`` (starting with ``/``) with the token attached."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{sep}token={self.token}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as exc:
            return f"(no server log: {exc})"
        return "\n".join(text.splitlines()[-lines:])

    def _request(self, method: str, path: str, timeout: float = 5.0) -> int:
        req = urllib.request.Request(
            f"{self.base_url}{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # only 127.0.0.1
            return resp.status


def fetch_news(response: dict):
    """The effective ``fetchNews`` from JupyterLab's settings API response for the
    notification plugin: the user's value, else the schema default (where overrides land)."""
    return response["settings"].get(
        "fetchNews", response["schema"]["properties"]["fetchNews"]["default"])


def _write_settings(settings_dir: Path, settings: dict) -> None:
    for plugin, values in settings.items():
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))


@contextlib.contextmanager
def lab_server(root_dir: Path, work_dir: Path, startup_timeout: float = 90.0,
               settings: dict | None = None, extra_env: dict | None = None):
    """Start JupyterLab serving ``root_dir``; yield a :class:`LabServer`; always stop it.

    ``work_dir`` receives the isolated Jupyter folders and the server log. ``settings``
    replaces :data:`LAB_SETTINGS` as the user settings; ``extra_env`` is added to the server's
    environment (e.g. ``JUPYTER_CONFIG_PATH``).
    """
    work_dir = Path(work_dir)
    dirs = {
        name: work_dir / name
        for name in ("settings", "workspaces", "config", "data", "runtime", "ipython", "mpl")
    }
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    _write_settings(dirs["settings"], LAB_SETTINGS if settings is None else settings)

    port, token = free_port(), secrets.token_hex(24)
    env = dict(os.environ)
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
        IPYTHONDIR=str(dirs["ipython"]),
        MPLCONFIGDIR=str(dirs["mpl"]),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra_env or {})
    env.pop("JUPYTER_TOKEN", None)
    cmd = [
        str(VENV_BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
        f"--ServerApp.root_dir={root_dir}",
        f"--LabApp.user_settings_dir={dirs['settings']}",
        f"--LabApp.workspaces_dir={dirs['workspaces']}",
    ]
    if os.geteuid() == 0:  # CI and these machines run as root
        cmd.append("--allow-root")
    log_path = work_dir / "jupyter-lab.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = LabServer(port, token, Path(root_dir), log_path, proc)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with {proc.returncode} during startup:\n"
                    + server.log_tail()
                )
            try:
                if server._request("GET", "/api/status", timeout=2) == 200:
                    break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"jupyter lab did not answer within {startup_timeout:.0f} s:\n"
                    + server.log_tail()
                )
            time.sleep(0.25)
        yield server
    finally:
        _stop_server(server)


def _stop_server(server: LabServer) -> None:
    proc = server.process
    if proc.poll() is None:
        # Remember the kernels now: they run in their own sessions, so only their ids find them.
        leftovers = _descendants(proc.pid)
        with contextlib.suppress(Exception):
            server._request("POST", "/api/shutdown", timeout=5)  # also shuts its kernels down
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        _kill_pids([p for p in leftovers if _alive(p)])


@contextlib.contextmanager
def chromium_page(viewport=(1280, 1000)):
    """Yield ``(page, blocked, errors)`` in headless Debian chromium.

    ``blocked`` lists refused (non-127.0.0.1) URLs, ``errors`` the page's console errors and
    uncaught exceptions, for failure messages.
    """
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    errors: list[str] = []

    def is_remote(url: str) -> bool:
        return not url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:"))

    def refuse(route):
        blocked.append(route.request.url)
        route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                viewport={"width": viewport[0], "height": viewport[1]}
            )
            context.route(is_remote, refuse)
            page = context.new_page()
            page.on(
                "console",
                lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None,
            )
            page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
            yield page, blocked, errors
        finally:
            browser.close()


# --- in-page JavaScript -------------------------------------------------------------------

_JS_KERNEL_IDLE = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell && app.shell.currentWidget;
  const sc = w && w.sessionContext;
  const k = sc && sc.session && sc.session.kernel;
  return !!(sc && sc.isReady && k && k.status === 'idle');
}"""

_JS_RUN_ALL = """() => {
  // Not awaited: run-all stops at the first exercise whose visible test raises.
  window.__courseRunAll = window.jupyterapp.commands
    .execute('notebook:run-all-cells')
    .then(() => 'done', (e) => 'error: ' + e);
  return true;
}"""

_JS_CHART_OR_ERROR = """(root) => {
  if (root.querySelector('img.course-chart, .course-chart img')) return 'chart';
  const text = root.innerText || '';
  const i = text.search(/Failed to create view|javascript error/i);
  return i < 0 ? null : 'widget error: ' + text.slice(i, i + 400).split('\\n')[0];
}"""

# Record, in page time, the first key press and the first change of the reading text and of
# the chart's src (re-querying both, so a re-rendered widget is still seen), and when the
# new image finished loading.
_JS_PROBE = """(root) => {
  const q = (sel) => root.querySelector(sel);
  const read = () => {
    const r = q('.course-reading');
    const img = q('img.course-chart, .course-chart img');
    return [r ? r.innerText : null, img ? img.getAttribute('src') : null];
  };
  const [r0, s0] = read();
  const p = {keydown: null, reading: null, src: null, imgLoad: null};
  window.__courseProbe = p;
  document.addEventListener('keydown', () => {
    if (p.keydown === null) p.keydown = performance.now();
  }, true);
  root.addEventListener('load', (e) => {
    if (p.src !== null && p.imgLoad === null && e.target.tagName === 'IMG') {
      p.imgLoad = performance.now();
    }
  }, true);
  new MutationObserver(() => {
    const [r, s] = read();
    const t = performance.now();
    if (p.reading === null && r !== r0) p.reading = t;
    if (p.src === null && s !== s0) p.src = t;
  }).observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
  return [r0, s0];
}"""


@dataclass
class ExplorerCheck:
    """What :func:`check_explorer` saw."""

    reading_before: str
    reading_after: str
    src_before: str
    src_after: str
    latency_ms: dict  # key press -> reading / src change / image loaded, in ms (None if unseen)
    run_all: str | None

    @property
    def reading_changed(self) -> bool:
        return self.reading_after != self.reading_before

    @property
    def src_changed(self) -> bool:
        return self.src_after != self.src_before


def check_explorer(
    page,
    server: LabServer,
    notebook: str,
    presses: int = 3,
    key: str = "ArrowRight",
    change_timeout: float = 20.0,
    screenshot: Path | None = None,
) -> ExplorerCheck:
    """Open ``notebook`` (relative to the server root), run all, move the first slider.

    Waits (polling, at most ``change_timeout`` seconds) until both the reading text and the
    chart src differ from before the key presses; returns what it saw either way.
    """
    page.goto(server.url(f"/lab/tree/{notebook}?reset"), wait_until="domcontentloaded")
    page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
    page.wait_for_function(_JS_KERNEL_IDLE, timeout=90_000, polling=200)
    page.evaluate(_JS_RUN_ALL)

    # The first explorer: the first output that holds a reading.
    explorer = page.locator(".jp-OutputArea-output").filter(has=page.locator(READING)).first
    explorer.wait_for(state="attached", timeout=90_000)
    handle = explorer.locator(SLIDER_HANDLE).first
    reading = explorer.locator(READING).first
    chart = explorer.locator(CHART_IMG).first
    for loc in (handle, reading):
        loc.wait_for(state="attached", timeout=30_000)
    # A widget view that fails to render is replaced by an error box: say so, not "timeout".
    outcome = page.wait_for_function(
        _JS_CHART_OR_ERROR, arg=explorer.element_handle(), timeout=30_000, polling=200
    ).json_value()
    if outcome != "chart":
        # ipywidgets' error box shows its message (e.g. the failing view's TypeError) on click.
        box = explorer.get_by_text("Click to show javascript error").first
        with contextlib.suppress(Exception):
            box.click(timeout=2_000)
            page.wait_for_timeout(300)
            text = explorer.inner_text(timeout=2_000)
            start = text.find("Failed to create view")
            if start >= 0:
                outcome = "widget error: " + " | ".join(text[start:].splitlines()[:2])
        raise AssertionError(f"the explorer's chart did not render: {outcome}")
    explorer.scroll_into_view_if_needed()
    # The chart's first PNG is in place once the img has a src and has loaded it.
    page.wait_for_function(
        "(img) => img.getAttribute('src') && img.complete && img.naturalWidth > 0",
        arg=chart.element_handle(),
        timeout=30_000,
    )
    if screenshot is not None:
        explorer.screenshot(path=str(screenshot))

    reading_before, src_before = page.evaluate(_JS_PROBE, explorer.element_handle())
    handle.focus()
    for _ in range(presses):
        page.keyboard.press(key)

    deadline = time.monotonic() + change_timeout
    while True:
        reading_after = reading.inner_text()
        src_after = chart.get_attribute("src")
        if (reading_after != reading_before and src_after != src_before) or (
            time.monotonic() > deadline
        ):
            break
        time.sleep(0.1)
    probe = page.evaluate("() => window.__courseProbe")
    # evaluate() awaits a returned promise: race run-all's against a short timer.
    run_all = page.evaluate(
        "async () => await Promise.race([window.__courseRunAll, "
        "new Promise((r) => setTimeout(() => r('still running'), 50))])"
    )

    def since_key(name):
        if probe.get("keydown") is None or probe.get(name) is None:
            return None
        return round(probe[name] - probe["keydown"], 1)

    return ExplorerCheck(
        reading_before=reading_before,
        reading_after=reading_after,
        src_before=src_before,
        src_after=src_after,
        latency_ms={
            "reading": since_key("reading"),
            "src": since_key("src"),
            "image_loaded": since_key("imgLoad"),
        },
        run_all=run_all,
    )


# --- every explorer in one notebook ----------------------------------------------------------

EXPLORER_MODULES = ("m1", "m2", "m3", "m4")
PRIMARY_HANDLE = ".course-primary .noUi-handle"


def explorer_names() -> list[tuple[str, str]]:
    """``(module, name)`` of every explorer, in course order."""
    import importlib

    return [(m, name) for m in EXPLORER_MODULES
            for name in importlib.import_module(f"course.{m}.explorers").EXPLORERS]


def write_explorers_notebook(folder: Path, name: str = "all_explorers.ipynb") -> Path:
    """A notebook with one cell per explorer (so one kernel and one page serve all 20)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Every explorer")]
    for module, explorer in explorer_names():
        nb.cells.append(nbformat.v4.new_code_cell(
            f"from course.{module}.explorers import EXPLORERS\n\n"
            f"EXPLORERS[{explorer!r}]()"))
    path = Path(folder) / name
    nbformat.write(nb, path)
    return path


def away_key(module: str, name: str) -> str:
    """The arrow key that moves an explorer's primary control away from its start."""
    import importlib

    import ipywidgets

    explorer = importlib.import_module(f"course.{module}.explorers").EXPLORERS[name]()
    control = explorer.controls[explorer.primary]
    if isinstance(control, ipywidgets.SelectionSlider):
        at_end = control.index == len(control.options) - 1
    else:
        at_end = control.value >= control.max
    return "ArrowLeft" if at_end else "ArrowRight"


def open_and_run_all(page, server: LabServer, notebook: str, outputs: int) -> list:
    """Open ``notebook``, run all cells, wait for ``outputs`` explorer outputs; return them."""
    page.goto(server.url(f"/lab/tree/{notebook}?reset"), wait_until="domcontentloaded")
    page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
    page.wait_for_function(_JS_KERNEL_IDLE, timeout=90_000, polling=200)
    page.evaluate(_JS_RUN_ALL)
    page.wait_for_function(
        f"() => document.querySelectorAll('.course-explorer img.course-chart[src]').length "
        f">= {outputs}", timeout=240_000, polling=500)
    return page.locator(".jp-OutputArea-output").filter(has=page.locator(READING)).all()


# Sizes of things in one explorer that must not be cut: each toggle button's label (and the
# buttons of one control on one row), each control's description.
_JS_FIT = """(root) => {
  const cut = [];
  for (const b of root.querySelectorAll('.widget-toggle-button')) {
    if (b.scrollWidth > b.clientWidth) cut.push('button ' + b.innerText);
  }
  for (const g of root.querySelectorAll('.widget-toggle-buttons .widget-toggle-buttons, '
                                        + '.widget-toggle-buttons')) {
    const tops = new Set([...g.querySelectorAll('.widget-toggle-button')]
                         .map((b) => b.offsetTop));
    if (tops.size > 1) cut.push('buttons wrap: ' + g.innerText.replace(/\\n/g, ' '));
  }
  for (const l of root.querySelectorAll('.widget-label')) {
    if (l.innerText && l.scrollWidth > l.clientWidth) cut.push('label ' + l.innerText);
  }
  return cut;
}"""


def fit_problems(explorer) -> list[str]:
    """Toggle-button labels cut short, buttons wrapping, control descriptions cut short."""
    return sorted(set(explorer.evaluate(_JS_FIT)))


def first_change(page, explorer, key: str, timeout: float = 20.0) -> dict:
    """Focus the explorer's primary control, press ``key`` once; return the key press to
    first reading change, chart src change and new image load (ms, page clock), and the
    readings before and after."""
    explorer.scroll_into_view_if_needed()
    reading_before, src_before = page.evaluate(_JS_PROBE, explorer.element_handle())
    explorer.locator(PRIMARY_HANDLE).first.focus()
    page.keyboard.press(key)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        probe = page.evaluate("() => window.__courseProbe")
        if probe["reading"] is not None and probe["src"] is not None:
            break
        time.sleep(0.05)
    probe = page.evaluate("() => window.__courseProbe")
    after = explorer.locator(READING).first.inner_text()

    def since(name):
        if probe.get("keydown") is None or probe.get(name) is None:
            return None
        return round(probe[name] - probe["keydown"], 1)

    return {"reading_ms": since("reading"), "src_ms": since("src"),
            "image_ms": since("imgLoad"), "before": reading_before, "after": after}


# Every reading change with its time, and every keydown, while a key is held.
_JS_HELD = """(root) => {
  const q = (sel) => root.querySelector(sel);
  const h = {keys: [], changes: [], srcs: []};
  window.__courseHeld = h;
  let last = q('.course-reading').innerText;
  let src = q('img.course-chart, .course-chart img').getAttribute('src');
  root.addEventListener('keydown', () => h.keys.push(performance.now()), true);
  new MutationObserver(() => {
    const t = performance.now();
    const r = q('.course-reading').innerText;
    const s = q('img.course-chart, .course-chart img').getAttribute('src');
    if (r !== last) { h.changes.push([t, r]); last = r; }
    if (s !== src) { h.srcs.push(t); src = s; }
  }).observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
  return last;
}"""


def held_key(page, explorer, key: str, presses: int = 30, quiet_s: float = 1.5,
             timeout: float = 60.0) -> dict:
    """Press ``key`` ``presses`` times as fast as the browser takes them (a held key), wait
    until the reading has been quiet for ``quiet_s``; return the last press to the final
    reading and to the final chart (ms), the number of readings shown on the way, the final
    reading and the primary handle's final ``aria-valuenow``."""
    explorer.scroll_into_view_if_needed()
    page.evaluate(_JS_HELD, explorer.element_handle())
    handle = explorer.locator(PRIMARY_HANDLE).first
    handle.focus()
    for _ in range(presses):
        page.keyboard.press(key)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        held = page.evaluate("() => window.__courseHeld")
        now = page.evaluate("() => performance.now()")
        last = max([c[0] for c in held["changes"]] + held["srcs"] + held["keys"][-1:])
        if now - last > quiet_s * 1000:
            break
        time.sleep(0.1)
    held = page.evaluate("() => window.__courseHeld")
    last_key = held["keys"][-1]
    final_t = held["changes"][-1][0] if held["changes"] else None
    final_src = held["srcs"][-1] if held["srcs"] else None
    return {
        "settle_ms": None if final_t is None else round(max(final_t - last_key, 0.0), 1),
        "chart_settle_ms": None if final_src is None else round(max(final_src - last_key, 0.0),
                                                                1),
        "readings_shown": len(held["changes"]),
        "keys": len(held["keys"]),
        "final": explorer.locator(READING).first.inner_text(),
        # The readout, not aria-valuenow (noUiSlider rounds that to one decimal).
        "readout": explorer.locator(".course-primary .widget-readout").first.inner_text(),
    }


def expected_reading(module: str, name: str, readout: str) -> str:
    """The model's reading with the primary control where its readout says it is (the
    readout's number snapped to the control's step grid, as the slider only stops there)."""
    import importlib
    import math

    import ipywidgets

    explorer = importlib.import_module(f"course.{module}.explorers").EXPLORERS[name]()
    control = explorer.controls[explorer.primary]
    text = readout.strip()
    if isinstance(control, ipywidgets.SelectionSlider):
        control.index = list(control._options_labels).index(text)
        return explorer.reading_text
    number = float(text.replace(",", "").replace("$", "").rstrip("%"))
    if text.endswith("%"):
        number /= 100

    def snap(x, lo, step):
        return round(lo + round((x - lo) / step) * step, 12)

    if isinstance(control, ipywidgets.FloatLogSlider):
        control.value = control.base ** snap(math.log(number, control.base), control.min,
                                             control.step)
    elif isinstance(control, ipywidgets.IntSlider):
        control.value = int(snap(number, control.min, control.step))
    else:
        control.value = snap(number, control.min, control.step)
    return explorer.reading_text


# --- a throwaway stand-in explorer, for developing the harness --------------------------------

STAND_IN_CELL = '''\
import io

import ipywidgets as widgets
from matplotlib.figure import Figure

slider = widgets.IntSlider(value=5, min=0, max=20, description="threshold")
reading = widgets.HTML().add_class("course-reading")
chart = widgets.Image(format="png").add_class("course-chart")
fig = Figure(figsize=(5, 3), dpi=100)
ax = fig.subplots()
(line,) = ax.plot([0, 20], [0, 0], lw=3)
ax.set_xlim(0, 20)
ax.set_ylim(0, 400)


def redraw(change=None):
    t = slider.value
    reading.value = f"<b>Threshold {t}</b>: {t * t} flagged per 1,000"
    line.set_data([0, t], [0, t * t])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    chart.value = buf.getvalue()


slider.observe(redraw, names="value")
redraw()
widgets.VBox([slider, reading, chart])
'''


def write_stand_in_notebook(folder: Path, name: str = "stand_in.ipynb") -> Path:
    """Write a notebook whose explorer has the course's CSS classes, then a failing exercise."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Stand-in explorer"),
        nbformat.v4.new_code_cell(STAND_IN_CELL),
        nbformat.v4.new_code_cell("answer = None\nassert answer is not None, 'not attempted'"),
        nbformat.v4.new_code_cell("print('never reached')"),
    ]
    path = Path(folder) / name
    nbformat.write(nb, path)
    return path


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", help="notebook path relative to --root")
    parser.add_argument("--root", type=Path, help="folder to copy and serve (default: stand-in)")
    parser.add_argument("--screenshot", type=Path, default=Path("/tmp/browser_explorer.png"))
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="browser-check-") as tmp:
        tmp = Path(tmp)
        root = tmp / "root"
        if args.root is None:
            root.mkdir()
            notebook = write_stand_in_notebook(root).name
        else:
            shutil.copytree(args.root, root)
            notebook = args.notebook
        with lab_server(root, tmp / "lab") as server, chromium_page() as (page, blocked, _):
            t0 = time.monotonic()
            result = check_explorer(page, server, notebook, screenshot=args.screenshot)
            print(f"open + run all + key presses: {time.monotonic() - t0:.1f} s")
            print(f"reading: {result.reading_before!r} -> {result.reading_after!r}")
            print(f"src changed: {result.src_changed}; run-all: {result.run_all}")
            print(f"key press -> change (ms): {result.latency_ms}")
            print(f"screenshot: {args.screenshot}; blocked requests: {blocked}")
    return 0 if result.reading_changed and result.src_changed else 1


if __name__ == "__main__":
    sys.exit(main())
