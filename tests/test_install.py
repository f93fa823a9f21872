"""The pinned set installs on every Python a learner's machine or a hub may have, and fails fast.

Run with `make test-install` (marker ``install``; `make test` leaves these out): each test builds
a fresh venv in a temporary folder with scripts/install_env.sh, from Debian's /usr/bin/python3
(3.11.2 on Debian 12: a hub's shared environment is built from it) and from every pyenv 3.12
and 3.13 on the machine. They need PyPI (or pip's cache).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTALL = ROOT / "scripts" / "install_env.sh"
DEBIAN_PYTHON = Path("/usr/bin/python3")
PYENV = Path(os.environ.get("PYENV_ROOT", "/root/.pyenv")) / "versions"

pytestmark = pytest.mark.install


def _other_pythons() -> list[Path]:
    found = []
    for minor in ("3.12", "3.13"):
        versions = sorted(PYENV.glob(f"{minor}.*/bin/python3")) if PYENV.is_dir() else []
        if versions:
            found.append(versions[-1])
    return found


PYTHONS = [DEBIAN_PYTHON, *_other_pythons()]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line.strip())
        if m:
            out[_norm(m.group(1))] = m.group(2)
    return out


def _run_install(python: Path, venv: Path, extras: str, constraints: Path | None = None,
                 timeout: float = 1200):
    env = dict(os.environ, PIP_NO_INPUT="1")
    if constraints is not None:
        env["CONSTRAINTS"] = str(constraints)
    t0 = time.monotonic()
    proc = subprocess.run(
        ["bash", str(INSTALL), str(python), str(venv), extras],
        capture_output=True, text=True, env=env, timeout=timeout,
    )
    return proc, time.monotonic() - t0


def test_debian_python_is_there_and_is_what_hubs_use():
    assert DEBIAN_PYTHON.exists(), "Debian's python3 is missing (apt-get install python3-venv)"


@pytest.mark.parametrize("python", PYTHONS, ids=lambda p: str(p))
def test_the_pinned_set_installs(python, tmp_path, capsys):
    """A fresh venv gets exactly the pinned versions, with nothing unpinned, and imports."""
    venv = tmp_path / "venv"
    proc, seconds = _run_install(python, venv, "dev,hub")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    version = subprocess.run([str(venv / "bin/python"), "--version"], capture_output=True,
                             text=True, check=True).stdout.strip()
    with capsys.disabled():
        print(f"\n[install] {version} ({python}): {seconds:.0f} s")

    freeze = subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "list", "--format=freeze",
         "--exclude", "pip", "--exclude", "pm-ml-judgment"],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    installed = {_norm(n): v for n, v in (line.split("==", 1) for line in freeze)}
    pins = _pins(ROOT / "constraints.txt")
    unpinned = sorted(set(installed) - set(pins))
    assert not unpinned, f"installed but not pinned in constraints.txt: {unpinned}"
    wrong = {n: (pins[n], v) for n, v in installed.items() if pins[n] != v}
    assert not wrong, f"installed versions differ from the pins: {wrong}"

    subprocess.run(
        [str(venv / "bin/python"), "-c",
         "import course, nbgrader, jupyterhub, nbgitpuller, statsmodels.api, sklearn, ipywidgets"],
        check=True, cwd=tmp_path,
    )


@pytest.mark.parametrize(
    "name,bad_version,why",
    [
        ("pandas", "0.0.0", "a version that does not exist"),
        # The pin that made pip backtrack for minutes on Debian 12's Python 3.11.2.
        ("soupsieve", "4.1.3", "needs Python >= 3.11.5"),
    ],
)
def test_a_broken_pin_fails_fast_with_a_message(name, bad_version, why, tmp_path):
    if why.startswith("needs"):
        out = subprocess.run([str(DEBIAN_PYTHON), "-c", "import sys; print(*sys.version_info[:3])"],
                             capture_output=True, text=True, check=True).stdout
        found = tuple(int(x) for x in out.split())
        assert found < (3, 11, 5), f"this case needs Debian 12's Python 3.11.2, not {found}"
    constraints = tmp_path / "constraints.txt"
    text = (ROOT / "constraints.txt").read_text()
    text, n = re.subn(rf"(?im)^{name}==\S+$", f"{name}=={bad_version}", text)
    assert n == 1, f"{name} is not pinned in constraints.txt"
    constraints.write_text(text)

    proc, seconds = _run_install(DEBIAN_PYTHON, tmp_path / "venv", "dev,hub", constraints,
                                 timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert seconds < 120, f"took {seconds:.0f} s to fail ({why})"
    assert f"{name}=={bad_version}" in output, output[-3000:]
    assert "install_env: FAILED on Python" in output, output[-3000:]
