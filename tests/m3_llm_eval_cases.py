"""Grading cases for Module 3's LLM-evaluation lesson (04_llm_evaluation): the misconceptions
a learner really brings to q9-q11, as answer-cell code, and the written answer.

Merged into tests/m3_cases.py's by tests/grading_support.load_cases (same MODULE);
tests/test_grading.py submits each through nbgrader and proves it scores below full marks, and
tests/test_m3_llm_eval.py checks the same mistakes at unit level.
"""

MODULE = "m3_system_awareness"

CASES = {
    "q9": {
        "notebook": "04_llm_evaluation",
        "misconceptions": {
            "trusts the observed difference": (
                'can_tell = "yes"\nconversations_per_version = 50'),
            "rounds the sample size down": (
                "import math\n"
                'can_tell = "no"\n'
                "conversations_per_version = math.floor(\n"
                "    llm_eval.conversations_needed(0.08, 0.06, power=0.8, alpha=0.05))"),
            "counts both versions together": (
                "import math\n"
                'can_tell = "no"\n'
                "conversations_per_version = math.ceil(\n"
                "    2 * llm_eval.conversations_needed(0.08, 0.06, power=0.8, alpha=0.05))"),
        },
    },
    "q10": {
        "notebook": "04_llm_evaluation",
        "misconceptions": {
            "trusts raw agreement": (
                'judge_can_gate = "yes"\n'
                'judge_kappa = (audit["human_unsupported"] == '
                'audit["judge_unsupported"]).mean()'),
            "reports the judge's catch rate as agreement": (
                'judge_can_gate = "no"\n'
                'judge_kappa = audit["judge_unsupported"][audit["human_unsupported"]].mean()'),
        },
    },
    "q11": {
        "notebook": "04_llm_evaluation",
        "misconceptions": {
            "fine-tunes a knowledge problem": (
                'fix = "fine-tune"\ncost_per_1k = table.loc["fine-tune", "cost_per_1k"]'),
            "puts the policies in the prompt": (
                'fix = "prompt"\ncost_per_1k = table.loc["prompt", "cost_per_1k"]'),
            "blocks with a guardrail": (
                'fix = "guardrail"\ncost_per_1k = table.loc["retrieval", "cost_per_1k"]'),
        },
    },
}

# The manually graded written answer: grade_id -> notebook.
WRITTEN = {"w2_answer": "04_llm_evaluation"}
