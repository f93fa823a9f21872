"""Where a learner's code runs while it is graded: a bubblewrap sandbox under resource limits.

Every learner kernel (and every process that judges a learner's function) is started through
:meth:`Sandbox.wrap`, which turns a command into::

    bwrap <namespaces> <a minimal read-only root> <one writable scratch folder>
          -- prlimit <limits> -- setpriv <an unprivileged uid, no capabilities> -- COMMAND

That is the **root mode** (:class:`Sandbox`: the grading container, CI, ``sudo``). An
instructor who is an ordinary user (a terminal on the course's JupyterHub) gets the
**user-namespace mode** (:class:`UserNamespaceSandbox`): the same bwrap command plus
``--unshare-user`` and without ``setpriv`` (no uid switching without root). The learner's
code then runs with the instructor's uid *outside* the sandbox, but sees only what is mounted
into it, holds no capability, and cannot see, signal or trace a process outside its PID
namespace. :func:`check_available` probes which mode really works here and returns it.

What the sandboxed process can see and do:

* **Files.** Only ``/usr``, ``/etc``, the Python installation, the virtual environment and
  the ``course`` package itself, all read-only. The course directory (``source/``,
  ``submitted/``, ``autograded/``, ``gradebook.db``), root's home and every other learner's
  files are simply not there. The one writable place is the learner's scratch folder, mounted
  as ``$HOME`` and the working directory, plus an empty private ``/tmp``.
* **Identity.** Root mode: a numeric uid of its own (no account, no capabilities,
  ``no_new_privs``), one per grading slot, so the process limit counts only this sandbox and
  nothing it runs can signal or trace another learner's kernel. User-namespace mode: a user
  namespace of its own per sandboxed process (no capabilities outside it; nested user
  namespaces disabled where bwrap supports it); the PID namespace keeps other learners'
  kernels out of reach.
* **Network.** None: a private network namespace with no interface up. The grader talks to
  the kernel over ZeroMQ's ``ipc`` transport (Unix sockets in a bound runtime folder).
* **Limits** (:class:`Limits`): address space, CPU seconds, processes and threads, file size,
  and (enforced by the grader, not the kernel) output size.
* **Clean-up.** A private PID namespace: when the outer ``bwrap`` process is killed, every
  process the learner started dies with it (``--die-with-parent`` kills the namespace's init,
  and the kernel kills every process of a namespace whose init dies). Root mode:
  :meth:`Sandbox.kill_all` then kills anything still running under the slot's uid.
  User-namespace mode: :meth:`UserNamespaceSandbox.kill_all` kills the slot's ``bwrap``
  processes (found by a token in their command line) and all their descendants. Either way
  nothing a submission starts outlives its grading.

When bubblewrap is missing the course refuses to grade (:class:`SandboxUnavailable`) unless the
instructor passes ``--unsafe``; :class:`Unconfined` then runs learner code with the grader's
own rights (the judging still happens outside the kernel).
"""

from __future__ import annotations

import os
import secrets
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
    """Runs commands for one grading slot inside bubblewrap, as root (see the module
    docstring)."""

    confined = True
    mode = "root (a uid per grading slot)"

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
        args = [bwrap, *self._namespaces(), "--unshare-ipc", "--unshare-pid", "--unshare-net",
                "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
                "--clearenv", "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
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
        base_env.update(self._marker_env())
        for key, value in base_env.items():
            args += ["--setenv", key, value]
        args += ["--chdir", str(home), "--"]
        args += ["prlimit", *self._prlimits(), "--"]
        args += self._identity()
        return args + list(command)

    def _namespaces(self) -> list[str]:
        return []

    def _marker_env(self) -> dict:
        return {}

    def _prlimits(self) -> list[str]:
        lim = self.limits
        return [f"--as={lim.memory_mb * 2**20}", f"--cpu={lim.cpu_seconds}",
                f"--nproc={lim.processes}", f"--fsize={lim.file_mb * 2**20}", "--core=0"]

    def _identity(self) -> list[str]:
        return ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"]

    def expected_uid(self) -> int:
        """The uid a sandboxed process reports (checked by :func:`check_available`)."""
        return self.uid

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


class UserNamespaceSandbox(Sandbox):
    """The same sandbox for an instructor without root: bwrap in a user namespace.

    No uid switching and no chown (the instructor owns the scratch folder); the slot's
    processes are the ``bwrap`` processes whose command line carries this object's token,
    and everything descended from them (inside the PID namespace, learner code cannot
    reparent itself outside it)."""

    mode = "user namespace (as the instructor, no root)"

    def __init__(self, slot: int, limits: Limits | None = None):
        super().__init__(slot, limits)
        self.uid = os.getuid()
        self.token = f"pm-ml-slot-{os.getpid()}-{slot}-{secrets.token_hex(6)}"

    def _namespaces(self) -> list[str]:
        return ["--unshare-user", *(["--disable-userns"] if _bwrap_has("--disable-userns")
                                    else [])]

    def _marker_env(self) -> dict:
        return {"PM_ML_SANDBOX": self.token}

    def _prlimits(self) -> list[str]:
        limits = super()._prlimits()
        if not nproc_counts_per_namespace():
            # Before Linux 5.14 RLIMIT_NPROC counts every process of the real uid, i.e. all
            # of the instructor's: a low cap would stop the kernel from starting threads. The
            # PID namespace (killed as a whole after each notebook) bounds a fork bomb's life.
            limits = [a for a in limits if not a.startswith("--nproc=")]
        return limits

    def _identity(self) -> list[str]:
        return []

    def expected_uid(self) -> int:
        return os.getuid()

    def prepare_scratch(self, scratch: Path) -> None:
        scratch.mkdir(parents=True, exist_ok=True)
        _copy_font_cache(scratch / ".matplotlib")

    def own(self, path: Path) -> None:
        pass  # the instructor's own files are the sandbox's (same uid, mapped)

    def _mine(self) -> list[int]:
        """The slot's bwrap processes first, then every descendant of them."""
        table = _process_table()
        roots = [pid for pid, (_, uid) in table.items()
                 if uid == self.uid and _is_bwrap_of(pid, self.token)]
        found, frontier = list(roots), set(roots)
        children: dict[int, list[int]] = {}
        for pid, (ppid, _) in table.items():
            children.setdefault(ppid, []).append(pid)
        while frontier:
            nxt = set()
            for pid in frontier:
                for child in children.get(pid, []):
                    if child not in found:
                        found.append(child)
                        nxt.add(child)
            frontier = nxt
        return [p for p in found if p != os.getpid()]

    def kill_all(self) -> int:
        """Kill the slot's bwrap processes (their PID namespaces die with them) and anything
        descended from them; return how many processes were killed."""
        killed = 0
        for _ in range(20):
            pids = self._mine()
            if not pids:
                return killed
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.05)
        return killed

    def survivors(self) -> list[int]:
        # A zombie (killed, not yet reaped by the grader's process) runs nothing.
        return [p for p in self._mine() if _state(p) not in ("Z", "X", "")]


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


