"""Grading cases for Module 1's calibration lesson (05_calibration): the misconceptions a
learner really brings to q9 and q10, as answer-cell code, and the written answer.

Merged into tests/m1_cases.py's by tests/grading_support.load_cases (same MODULE);
tests/test_grading.py submits each through nbgrader and proves it scores below full marks, and
tests/test_m1_calibration.py checks the same mistakes at unit level.
"""

MODULE = "m1_model_literacy"

_TABLE = ('evaluation = pilot[pilot["split"] == "evaluation"]\n'
          'ledgerly_table = calibration.reliability_table(evaluation["score"],\n'
          '                                               evaluation["is_fraud"], bins=10)\n')

CASES = {
    "q9": {
        "notebook": "05_calibration",
        "misconceptions": {
            "keeps the cost rule's threshold": (
                'action = "keep"\n'
                "new_threshold = calibration.cost_threshold(cost_fp=30, cost_fn=400)"),
            "moves the threshold the wrong way": (
                'action = "raise"\n'
                "new_threshold = calibration.adjust_for_base_rate(rule, old_rate=0.05, "
                "new_rate=0.10)"),
            "halves the probability instead of the odds": (
                'action = "lower"\nnew_threshold = rule / 2'),
        },
    },
    "q10": {
        "notebook": "05_calibration",
        "misconceptions": {
            "trusts the vendor's table": (
                'claim_holds = "yes"\n'
                'top_bin_fraud_rate = vendor_table["fraud_rate"].iloc[-1]'),
            "reads the score column as the evidence": (
                _TABLE + 'claim_holds = "yes"\n'
                'top_bin_fraud_rate = ledgerly_table["mean_score"].iloc[-1]'),
            "thinks the data cannot decide": (
                _TABLE + 'claim_holds = "cannot tell"\n'
                'top_bin_fraud_rate = ledgerly_table["fraud_rate"].iloc[-1]'),
        },
    },
}

# The manually graded written answer: grade_id -> notebook.
WRITTEN = {"w2_answer": "05_calibration"}
