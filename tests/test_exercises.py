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


def test_placeholders_read_not_attempted_calmly_without_stopping_run_all(capsys):
    ex = make_exercise()
    ex.check(share=None, colour=None)  # must not raise: Run All carries on
    out = capsys.readouterr().out
    assert "not attempted yet" in out
    assert "wrong" not in out.lower() and "✗" not in out
    assert [v.status for v in ex.judge(share=None, colour=...)] == ["not attempted"] * 2


def test_half_answered_and_right_so_far_is_calm_but_a_wrong_part_raises(capsys):
    ex = make_exercise()
    ex.check(share=0.25, colour=None)
    out = capsys.readouterr().out
    assert "share right so far" in out and "still to answer: colour" in out
    with pytest.raises(FeedbackError) as err:
        ex.check(share=0.5, colour=None)
    assert "✗ share" in str(err.value) and "· colour" in str(err.value)


def test_group_feedback_does_not_mark_parts_one_by_one():
    ex = make_exercise()
    ex.group_feedback = "at least one answer is off; re-read both cases."
    with pytest.raises(FeedbackError) as err:
        ex.check(share=0.25, colour="red")
    text = str(err.value)
    assert "re-read both cases" in text
    assert "✓" not in text and "red is the trap" not in text and "share" not in text


@pytest.mark.parametrize(
    "value, expected",
    [
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


def test_progress_counts_correct_exercises(capsys):
    a, b = make_exercise(), make_exercise()
    a.check(share=0.25, colour="green")
    with pytest.raises(FeedbackError):
        b.check(share=0.5, colour="green")
    capsys.readouterr()
    assert progress([a, b], "Test module") is None
    text = capsys.readouterr().out
    assert "1 of 2 exercises correct" in text
    assert "(tried)" in text
    assert text.count("Test module") == 1


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


# --------------------------------------------------------------------------- reasonable forms

@pytest.mark.parametrize("value", ["0.25", " 0.250 ", __import__("decimal").Decimal("0.25")])
def test_numbers_as_text_or_decimal_are_accepted(value):
    assert make_exercise().judge(share=value, colour="green")[0].ok


def test_text_that_is_not_a_number_says_what_to_try():
    v = make_exercise().judge(share="about a quarter", colour="green")[0]
    assert v.status == "format" and "plain number" in v.message


@pytest.mark.parametrize("said", ["greens", "Green.", "  GREEN  "])
def test_choice_accepts_plurals_and_trailing_punctuation(said):
    assert make_exercise().judge(share=0.25, colour=said)[1].ok


def test_choice_refuses_options_that_collide_once_normalised():
    with pytest.raises(ValueError, match="would match both"):
        Choice({"fax": (), "faxes machine": ("faxes",)})


def test_dates_without_zero_padding_are_the_same_day():
    from course.exercises import Date

    assert Date().canonical("2025-3-4") == ["2025-03-04"]


# --------------------------------------------------------------------------- reports

def _outputs_of(fn):
    """Run ``fn`` in an IPython-like publisher and collect what it published."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    seen = []
    original = shell.display_pub.publish

    def capture(data, metadata=None, **kw):
        seen.append({"output_type": "display_data", "data": data, "metadata": metadata or {}})

    shell.display_pub.publish = capture
    try:
        fn()
    finally:
        shell.display_pub.publish = original
    return seen


@pytest.fixture(autouse=True)
def _no_test_module_left_registered():
    """Tests register a made-up module "mtest"; other tests read the registry of real ones."""
    from course.exercises import REGISTRY

    yield
    REGISTRY.pop("mtest", None)


def _registered():
    from course.exercises import REGISTRY, register

    ex = make_exercise()
    REGISTRY.pop("mtest", None)
    register("mtest", [ex])
    return ex


def test_report_publishes_plain_data_that_the_grader_judges_again():
    from course.exercises import judge_report, parse_report

    ex = _registered()
    outs = _outputs_of(lambda: ex.report(share=np.float64(0.25), colour="green"))
    answers = parse_report(outs, "mtest", "qx")
    assert answers == {"share": 0.25, "colour": "green"}
    assert all(v.ok for v in judge_report("mtest", "qx", answers))


def test_report_raises_for_blank_and_wrong_answers_so_plain_nbgrader_scores_zero():
    ex = _registered()
    for values in ({"share": None, "colour": None}, {"share": 0.75, "colour": "green"}):
        with pytest.raises(AssertionError):
            _outputs_of(lambda values=values: ex.report(**values))


def test_an_object_that_equals_anything_is_reported_by_type_and_refused():
    from course.exercises import judge_report, parse_report

    class Liar(float):
        def __eq__(self, other):
            return True

        def __repr__(self):
            return "0.25"

    ex = _registered()
    outs = _outputs_of(lambda: pytest.raises(AssertionError, ex.report, share=Liar(0.7),
                                             colour="green"))
    answers = parse_report(outs, "mtest", "qx")
    verdicts = judge_report("mtest", "qx", answers)
    assert verdicts[0].status == "format" and verdicts[1].ok


@pytest.mark.parametrize("outputs, phrase", [
    ([], "reported no answers"),
    ([{"output_type": "display_data", "data": {"text/plain": "ok"}}], "reported no answers"),
])
def test_missing_reports_fail_closed(outputs, phrase):
    from course.exercises import ReportError, parse_report

    with pytest.raises(ReportError, match=phrase):
        parse_report(outputs, "mtest", "qx")


def test_duplicate_foreign_or_malformed_reports_fail_closed():
    from course.exercises import REPORT_MIME, ReportError, parse_report

    def out(payload):
        return {"output_type": "display_data", "data": {REPORT_MIME: payload}}

    good = {"version": 1, "module": "mtest", "exercise": "qx",
            "answers": {"share": {"type": "float", "value": "0.25"},
                        "colour": {"type": "str", "value": "green"}}}
    with pytest.raises(ReportError, match="2 times"):
        parse_report([out(good), out(good)], "mtest", "qx")
    with pytest.raises(ReportError, match="instead"):
        parse_report([out(dict(good, exercise="q9"))], "mtest", "qx")
    with pytest.raises(ReportError, match="unknown format"):
        parse_report([out(dict(good, version=99))], "mtest", "qx")
    with pytest.raises(ReportError):
        parse_report([out(dict(good, answers={"share": {"type": "float", "value": "x"}}))],
                     "mtest", "qx")


def test_progress_survives_a_restart_in_a_file(tmp_path, monkeypatch):
    from course import progress_store

    monkeypatch.setenv("PM_ML_PROGRESS_FILE", str(tmp_path / "p.json"))
    ex = _registered()
    ex.check(share=0.25, colour="green")
    with pytest.raises(FeedbackError):
        ex.check(share=0.75, colour="green")
    saved = progress_store.load()
    assert saved["mtest.qx"]["best"] == "correct" and saved["mtest.qx"]["last"] == "tried"
    (tmp_path / "p.json").write_text("{not json")
    assert progress_store.load() == {}


def test_a_value_read_off_the_explorer_is_close_not_wrong():
    from course.exercises import close_digest_for

    n = Number(places=0, low=0, high=1e6, unit="learners")
    ex = Exercise("qn", "sample size", [Part(
        "n", n, digest_for("qn", "n", n, 8393), close=close_digest_for("qn", "n", -2, 8393))],
        hints=["h"])
    assert ex.judge(n=8393)[0].ok
    assert ex.judge(n=8400)[0].status == "close"
    assert "compute the exact value" in ex.judge(n=8400)[0].message
    assert ex.judge(n=9000)[0].status == "incorrect"
