"""Module 4's exercises as grading cases (see tests/m1_cases.py for the shape)."""

MODULE = "m4_deployment_judgment"


def q3_scaffold(shift_psi, shift_action) -> str:
    """q3's answer cell as released, with its two blanks filled in."""
    return (f"SHIFT_PSI = {shift_psi!r}\n"
            f"SHIFT_ACTION = {shift_action!r}\n"
            "def policy(report):\n"
            "    if SHIFT_PSI is None or SHIFT_ACTION is None:\n"
            "        return None\n"
            '    error = report["labelled_error"]\n'
            '    if report["candidate_error"] is not None:\n'
            '        if report["candidate_error"] > report["deployed_error_on_window"]:\n'
            '            return "rollback"\n'
            '    if error is not None and error > report["reference_error"] + 0.03:\n'
            '        return "retrain"\n'
            '    if error is None and report["psi"] >= SHIFT_PSI:\n'
            "        return SHIFT_ACTION\n"
            '    return "keep"\n')

CASES = {
    "q1": {
        "notebook": "01_experiments",
        "misconceptions": {
            "uses a one-sided test": (
                "n_per_arm = math.ceil(NormalIndPower().solve_power(\n"
                "    effect_size=proportion_effectsize(0.32, 0.30), alpha=0.05, power=0.8,\n"
                '    alternative="larger"))\n'
                "days_needed = math.ceil(2 * n_per_arm / 1500)\n"
                'plan = "run the planned days"'),
            "settles for 50% power": (
                "n_per_arm = math.ceil(NormalIndPower().solve_power(\n"
                "    effect_size=proportion_effectsize(0.32, 0.30), alpha=0.05, power=0.5))\n"
                "days_needed = math.ceil(2 * n_per_arm / 1500)\n"
                'plan = "run the planned days"'),
            "reads a 2% relative lift": (
                "n_per_arm = math.ceil(NormalIndPower().solve_power(\n"
                "    effect_size=proportion_effectsize(0.306, 0.30), alpha=0.05, power=0.8))\n"
                "days_needed = math.ceil(2 * n_per_arm / 1500)\n"
                'plan = "run the planned days"'),
            "stops the test after the week on offer": (
                "n_per_arm = math.ceil(NormalIndPower().solve_power(\n"
                "    effect_size=proportion_effectsize(0.32, 0.30), alpha=0.05, power=0.8))\n"
                "days_needed = math.ceil(2 * n_per_arm / 1500)\n"
                'plan = "stop after a week"'),
            "peeks every morning": (
                "n_per_arm = math.ceil(NormalIndPower().solve_power(\n"
                "    effect_size=proportion_effectsize(0.32, 0.30), alpha=0.05, power=0.8))\n"
                "days_needed = math.ceil(2 * n_per_arm / 1500)\n"
                'plan = "stop at the first significant look"'),
        },
    },
    "q2": {
        "notebook": "01_experiments",
        "misconceptions": {
            "ships the early winner": (
                'case_a = "ship"\ncase_b = "don\'t ship"\ncase_c = "ship"\n'
                'case_d = "investigate"\na_ci_low = 0.99'),
            "keeps running the null result": (
                'case_a = "ship"\ncase_b = "keep running"\ncase_c = "keep running"\n'
                'case_d = "investigate"\na_ci_low = 0.99'),
            "ships despite a broken split": (
                'case_a = "ship"\ncase_b = "don\'t ship"\ncase_c = "keep running"\n'
                'case_d = "ship"\na_ci_low = 0.99'),
            "reads a broken split as a loss": (
                'case_a = "ship"\ncase_b = "don\'t ship"\ncase_c = "keep running"\n'
                'case_d = "don\'t ship"\na_ci_low = 0.99'),
        },
    },
    "q3": {
        "notebook": "02_retraining_and_rollback",
        "misconceptions": {
            "stays silent while labels are late": q3_scaffold(0.25, "keep"),
            "alerts on every wobble of PSI": q3_scaffold(0.05, "investigate"),
            "rolls back on an input shift": q3_scaffold(0.25, "rollback"),
            "retrains every week": "def policy(report):\n    return \"retrain\"",
            "has no validation gate": (
                "def policy(report):\n"
                '    if report["psi"] >= 0.25:\n'
                '        return "retrain"\n'
                '    error = report["labelled_error"]\n'
                '    if error is not None and error > report["reference_error"] + 0.03:\n'
                '        return "retrain"\n'
                '    return "keep"'),
            "forgets that labels can be late": (
                "def policy(report):\n"
                '    if report["labelled_error"] > report["reference_error"] + 0.03:\n'
                '        return "retrain"\n'
                '    return "keep"'),
        },
    },
    "q4": {
        "notebook": "03_people_incidents_rollouts",
        "misconceptions": {
            "rolls back the model released that night": (
                'culprit_os = "android 15"\nroll_back_model = "yes"\nfirst_owner = "ml team"'),
            "assumes wrong answers are the model team's job": (
                'culprit_os = "android 15"\nroll_back_model = "no"\nfirst_owner = "ml team"'),
        },
    },
    "q5": {
        "notebook": "03_people_incidents_rollouts",
        "misconceptions": {
            "calls every change drift": (
                'case_a = case_c = case_d = "data drift"\ncase_b = "feedback loop"\n'
                'case_e = "concept drift"'),
            "blames the model for stale infrastructure": (
                'case_a = "data drift"\ncase_b = "feedback loop"\ncase_c = "label decay"\n'
                'case_d = "concept drift"\ncase_e = "concept drift"'),
        },
    },
    "q6": {
        "notebook": "03_people_incidents_rollouts",
        "misconceptions": {
            "canaries everything": (
                'case_a = case_b = case_c = "canary"\n'
                'trigger_b = "resolution rate significantly below control"'),
            "shadows what needs real users": (
                'case_a = "shadow"\ncase_b = "shadow"\ncase_c = "staged"\n'
                'trigger_b = "resolution rate significantly below control"'),
            "rolls back on the first complaint": (
                'case_a = "shadow"\ncase_b = "canary"\ncase_c = "staged"\n'
                'trigger_b = "any single complaint"'),
        },
    },
    "q7": {
        "notebook": "03_people_incidents_rollouts",
        "misconceptions": {
            "fine-tunes facts that change weekly": (
                'case_a = case_b = "fine tuning"\ncase_c = "online"\ncase_d = "offline"'),
            "keeps prompting after a month of failed prompts": (
                'case_a = "rag"\ncase_b = "prompting"\ncase_c = "online"\ncase_d = "offline"'),
            "trusts logged clicks to judge a new ranker": (
                'case_a = "rag"\ncase_b = "fine tuning"\ncase_c = "offline"\n'
                'case_d = "offline"'),
        },
    },
    "q8": {
        "notebook": "03_people_incidents_rollouts",
        "misconceptions": {
            "keeps the starting band": (
                "review_threshold = 0.5\n"
                "fraud_stopped_per_day = review.compute(review_threshold=0.5)"
                ".fraud_caught_per_day"),
            "widens the band to catch more": (
                "review_threshold = 0.3\n"
                "fraud_stopped_per_day = review.compute(review_threshold=0.3)"
                ".fraud_caught_per_day"),
        },
    },
}

WRITTEN = {"w1_answer": "03_people_incidents_rollouts"}

CHEATS = {
    "q3": ("q3.check = lambda **answers: None\n"
           "def policy(report):\n    return \"retrain\""),
    "q5": ("class Anything(str):\n"
           "    def __eq__(self, other):\n"
           "        return True\n"
           "    __hash__ = str.__hash__\n"
           "q5.check = lambda **answers: None\n"
           'case_a = case_b = case_c = case_d = case_e = Anything("data drift")'),
}
