"""Module 3 notebook 05 (monitoring that notices silence) as grading cases; merged with
tests/m3_cases.py by MODULE (see tests/grading_support.py)."""

MODULE = "m3_system_awareness"

CASES = {
    "q12": {
        "notebook": "05_monitoring_silence",
        "misconceptions": {
            "one global dashboard, the ML team fixes drift": (
                'freshness_grain = "global"\nrow_count_grain = "global"\n'
                'drift_grain = "global"\ndrift_page_goes_to = "ML team"'),
            "everything per source": (
                'freshness_grain = "per source"\nrow_count_grain = "per source"\n'
                'drift_grain = "per source"\ndrift_page_goes_to = "data engineering"'),
            "right grains, but retrain on the drift page": (
                'freshness_grain = "per source"\nrow_count_grain = "per merchant"\n'
                'drift_grain = "per app version"\ndrift_page_goes_to = "ML team"'),
            "freshness per merchant": (
                'freshness_grain = "per merchant"\nrow_count_grain = "per merchant"\n'
                'drift_grain = "per app version"\ndrift_page_goes_to = "mobile app team"'),
        },
    },
    "q13": {
        "notebook": "05_monitoring_silence",
        "misconceptions": {
            "pages on every late batch run": (
                "freshness_slack_hours = 1\nrow_drop_pct = 40\n"
                "stale_profiles_hours_late = 6"),
            "keeps the comfortable starting values": (
                "freshness_slack_hours = 6\nrow_drop_pct = 50\n"
                "stale_profiles_hours_late = 11"),
            "reads the budget as one a week": (
                "freshness_slack_hours = 2\nrow_drop_pct = 30\n"
                "stale_profiles_hours_late = 7"),
            "counts the slack alone": (
                "freshness_slack_hours = 2\nrow_drop_pct = 40\n"
                "stale_profiles_hours_late = 2"),
        },
    },
}

WRITTEN = {"w3_answer": "05_monitoring_silence"}
