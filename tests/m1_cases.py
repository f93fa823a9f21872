"""Module 1's exercises as grading cases: where each lives and the misconceptions to test.

Each misconception is the code a learner who holds it would really write in the answer
cell (it runs in the notebook, after the cells above it). tests/test_grading.py submits them
through nbgrader and proves each scores below full marks; tests/test_m1_exercises.py checks
the same mistakes at unit level.
"""

MODULE = "m1_model_literacy"

CASES = {
    "q1": {
        "notebook": "01_thresholds_and_costs",
        "misconceptions": {
            "swaps precision and recall": (
                'precision = counts["tp"] / (counts["tp"] + counts["fn"])\n'
                'recall = counts["tp"] / (counts["tp"] + counts["fp"])'),
            "reports accuracy and specificity": (
                'total = sum(counts.values())\n'
                'precision = (counts["tp"] + counts["tn"]) / total\n'
                'recall = counts["tn"] / (counts["tn"] + counts["fp"])'),
        },
    },
    "q2": {
        "notebook": "01_thresholds_and_costs",
        "misconceptions": {
            "maximises F1 instead of minimising cost": (
                "import numpy as np\n"
                "r = threshold.compute(0.5, prevalence=0.01, cost_fp=30, cost_fn=400,\n"
                "                      review_capacity=3_000, review_cost=5, n_per_day=50_000)\n"
                "new_threshold = float(r.thresholds[int(np.nanargmax(r.f1_curve))])\n"
                'more_of = "false positives"'),
            "keeps the old review capacity": (
                "new_threshold = threshold.compute(\n"
                "    0.5, prevalence=0.01, cost_fp=30, cost_fn=400, review_capacity=300,\n"
                "    review_cost=5, n_per_day=50_000).cheapest_threshold\n"
                'more_of = "false positives"'),
            "keeps the default threshold": 'new_threshold = 0.5\nmore_of = "false positives"',
            "thinks a bigger team lets Ledgerly be stricter": (
                "new_threshold = threshold.compute(\n"
                "    0.5, prevalence=0.01, cost_fp=30, cost_fn=400, review_capacity=3_000,\n"
                "    review_cost=5, n_per_day=50_000).cheapest_threshold\n"
                'more_of = "false negatives"'),
            "confuses flagged with blocked": (
                "new_threshold = threshold.compute(\n"
                "    0.5, prevalence=0.01, cost_fp=30, cost_fn=400, review_capacity=3_000,\n"
                "    review_cost=5, n_per_day=50_000).cheapest_threshold\n"
                'more_of = "blocked customers"'),
        },
    },
    "q3": {
        "notebook": "01_thresholds_and_costs",
        "misconceptions": {
            "any 5-point F1 drop blocks": 'block = "both"\nextra_cost_b = 36_000',
            "a 5-point drop is noise": 'block = "neither"\nextra_cost_b = 0',
            "blames the lower precision": 'block = "A"\nextra_cost_b = -46_062',
            "subtracts the wrong way round": (
                "cost_b = scenarios.ledgerly_daily_cost(precision=0.70, recall=0.52)\n"
                'block = "B"\nextra_cost_b = cost_v2 - cost_b'),
            "counts only the extra fraud": (
                'block = "B"\nextra_cost_b = (0.70 - 0.52) * 500 * 400'),
        },
    },
    "q4": {
        "notebook": "02_imbalance_and_segments",
        "misconceptions": {
            "reports ROC-AUC": 'metric = "roc auc"\ncoin_flip_ap = 0.5',
            "reports accuracy": 'metric = "accuracy"\ncoin_flip_ap = 0.005',
        },
    },
    "q5": {
        "notebook": "03_validation_and_drift",
        "misconceptions": {
            "trusts the random split": (
                "errors = {d: capacity.fit_and_score(random_train, random_test, max_depth=d)\n"
                "          for d in range(1, 13)}\n"
                "ship_depth = min(errors, key=errors.get)\n"
                "honest_mae = errors[ship_depth]\n"
                'plan_number = "random split"'),
            "scores on the training data": (
                "ship_depth = 12\n"
                "honest_mae = capacity.fit_and_score(final_train, final_train, max_depth=12)\n"
                'plan_number = "training"'),
            "chooses the depth on the final period": (
                "errors = {d: capacity.fit_and_score(final_train, final_period, max_depth=d)\n"
                "          for d in range(1, 13)}\n"
                "ship_depth = min(errors, key=errors.get)\n"
                "honest_mae = errors[ship_depth]\n"
                'plan_number = "best final period"'),
            "reports the backtest's own error": (
                'ship_depth = int(backtest["mean"].idxmin())\n'
                'honest_mae = backtest["mean"].min()\n'
                'plan_number = "backtest"'),
        },
    },
    "q6": {
        "notebook": "03_validation_and_drift",
        "misconceptions": {
            "calls every change data drift": (
                'case_a = case_b = case_c = case_d = "data drift"'),
            "swaps the two kinds": (
                'case_a = "concept drift"\ncase_b = "data drift"\n'
                'case_c = "data drift"\ncase_d = "concept drift"'),
        },
    },
    "q7": {
        "notebook": "02_imbalance_and_segments",
        "misconceptions": {
            "trusts the average": 'failing_source = "none"\nfax_error_rate = overall',
            "counts errors instead of rates": (
                'errors = documents.groupby("source")["field_errors"].sum()\n'
                "failing_source = errors.idxmax()\n"
                'fax_error_rate = errors["fax"] / documents["fields"].sum()'),
            "averages each invoice's own rate": (
                'fax = documents[documents["source"] == "fax"]\n'
                'failing_source = "fax"\n'
                'fax_error_rate = (fax["field_errors"] / fax["fields"]).mean()'),
        },
    },
    "q8": {
        "notebook": "04_architecture_and_judgment",
        "misconceptions": {
            "picks the most powerful model": 'architecture = "fine tuned llm"',
            "stays with rules": 'architecture = "rules"',
        },
    },
}

# The manually graded written answers: grade_id -> notebook.
WRITTEN = {"w1_answer": "04_architecture_and_judgment"}

# Answers that try to pass without being right: they silence the visible check or hand in
# an object that claims to equal anything. The hidden tests must still score them 0.
CHEATS = {
    "q1": "q1.check = lambda **answers: None\nprecision = 0.5\nrecall = 0.5",
    "q4": ("class Anything(str):\n"
           "    def __eq__(self, other):\n"
           "        return True\n"
           "    __hash__ = str.__hash__\n"
           "q4.check = lambda **answers: None\n"
           'metric = Anything("accuracy")\ncoin_flip_ap = 0.005'),
    "q7": ("class Anything(float):\n"
           "    def __eq__(self, other):\n"
           "        return True\n"
           "    def __lt__(self, other):\n"
           "        return True\n"
           "    __hash__ = float.__hash__\n"
           "q7.check = lambda **answers: None\n"
           'failing_source = "fax"\nfax_error_rate = Anything(0.5)'),
}
