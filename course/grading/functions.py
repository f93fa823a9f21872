"""Judging answers that are functions (Behaviour parts), without trusting any kernel.

The learner's function is defined afresh in a sandboxed process that runs only the
notebook's locked setup cells (taken from source/, not from the submission) and the
learner's answer cell (:mod:`course.grading.answer_host`); no earlier learner cell and no
state of the graded kernel reaches it. The exercise's judge runs HERE, in the grader, and
calls the learner's function through :class:`RemoteFunction`: arguments go to the sandbox
pickled, return values come back as plain JSON data rebuilt into fresh pandas/numpy objects.
So the judge's code, its modules and the verdict never share a process with learner code.

Anything odd (no reply in time, a malformed frame, the process dying) raises
:class:`HostFailure`, a BaseException the judge's own ``except Exception`` cannot swallow,
and the part is judged not correct, with a message saying why.
"""

from __future__ import annotations

import builtins
import json
import os
import pickle
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course import exercises as ex_api

MAX_FRAME = 64 * 2**20


class HostFailure(BaseException):
    """The sandboxed function host did not answer properly (fail closed)."""


def decode(data, depth: int = 0):
    """Plain data from :func:`course.grading.answer_host.encode` -> a fresh Python value."""
    import numpy as np
    import pandas as pd

    if depth > 8 or not isinstance(data, dict):
        raise HostFailure("malformed value")
    t = data.get("t")
    if t == "v" and (data.get("v") is None or type(data.get("v")) in (bool, int, str)):
        return data["v"]
    if t == "f" and isinstance(data.get("v"), str):
        return float(data["v"])
    if t == "ts" and isinstance(data.get("v"), str):
        return pd.Timestamp(data["v"])
    if t in ("list", "tuple") and isinstance(data.get("v"), list):
        items = [decode(v, depth + 1) for v in data["v"]]
        return items if t == "list" else tuple(items)
    if t == "dict" and isinstance(data.get("v"), list):
        return {decode(k, depth + 1): decode(v, depth + 1) for k, v in data["v"]}
    if t == "series":
        return _series(data, depth)
    if t == "frame":
        index = [decode(i, depth + 1) for i in data["index"]]
        columns = {decode(c, depth + 1): _series(s, depth + 1) for c, s in data["columns"]}
        frame = pd.DataFrame({c: s.to_numpy() for c, s in columns.items()},
                             index=pd.Index(index))
        return frame
    if t == "array":
        values = [decode(v, depth + 1) for v in data["values"]]
        return np.asarray(values, dtype=_dtype(data.get("dtype"))).reshape(
            [int(n) for n in data.get("shape", [len(values)])])
    if t == "other":
        return ex_api.Unsupported(str(data.get("type", "object"))[:100])
    raise HostFailure(f"malformed value of type {t!r:.40}")


_DTYPES = {"float64", "float32", "int64", "int32", "int16", "int8", "uint8", "bool", "object",
           "uint64", "uint32", "uint16"}


def _dtype(name):
    return name if name in _DTYPES else object


def _series(data, depth):
    import pandas as pd

    index = [decode(i, depth + 1) for i in data["index"]]
    values = [decode(v, depth + 1) for v in data["values"]]
    return pd.Series(values, index=pd.Index(index), name=decode(data["name"], depth + 1),
                     dtype=_dtype(data.get("dtype")))


