"""Module 2's exercises as grading cases (see tests/m1_cases.py for the shape)."""

MODULE = "m2_data_fluency"

# q1's answer cell: the released scaffold with its one line filled in, plus the decisions.
LINE = "by_customer.transform(lambda s: s.shift().expanding().mean())"


def q1_answer(line: str, launch: str = "point_in_time", ships: str = "below_honest") -> str:
    return (
        "def point_in_time_fraud_rate(df):\n"
        '    ordered = df.sort_values(by=["timestamp", "transaction_id"])\n'
        '    by_customer = ordered.groupby("customer_id")["is_fraud"]\n'
        f"    rate = {line}\n"
        "    if rate is None:\n"
        "        return None\n"
        "    return rate.reindex(df.index)\n"
        f"launch_number = {launch!r}\n"
        f"if_leaky_ships = {ships!r}\n")


CASES = {
    "q1": {
        "notebook": "01_leakage_and_time",
        "misconceptions": {
            "aggregates over the whole table": q1_answer('by_customer.transform("mean")'),
            "forgets to shift past the row's own label": q1_answer(
                "by_customer.transform(lambda s: s.expanding().mean())"),
            "promises the leaky offline score": q1_answer(LINE, launch="whole_table"),
            "splits the difference between leaky and honest": q1_answer(
                LINE, launch="midpoint"),
            "expects production to match offline": q1_answer(LINE, ships="as_offline"),
            "thinks a leak costs only a little": q1_answer(LINE, ships="a_bit_lower"),
        },
    },
    "q2": {
        "notebook": "01_leakage_and_time",
        "misconceptions": {
            "thinks every groupby leaks": (
                'case_a = case_b = case_c = case_e = "leaky"\ncase_d = "safe"'),
            "thinks only the label can leak": (
                'case_a = "safe"\ncase_b = "safe"\ncase_c = "leaky"\n'
                'case_d = "safe"\ncase_e = "leaky"'),
        },
    },
    "q3": {
        "notebook": "02_pipelines_and_data_quality",
        "misconceptions": {
            "trusts the scale-first pipeline": (
                'trusted_snippet = "A"\nreject_c_because = "fitted_on_test"\n'
                "orders_filled_by_a = 0"),
            "trusts the pipeline fitted on everything": (
                'trusted_snippet = "C"\nreject_c_because = "fitted_on_test"\n'
                'orders_filled_by_a = train["orders_last_30d"].mean()'),
            "judges a pipeline by its score": (
                'trusted_snippet = "B"\nreject_c_because = "lower_score"\n'
                'orders_filled_by_a = train["orders_last_30d"].mean()'),
            "blames C for A's mistake": (
                'trusted_snippet = "B"\nreject_c_because = "wrong_fill"\n'
                'orders_filled_by_a = train["orders_last_30d"].mean()'),
        },
    },
    "q4": {
        "notebook": "02_pipelines_and_data_quality",
        "misconceptions": {
            "blames the feed with the most gaps overall": (
                "missing = store[list(scenarios.FEATURE_SOURCES)].isna().mean()\n"
                "broken_feed = scenarios.FEATURE_SOURCES[missing.idxmax()]\n"
                'broke_on = "2025-02-01"\n'
                'masked_feature = "none"\nask_first = "repair_feeds"'),
            "trusts null rates alone": (
                'broken_feed = "weather_api"\nbroke_on = "2025-03-18"\n'
                'masked_feature = "none"\nask_first = "repair_feeds"'),
            "retrains on broken data": (
                'broken_feed = "weather_api"\nbroke_on = "2025-03-18"\n'
                'masked_feature = "stock_level"\nask_first = "retrain"'),
            "drops the sparse but healthy source": (
                'broken_feed = "weather_api"\nbroke_on = "2025-03-18"\n'
                'masked_feature = "stock_level"\nask_first = "drop_app_events"'),
        },
    },
    "q5": {
        "notebook": "02_pipelines_and_data_quality",
        "misconceptions": {
            "calls the dip drift": (
                "buggy_line = 5\n"
                "step = raw.drop_duplicates(subset='event_id')\n"
                "step = step[step['status'].isin(['delivered', 'cancelled'])]\n"
                "peak_drop_share = step['eta_minutes'].isna().mean()\n"
                'verdict = "drift"'),
            "blames the status filter": (
                "buggy_line = 4\npeak_drop_share = 0.08\nverdict = \"bug\""),
            "blames the model for a counting problem": (
                "buggy_line = 5\n"
                "after_4 = after_3[after_3['status'].isin(['delivered', 'cancelled'])]\n"
                "peak = after_4[after_4['hour'].isin(scenarios.PEAK_HOURS)]\n"
                "peak_drop_share = peak['eta_minutes'].isna().mean()\n"
                'verdict = "model"'),
        },
    },
    "q6": {
        "notebook": "03_labels_and_sampling",
        "misconceptions": {
            "trusts raw agreement": (
                'reaudit_first = "none"\n'
                'south = audit[audit["region"] == "south"]\n'
                'south_kappa = (south["vendor_label"] == south["audit_label"]).mean()\n'
                'fix_labels = "align_guideline"'),
            "reports agreement as kappa": (
                'reaudit_first = "south"\n'
                'south = audit[audit["region"] == "south"]\n'
                'south_kappa = (south["vendor_label"] == south["audit_label"]).mean()\n'
                'fix_labels = "align_guideline"'),
            "buys more of the same labels": (
                'reaudit_first = "south"\n'
                'south = audit[audit["region"] == "south"]\n'
                'south_kappa = cohen_kappa_score(south["vendor_label"], south["audit_label"])\n'
                'fix_labels = "buy_more_labels"'),
            "drops the region instead of fixing its guideline": (
                'reaudit_first = "south"\n'
                'south = audit[audit["region"] == "south"]\n'
                'south_kappa = cohen_kappa_score(south["vendor_label"], south["audit_label"])\n'
                'fix_labels = "drop_south"'),
        },
    },
    "q7": {
        "notebook": "03_labels_and_sampling",
        "misconceptions": {
            "takes the users who are easy to reach": (
                'design = "convenience"\n'
                'convenience_understates_by = convenient["model_error"].mean() - '
                'population["model_error"].mean()\n'
                'launch_call = "hold"'),
            "settles for random": (
                'design = "random"\n'
                'convenience_understates_by = population["model_error"].mean() - '
                'picked["model_error"].mean()\n'
                'launch_call = "hold"'),
            "ships on the convenience estimate": (
                'design = "stratified"\n'
                'convenience_understates_by = population["model_error"].mean() - '
                'convenient["model_error"].mean()\n'
                'launch_call = "ship"'),
            "asks for more users when the range already decides": (
                'design = "stratified"\n'
                'convenience_understates_by = population["model_error"].mean() - '
                'convenient["model_error"].mean()\n'
                'launch_call = "check_more_users"'),
        },
    },
}

WRITTEN = {"w1_answer": "03_labels_and_sampling"}

CHEATS = {
    "q1": "q1.check = lambda **answers: None\n" + q1_answer('by_customer.transform("mean")'),
    "q4": ("class Anything(str):\n"
           "    def __eq__(self, other):\n"
           "        return True\n"
           "    __hash__ = str.__hash__\n"
           "q4.check = lambda **answers: None\n"
           'broken_feed = Anything("app_events")\nbroke_on = Anything("2025-02-01")\n'
           'masked_feature = Anything("none")\nask_first = Anything("retrain")'),
}