def _process_table() -> dict[int, tuple[int, int]]:
    """{pid: (parent pid, real uid)} of every process visible in /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as f:
                ppid = uid = None
                for line in f:
                    if line.startswith("PPid:"):
                        ppid = int(line.split()[1])
                    elif line.startswith("Uid:"):
                        uid = int(line.split()[1])
                        break
        except (OSError, ValueError):
            continue
        if ppid is not None and uid is not None:
            table[int(entry)] = (ppid, uid)
    return table


def _is_bwrap_of(pid: int, token: str) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except OSError:
        return False
    return (bool(argv) and Path(argv[0].decode(errors="replace")).name == BWRAP
            and token.encode() in argv)


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def nproc_counts_per_namespace() -> bool:
    """Since Linux 5.14, RLIMIT_NPROC inside a user namespace counts only that namespace's
    processes (the instructor's own processes outside it do not count against the cap)."""
    try:
        major, minor = (int(x) for x in os.uname().release.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (5, 14)


_BWRAP_HELP: str | None = None


def _bwrap_has(option: str) -> bool:
    global _BWRAP_HELP
    if _BWRAP_HELP is None:
        try:
            _BWRAP_HELP = subprocess.run([shutil.which(BWRAP) or BWRAP, "--help"],
                                         capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.TimeoutExpired):
            _BWRAP_HELP = ""
    return option in _BWRAP_HELP


_FONT_CACHE: list[Path] | None = None


def font_cache_files() -> list[Path]:
    """matplotlib's font cache of the grading user, built once (before workers fork)."""
    global _FONT_CACHE
    if _FONT_CACHE is None:
        try:
            import matplotlib
            from matplotlib import font_manager  # noqa: F401  (builds the cache if missing)

            _FONT_CACHE = sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
        except Exception:  # matplotlib is optional for the grader itself
            _FONT_CACHE = []
    return _FONT_CACHE


def _copy_font_cache(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for path in font_cache_files():
        shutil.copy(path, target / path.name)


def missing_message() -> str:
    return ("Learner code must run in a sandbox, and bubblewrap (bwrap) is not installed. "
            "Install it with `sudo apt-get install -y bubblewrap` (Debian/Ubuntu; "
            "`make test` does this via scripts/ensure_bubblewrap.sh), or, only if you trust "
            "every submission, pass --unsafe to run learner code with your own rights.")


def _probe(box_class: type[Sandbox], limits: Limits | None) -> str | None:
    """Run a tiny Python in a ``box_class`` sandbox; None if it ran as expected, else why."""
    import tempfile

    box = box_class(63, limits)
    with tempfile.TemporaryDirectory(prefix="pm-ml-sandbox-check-") as tmp:
        scratch = Path(tmp) / "home"
        try:
            box.prepare_scratch(scratch)
            argv = box.wrap([sys.executable, "-c", "import os; print(os.getuid(), os.getpid())"],
                            scratch)
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as err:
            return f"failed to start: {err}"
        finally:
            box.kill_all()
        words = done.stdout.split()
        if done.returncode != 0 or len(words) != 2:
            return f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
        if words[0] != str(box.expected_uid()) or int(words[1]) > 3:
            return f"ran, but as uid {words[0]}, pid {words[1]} (no private PID namespace)"
    return None


def check_available(limits: Limits | None = None) -> type[Sandbox]:
    """The sandbox class that really runs a sandboxed Python here: root mode as root (user
    namespaces if that fails), user-namespace mode otherwise. Raise
    :class:`SandboxUnavailable` with what to do when neither works."""
    if not shutil.which(BWRAP):
        raise SandboxUnavailable(missing_message())
    candidates = [Sandbox, UserNamespaceSandbox] if os.geteuid() == 0 \
        else [UserNamespaceSandbox]
    tried = []
    for box_class in candidates:
        why = _probe(box_class, limits)
        if why is None:
            return box_class
        tried.append(f"{box_class.mode}: {why}")
    raise SandboxUnavailable(
        "bubblewrap is installed but could not start a sandboxed Python here ("
        + "; ".join(tried) + "). Without root, grading needs unprivileged user namespaces: "
        "on Debian `sysctl kernel.unprivileged_userns_clone=1`; on Ubuntu 24.04 "
        "`sysctl kernel.apparmor_restrict_unprivileged_userns=0` (or an AppArmor profile "
        "for bwrap). Or run the grader as root, or pass --unsafe only if you trust every "
        "submission.")
