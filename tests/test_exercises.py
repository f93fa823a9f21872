"""The exercise framework: every kind of learner input gets the right kind of feedback."""

import math

import numpy as np
import pytest

from course.exercises import (
    Choice,
    Exercise,
    FeedbackError,
    Number,
    Part,
    digest_for,
    progress,
)

FRACTION = Number(places=3, low=0, high=1, unit="a fraction between 0 and 1")
COLOURS = Choice({"red": ("crimson",), "green": (), "blue": ("navy blue",)})


def make_exercise():
    return Exercise(
        key="qx",
        title="a test exercise",
        parts=[
            Part("share", FRACTION, digest_for("qx", "share", FRACTION, 0.25),
                 {digest_for("qx", "share", FRACTION, 0.75): "that is the complement."},
                 wrong="recount."),
            Part("colour", COLOURS, digest_for("qx", "colour", COLOURS, "green"),
                 {digest_for("qx", "colour", COLOURS, "red"): "red is the trap."}),
        ],
        hints=["first nudge", "second nudge"],
        takeaway="well done.",
    )


def test_right_answers_pass_and_print(capsys):
    ex = make_exercise()
    ex.check(share=0.25, colour="Green")
    out = capsys.readouterr().out
    assert "✓ qx" in out and "correct" in out and "well done." in out


@pytest.mark.parametrize("value", [0.25, np.float64(0.25), 0.2500001, np.float32(0.25)])
def test_numbers_of_any_real_type_and_float_noise_pass(value):
    assert make_exercise().judge(share=value, colour="green")[0].ok


def test_placeholders_read_not_attempted():
    ex = make_exercise()
    with pytest.raises(FeedbackError) as err:
        ex.check(share=None, colour=None)
    assert "not attempted yet" in str(err.value)
    assert "wrong" not in str(err.value).lower()
    assert [v.status for v in ex.judge(share=None, colour=...)] == ["not attempted"] * 2


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0.25", "without quotes"),
        (True, "give a fraction"),
        ([0.25], "give a fraction"),
        (float("nan"), "division by zero"),
        (25, "percentage"),
        (-0.1, "outside the plausible range"),
    ],
)
def test_wrong_types_and_ranges_say_what_to_try(value, expected):
    verdict = make_exercise().judge(share=value, colour="green")[0]
    assert verdict.status == "format"
    assert expected in verdict.message


def test_known_misconception_is_named_without_the_answer():
    ex = make_exercise()
    with pytest.raises(FeedbackError) as err:
        ex.check(share=0.75, colour="green")
    text = str(err.value)
    assert "that is the complement." in text
    assert "0.25" not in text
    assert "✓ colour: right" in text


def test_unknown_wrong_answer_gets_the_generic_message_and_a_hint_pointer():
    with pytest.raises(FeedbackError) as err:
        make_exercise().check(share=0.5, colour="blue")
    text = str(err.value)
    assert "recount." in text and "qx.hint()" in text


def test_choice_spelling_is_forgiving_but_unknown_options_are_listed():
    assert COLOURS.canonical("  NAVY-blue ") == ["blue"]
    assert COLOURS.canonical("crimson") == ["red"]
    with pytest.raises(ValueError, match="not one of the options: 'red', 'green', 'blue'"):
        COLOURS.canonical("purple")
    with pytest.raises(ValueError, match="empty"):
        COLOURS.canonical("   ")
    with pytest.raises(ValueError, match="as text in quotes"):
        COLOURS.canonical(3)


def test_misconception_for_a_choice():
    verdicts = make_exercise().judge(share=0.25, colour="crimson")
    assert verdicts[1].status == "misconception" and verdicts[1].message == "red is the trap."


def test_unexpected_answer_names_are_refused():
    with pytest.raises(TypeError, match="unexpected answers"):
        make_exercise().judge(shares=0.25)


def test_hints_are_progressive_and_stop_at_the_last(capsys):
    ex = make_exercise()
    ex.hint()
    ex.hint()
    ex.hint()
    out = capsys.readouterr().out
    assert out.index("Hint 1 of 2: first nudge") < out.index("Hint 2 of 2: second nudge")
    assert out.count("Hint 2 of 2") == 2 and "last hint" in out
    ex.hint(1)
    assert "Hint 1 of 2" in capsys.readouterr().out


def test_feedback_error_renders_without_a_stack_trace():
    err = FeedbackError(["headline", "detail"])
    assert isinstance(err, AssertionError)
    lines = err._render_traceback_()
    assert "headline" in lines[0] and lines[1] == "detail"


def test_progress_counts_correct_exercises():
    a, b = make_exercise(), make_exercise()
    a.check(share=0.25, colour="green")
    with pytest.raises(FeedbackError):
        b.check(share=0.5, colour="green")
    text = progress([a, b], "Test module")
    assert "1 of 2 exercises correct" in text
    assert "(tried)" in text


def test_digest_for_refuses_values_on_a_rounding_boundary():
    with pytest.raises(ValueError, match="rounds ambiguously"):
        digest_for("qx", "share", FRACTION, 0.2345)
    assert digest_for("qx", "share", FRACTION, 0.25) != digest_for("qy", "share", FRACTION, 0.25)


def test_infinite_values_are_refused():
    assert make_exercise().judge(share=math.inf, colour="green")[0].status == "format"


def test_dates_accept_text_dates_and_timestamps():
    import datetime

    import pandas as pd

    from course.exercises import Date

    day = Date()
    for value in ("2025-03-14", " 2025-03-14 ", datetime.date(2025, 3, 14),
                  pd.Timestamp("2025-03-14 08:00"), np.datetime64("2025-03-14")):
        assert day.canonical(value) == ["2025-03-14"], value
    for bad, phrase in (("14/03/2025", "YYYY-MM-DD"), ("2025-02-30", "not a real day"),
                        (20250314, "as text"), ([2025], "as text")):
        with pytest.raises(ValueError, match=phrase):
            day.canonical(bad)


def test_behaviour_parts_are_judged_by_running_them():
    from course.exercises import AnswerFormatError, Behaviour

    def judge(f):
        if not callable(f):
            raise AnswerFormatError("give a function")
        return ("correct", "") if f(2) == 4 else ("misconception", "you added instead")

    ex = Exercise("qf", "a function", [Part("double", Behaviour(judge), "")], hints=["x"])
    assert ex.judge(double=lambda x: 2 * x)[0].ok
    assert ex.judge(double=lambda x: x + 3)[0].message == "you added instead"
    assert ex.judge(double=5)[0].status == "format"
    assert ex.judge(double=None)[0].status == "not attempted"


def test_zero_is_one_answer_not_two():
    assert Number(places=1).canonical(0) == ["0.0"]
    assert Number(places=0).canonical(-0.0) == ["0"]
