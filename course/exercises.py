"""Exercises as data: answer checking, progressive hints and progress for self-paced learners.

An exercise is declared once, in a module's ``exercises.py``, as a list of *parts* (one per
variable the learner fills in). Each part knows how to read the learner's value (type,
range, spelling), which value is right, and which wrong values come from a known
misconception, each with a message that names the likely mistake without giving the answer.

Answers are stored as salted SHA-256 digests of a canonical form (a number rounded to a
stated number of decimals, a choice's option name), so that what learners install does not
carry the answers in plain text. This is a courtesy, not security: a low-entropy answer can
be brute-forced, and source/ is public. Grading integrity comes from nbgrader's hidden tests,
which recompute the answer independently inside the locked test cell.

Usage in a notebook test cell::

    q1.check(precision=precision, recall=recall)      # visible: feedback for the learner
    ### BEGIN HIDDEN TESTS
    q1.report(precision=precision, recall=recall)     # hidden: the answer as plain data
    ### END HIDDEN TESTS

``check`` prints a confirmation when every part is right, prints a calm "not attempted yet"
(and lets Run All continue) while the answers are still blank, and raises
:class:`FeedbackError` (an AssertionError whose message IPython shows without a traceback)
when an answer is wrong, so a wrong answer stays visible and nbgrader's Validate reports it.

``report`` is what grading relies on. It publishes each answer as plain data (numbers, text,
dates; a function is reported by name) in an output of MIME type :data:`REPORT_MIME`, and
raises unless every part is right, so plain ``nbgrader autograde`` scores a blank or wrong
answer 0. The course's grader (:mod:`course.grading`) does not trust the kernel's verdict:
it reads the reported data out of the executed notebook and judges it again in its own
process with :func:`judge_report`, failing closed when the report is missing or malformed.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import hashlib
import json
import math
import numbers
import re
from dataclasses import dataclass, field

# Values that mean "the learner has not answered yet".
PLACEHOLDERS = (None, Ellipsis)


class FeedbackError(AssertionError):
    """A failed check. The message is written for the learner; IPython shows only it."""

    def __init__(self, lines: list[str]):
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))

    def _render_traceback_(self):  # IPython hook: replaces the stack trace in the notebook
        return ["\x1b[31m" + self.lines[0] + "\x1b[0m", *self.lines[1:]]


def digest(salt: str, canonical: str) -> str:
    """Salted SHA-256 of an answer's canonical form (first 16 hex digits)."""
    return hashlib.sha256(f"{salt}|{canonical}".encode()).hexdigest()[:16]


class AnswerFormatError(ValueError):
    """The learner's value has the wrong type or shape; the message says what to try."""


# --------------------------------------------------------------------------- answer kinds

@dataclass(frozen=True)
class Number:
    """A real number, compared after rounding to ``places`` decimals.

    ``low``/``high`` bound the plausible range (a message says so when outside); ``unit`` is
    used in messages, e.g. "a fraction between 0 and 1" or "orders per day".
    """

    places: int = 3
    low: float = -math.inf
    high: float = math.inf
    unit: str = "a number"

    def canonical(self, value) -> list[str]:
        if isinstance(value, str):
            # A number typed as text ("0.16", " 8,393 ") is still that number.
            text = value.strip().replace(",", "").replace("_", "")
            try:
                value = float(text)
            except ValueError:
                raise AnswerFormatError(
                    f"got the text {value!r}; give {self.unit} as a plain number, "
                    "e.g. 0.25") from None
        elif isinstance(value, decimal.Decimal):
            value = float(value)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise AnswerFormatError(
                f"got a {type(value).__name__}; give {self.unit} (a Python int or float)")
        x = float(value)
        if math.isnan(x) or math.isinf(x):
            raise AnswerFormatError(
                f"got {x}; check for a division by zero or an empty selection")
        if not (self.low <= x <= self.high):
            extra = ""
            if self.high == 1 and 1 < x <= 100:
                extra = " (it looks like a percentage: divide by 100)"
            raise AnswerFormatError(
                f"{x:g} is outside the plausible range for {self.unit} "
                f"[{self.low:g}, {self.high:g}]{extra}")
        # Tiny float noise must not flip a rounding boundary: try the value nudged both ways.
        eps = 10 ** -(self.places + 3)
        # (+ 0.0 turns a rounded -0.0 into 0.0.)
        forms = {f"{round(v, self.places) + 0.0:.{self.places}f}" for v in (x - eps, x, x + eps)}
        return sorted(forms)


