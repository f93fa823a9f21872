"""Module 4 notebook 04 (the capstone launch review) as grading cases; merged with
tests/m4_cases.py by MODULE (see tests/grading_support.py)."""

MODULE = "m4_deployment_judgment"

CASES = {
    "q9": {
        "notebook": "04_capstone_launch_review",
        "misconceptions": {
            "fastest and cheapest, whatever the quality": (
                'config = "D"\n'
                'r = latency.compute(**launch.CANDIDATES["D"])\n'
                "p99_ms = r.p99_ms\nquality = r.quality"),
            "judges speed by the median": (
                'config = "C"\n'
                'r = latency.compute(**launch.CANDIDATES["C"])\n'
                "p99_ms = r.p50_ms\nquality = r.quality"),
            "quality first, target second": (
                'config = "A"\n'
                'r = latency.compute(**launch.CANDIDATES["A"])\n'
                "p99_ms = r.p99_ms\nquality = r.quality"),
            "right choice, forgets quantization's price": (
                'config = "B"\n'
                'r = latency.compute(**launch.CANDIDATES["B"])\n'
                "p99_ms = r.p99_ms\nquality = 85.0"),
        },
    },
    "q10": {
        "notebook": "04_capstone_launch_review",
        "misconceptions": {
            "trusts deflection": (
                'metric = "deflection_rate"\n'
                'rho = evidence["deflection_rate"].corr(evidence["retention_90d"], '
                'method="spearman")'),
            "trusts thumbs-up": (
                'metric = "thumbs_up_rate"\n'
                'rho = evidence["thumbs_up_rate"].corr(evidence["retention_90d"], '
                'method="spearman")'),
            "right metric, Pearson instead of rank": (
                'metric = "resolved_without_recontact"\n'
                'rho = evidence["resolved_without_recontact"].corr(evidence["retention_90d"])'),
        },
    },
    "q11": {
        "notebook": "04_capstone_launch_review",
        "misconceptions": {
            "the most frequent failure": (
                'biggest_gap = "latency spike"\n'
                'row = launch.FAILURE_MODES.loc["latency spike"]\n'
                'spoiled_per_quarter = row["incidents_per_quarter"] * '
                'row["conversations_per_hour"] * row["hours_to_notice"]'),
            "the scariest failure": (
                'biggest_gap = "hallucinated refund promise"\n'
                'row = launch.FAILURE_MODES.loc["hallucinated refund promise"]\n'
                'spoiled_per_quarter = row["incidents_per_quarter"] * '
                'row["conversations_per_hour"] * row["hours_to_notice"]'),
            "forgets how long it runs unseen": (
                'biggest_gap = "stale help-centre index"\n'
                'row = launch.FAILURE_MODES.loc["stale help-centre index"]\n'
                'spoiled_per_quarter = row["incidents_per_quarter"] * '
                'row["conversations_per_hour"]'),
        },
    },
}

WRITTEN = {"w2_answer": "04_capstone_launch_review"}
