"""End to end on a real JupyterHub, as a bootcamp's platform engineer would run it (`make test-hub`).

As root, on 127.0.0.1 only: hub/setup.sh builds the shared environment from Debian's
/usr/bin/python3 under a temporary prefix, creates one instructor and three learners as
throwaway system users (full, partial and empty submissions), and the test starts JupyterHub
(which starts configurable-http-proxy). Then: release to the exchange (START_HERE included),
fetch, submit, collect, the course's cohort grading, generate and release feedback, fetch
feedback, and the scores read back through nbgrader's Gradebook; a learner's notebook opened
through the hub in Chromium; the lock-down (no formgrader, create-assignment or news toast
for a learner) and the instructor's formgrader listing the submissions.

The instructor's course directory is a git clone of this checkout: commit before running.
Every process is stopped and every user removed in the fixture's teardown, also on failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser_support import CHROMIUM, check_explorer, chromium_page, fetch_news, free_port
from grading_support import solved

ROOT = Path(__file__).resolve().parents[1]
MODULE = "m2_data_fluency"  # three notebooks: the shortest module to grade three times
COURSE = "pm-ml-judgment"
BROWSER_NOTEBOOK, BROWSER_KEY = "01_leakage_and_time.ipynb", "ArrowLeft"

pytestmark = pytest.mark.hub


def grade_cohort_cmd(python: Path, course_dir: Path) -> list[str]:
    """The course's cohort grading, in one place (its flags may grow: --jobs, a sandbox)."""
    return [str(python), str(course_dir / "scripts" / "grade_cohort.py"), MODULE,
            "--course-dir", str(course_dir), "--jobs", "2"]


# --------------------------------------------------------------------------- processes, users

def _pids_of_uid(uid: int) -> list[int]:
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            for line in status.read_text().splitlines():
                if line.startswith("Uid:") and int(line.split()[1]) == uid:
                    out.append(int(status.parent.name))
    return out


def _kill(pids: list[int]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        time.sleep(1.0)


class Hub:
    def __init__(self, base: Path, users: dict[str, str]):
        self.base, self.users = base, users
        self.prefix = base / "prefix"
        self.exchange = base / "exchange"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(24)
        self.passwords = {u: secrets.token_urlsafe(12) for u in users}
        self.proc: subprocess.Popen | None = None
        self.user_tokens: dict[str, str] = {}

    @property
    def instructor(self) -> str:
        return next(u for u, role in self.users.items() if role == "instructor")

    def learner(self, kind: str) -> str:
        return next(u for u, role in self.users.items() if role == kind)

    @property
    def python(self) -> Path:
        return self.prefix / "env" / "bin" / "python"

    def home(self, user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)

    # REST
    def request(self, method, url, token, data=None, form=None, timeout=120):
        body, headers = None, {"Authorization": f"token {token}"}
        if data is not None:
            body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # 127.0.0.1 only
                text = resp.read().decode()
                return resp.status, (json.loads(text) if text.strip()[:1] in ("[", "{") else text)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def api(self, method, path, data=None):
        return self.request(method, f"{self.url}/hub/api{path}", self.token, data=data)

    def user_api(self, user, method, path, **kw):
        return self.request(method, f"{self.url}/user/{user}{path}", self.user_tokens[user], **kw)

    def run_as(self, user: str, args: list[str], cwd: Path | None = None, timeout=900):
        env_path = f"{self.prefix / 'env' / 'bin'}:/usr/local/bin:/usr/bin:/bin"
        cmd = ["runuser", "-u", user, "--", "env", "-i", f"HOME={self.home(user)}",
               f"USER={user}", f"PATH={env_path}", "LANG=C.UTF-8", *args]
        return subprocess.run(cmd, cwd=cwd or self.home(user), capture_output=True, text=True,
                              timeout=timeout)

    def start_server(self, user: str) -> None:
        status, body = self.api("POST", f"/users/{user}/server")
        assert status in (201, 202), (status, body)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            _, info = self.api("GET", f"/users/{user}")
            server = info.get("servers", {}).get("", {})
            if server.get("ready"):
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"{user}'s server did not start: {info}\n{self.log_tail()}")
        status, tok = self.api("POST", f"/users/{user}/tokens",
                                {"note": "test-hub", "scopes": [f"access:servers!user={user}"]})
        assert status == 201, (status, tok)
        self.user_tokens[user] = tok["token"]

    def log_tail(self, n=60) -> str:
        with contextlib.suppress(OSError):
            return "\n".join((self.base / "hub.log").read_text().splitlines()[-n:])
        return ""