def _singular(word: str) -> str:
    """A plural word in its singular form, roughly ("faxes" -> "fax", "queries" -> "query")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith(("xes", "ses", "ches", "shes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _normalise_words(text: str) -> str:
    text = text.strip().lower().replace("-", " ").replace("_", " ")
    text = re.sub(r"[.!\"'`]+$", "", text.strip())
    return " ".join(_singular(w) for w in re.split(r"\s+", text) if w)


@dataclass(frozen=True)
class Choice:
    """One option out of a fixed list; spelling, case, dashes and underscores do not matter.

    ``options`` maps each option's canonical name to accepted aliases.
    """

    options: dict[str, tuple[str, ...]]

    def __post_init__(self):
        seen: dict[str, str] = {}
        for name, aliases in self.options.items():
            for form in (name, *aliases):
                key = _normalise_words(form)
                if seen.setdefault(key, name) != name:
                    raise ValueError(f"{form!r} would match both {seen[key]!r} and {name!r}")

    def canonical(self, value) -> list[str]:
        if not isinstance(value, str):
            raise AnswerFormatError(
                f"got a {type(value).__name__}; give one of these as text in quotes: "
                + ", ".join(repr(o) for o in self.options))
        said = _normalise_words(value)
        if not said:
            raise AnswerFormatError("the answer is empty; write one of the options in quotes")
        for name, aliases in self.options.items():
            if said == _normalise_words(name) or said in {_normalise_words(a) for a in aliases}:
                return [name]
        raise AnswerFormatError(
            f"{value!r} is not one of the options: " + ", ".join(repr(o) for o in self.options))


@dataclass(frozen=True)
class Date:
    """A calendar day; text like "2025-03-14", a date, a datetime or a pandas Timestamp."""

    def canonical(self, value) -> list[str]:
        if isinstance(value, bool) or isinstance(value, numbers.Number):
            raise AnswerFormatError(
                f"got the number {value!r}; give the day as text, e.g. \"2025-03-14\"")
        if isinstance(value, str):
            found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value.strip())
            if not found:
                raise AnswerFormatError(
                    f"{value!r} is not a day in the form \"YYYY-MM-DD\", e.g. \"2025-03-14\"")
            try:
                return [_dt.date(*map(int, found.groups())).isoformat()]
            except ValueError as err:
                raise AnswerFormatError(f"{value!r} is not a real day ({err})") from None
        if hasattr(value, "date") and callable(value.date):  # datetime, pandas.Timestamp
            value = value.date()
        if isinstance(value, _dt.date):
            return [value.isoformat()]
        if type(value).__name__ == "datetime64":  # numpy.datetime64
            return [str(value)[:10]]
        raise AnswerFormatError(
            f"got a {type(value).__name__}; give the day as text, e.g. \"2025-03-14\"")


@dataclass(frozen=True)
class Behaviour:
    """An answer judged by what it does, not by comparison with a stored answer.

    ``judge(value)`` returns ``(status, message)`` with status "correct", "misconception",
    "format" or "incorrect". Used for answers that are functions or fitted objects: the
    judge runs them on fresh data and checks properties (for example "no row uses its own
    future"), so no reference solution has to ship with the course.
    """

    judge: object  # Callable[[object], tuple[str, str]]

    def canonical(self, value) -> list[str]:  # pragma: no cover - not used for behaviours
        raise TypeError("Behaviour parts are judged by running them, not by digest")


# --------------------------------------------------------------------------- exercises

@dataclass(frozen=True)
class Part:
    """One variable of an exercise.

    ``answer`` is the digest of the right canonical form; ``feedback`` maps digests of wrong
    canonical forms (known misconceptions) to a message about the likely mistake.
    """

    name: str
    kind: Number | Choice | Date | Behaviour
    answer: str
    feedback: dict[str, str] = field(default_factory=dict)
    wrong: str = "not right yet"
    # For a number an explorer displays at a coarser precision: (places shown, digest of
    # the answer at those places, made with :func:`close_digest_for`). A value that matches
    # only at the displayed precision reads "close: compute the exact value".
    close: tuple[int, str] | None = None


@dataclass
class Verdict:
    """The outcome of judging one part."""

    part: str
    status: str  # "not attempted", "format", "misconception", "close", "incorrect", "correct"
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "correct"


@dataclass
class Exercise:
    """A graded question: its parts, progressive hints and a closing takeaway.

    ``module`` is set by :func:`register` ("m1", ...). ``group_feedback``, when given, is
    all a wrong attempt shows: use it for exercises of yes/no or leaky/safe parts, where
    marking each part right or wrong would let a learner flip marks to full credit.
    """

    key: str
    title: str
    parts: list[Part]
    hints: list[str]
    takeaway: str = ""
    group_feedback: str | None = None
    module: str = ""
    _hints_shown: int = 0
    _best: str = "not attempted"

    def salt(self, part: str) -> str:
        return f"{self.key}:{part}"

    def judge_part(self, part: Part, value) -> Verdict:
        """Judge one value without printing or raising."""
        if any(value is p for p in PLACEHOLDERS):
            return Verdict(part.name, "not attempted",
                           f"not attempted yet: replace the placeholder `{part.name} = None` "
                           "with your answer and run the cell again")
        if isinstance(part.kind, Behaviour):
            try:
                status, message = part.kind.judge(value)
            except AnswerFormatError as err:
                return Verdict(part.name, "format", str(err))
            return Verdict(part.name, status, message)
        try:
            forms = part.kind.canonical(value)
        except AnswerFormatError as err:
            return Verdict(part.name, "format", str(err))
        digests = [digest(self.salt(part.name), f) for f in forms]
        if part.answer in digests:
            return Verdict(part.name, "correct")
        for d in digests:
            if d in part.feedback:
                return Verdict(part.name, "misconception", part.feedback[d])
        if part.close is not None and isinstance(part.kind, Number):
            places, want = part.close
            if want in {digest(self.salt(part.name) + ":close", f)
                        for f in _coarse_forms(float(forms[0]), places)}:
                return Verdict(part.name, "close",
                               "close: that looks read off the explorer at the precision it "
                               "displays; compute the exact value in code")
        return Verdict(part.name, "incorrect", part.wrong)

    def judge(self, **values) -> list[Verdict]:
        """Judge every part; a part missing from ``values`` counts as not attempted."""
        unknown = set(values) - {p.name for p in self.parts}
        if unknown:
            raise TypeError(f"{self.key}.check() got unexpected answers: {sorted(unknown)}")
        return [self.judge_part(p, values.get(p.name)) for p in self.parts]

    def feedback_lines(self, verdicts: list[Verdict]) -> list[str]:
        """What a learner reads about a wrong attempt (the first line is the headline)."""
        lines = [f"{self.key} ({self.title}): not there yet."]
        if self.group_feedback is not None and any(
                v.status in ("misconception", "incorrect", "close") for v in verdicts):
            lines.append("  " + self.group_feedback)
            lines += [f"  ✗ {v.part}: {v.message}" for v in verdicts
                      if v.status in ("format", "not attempted")]
        else:
            for v in verdicts:
                mark = "✓" if v.ok else ("·" if v.status == "not attempted" else "✗")
                lines.append(f"  {mark} {v.part}: {'right' if v.ok else v.message}")
        return lines

    def check(self, **values) -> None:
        """Tell the learner how the answers stand.

        Every part right: a confirmation. Nothing answered yet, or the answered parts right
        and others still blank: a calm note, no exception, so Run All carries on. Any part
        wrong: :class:`FeedbackError`, which shows the feedback without a traceback.
        """
        verdicts = self.judge(**values)
        _PROGRESS[self.key if not self.module else f"{self.module}.{self.key}"] = self
        statuses = {v.status for v in verdicts}
        if statuses == {"correct"}:
            self._best = "correct"
            _record(self, "correct")
            print(f"✓ {self.key} ({self.title}): correct.")
            if self.takeaway:
                print(self.takeaway)
            return
        if statuses <= {"not attempted", "correct"}:
            if statuses == {"not attempted"}:
                _record(self, "not attempted")
                print(f"· {self.key} ({self.title}) is not attempted yet. Replace each `None` "
                      "in the answer cell above, run it, then run this cell again.")
                return
            if self._best != "correct":
                self._best = "tried"
            _record(self, "tried")
            done = [v.part for v in verdicts if v.ok]
            todo = [v.part for v in verdicts if not v.ok]
            print(f"· {self.key} ({self.title}): {', '.join(done)} right so far; still to "
                  f"answer: {', '.join(todo)}.")
            return
        if self._best != "correct":
            self._best = "tried"
        _record(self, "tried")
        lines = self.feedback_lines(verdicts)
        left = len(self.hints) - self._hints_shown
        if left > 0:
            lines.append(f"Stuck? Run {self.key}.hint() for a nudge ({left} hint(s) left).")
        raise FeedbackError(lines)

    def report(self, **values) -> None:
        """Publish the answers as plain data for the grader; raise unless all are right.

        Used in hidden tests. The output (MIME type :data:`REPORT_MIME`) carries no verdict:
        the course's grader judges the data again in its own process.
        """
        unknown = set(values) - {p.name for p in self.parts}
        if unknown:
            raise TypeError(f"{self.key}.report() got unexpected answers: {sorted(unknown)}")
        payload = {
            "version": REPORT_VERSION,
            "module": self.module,
            "exercise": self.key,
            "answers": {p.name: encode_value(values.get(p.name)) for p in self.parts},
        }
        _publish(payload)
        if not all(v.ok for v in self.judge(**values)):
            raise AssertionError(f"{self.key}: not every part is right")

    def hint(self, level: int | None = None) -> None:
        """Print the next hint (or hint number ``level``, counting from 1)."""
        if not self.hints:
            print("No hints for this one.")
            return
        if level is None:
            self._hints_shown = min(self._hints_shown + 1, len(self.hints))
            level = self._hints_shown
        level = max(1, min(int(level), len(self.hints)))
        self._hints_shown = max(self._hints_shown, level)
        print(f"Hint {level} of {len(self.hints)}: {self.hints[level - 1]}")
        if level == len(self.hints):
            print("That was the last hint. Re-read the explorer's reading and the question.")


_PROGRESS: dict[str, Exercise] = {}
REGISTRY: dict[str, dict[str, Exercise]] = {}


def register(module: str, exercises: list[Exercise]) -> list[Exercise]:
    """Name ``exercises`` as module ``module``'s ("m1") so reports and progress can find them."""
    table = REGISTRY.setdefault(module, {})
    for ex in exercises:
        if ex.key in table and table[ex.key] is not ex:
            raise ValueError(f"{module} already has an exercise {ex.key}")
        ex.module = module
        table[ex.key] = ex
    return exercises


def exercise(module: str, key: str) -> Exercise:
    """The registered exercise ``key`` of ``module`` (imports ``course.<module>.exercises``)."""
    import importlib

    if module not in REGISTRY or key not in REGISTRY[module]:
        if not re.fullmatch(r"m\d+", module):
            raise KeyError(f"no course module {module!r}")
        importlib.import_module(f"course.{module}.exercises")
    return REGISTRY[module][key]


def _record(ex: Exercise, status: str) -> None:
    if not ex.module:
        return
    from course import progress_store

    try:
        progress_store.record(ex.module, ex.key, status)
    except OSError:  # a read-only home must never break a check
        pass


def progress(exercises: list[Exercise], title: str = "Progress") -> None:
    """Print a one-line-per-exercise summary of this session's checks (once, no return value).

    While the course's grader runs the notebook (``PM_ML_GRADING`` set) it prints a pointer
    to the graded scores instead, since a grading kernel's session says nothing about you.
    """
    import os

    if os.environ.get("PM_ML_GRADING"):
        print("Progress is not shown in graded notebooks: your score for each exercise is "
              "next to its check cell.")
        return
    done = sum(1 for e in exercises if e._best == "correct")
    lines = [f"{title}: {done} of {len(exercises)} exercises correct in this session."]
    marks = {"correct": "✓", "tried": "…", "not attempted": "·"}
    for e in exercises:
        lines.append(f"  {marks[e._best]} {e.key}: {e.title} ({e._best})")
    print("\n".join(lines))


# --------------------------------------------------------------------------- reports

REPORT_MIME = "application/vnd.pm-ml-judgment.answers+json"
REPORT_VERSION = 1
_MAX_TEXT = 2000


def encode_value(value) -> dict:
    """A learner's answer as plain JSON data; never calls the value's own methods.

    Only exact built-in types (and numpy scalars, dates, Decimals) are read; anything else
    is reported by its type name, which the grader judges as a format mistake.
    """
    if any(value is p for p in PLACEHOLDERS):
        return {"type": "blank"}
    kind = type(value)
    if kind is bool:
        return {"type": "bool", "value": value}
    if kind is int:
        return {"type": "int", "value": int.__repr__(value)}
    if kind is float:
        return {"type": "float", "value": float.__repr__(value)}
    if kind is str:
        return {"type": "str", "value": str.__str__(value)[:_MAX_TEXT]}
    if kind is decimal.Decimal:
        return {"type": "decimal", "value": decimal.Decimal.__str__(value)}
    module = getattr(kind, "__module__", "")
    if module == "numpy" and kind.__name__ in {
            "float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint64",
            "uint32", "uint16", "uint8", "bool", "bool_", "longlong", "intc"}:
        import numpy as np

        item = np.asarray(value).item()
        return encode_value(item)
    if kind in (_dt.date, _dt.datetime) or (module.startswith("pandas")
                                             and kind.__name__ == "Timestamp"):
        return {"type": "date", "value": _dt.date.isoformat(_dt.datetime.date(value)
                                                           if isinstance(value, _dt.datetime)
                                                           else value)}
    if module == "numpy" and kind.__name__ == "datetime64":
        import numpy as np

        return {"type": "date", "value": str(np.datetime_as_string(value, unit="D"))}
    if kind.__name__ == "function" and module == "builtins":
        return {"type": "function", "name": str(getattr(value, "__name__", ""))[:200]}
    return {"type": "other", "value_type": str(kind.__name__)[:200]}


class Unsupported:
    """Stands for an answer the report could only name by type; every kind refuses it."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self):
        return f"<a {self.type_name}>"


class ReportError(ValueError):
    """A report that is missing, malformed or does not match the cell it came from."""


def decode_value(data) -> object:
    """The plain Python value an :func:`encode_value` dict stands for (grader side)."""
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ReportError(f"an answer entry is not a typed value: {data!r:.200}")
    kind, value = data["type"], data.get("value")
    try:
        if kind == "blank":
            return None
        if kind == "bool" and type(value) is bool:
            return value
        if kind == "int" and isinstance(value, str):
            return int(value)
        if kind == "float" and isinstance(value, str):
            return float(value)
        if kind == "str" and isinstance(value, str):
            return value[:_MAX_TEXT]
        if kind == "decimal" and isinstance(value, str):
            return decimal.Decimal(value)
        if kind == "date" and isinstance(value, str):
            return _dt.date.fromisoformat(value)
    except (ValueError, ArithmeticError) as err:
        raise ReportError(f"a {kind} answer could not be read: {err}") from None
    if kind == "function":
        return FunctionAnswer(str(data.get("name", "")))
    if kind == "other":
        return Unsupported(str(data.get("value_type", "object")))
    raise ReportError(f"unknown answer type {kind!r:.50}")


@dataclass(frozen=True)
class FunctionAnswer:
    """A function answer in a report: the grader judges it from the answer cell's source."""

    name: str


def _publish(payload: dict) -> None:
    try:
        from IPython.display import publish_display_data
    except ImportError:  # pragma: no cover - outside IPython there is nothing to publish to
        return
    publish_display_data({REPORT_MIME: payload,
                          "text/plain": f"[answers to {payload['exercise']} recorded]"})


def parse_report(outputs: list, module: str, key: str) -> dict:
    """The answers of exercise ``key`` from a cell's outputs (a list of output dicts).

    Fails closed: no report, more than one, or one for another exercise raises
    :class:`ReportError`.
    """
    found = [o for o in outputs if isinstance(o, dict)
             and o.get("output_type") in ("display_data", "execute_result")
             and REPORT_MIME in (o.get("data") or {})]
    if not found:
        raise ReportError(f"{key}: the check cell reported no answers")
    if len(found) > 1:
        raise ReportError(f"{key}: the check cell reported answers {len(found)} times")
    payload = found[0]["data"][REPORT_MIME]
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            raise ReportError(f"{key}: the report is not valid JSON") from None
    if not isinstance(payload, dict) or payload.get("version") != REPORT_VERSION:
        raise ReportError(f"{key}: the report has an unknown format")
    if payload.get("exercise") != key or payload.get("module") != module:
        raise ReportError(f"{key}: the report names {payload.get('module')}."
                          f"{payload.get('exercise')} instead")
    answers = payload.get("answers")
    if not isinstance(answers, dict):
        raise ReportError(f"{key}: the report has no answers")
    return {str(name): decode_value(value) for name, value in answers.items()}


def judge_report(module: str, key: str, answers: dict,
                 functions: dict | None = None) -> list[Verdict]:
    """Judge decoded answers with the exercise's own rules, in the caller's process.

    ``functions`` maps a function part's name to a verdict already reached elsewhere (the
    grader judges function answers in a fresh sandboxed process); a function part without
    one is judged "incorrect".
    """
    ex = exercise(module, key)
    names = {p.name for p in ex.parts}
    if set(answers) != names:
        raise ReportError(f"{key}: the report answers {sorted(answers)}, expected "
                          f"{sorted(names)}")
    verdicts = []
    for part in ex.parts:
        value = answers[part.name]
        if isinstance(part.kind, Behaviour):
            if value is None:
                verdicts.append(ex.judge_part(part, None))
            elif isinstance(value, FunctionAnswer) and functions and part.name in functions:
                verdicts.append(functions[part.name])
            else:
                verdicts.append(Verdict(part.name, "format",
                                        "give a function defined with `def` in the answer cell"))
            continue
        if isinstance(value, (FunctionAnswer, Unsupported)):
            verdicts.append(Verdict(part.name, "format",
                                    f"got {value!r}; give a number, text or a date"))
            continue
        verdicts.append(ex.judge_part(part, value))
    return verdicts


def _coarse_forms(x: float, places: int) -> set[str]:
    """``x`` rounded to ``places`` decimals (negative: tens, hundreds...), noise-safe."""
    eps = 10 ** -(max(places, 0) + 3)
    return {f"{round(v, places) + 0.0:.{max(places, 0)}f}" for v in (x - eps, x, x + eps)}


def close_digest_for(exercise_key: str, part: str, places: int, value) -> tuple[int, str]:
    """A :attr:`Part.close` entry: ``value`` as an explorer displays it, at ``places``
    decimals (negative for tens, hundreds: 8,393 shown as 8,400 is ``places=-2``)."""
    forms = sorted(_coarse_forms(float(value), places))
    if len(forms) != 1:
        raise ValueError(f"{value!r} rounds ambiguously at {places} places")
    return (places, digest(f"{exercise_key}:{part}:close", forms[0]))


def digest_for(exercise_key: str, part: str, kind: Number | Choice | Date, value) -> str:
    """The digest an exercise stores for ``value`` (an authoring helper).

    Refuses a number that sits on a rounding boundary at the part's precision, where float
    noise in a learner's computation could round either way.
    """
    forms = kind.canonical(value)
    if len(forms) != 1:
        raise ValueError(f"{value!r} rounds ambiguously ({forms}); change the places")
    return digest(f"{exercise_key}:{part}", forms[0])
