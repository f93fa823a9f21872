"""Module 2's graded exercises, declared as data (see :mod:`course.exercises`).

tests/test_m2_exercises.py recomputes every right answer and named misconception
independently and proves each digest or judge here recognises it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course.exercises import (
    AnswerFormatError,
    Behaviour,
    Choice,
    Date,
    Exercise,
    Number,
    Part,
    register,
)
from course.exercises import progress as _progress

FRACTION = Number(places=3, low=0.0, high=1.0, unit="a fraction between 0 and 1")
LINE = Number(places=0, low=1, high=7, unit="a line number from 1 to 7")
ORDERS = Number(places=1, low=0.0, high=1000.0, unit="orders in 30 days")


def _choice(*options: str, **aliases: tuple[str, ...]) -> Choice:
    return Choice({o: aliases.get(o.replace(" ", "_"), ()) for o in options})


# --------------------------------------------------------------------------- q1: leakage

def _as_series(values, frame: pd.DataFrame) -> pd.Series:
    if isinstance(values, pd.DataFrame) and values.shape[1] == 1:
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        if len(values) != len(frame) or not values.index.sort_values().equals(
                frame.index.sort_values()):
            raise AnswerFormatError(
                "the Series your function returns must have one value per row of the table "
                "it was given, with the same index (use groupby(...).transform or assign back "
                "by index)")
        return values.reindex(frame.index).astype(float)
    arr = np.asarray(values, dtype=float) if np.ndim(values) == 1 else None
    if arr is None or len(arr) != len(frame):
        raise AnswerFormatError(
            f"your function returned a {type(values).__name__}; return a pandas Series with "
            "one value per row")
    return pd.Series(arr, index=frame.index)


def _same(a: pd.Series, b: pd.Series) -> bool:
    """Equal value for value (NaN equals NaN), matched by index."""
    x = a.to_numpy(dtype=float)
    y = b.reindex(a.index).to_numpy(dtype=float)
    return bool(np.all((np.isnan(x) & np.isnan(y)) | (np.abs(x - y) < 1e-9)))


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["timestamp", "transaction_id"], kind="stable")


def _run(feature, frame: pd.DataFrame) -> pd.Series:
    try:
        out = feature(frame.copy())
    except Exception as err:  # the learner's code: report, never crash the check
        raise AnswerFormatError(
            f"your function raised {type(err).__name__}: {err}. It is called with a table "
            "shaped like `history` (columns transaction_id, customer_id, timestamp, amount, "
            "is_fraud), in no particular row order") from None
    return _as_series(out, frame)


def judge_point_in_time(feature) -> tuple[str, str]:
    """Judge a learner's point-in-time fraud-rate function on a table it has never seen.

    Properties, not a stored solution: (1) changing labels after a moment leaves every
    feature value at or before it unchanged; (2) a row's own label never changes its own
    value; (3) flipping a customer's earliest label moves each later value of that customer
    by exactly 1/k, k being the number of earlier transactions, and the first transaction
    has no history (NaN). A function that returns None is the untouched scaffold (its one
    line still ``rate = None``): not attempted yet.
    """
    if not callable(feature):
        raise AnswerFormatError(
            f"got a {type(feature).__name__}; give a function that takes the transactions "
            "table and returns a Series, e.g. `def point_in_time_fraud_rate(df): ...`")
    from course.m2.leakage import ledgerly_history

    frame = ledgerly_history(seed=97, n_customers=120)
    try:
        untouched = feature(frame.copy()) is None
    except Exception:  # reported with its message by _run below
        untouched = False
    if untouched:
        return ("not attempted", "not attempted yet: replace `rate = None` in the answer cell "
                "with your one line and run the cell again")
    got = _run(feature, frame)
    label = frame["is_fraud"].astype(float)
    # Named misconceptions first: they are the mistakes worth naming.
    whole = label.groupby(frame["customer_id"]).transform("mean")
    if _same(got, whole):
        return ("misconception", "that is the whole-table average per customer: it includes "
                "the row's own label and every later one, which production never has. Look "
                "only at earlier transactions.")
    ordered = _ordered(frame)
    lbl = ordered["is_fraud"].astype(float)
    by_customer = lbl.groupby(ordered["customer_id"])
    with_own = by_customer.transform(lambda s: s.expanding().mean())
    if _same(got, with_own):
        return ("misconception", "close, but each row's own label is inside its own feature: "
                "a running average that includes the row itself still reads the answer. Only "
                "transactions before the row may count.")
    previous_only = by_customer.transform(lambda s: s.shift())
    if _same(got, previous_only):
        return ("misconception", "that is only the label of the customer's previous payment. "
                "The feature is the share of fraud among ALL of the customer's earlier "
                "payments.")
    unsorted = label.groupby(frame["customer_id"]).transform(
        lambda s: s.shift().expanding().mean())
    if _same(got, unsorted):
        return ("misconception", "the table is not in time order, so 'earlier rows' are not "
                "earlier transactions. Sort by timestamp before looking back.")
    # (1) no future
    cut = frame["timestamp"].quantile(0.5)
    later = frame["timestamp"] > cut
    flipped = frame.copy()
    flipped.loc[later, "is_fraud"] = 1 - flipped.loc[later, "is_fraud"]
    if not _same(_run(feature, flipped)[~later], got[~later]):
        return ("incorrect", "changing labels of later transactions changed earlier feature "
                "values: the feature still sees the future.")
    # (2) own label, (3) exact use of the past
    counts = ordered.groupby("customer_id").cumcount().reindex(frame.index)
    rich = counts.groupby(frame["customer_id"]).max().sort_values().index[-3:]
    for customer in rich:
        rows = ordered.index[ordered["customer_id"] == customer]
        first, rest = rows[0], rows[1:]
        probe = frame.copy()
        probe.loc[first, "is_fraud"] = 1 - probe.loc[first, "is_fraud"]
        moved = _run(feature, probe)
        if not np.isnan(got[first]) or not np.isnan(moved[first]):
            return ("incorrect", "a customer's first transaction has no history: its value "
                    "should be missing (NaN), not a number.")
        sign = 1.0 if probe.loc[first, "is_fraud"] == 1 else -1.0
        expected = got[rest] + sign / counts[rest]
        if not _same(moved[rest], expected):
            return ("incorrect", "the values do not move as a share of earlier frauds should "
                    "when one earlier label changes: each row should be (frauds before it) / "
                    "(transactions before it) for that customer.")
    return ("correct", "")


q1 = Exercise(
    key="q1",
    title="fix the leaky feature, then decide what to promise",
    parts=[
        Part("point_in_time_fraud_rate", Behaviour(judge_point_in_time), ""),
        Part("launch_number", _choice(
            "whole_table", "point_in_time", "midpoint",
            whole_table=("0.96", "leaky"), point_in_time=("0.87", "honest"),
            midpoint=("0.92", "between", "in between", "average")), "6ab127bab4eba7c8", {
            "3fdf961722ed4520": "that score was measured with a feature that contains each "
                                "payment's own label. Production will never have that "
                                "feature, so the score describes a model that cannot run.",
            "001dcce5b6b8c4fc": "a leaky score is not an honest score plus a margin you can "
                                "split: it measures a model that reads the answer. An average "
                                "of it and an honest score is a number nobody measured.",
        }, wrong='answer "whole_table", "point_in_time" or "midpoint".'),
        Part("if_leaky_ships", _choice(
            "as_offline", "a_bit_lower", "below_honest",
            as_offline=("about 0.96", "same"), a_bit_lower=("lower", "a little lower"),
            below_honest=("below the honest model", "worse than honest")),
            "65aaa8b71de6f7c1", {
                "d629bdb1d6a048d9": "offline and production only agree when the feature is "
                                    "computed the same way in both. In production this "
                                    "feature can only be computed from the past.",
                "08eb0668d4d443d8": "a leak is not a matter of degree. Set the explorer to "
                                    "the whole table and compare the production line with "
                                    "the honest model's dashed line, not with the offline "
                                    "score.",
            }, wrong='answer "as_offline", "a_bit_lower" or "below_honest".'),
    ],
    hints=[
        "For each payment, ask what the scoring system could have known at that moment: only "
        "the same customer's earlier payments. In the worked example, which column uses the "
        "row itself, and which one uses only the row before?",
        "You need both ideas in one line: first move each customer's labels down one row "
        "(so a row never sees its own label), then take the average of everything so far. "
        "For the two decisions, set the explorer to 'whole table' and read both lines "
        "against the dashed honest line.",
        "rate = by_customer.transform(lambda s: s.shift().expanding().mean()). The explorer's "
        "numbers: whole table 0.96 offline and 0.82 in production; point in time 0.87 "
        "offline and 0.90 in production.",
    ],
    takeaway="A feature is only as honest as the moment it is computed for. Ask of every "
             "aggregate: 'computed over which rows, as of when?', and put only numbers "
             "measured with features production can compute in front of leadership.",
)

_LEAK = Choice({"leaky": ("leak", "leaks", "leaking"), "safe": ("ok", "fine", "not leaky")})

q2 = Exercise(
    key="q2",
    title="spot the leaks in code review",
    parts=[
        Part("case_a", _LEAK, "5446b36682cc7e1f", {
            "9bca528a36637df4": "it never touches the label, but a whole-table average of "
                                "amounts includes payments that had not happened yet.",
        }),
        Part("case_b", _LEAK, "7d6edfb1aa913da5", {
            "d93269c393927cff": "it sorts by time and shifts before rolling, so each payment "
                                "only sees the customer's earlier payments. Not every groupby "
                                "leaks.",
        }),
        Part("case_c", _LEAK, "b10f8bddbab898d8", {
            "f0e7c8cc67b245ec": "a merchant's fraud rate over the whole table contains the "
                                "label of the very payment being scored, and later ones.",
        }),
        Part("case_d", _LEAK, "a0703e44cca9175c", {
            "f63910bbd8f1d99b": "the hour of a payment is known the moment it happens.",
        }),
        Part("case_e", _LEAK, "b66c843abb7b9e00", {
            "8e68a1666c284104": "chargebacks filed after the payment are outcomes of it; at "
                                "scoring time they do not exist.",
        }),
    ],
    hints=[
        "For each feature, picture the moment a payment is scored. Could the value be "
        "computed from what exists at that moment?",
        "A leak does not need the label: any value built from rows after the payment (or "
        "from the payment's own outcome) leaks.",
    ],
    takeaway="Computed over which rows, as of when? Ask it of every feature.",
    # Five leaky/safe marks: say which are wrong and a learner flips them to full marks.
    group_feedback="at least one verdict is off (the check does not say which). For each "
                   "feature, picture the moment the payment is scored: could the value be "
                   "computed from rows that exist at that moment? A feature can leak without "
                   "touching the label, and not every groupby leaks.",
)

# --------------------------------------------------------------------------- q3..q5

q3 = Exercise(
    key="q3",
    title="which preprocessing to trust",
    parts=[
        Part("trusted_snippet", _choice("A", "B", "C"), "a3e81e3124103b32", {
            "23c7ac9a2912a83b": "A scales before it fills the gaps, so the 0 it writes is a 0 "
                                "in scaled units: the average rider, not a rider with no "
                                "orders. Look at its test score.",
            "cdb1a0de3a448241": "C fits its imputer and scaler on the test riders too. Its "
                                "score looks fine here, but it learned from data production "
                                "will not have when the model is trained.",
        }, wrong="pick one of A, B or C."),
        Part("reject_c_because", _choice(
            "lower_score", "fitted_on_test", "wrong_fill",
            lower_score=("score", "worse score"), fitted_on_test=("test", "contamination"),
            wrong_fill=("fill", "wrong value")), "ef7661e6d531870a", {
            "6ef2937cbb943739": "compare the printed scores again: C's is not lower than B's. "
                             "What makes C untrustworthy is in its code, not its score.",
            "85d51755299cab5a": "C fills the gaps with 0 before scaling, as it should; the "
                            "scaled-zero problem is snippet A's. Read what C's steps are "
                            "fitted on.",
        }, wrong='answer "lower_score", "fitted_on_test" or "wrong_fill".'),
        Part("orders_filled_by_a", ORDERS, "db67f62c475ee232", {
            "0193c50fdff4cfc4": "A does write a 0, but after scaling: a scaled 0 is the "
                                "training mean. Convert it back to orders.",
        }, wrong="snippet A's scaler maps a scaled 0 back to the training mean of the column "
                 "(ignoring the gaps)."),
    ],
    hints=[
        "Compare the test ROC-AUCs, then read which steps come first and which rows each "
        "step is fitted on (the training riders, or more?).",
        "In A, StandardScaler runs first; a value of 0 after scaling means 'equal to the "
        "mean the scaler learned', as in the worked example for avg_rating.",
        "That mean is train['orders_last_30d'].mean() (pandas skips the gaps, as the "
        "scaler does). C fits its imputer and scaler on pd.concat([train, test]).",
    ],
    takeaway="Order matters (impute, then scale) and so does what each step is fitted on "
             "(the training split only). A scaled default is not the default you meant.",
)

q4 = Exercise(
    key="q4",
    title="audit the feature store",
    parts=[
        Part("broken_feed", _choice("app_events", "weather_api", "marketing_feed",
                                    "inventory_feed"), "e689e1cde6ef326f", {
            "694a02b5d3684fa6": "app_events has the most gaps overall, but it had them every "
                                "day: coupon_share is empty by design for stores outside the "
                                "programme. Look for a change over time, not a high level.",
        }, wrong="compute the null rate per source per day and look for a jump."),
        Part("broke_on", Date(), "1c8c1ad14f939d80", {
            "5fae2dc85718acc9": "that is the first day of the table. Find the first day on "
                                "which the feed's null rate jumps.",
            "12774f735f20f8d6": "something did break that day, but not in a way null rates "
                                "show. Which day did the feed you named start missing values?",
            "5633c3df16375074": "that is the last good day. Give the first day with the gaps.",
        }, wrong="give the first day on which the feed's null rate jumps."),
        Part("masked_feature", _choice("basket_size", "coupon_share", "temp_c", "promo_active",
                                       "stock_level", "none"), "2168076d754e058b", {
            "0ae012da98b50d10": "null rates cannot see this one. Look at how often each "
                                "feature takes exactly the same value, day by day.",
            "14ec54c6c747362a": "temp_c went missing, which null rates show. The question is "
                                "about a feature whose values are present but fake.",
        }, wrong="look for a feature whose values turn constant on some day."),
        Part("ask_first", _choice(
            "retrain", "drop_app_events", "repair_feeds",
            retrain=("retrain the model",), drop_app_events=("drop app events",),
            repair_feeds=("repair", "fix the feeds", "fix feeds")), "d0395012baa21141", {
            "c66c3c4a679a0263": "retraining on these months teaches the model that the east "
                               "has no temperature and that shelves are empty: the broken "
                               "feeds become its idea of the world.",
            "604b44112af8f3ea": "app_events' gaps are there by design and did not change in "
                            "spring; dropping it throws away working features and leaves "
                            "both broken feeds in place.",
        }, wrong='answer "retrain", "drop_app_events" or "repair_feeds".'),
    ],
    hints=[
        "Work per day, as in the worked example: a feed that is always sparse is a design "
        "choice; a feed whose share of gaps jumps on one day broke on that day.",
        "Try the worked example's two lines with each feature's name in turn (gaps, then "
        "exact zeros), and map the feature to its source with FEATURE_SOURCES. Before "
        "choosing what to ask for, ask what a model trained on these months would learn.",
        "Melt the table to one row per (date, feature, value), map each feature to its "
        "source and compute value.isna().mean() per source per day; for masked_feature, "
        "(value == 0).mean() per feature per day.",
    ],
    takeaway="Null rates catch feeds that stop; defaults that look like data need checks on "
             "values (shares of exact zeros, constant runs) as well.",
)

q5 = Exercise(
    key="q5",
    title="the dip at dinner time",
    parts=[
        Part("buggy_line", LINE, "24f3e8dfe2ade4ac", {
            "045c29975bc1bcf2": "removing duplicates takes out about 1% of rows, evenly over "
                                "the day. The dip is at peak hours only.",
            "7f921d68cb2e49d0": "this filter removes in-progress deliveries on purpose, at "
                                "the same share every hour.",
            "f8872076a141bae1": "test orders with value 0 are rare and spread over the day.",
        }, wrong="count the rows each line removes, per hour."),
        Part("peak_drop_share", FRACTION, "b185b0410e740d3c", {
            "6b86a18b68459c03": "that is the share over the whole day. The question is about "
                                "peak hours, 18:00-21:59.",
        }, wrong="of the peak-hour rows that reach the line, what share does it remove?"),
        Part("verdict", _choice("bug", "drift", "model", bug=("pipeline bug", "a bug"),
                                drift=("demand drift",), model=("model decay", "the model")),
             "6435e74f39b57365", {
                 "ee436b6745e05d5c": "compare the raw events per hour with the dashboard's "
                                     "counts: if demand had fallen, the raw events would "
                                     "show it too.",
                 "34917ca56831c887": "no model produced these counts: the dashboard counts "
                                     "events that passed a cleaning script. Which layer "
                                     "removes the rows?",
             }, wrong='answer "bug", "drift" or "model".'),
    ],
    hints=[
        "Apply the script one line at a time, as in the worked example for line 3, and "
        "compare what each line removes at peak hours with what it removes overall.",
        "Which column is empty more often when the system is busy?",
        "peak_drop_share: among rows with hour in 18-21 after lines 3 and 4, the share with a "
        "missing eta_minutes.",
    ],
    takeaway="Before calling a dip drift, count rows at each step of the pipeline. A filter "
             "that correlates with load looks exactly like a change in demand.",
)

q6 = Exercise(
    key="q6",
    title="whose labels to re-audit first, and what to fix",
    parts=[
        Part("reaudit_first", _choice("north", "south", "west", "none"), "01eacd72e1131a3b", {
            "67a7e4e1bba46ba4": "raw agreement is above 90% everywhere, but most comments are "
                                "not toxic, so two labellers agree most of the time by chance. "
                                "Compare a measure that removes that chance agreement.",
        }, wrong="compare vendor and audit labels per region, corrected for chance."),
        Part("south_kappa", Number(places=3, low=-1.0, high=1.0, unit="a kappa between -1 "
                                   "and 1"), "aceccea46467c5e3", {
            "7dae153f8ddfed76": "that is raw agreement, the share of items where both labels "
                                "match. Kappa corrects it for the agreement expected by chance.",
        }, wrong="kappa between the south vendor's labels and the audit labels, on the south "
                 "region's rows only, as in the worked example.",
             close=(2, "ec1d1a1e45292ad7")),
        Part("fix_labels", _choice(
            "buy_more_labels", "drop_south", "align_guideline",
            buy_more_labels=("more labels", "buy more"), drop_south=("drop", "drop the south"),
            align_guideline=("guideline", "align", "relabel")), "d56b8cf489eb467b", {
            "9df00cf0dff10384": "more labels written to the same diverging guideline teach the "
                            "model the same mistake more firmly. Volume does not fix a "
                            "definition.",
            "fe0ec026a7634aee": "without the south's comments the model learns nothing about "
                            "the south's users, and the labels can be fixed at their "
                            "source: the vendor works from an older guideline.",
        }, wrong='answer "buy_more_labels", "drop_south" or "align_guideline".'),
    ],
    hints=[
        "Compare each region's vendor with the audit in two ways: the share of comments "
        "labelled alike, and agreement beyond chance (the worked example's second number).",
        "Apply the worked example's call to the rows of one region at a time. For fix_labels, "
        "ask what causes the disagreement: the amount of data, or the rule the labellers "
        "follow?",
        "from sklearn.metrics import cohen_kappa_score; south = audit[audit['region'] == "
        "'south']; cohen_kappa_score(south['vendor_label'], south['audit_label']).",
    ],
    takeaway="Agreement on a rare label is easy by chance; kappa asks how much better than "
             "chance two labellers agree. Check it per labelling source before trusting a "
             "metric built on those labels, and fix a diverging guideline at its source.",
)

q7 = Exercise(
    key="q7",
    title="a sample that represents production, and the launch call",
    parts=[
        Part("design", _choice("convenience", "random", "stratified"), "715fb2b317a2c626", {
            "40d752a8c6bce2a2": "the easy-to-reach users are desktop users in one country, "
                                "who are the model's easiest cases. Their error rate says "
                                "little about production.",
            "36b4412ab5d06b04": "a random sample is unbiased, but its platform mix is only "
                                "right on average. The question asks for a guarantee.",
        }, wrong="which design fixes each platform's share of the sample in advance?"),
        Part("convenience_understates_by", Number(places=3, low=-1.0, high=1.0,
                                                  unit="a difference of two fractions"),
             "169a9082d8f48313", {
                 "367bf7fb8e9a2e0b": "right size, wrong sign: production error minus the "
                                     "convenience estimate.",
                 "c671b346da0c3683": "that is the random sample's gap. Use the convenience "
                                     "sample's estimate.",
             }, wrong="production error rate minus the convenience sample's error rate.",
             close=(2, "c80fd3cae723405c")),
        Part("launch_call", _choice(
            "ship", "hold", "check_more_users",
            ship=("launch",), hold=("do not ship", "don't ship", "wait"),
            check_more_users=("more users", "collect more", "more data")), "489ef63dc4d4ac6a", {
            "0769e4625ff376f2": "the estimate under the bar comes from the convenience sample, "
                            "which only sees the model's easiest users. What does a sample "
                            "that looks like production say?",
            "d187faccb6d1f336": "more users narrow the range, but the stratified sample's whole "
                            "range already sits on one side of the bar. Another 400 users "
                            "would not change the call.",
        }, wrong='answer "ship", "hold" or "check_more_users".'),
    ],
    hints=[
        "Production's error rate is the share of errors over the whole population; a "
        "sample's estimate is the same share over the sample.",
        "Compare the bar with the stratified sample's estimate and with the range the "
        "explorer shows for that design at 400 users, not with the convenience estimate.",
        "population['model_error'].mean() - convenient['model_error'].mean().",
    ],
    takeaway="A sample answers questions about the population it was drawn from. Ask who "
             "could not have been in it, and make the launch call on a sample that looks "
             "like production.",
)

ALL = register("m2", [q1, q2, q3, q4, q5, q6, q7])


def progress() -> None:
    """Print this session's progress through Module 2's exercises."""
    _progress(ALL, "Module 2, data fluency")
