"""Where a learner's progress survives kernel restarts: one small JSON file, never the network.

Each check records, per exercise, the best result so far ("correct" beats "tried" beats "not
attempted") and the latest one. The file lives at ``$PM_ML_PROGRESS_FILE`` when that is set,
otherwise under the learner's data folder (``$XDG_DATA_HOME`` or ``~/.local/share``), so it
works the same on a laptop and on a hub, where every learner has a home of their own.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import tempfile
from pathlib import Path

RANK = {"not attempted": 0, "tried": 1, "correct": 2}


def progress_path() -> Path:
    """The progress file's path (it may not exist yet)."""
    explicit = os.environ.get("PM_ML_PROGRESS_FILE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pm-ml-judgment" / "progress.json"


def load(path: Path | None = None) -> dict[str, dict]:
    """{"m1.q1": {"best": ..., "last": ..., "updated": ...}}; empty when there is no file.

    A damaged file reads as empty rather than breaking a check.
    """
    path = path or progress_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items()
            if isinstance(v, dict) and v.get("best") in RANK and v.get("last") in RANK}


def record(module: str, key: str, status: str, path: Path | None = None) -> None:
    """Record one check's result; keeps the best result and the latest one."""
    if status not in RANK:
        raise ValueError(f"unknown status {status!r}")
    if os.environ.get("PM_ML_GRADING"):
        return  # a grading kernel is not the learner's session
    path = path or progress_path()
    data = load(path)
    entry = data.get(f"{module}.{key}", {"best": "not attempted"})
    best = max(entry["best"], status, key=RANK.__getitem__)
    data[f"{module}.{key}"] = {"best": best, "last": status,
                               "updated": _dt.datetime.now().isoformat(timespec="seconds")}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".progress-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(tmp, path)
