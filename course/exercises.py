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

    ex.q1.check(precision=precision, recall=recall)

prints a confirmation when every part is right and otherwise raises :class:`FeedbackError`
(an AssertionError, so nbgrader scores the cell 0) whose message is the feedback. IPython
shows that message alone instead of a long traceback.
"""

from __future__ import annotations

import hashlib
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
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            if isinstance(value, str):
                raise AnswerFormatError(
                    f"got the text {value!r}; give {self.unit} without quotes, e.g. 0.25")
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


def _normalise_words(text: str) -> str:
    text = text.strip().lower().replace("-", " ").replace("_", " ")
    return re.sub(r"\s+", " ", text)


@dataclass(frozen=True)
class Choice:
    """One option out of a fixed list; spelling, case, dashes and underscores do not matter.

    ``options`` maps each option's canonical name to accepted aliases.
    """

    options: dict[str, tuple[str, ...]]

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
        import datetime as _dt

        if isinstance(value, bool) or isinstance(value, numbers.Number):
            raise AnswerFormatError(
                f"got the number {value!r}; give the day as text, e.g. \"2025-03-14\"")
        if isinstance(value, str):
            text = value.strip()
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise AnswerFormatError(
                    f"{value!r} is not a day in the form \"YYYY-MM-DD\", e.g. \"2025-03-14\"")
            try:
                return [_dt.date.fromisoformat(text).isoformat()]
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


@dataclass
class Verdict:
    """The outcome of judging one part."""

    part: str
    status: str  # "not attempted", "format", "misconception", "incorrect", "correct"
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "correct"


@dataclass
class Exercise:
    """A graded question: its parts, progressive hints and a closing takeaway."""

    key: str
    title: str
    parts: list[Part]
    hints: list[str]
    takeaway: str = ""
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
        return Verdict(part.name, "incorrect", part.wrong)

    def judge(self, **values) -> list[Verdict]:
        """Judge every part; a part missing from ``values`` counts as not attempted."""
        unknown = set(values) - {p.name for p in self.parts}
        if unknown:
            raise TypeError(f"{self.key}.check() got unexpected answers: {sorted(unknown)}")
        return [self.judge_part(p, values.get(p.name)) for p in self.parts]

    def check(self, **values) -> None:
        """Print a confirmation when every part is right; otherwise raise FeedbackError."""
        verdicts = self.judge(**values)
        _PROGRESS[self.key] = self
        if all(v.ok for v in verdicts):
            self._best = "correct"
            print(f"✓ {self.key} ({self.title}): correct.")
            if self.takeaway:
                print(self.takeaway)
            return
        if all(v.status == "not attempted" for v in verdicts):
            if self._best != "correct":
                self._best = "not attempted"
            raise FeedbackError([f"{self.key} ({self.title}) is not attempted yet.",
                                 "Replace each `None` in the answer cell above, run it, then "
                                 "run this cell again."])
        if self._best != "correct":
            self._best = "tried"
        lines = [f"{self.key} ({self.title}): not there yet."]
        for v in verdicts:
            mark = "✓" if v.ok else "✗"
            lines.append(f"  {mark} {v.part}: {'right' if v.ok else v.message}")
        left = len(self.hints) - self._hints_shown
        if left > 0:
            lines.append(f"Stuck? Run {self.key}.hint() for a nudge ({left} hint(s) left).")
        raise FeedbackError(lines)

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


def progress(exercises: list[Exercise], title: str = "Progress") -> str:
    """A one-line-per-exercise summary of this session's checks; also printed."""
    done = sum(1 for e in exercises if e._best == "correct")
    lines = [f"{title}: {done} of {len(exercises)} exercises correct in this session."]
    marks = {"correct": "✓", "tried": "…", "not attempted": "·"}
    for e in exercises:
        lines.append(f"  {marks[e._best]} {e.key}: {e.title} ({e._best})")
    text = "\n".join(lines)
    print(text)
    return text


def digest_for(exercise_key: str, part: str, kind: Number | Choice | Date, value) -> str:
    """The digest an exercise stores for ``value`` (an authoring helper).

    Refuses a number that sits on a rounding boundary at the part's precision, where float
    noise in a learner's computation could round either way.
    """
    forms = kind.canonical(value)
    if len(forms) != 1:
        raise ValueError(f"{value!r} rounds ambiguously ({forms}); change the places")
    return digest(f"{exercise_key}:{part}", forms[0])
