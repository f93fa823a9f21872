"""Where a learner's code runs while it is graded: a bubblewrap sandbox under resource limits.

Every learner kernel (and every process that judges a learner's function) is started through
:meth:`Sandbox.wrap`, which turns a command into::

    bwrap <namespaces> <a minimal read-only root> <one writable scratch folder>
          -- prlimit <limits> -- setpriv <an unprivileged uid, no capabilities> -- COMMAND

What the sandboxed process can see and do:

* **Files.** Only ``/usr``, ``/etc``, the Python installation, the virtual environment and
  the ``course`` package itself, all read-only. The course directory (``source/``,
  ``submitted/``, ``autograded/``, ``gradebook.db``), root's home and every other learner's
  files are simply not there. The one writable place is the learner's scratch folder, mounted
  as ``$HOME`` and the working directory, plus an empty private ``/tmp``.
* **Identity.** A numeric uid of its own (no account, no capabilities, ``no_new_privs``), one
  per grading slot, so the process limit counts only this sandbox and nothing it runs can
  signal or trace another learner's kernel.
* **Network.** None: a private network namespace with no interface up. The grader talks to
  the kernel over ZeroMQ's ``ipc`` transport (Unix sockets in a bound runtime folder).
* **Limits** (:class:`Limits`): address space, CPU seconds, processes and threads, file size,
  and (enforced by the grader, not the kernel) output size.
* **Clean-up.** A private PID namespace: when the outer ``bwrap`` process is killed, every
  process the learner started dies with it. :meth:`Sandbox.kill_all` then kills anything still
  running under the slot's uid, so nothing a submission starts outlives its grading.

When bubblewrap is missing the course refuses to grade (:class:`SandboxUnavailable`) unless the
instructor passes ``--unsafe``; :class:`Unconfined` then runs learner code with the grader's
own rights (the judging still happens outside the kernel).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

BWRAP = "bwrap"


class SandboxUnavailable(RuntimeError):
    """Learner code cannot be isolated on this machine; the message says what to install."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for each sandboxed process (defaults in brackets).

    memory_mb: address space per process [3072 MB]; an 8 GB allocation fails with
        MemoryError instead of taking the machine down.
    cpu_seconds: CPU time per kernel [300 s]; an endless loop ends at the cell timeout
        (nbgrader_config.py, 60 s) or at this limit, whichever comes first.
    processes: processes and threads of the sandbox's uid [256].
    file_mb: largest file the learner's code may write [64 MB].
    output_mb: notebook output the grader keeps per notebook [8 MB]; beyond it, outputs are
        dropped (the answers each check cell reports are always kept) and the notebook is
        flagged.
    function_seconds: wall time to judge one answer that is a function [120 s].
    """

    memory_mb: int = 3072
    cpu_seconds: int = 300
    processes: int = 256
    file_mb: int = 64
    output_mb: int = 8
    function_seconds: int = 120


def _uid_base() -> int:
    """A uid range of this grading run's own (high numbers no account uses)."""
    return 2_000_000_000 + (os.getpid() % 100_000) * 64


def _ancestors(path: Path) -> list[Path]:
    parts = path.parts
    return [Path(*parts[: i + 1]) for i in range(1, len(parts) - 1)]