@pytest.fixture(scope="module")
def hub():
    assert os.geteuid() == 0, "make test-hub runs as root: it creates and removes system users"
    assert shutil.which("configurable-http-proxy"), "run hub/ensure_proxy.sh (make test-hub does)"
    suffix = secrets.token_hex(3)
    users = {f"pmci{suffix}": "instructor", f"pmcf{suffix}": "full",
             f"pmcp{suffix}": "partial", f"pmce{suffix}": "empty"}
    base = Path(tempfile.mkdtemp(prefix="pmc-hub-", dir="/tmp"))
    base.chmod(0o755)
    hub = Hub(base, users)
    t0 = time.monotonic()
    try:
        setup = subprocess.run(
            ["bash", str(ROOT / "hub" / "setup.sh")],
            env=dict(os.environ, COURSE_HUB_PREFIX=str(hub.prefix),
                     COURSE_HUB_EXCHANGE=str(hub.exchange), COURSE_HUB_START="none",
                     COURSE_HUB_PROFILE=str(base / "profile.sh"),
                     INSTRUCTORS=hub.instructor,
                     LEARNERS=" ".join(u for u, r in users.items() if r != "instructor")),
            capture_output=True, text=True, timeout=900,
        )
        assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
        print(f"\n[hub] setup.sh (shared env from /usr/bin/python3): {time.monotonic() - t0:.0f} s")
        subprocess.run(["chpasswd"], input="".join(f"{u}:{p}\n" for u, p in
                                                   hub.passwords.items()),
                       text=True, check=True)
        env = dict(os.environ, COURSE_HUB_PREFIX=str(hub.prefix),
                   COURSE_HUB_BIND_URL=hub.url, COURSE_HUB_HUB_PORT=str(free_port()),
                   COURSE_HUB_PROXY_API_PORT=str(free_port()),
                   COURSE_HUB_ADMIN_TOKEN=hub.token,
                   PATH=f"{hub.prefix / 'env' / 'bin'}:/usr/local/bin:/usr/bin:/bin")
        with open(base / "hub.log", "wb") as log:
            hub.proc = subprocess.Popen(
                [str(hub.prefix / "env" / "bin" / "jupyterhub"), "-f",
                 str(hub.prefix / "jupyterhub_config.py")],
                cwd=hub.prefix / "state", env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            assert hub.proc.poll() is None, f"jupyterhub exited:\n{hub.log_tail()}"
            with contextlib.suppress(OSError, urllib.error.URLError):
                if hub.api("GET", "/")[0] == 200:
                    break
            assert time.monotonic() < deadline, f"hub did not answer:\n{hub.log_tail()}"
            time.sleep(0.5)
        for user in users:
            hub.start_server(user)
        print(f"[hub] hub and four servers up: {time.monotonic() - t0:.0f} s")
        yield hub
    finally:
        _teardown(hub)
        print(f"\n[hub] whole run incl. teardown: {time.monotonic() - t0:.0f} s")


def _teardown(hub: Hub) -> None:
    if hub.proc is not None and hub.proc.poll() is None:
        for user in hub.users:
            with contextlib.suppress(Exception):
                hub.api("DELETE", f"/users/{user}/server")
        hub.proc.send_signal(signal.SIGTERM)  # the hub stops its proxy and servers
        try:
            hub.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            hub.proc.kill()
            hub.proc.wait(timeout=10)
    if hub.proc is not None:
        # The proxy and anything else left in the hub's session (it was started in its own).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(hub.proc.pid, signal.SIGTERM)
    for user in hub.users:
        with contextlib.suppress(KeyError):
            _kill(_pids_of_uid(pwd.getpwnam(user).pw_uid))
        subprocess.run(["userdel", "--remove", user], capture_output=True)
    shutil.rmtree(hub.base, ignore_errors=True)
    left = [u for u in hub.users if subprocess.run(["id", u], capture_output=True).returncode == 0]
    assert not left, f"users left behind: {left}"


# --------------------------------------------------------------------------- the cycle

def _notebook_names() -> list[str]:
    return sorted(p.name for p in (ROOT / "release" / MODULE).glob("*.ipynb"))


def test_release_fetch_submit_collect_grade_feedback(hub: Hub, capsys):
    t0 = time.monotonic()
    course_dir = hub.home(hub.instructor) / COURSE
    # 1. The instructor releases the module (make hub-release: generate --force, START_HERE).
    out = hub.run_as(hub.instructor, ["make", "hub-release", f"A={MODULE}"], cwd=course_dir)
    assert out.returncode == 0, out.stdout + out.stderr
    outbound = hub.exchange / COURSE / "outbound" / MODULE
    assert (outbound / "START_HERE.ipynb").is_file(), sorted(p.name for p in outbound.iterdir())
    assert not (course_dir / "release" / MODULE / "START_HERE.ipynb").exists()

    # 2. Learners fetch through their assignment-list API (what the Assignments tab calls).
    learners = [hub.learner(k) for k in ("full", "partial", "empty")]
    for user in learners:
        status, listing = hub.user_api(user, "POST", "/assignments/fetch",
                                       form={"assignment_id": MODULE, "course_id": COURSE})
        assert status == 200, (user, status, listing)
        folder = hub.home(user) / MODULE
        assert sorted(p.name for p in folder.glob("*.ipynb")) == sorted(
            _notebook_names() + ["START_HERE.ipynb"])

    # 3. Answers, saved through each learner's contents API; a checkpoint exists, as after
    #    opening a notebook in JupyterLab.
    source = {n: nbformat.read(ROOT / "source" / MODULE / n, as_version=4)
              for n in _notebook_names()}
    for user, kind in ((hub.learner("full"), "all"), (hub.learner("partial"), "first")):
        for i, name in enumerate(_notebook_names()):
            if kind == "first" and i > 0:
                break
            path = f"{MODULE}/{name}"
            released = nbformat.read(hub.home(user) / path, as_version=4)
            nb = solved(released, source[name])
            status, body = hub.user_api(user, "PUT", f"/api/contents/{path}",
                                        data={"type": "notebook", "format": "json",
                                              "content": json.loads(nbformat.writes(nb))})
            assert status == 200, (status, body)
    for user in learners:
        status, _ = hub.user_api(user, "POST",
                                 f"/api/contents/{MODULE}/{_notebook_names()[0]}/checkpoints")
        assert status == 201
        assert (hub.home(user) / MODULE / ".ipynb_checkpoints").is_dir()
        status, result = hub.user_api(user, "POST", "/assignments/submit",
                                      form={"assignment_id": MODULE, "course_id": COURSE})
        assert status == 200 and isinstance(result, dict) and result.get("success"), (
            user, status, result)

    # 4. Collect, then the course's cohort grading.
    out = hub.run_as(hub.instructor, ["nbgrader", "collect", MODULE, "--update"], cwd=course_dir)
    assert out.returncode == 0, out.stdout + out.stderr
    for user in learners:
        submitted = course_dir / "submitted" / user / MODULE
        assert (submitted / _notebook_names()[0]).is_file(), user
        assert not (submitted / ".ipynb_checkpoints").exists(), "checkpoints were submitted"
    t_grade = time.monotonic()
    out = hub.run_as(hub.instructor, grade_cohort_cmd(hub.python, course_dir), cwd=course_dir,
                     timeout=1200)
    grade_seconds = time.monotonic() - t_grade
    report = out.stdout + out.stderr
    assert "Traceback" not in report, report[-4000:]
    # The instructor is an ordinary user: learner code ran in a user-namespace sandbox.
    assert "Learner code runs in a sandbox: user namespace" in report, report[-4000:]
    assert "Refusing to grade" not in report and "--unsafe" not in report, report[-4000:]

    # 5. Scores, read back through nbgrader's Gradebook.
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", course_id=COURSE) as gb:
        scores = {u: (gb.find_submission(MODULE, u).code_score,
                      gb.find_submission(MODULE, u).max_code_score) for u in learners}
    full, partial, empty = (scores[u] for u in learners)
    assert full[1] > 0 and full[0] == pytest.approx(full[1]), (scores, report[-3000:])
    assert 0 < partial[0] < partial[1], (scores, report[-3000:])
    assert empty[0] == 0, (scores, report[-3000:])

    # 6. Feedback: generated, released, fetched by each learner.
    for step in (["generate_feedback", MODULE, "--force"], ["release_feedback", MODULE]):
        out = hub.run_as(hub.instructor, ["nbgrader", *step], cwd=course_dir)
        assert out.returncode == 0, out.stdout + out.stderr
    for user in learners:
        status, body = hub.user_api(user, "POST", "/assignments/fetch_feedback",
                                    form={"assignment_id": MODULE, "course_id": COURSE})
        assert status == 200, (status, body)
        html = list((hub.home(user) / MODULE / "feedback").glob("*/*.html"))
        assert len(html) == len(_notebook_names()), (user, html)
    with capsys.disabled():
        print(f"\n[hub] release..feedback: {time.monotonic() - t0:.0f} s "
              f"(cohort grading {grade_seconds:.0f} s); scores {scores}")


def test_instructor_formgrader_lists_the_submissions(hub: Hub):
    status, page = hub.user_api(hub.instructor, "GET", "/formgrader")
    assert status == 200, page[:500] if isinstance(page, str) else page
    status, subs = hub.user_api(hub.instructor, "GET", f"/formgrader/api/submissions/{MODULE}")
    assert status == 200, subs
    names = {s["student"] for s in subs if s.get("submitted")}
    assert names == {hub.learner(k) for k in ("full", "partial", "empty")}, subs


def test_a_learner_has_no_instructor_tools(hub: Hub):
    learner = hub.learner("partial")
    status, _ = hub.user_api(learner, "GET", "/formgrader")
    assert status == 404
    status, page = hub.user_api(learner, "GET", "/lab")
    assert status == 200
    config = json.loads(page.split('id="jupyter-config-data"', 1)[1].split(">", 1)[1]
                        .split("</script>", 1)[0])
    for plugin in ("formgrader", "create-assignment", "course-list"):
        assert f"@jupyter/nbgrader:{plugin}" in config["disabledExtensions"], plugin
    assert "@jupyter/nbgrader:assignment-list" not in config["disabledExtensions"]
    # The instructor keeps them.
    status, page = hub.user_api(hub.instructor, "GET", "/lab")
    assert "@jupyter/nbgrader:create-assignment" not in page


CHECK_SAID_CORRECT = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const cells = panel && panel.content && panel.content.model && panel.content.model.cells;
  if (!cells) return false;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code' || !cell.sharedModel.source.includes('.check(')) continue;
    for (let j = 0; j < cell.outputs.length; j++) {
      const out = cell.outputs.get(j).toJSON();
      if (String(out.text || '').includes(': correct.')) return true;
    }
  }
  return false;
}"""


@pytest.mark.browser
def test_a_learner_works_in_a_notebook_through_the_hub(hub: Hub, tmp_path):
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: run `make chromium`"
    learner = hub.learner("full")
    # Lets the test run JupyterLab commands (run all); the learner's own config folder.
    jupyter_dir = hub.home(learner) / ".jupyter"
    jupyter_dir.mkdir(exist_ok=True)
    (jupyter_dir / "jupyter_server_config.json").write_text(
        json.dumps({"LabApp": {"expose_app_in_browser": True}}))
    shutil.chown(jupyter_dir, learner)
    shutil.chown(jupyter_dir / "jupyter_server_config.json", learner)
    hub.api("DELETE", f"/users/{learner}/server")
    time.sleep(2)
    hub.start_server(learner)

    class Through:
        def url(self, path):
            return f"{hub.url}/user/{learner}{path}"

    with chromium_page() as (page, blocked, errors):
        page.goto(f"{hub.url}/hub/login", wait_until="domcontentloaded")
        page.fill("#username_input", learner)
        page.fill("#password_input", hub.passwords[learner])
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{learner}/**", timeout=60_000)
        try:
            result = check_explorer(page, Through(), f"{MODULE}/{BROWSER_NOTEBOOK}",
                                    key=BROWSER_KEY)
            # The checks ran: run-all reaches the first check, which says "correct". Read the
            # notebook's model, not the page: JupyterLab only renders the cells in view.
            page.wait_for_function(CHECK_SAID_CORRECT, timeout=120_000)
            menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
            page.get_by_text("Nbgrader", exact=True).first.click()
            items = page.locator(".lm-Menu-itemLabel").all_inner_texts()
            toasts = page.locator(".Toastify__toast").all_inner_texts()
        except Exception as exc:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            raise AssertionError(f"{exc}\nscreenshot {tmp_path / 'failure.png'}; "
                                 f"errors {errors[-5:]}\n{hub.log_tail()}") from exc
        assert result.reading_changed and result.src_changed, result
        assert "Nbgrader" in menus, menus
        assert "Assignment List" in items, items
        for instructor_item in ("Formgrader", "Create Assignment", "Course List"):
            assert not any(instructor_item in i for i in items), items
        assert not any("news" in t.lower() for t in toasts), toasts
        assert not blocked, blocked
        settings = page.request.get(
            f"{hub.url}/user/{learner}/lab/api/settings/"
            "@jupyterlab/apputils-extension:notification").json()
        assert fetch_news(settings) == "false", settings
    print(f"\n[hub] browser: key press -> reading {result.latency_ms['reading']} ms",
          file=sys.stderr)
