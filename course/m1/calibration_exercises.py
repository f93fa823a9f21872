"""Module 1's calibration exercises (q9, q10), declared as data (see :mod:`course.exercises`).

tests/test_m1_calibration.py recomputes every right answer and every named misconception
independently (scikit-learn, scipy, plain arithmetic) and proves each digest here recognises
it. In a notebook::

    from course.m1.calibration_exercises import progress, q9, q10
    q9.check(action=action, new_threshold=new_threshold)
"""

from __future__ import annotations

from course.exercises import Choice, Exercise, Number, Part, register

THRESHOLD_3 = Number(places=3, low=0.0, high=1.0,
                     unit="a threshold between 0 and 1 (three decimals)")
FRACTION = Number(places=3, low=0.0, high=1.0, unit="a fraction between 0 and 1")

q9 = Exercise(
    key="q9",
    title="the decline threshold after the base rate doubles",
    parts=[
        Part("action", Choice({
            "lower": ("lower it", "lower the threshold", "decrease", "decrease it", "down",
                      "reduce", "reduce it"),
            "keep": ("keep it", "keep the threshold", "same", "unchanged", "no change"),
            "raise": ("raise it", "raise the threshold", "increase", "increase it", "up",
                      "higher"),
        }), "dc3b5d915b2d80a0", {
            "f44c620811c4cb24": "the cost rule is a threshold on the probability of fraud at "
                                "today's base rate. The calibrator was fit at 5%; with twice "
                                "as much fraud, what does each of its scores now understate?",
            "9f054f51db29d301": "more fraud in the mix makes every application riskier than "
                                "its score says, so declining becomes worth it at lower "
                                "scores, not higher ones.",
        }, wrong="choose \"lower\", \"keep\" or \"raise\"."),
        Part("new_threshold", THRESHOLD_3, "00573259381f65e9", {
            "94fb4cb5b903776e": "that is the cost rule applied to today's score as if the base "
                                "rate had not moved. The score is calibrated at 5%; the rule "
                                "needs the probability at 10%.",
            "2af4394156c6fb5d": "you moved the rule's threshold in the wrong direction: from "
                                "5% to 10%. The threshold on today's score is the rule moved "
                                "back, from today's 10% to the calibrator's 5%.",
            "566eda44757c022d": "doubling the threshold makes Ledgerly stricter about nothing: "
                                "with more fraud, each score hides more risk, so the cut-off "
                                "comes down.",
            "be2dc62933e2c945": "the costs look swapped: the threshold is the cost of a "
                                "wrongly declined good customer over the sum of both costs.",
            "a0f1c639f902e6d1": "nearly: halving the probability approximates it, but a base "
                                "rate moves the odds p / (1 - p) by a factor, not the "
                                "probability. Use the adjustment shown above.",
            "f684f4ec84f82fcc": "0.5 is a habit, not a decision: nothing in Ledgerly's costs "
                                "or base rate makes it special.",
        }, wrong="start from the cost rule's threshold on a probability, then move it from "
                 "today's base rate back to the base rate the calibrator was fit at.",
             close=(2, "d1a89ea10646f145")),
    ],
    hints=[
        "The cost rule cost_fp / (cost_fp + cost_fn) is a threshold on the probability of fraud "
        "at the base rate the applications arrive with today, not on whatever number the model "
        "prints.",
        "The scoring service still prints probabilities calibrated at 5%. Which score, "
        "adjusted from 5% to 10%, lands exactly on the rule's threshold? Moving the rule's "
        "threshold from 10% back to 5% finds it.",
        "Follow the worked example of a halved base rate above, with the two rates for this "
        "campaign: the rule's threshold, adjusted with old_rate = today's rate and "
        "new_rate = the calibrator's.",
    ],
    takeaway="A calibrated score is calibrated at one base rate. When the mix moves, either "
             "adjust the probabilities or move the threshold the other way; and check the "
             "assumption (fraud looks the same) with fresh labels as soon as they arrive.",
)

q10 = Exercise(
    key="q10",
    title="does \"0.9 means 90% fraud\" hold at Ledgerly?",
    parts=[
        Part("claim_holds", Choice({
            "yes": ("it holds", "holds", "true"),
            "no": ("it does not hold", "does not hold", "doesn't hold", "false"),
            "cannot tell": ("can't tell", "cannot say", "not enough data", "unclear"),
        }), "60d4eef569b22d97", {
            "5bcabf2f05512f8d": "the vendor's table is honest about the vendor's sample, where "
                                "half the applications were fraud. A reliability table holds "
                                "at the base rate it was measured at; check Ledgerly's.",
            "3630dfca5d2ba264": "over a thousand applications sit in that bin; look at how "
                                "far the interval on the observed fraud rate is from 0.9.",
        }, wrong="choose \"yes\", \"no\" or \"cannot tell\"."),
        Part("top_bin_fraud_rate", FRACTION, "84c630879a5a3925", {
            "f59175e77c95c2f9": "that is the mean score in the bin: what the vendor claims. "
                                "The evidence is the share of those applications that turned "
                                "out to be fraud.",
            "6e790beb5e07dbad": "that is the share of all fraud that landed in the top bin. The "
                                "claim is about the applications in the bin: what share of "
                                "them were fraud?",
            "ba238e97a98dc57c": "that is the base rate of the whole pilot, not of the "
                                "applications the vendor scores 0.9 or more.",
            "e048f85c859cc7a4": "that is the top bin of the vendor's own table (half fraud). "
                                "Build the table on Ledgerly's evaluation split.",
        }, wrong="build the reliability table on Ledgerly's evaluation split with 10 bins and "
                 "read the fraud rate of the 0.90-1.00 bin."),
    ],
    hints=[
        "Two columns of a reliability table matter: what the score claims (mean_score) and "
        "what happened (fraud_rate). A claim holds when the two agree, within the interval.",
        "Build the same table as the vendor's, with the same call, on Ledgerly's evaluation "
        "split, and compare the 0.90-1.00 rows of the two tables.",
    ],
    takeaway="A score can rank applications well and still not mean what it says, and a "
             "reliability table is true only at the base rate it was measured at: ask for it "
             "on your own traffic before anyone reads a score as a probability.",
)

EXERCISES = register("m1", [q9, q10])


def progress() -> None:
    """Print this session's progress through Module 1's exercises, this lesson's included."""
    from course.m1.exercises import progress as module_progress

    module_progress()
