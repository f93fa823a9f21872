"""Runs INSIDE the sandbox: defines a learner's function and calls it for the grader.

Started by :mod:`course.grading.functions` as ``python -m course.grading.answer_host`` in a
fresh sandboxed process that no learner kernel ever touched. It reads one JSON frame (the
notebook's locked setup cells, the learner's answer cell, the name to look up), runs them,
then answers call frames (pickled arguments, sent by the grader) with JSON frames holding the
function's return value as plain data.

Nothing this process sends is a verdict: the grader judges the returned values itself. So a
learner's code that writes to the channel, patches modules here or exits early can only
change what "their function returned", never the score's rules.
"""

from __future__ import annotations

import json
import os
import pickle
import struct
import sys

MAX_ITEMS = 200_000


def _frame_read(stream) -> bytes | None:
    head = stream.read(8)
    if len(head) < 8:
        return None
    (size,) = struct.unpack(">Q", head)
    return stream.read(size)


def _frame_write(stream, payload: bytes) -> None:
    stream.write(struct.pack(">Q", len(payload)) + payload)
    stream.flush()


def encode(value, depth: int = 0):
    """A return value as JSON-ready data (see course.grading.functions.decode)."""
    if depth > 6:
        return {"t": "other", "type": "deeply nested value"}
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return {"t": "v", "v": value}
    if kind is float:
        return {"t": "f", "v": repr(value)}
    module = getattr(kind, "__module__", "") or ""
    if module.startswith("numpy") and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return encode(value.item(), depth + 1)
    if module.startswith("pandas") and kind.__name__ == "Timestamp":
        return {"t": "ts", "v": value.isoformat()}
    if module.startswith("pandas") and kind.__name__ in ("NaTType", "NAType"):
        return {"t": "f", "v": "nan"}
    if module.startswith("pandas") and kind.__name__ == "Series":
        if len(value) > MAX_ITEMS:
            return {"t": "other", "type": "Series too long"}
        return {"t": "series", "name": encode(value.name, depth + 1), "dtype": str(value.dtype),
                "index": [encode(i, depth + 1) for i in value.index.tolist()],
                "values": [encode(v, depth + 1) for v in value.tolist()]}
    if module.startswith("pandas") and kind.__name__ == "DataFrame":
        if value.size > MAX_ITEMS:
            return {"t": "other", "type": "DataFrame too large"}
        return {"t": "frame", "index": [encode(i, depth + 1) for i in value.index.tolist()],
                "columns": [[encode(c, depth + 1), encode(value[c], depth + 1)]
                            for c in value.columns]}
    if module.startswith("numpy") and kind.__name__ == "ndarray":
        if value.size > MAX_ITEMS:
            return {"t": "other", "type": "array too large"}
        return {"t": "array", "dtype": str(value.dtype),
                "values": [encode(v, depth + 1) for v in value.ravel().tolist()],
                "shape": list(value.shape)}
    if kind in (list, tuple):
        return {"t": kind.__name__, "v": [encode(v, depth + 1) for v in list(value)[:MAX_ITEMS]]}
    if kind is dict:
        return {"t": "dict", "v": [[encode(k, depth + 1), encode(v, depth + 1)]
                                   for k, v in list(value.items())[:MAX_ITEMS]]}
    return {"t": "other", "type": str(kind.__name__)[:100]}


def main() -> int:
    # The protocol owns the original stdout; the learner's prints go to stderr.
    proto_out = os.fdopen(os.dup(1), "wb")
    proto_in = os.fdopen(os.dup(0), "rb")
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.stdout = sys.stderr

    def send(obj) -> None:
        _frame_write(proto_out, json.dumps(obj, allow_nan=True).encode())

    header = json.loads(_frame_read(proto_in) or b"{}")
    namespace = {"__name__": "__main__"}
    try:
        from IPython.display import display

        namespace["display"] = display
    except ImportError:  # pragma: no cover
        pass
    for label, source in [*[("setup", s) for s in header.get("setup", [])],
                          ("answer", header.get("answer", ""))]:
        try:
            exec(compile(source, f"<{label} cell>", "exec"), namespace)
        except BaseException as err:  # noqa: BLE001 - the learner's code: report, do not die
            send({"error": f"the {label} cell raised {type(err).__name__}: {err}"[:500]})
            return 0
    name = header.get("name", "")
    if name not in namespace:
        send({"error": f"the answer cell does not define `{name}`"})
        return 0
    function = namespace[name]
    send({"ready": True, "callable": callable(function), "type": type(function).__name__})
    while True:
        frame = _frame_read(proto_in)
        if frame is None:
            return 0
        args, kwargs = pickle.loads(frame)
        try:
            result = function(*args, **kwargs)
        except BaseException as err:  # noqa: BLE001
            send({"raised": type(err).__name__, "message": str(err)[:500]})
            continue
        try:
            send({"value": encode(result)})
        except (TypeError, ValueError, OverflowError) as err:
            send({"value": {"t": "other", "type": f"unreadable value ({err})"[:100]}})
        del result


if __name__ == "__main__":
    raise SystemExit(main())
