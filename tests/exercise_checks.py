"""Shared assertions for the answer-key tests (tests/test_mN_exercises.py)."""


def status(exercise, part, value) -> str:
    """How ``exercise`` judges ``value`` for ``part``: correct, misconception, format, ..."""
    p = next(p for p in exercise.parts if p.name == part)
    return exercise.judge_part(p, value).status


def right(exercise, part, value) -> None:
    """The exercise must accept ``value`` as the right answer."""
    assert status(exercise, part, value) == "correct", (exercise.key, part, value)


def named(exercise, part, value) -> None:
    """The exercise must recognise ``value`` as a named misconception (never as right)."""
    assert status(exercise, part, value) == "misconception", (exercise.key, part, value)