class Host:
    """One sandboxed answer_host process and its framed pipe protocol."""

    def __init__(self, sandbox, scratch: Path, deadline: float):
        self.deadline = deadline
        self.sandbox = sandbox
        sandbox.prepare_scratch(scratch)
        argv = sandbox.wrap([sys.executable, "-m", "course.grading.answer_host"], scratch,
                            env={"MPLBACKEND": "Agg"})
        self.log = open(scratch.parent / f"{scratch.name}.log", "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, start_new_session=True)

    def send(self, payload: bytes) -> None:
        try:
            self.proc.stdin.write(struct.pack(">Q", len(payload)) + payload)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise HostFailure("the process running your function stopped") from None

    def _read_exact(self, n: int) -> bytes:
        out = b""
        fd = self.proc.stdout.fileno()
        while len(out) < n:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise HostFailure("your function did not finish in time")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, min(n - len(out), 1 << 20))
            if not chunk:
                raise HostFailure("the process running your function stopped")
            out += chunk
        return out

    def receive(self) -> dict:
        (size,) = struct.unpack(">Q", self._read_exact(8))
        if size > MAX_FRAME:
            raise HostFailure("your function returned more data than the grader reads")
        try:
            reply = json.loads(self._read_exact(size))
        except ValueError:
            raise HostFailure("the reply from your function could not be read") from None
        if not isinstance(reply, dict):
            raise HostFailure("the reply from your function could not be read")
        return reply

    def close(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()
        self.sandbox.kill_all()
        self.log.close()


class RemoteFunction:
    """Stands for the learner's function in the grader: calls go to the sandbox."""

    def __init__(self, host: Host, name: str):
        self._host = host
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        self._host.send(pickle.dumps((args, kwargs)))
        reply = self._host.receive()
        if "raised" in reply:
            name = str(reply.get("raised"))[:100]
            message = str(reply.get("message", ""))[:500]
            kind = getattr(builtins, name, None)
            if isinstance(kind, type) and issubclass(kind, Exception):
                try:
                    raise kind(message)
                except TypeError:  # an exception type that needs other arguments
                    pass
            raise RuntimeError(f"{name}: {message}")
        if "value" not in reply:
            raise HostFailure("the reply from your function could not be read")
        try:
            return decode(reply["value"])
        except (ValueError, TypeError, KeyError, OverflowError) as err:
            raise HostFailure(f"the value your function returned could not be read ({err})") \
                from None


def judge_function(part, sandbox, setup: list[str], answer: str, seconds: float,
                   workdir: Path | None = None) -> ex_api.Verdict:
    """Judge the function ``part.name`` defined by ``answer`` (after ``setup``)."""
    own_tmp = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="pm-ml-fn-")) if own_tmp else workdir
    host = Host(sandbox, workdir / f"fn-{part.name}", time.monotonic() + seconds)
    try:
        host.send(json.dumps({"setup": setup, "answer": answer, "name": part.name}).encode())
        hello = host.receive()
        if "error" in hello:
            return ex_api.Verdict(part.name, "format", str(hello["error"])[:500])
        if hello.get("ready") is not True:
            raise HostFailure("the process running your function did not start properly")
        if hello.get("callable") is True:
            value = RemoteFunction(host, part.name)
        else:
            value = ex_api.Unsupported(str(hello.get("type", "object"))[:100])
        try:
            status, message = part.kind.judge(value)
        except ex_api.AnswerFormatError as err:
            return ex_api.Verdict(part.name, "format", str(err))
        except Exception as err:  # the judge met data it cannot handle: not correct
            return ex_api.Verdict(part.name, "format",
                                  f"your function's results could not be checked "
                                  f"({type(err).__name__}: {str(err)[:200]})")
        if status not in ("correct", "misconception", "incorrect", "format"):
            status = "incorrect"
        return ex_api.Verdict(part.name, status, str(message))
    except HostFailure as err:
        return ex_api.Verdict(part.name, "format", f"{err}; it was not judged correct")
    finally:
        host.close()
        if own_tmp:
            shutil.rmtree(workdir, ignore_errors=True)


def setup_sources(source_nb, answer_grade_id: str) -> list[str]:
    """The notebook's locked, non-graded code cells before the answer cell, from source/."""
    out = []
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == answer_grade_id:
            break
        if cell.cell_type == "code" and meta.get("locked") and not meta.get("grade") \
                and not meta.get("solution"):
            out.append(_plain_python(cell.source))
    return out


def _plain_python(source: str) -> str:
    """Cell source without IPython-only lines (magics, shell escapes)."""
    return "\n".join("pass  # " + line if line.lstrip().startswith(("%", "!")) else line
                     for line in source.split("\n"))


