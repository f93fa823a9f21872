"""Architecture options for one product decision, and the budget check a PM can do by hand.

Ledgerly wants a merchant-risk score at checkout. The figures below are rough planning
numbers for this task (labelled rows needed to reach the stated recall, p99 latency on the
team's serving hardware, serving cost per 1,000 calls, whether a decline can be explained to
a merchant in terms of the inputs). They are assumptions a team would write in a design doc,
not measurements of any real product.
"""

from __future__ import annotations

import pandas as pd

OPTIONS = pd.DataFrame(
    [
        ("rules", 0, 2, 0.00, True, 0.38),
        ("gradient boosted trees", 10_000, 15, 0.02, True, 0.71),
        ("sequence model", 500_000, 60, 0.15, False, 0.74),
        ("fine tuned llm", 2_000, 900, 1.10, False, 0.73),
    ],
    columns=["architecture", "labelled_rows_needed", "p99_ms", "cost_per_1k",
             "explainable", "expected_recall"],
).set_index("architecture")

# The checkout team's budget for the merchant-risk score.
BUDGET = {"p99_ms": 80, "labelled_rows": 40_000, "needs_explanation": True,
          "recall_target": 0.65}


def feasible(options: pd.DataFrame = OPTIONS, *, p99_ms: float, labelled_rows: int,
             needs_explanation: bool, recall_target: float) -> pd.DataFrame:
    """The options that fit every budget line (latency in ms, rows, explanation, recall)."""
    ok = (
        (options["p99_ms"] <= p99_ms)
        & (options["labelled_rows_needed"] <= labelled_rows)
        & (options["explainable"] | (not needs_explanation))
        & (options["expected_recall"] >= recall_target)
    )
    return options[ok]