def _python_roots() -> list[Path]:
    """Folders the sandboxed Python needs: its installation, the venv, site-packages."""
    roots = {Path(sys.base_prefix), Path(sys.prefix)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        roots.add(Path(sysconfig.get_paths()[key]))
    exe = Path(sys.executable)
    roots.add(exe.parent)
    roots.add(exe.resolve().parent.parent)
    resolved = {r.resolve() for r in roots if r.exists()} | {r for r in roots if r.exists()}
    # Keep only the outermost folders.
    keep = sorted(resolved, key=lambda p: len(p.parts))
    out: list[Path] = []
    for p in keep:
        if not any(p == q or q in p.parents for q in out):
            out.append(p)
    return out


def course_package_dir() -> Path:
    """The folder of the importable ``course`` package the grader itself uses."""
    import course

    return Path(course.__file__).resolve().parent


class Sandbox:
    """Runs commands for one grading slot inside bubblewrap (see the module docstring)."""

    confined = True

    def __init__(self, slot: int, limits: Limits | None = None):
        self.slot = slot
        self.limits = limits or Limits()
        self.uid = _uid_base() + slot

    # ------------------------------------------------------------------ the command line
    def wrap(self, command: list[str], scratch: Path, binds: list[Path] = (),
             env: dict | None = None) -> list[str]:
        """``command`` as a sandboxed argv; ``scratch`` is $HOME and the working directory,
        ``binds`` are extra folders bound read-write at the same path (the kernel's runtime
        folder with its connection file and sockets)."""
        bwrap = shutil.which(BWRAP)
        if not bwrap:
            raise SandboxUnavailable(missing_message())
        args = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv",
                "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
        for name in ("bin", "lib", "lib64", "sbin", "lib32", "libx32"):
            top = Path("/") / name
            if top.is_symlink():
                args += ["--symlink", os.readlink(top), str(top)]
            elif top.is_dir():
                args += ["--ro-bind", str(top), str(top)]
        args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/dev/shm",
                 "--perms", "1777", "--tmpfs", "/tmp"]
        made: set[Path] = {Path("/"), Path("/usr"), Path("/etc"), Path("/tmp"), Path("/dev"),
                           Path("/proc")}

        def mount(src: Path, dst: Path, how: str) -> None:
            for parent in _ancestors(dst):
                if parent not in made:
                    args.extend(["--perms", "0755", "--dir", str(parent)])
                    made.add(parent)
            args.extend([how, str(src), str(dst)])
            made.add(dst)

        package = course_package_dir()
        for root in _python_roots():
            if root == Path("/usr") or Path("/usr") in root.parents:
                continue
            mount(root, root, "--ro-bind")
        mount(package, package, "--ro-bind")
        for folder in binds:
            mount(folder, folder, "--bind")
        home = Path("/home/learner")
        mount(scratch, home, "--bind")
        base_env = {
            "HOME": str(home), "USER": "learner", "LOGNAME": "learner", "LANG": "C.UTF-8",
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "PYTHONPATH": str(package.parent), "MPLCONFIGDIR": str(home / ".matplotlib"),
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PM_ML_GRADING": "1", "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": "/tmp",
        }
        base_env.update(env or {})
        for key, value in base_env.items():
            args += ["--setenv", key, value]
        args += ["--chdir", str(home), "--"]
        lim = self.limits
        args += ["prlimit", f"--as={lim.memory_mb * 2**20}", f"--cpu={lim.cpu_seconds}",
                 f"--nproc={lim.processes}", f"--fsize={lim.file_mb * 2**20}", "--core=0",
                 "--"]
        args += ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                 "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"]
        return args + list(command)

    def prepare_scratch(self, scratch: Path) -> None:
        """Make ``scratch`` the slot uid's, with matplotlib's font cache copied in (without
        it every kernel would rebuild the cache, about a second of CPU each)."""
        scratch.mkdir(parents=True, exist_ok=True)
        _copy_font_cache(scratch / ".matplotlib")
        for path in [scratch, *scratch.rglob("*")]:
            os.lchown(path, self.uid, self.uid)

    def own(self, path: Path) -> None:
        os.chown(path, self.uid, self.uid)

    # ------------------------------------------------------------------ clean-up
    def kill_all(self) -> int:
        """Kill every process still running under this slot's uid; return how many."""
        killed = 0
        for _ in range(5):
            pids = [p for p in _pids_of_uid(self.uid) if p != os.getpid()]
            if not pids:
                return killed
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        return killed

    def survivors(self) -> list[int]:
        return _pids_of_uid(self.uid)


class Unconfined(Sandbox):
    """``--unsafe``: learner code runs with the grader's rights; only the judging is safe."""

    confined = False

    def wrap(self, command, scratch, binds=(), env=None):
        return ["env", f"HOME={scratch}", f"MPLCONFIGDIR={scratch / '.matplotlib'}",
                "PM_ML_GRADING=1", "OPENBLAS_NUM_THREADS=1", "OMP_NUM_THREADS=1",
                f"PYTHONPATH={course_package_dir().parent}",
                *[f"{k}={v}" for k, v in (env or {}).items()], *command]

    def prepare_scratch(self, scratch: Path) -> None:
        scratch.mkdir(parents=True, exist_ok=True)
        _copy_font_cache(scratch / ".matplotlib")

    def own(self, path: Path) -> None:
        pass

    def kill_all(self) -> int:
        return 0

    def survivors(self) -> list[int]:
        return []


def _pids_of_uid(uid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            found.append(int(entry))
                        break
        except OSError:
            continue
    return found


_FONT_CACHE: list[Path] | None = None


def _copy_font_cache(target: Path) -> None:
    global _FONT_CACHE
    if _FONT_CACHE is None:
        try:
            import matplotlib
            from matplotlib import font_manager  # noqa: F401  (builds the cache if missing)

            _FONT_CACHE = sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
        except Exception:  # matplotlib is optional for the grader itself
            _FONT_CACHE = []
    target.mkdir(parents=True, exist_ok=True)
    for path in _FONT_CACHE:
        shutil.copy(path, target / path.name)


def missing_message() -> str:
    return ("Learner code must run in a sandbox, and bubblewrap (bwrap) is not installed. "
            "Install it with `sudo apt-get install -y bubblewrap` (Debian/Ubuntu; "
            "`make test` does this via scripts/ensure_bubblewrap.sh), or, only if you trust "
            "every submission, pass --unsafe to run learner code with your own rights.")


def check_available(limits: Limits | None = None) -> None:
    """Raise :class:`SandboxUnavailable` unless a sandboxed command really runs here."""
    if not shutil.which(BWRAP):
        raise SandboxUnavailable(missing_message())
    if os.geteuid() != 0:
        raise SandboxUnavailable(
            "Grading runs each learner under a uid of its own, which needs root (as in the "
            "course's grading container or `sudo`). Run the grader as root, or pass --unsafe "
            "only if you trust every submission.")
    import tempfile

    box = Sandbox(63, limits)
    with tempfile.TemporaryDirectory(prefix="pm-ml-sandbox-check-") as tmp:
        scratch = Path(tmp) / "home"
        box.prepare_scratch(scratch)
        argv = box.wrap([sys.executable, "-c", "import os; print(os.getuid())"], scratch)
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise SandboxUnavailable(f"bubblewrap is installed but failed to start: {err}") \
                from None
        finally:
            box.kill_all()
        if done.returncode != 0 or done.stdout.strip() != str(box.uid):
            raise SandboxUnavailable(
                "bubblewrap is installed but could not start a sandboxed Python here "
                f"(exit {done.returncode}): {done.stderr.strip()[-500:]}")
