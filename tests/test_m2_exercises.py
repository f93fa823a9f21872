"""Module 2's answer keys and judges, proven against independent computations."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from course.m2 import exercises as ex
from course.m2 import labels, preprocessing, sampling, scenarios
from tests.exercise_checks import named, right, status  # noqa: F401
from tests.m2_cases import CASES


def test_every_exercise_has_cases_hints_and_two_misconceptions():
    assert [e.key for e in ex.ALL] == list(CASES)
    for e in ex.ALL:
        assert len(CASES[e.key]["misconceptions"]) >= 2, e.key
        assert len(e.hints) >= 2, e.key


# q1: the point-in-time judge ----------------------------------------------------------------
def loop_reference(df):
    """Share of fraud among each customer's strictly earlier payments, by a plain loop."""
    out = pd.Series(np.nan, index=df.index)
    for _, rows in df.sort_values(["timestamp", "transaction_id"]).groupby("customer_id"):
        frauds = 0
        for k, (idx, label) in enumerate(rows["is_fraud"].items()):
            out[idx] = frauds / k if k else np.nan
            frauds += int(label)
    return out


def test_q1_accepts_a_correct_feature_written_differently():
    right(ex.q1, "point_in_time_fraud_rate", loop_reference)

    def cumsum_version(df):
        o = df.sort_values(["timestamp", "transaction_id"])
        g = o.groupby("customer_id")["is_fraud"]
        return ((g.cumsum() - o["is_fraud"]) / g.cumcount().replace(0, np.nan)).reindex(df.index)

    right(ex.q1, "point_in_time_fraud_rate", cumsum_version)


def _q1_namespace(name):
    namespace = {}
    exec(CASES["q1"]["misconceptions"][name], namespace)  # noqa: S102
    return namespace


@pytest.mark.parametrize("name", [
    "aggregates over the whole table", "forgets to shift past the row's own label"])
def test_q1_names_each_misconceived_line(name):
    named(ex.q1, "point_in_time_fraud_rate", _q1_namespace(name)["point_in_time_fraud_rate"])


def test_q1_the_scaffold_with_the_right_line_is_right_and_untouched_is_not_attempted():
    """The released scaffold (its line still `rate = None`) reads 'not attempted'; with the
    line filled in, it is right; the whole answer cell is self-contained (no names from
    other cells)."""
    from tests.m2_cases import LINE, q1_answer

    right(ex.q1, "point_in_time_fraud_rate",
          _exec(q1_answer(LINE))["point_in_time_fraud_rate"])
    right(ex.q1, "point_in_time_fraud_rate",   # shifting after the running mean: same thing
          _exec(q1_answer("by_customer.transform(lambda s: s.expanding().mean().shift())"))[
              "point_in_time_fraud_rate"])
    blank = _exec(q1_answer("None"))["point_in_time_fraud_rate"]
    assert status(ex.q1, "point_in_time_fraud_rate", blank) == "not attempted"
    assert [v.status for v in ex.q1.judge(point_in_time_fraud_rate=blank)] == [
        "not attempted"] * 3


def _exec(code):
    namespace = {}
    exec(code, namespace)  # noqa: S102
    return namespace


def test_q1_names_the_other_misconceived_lines():
    def previous_only(df):
        o = df.sort_values(["timestamp", "transaction_id"])
        return o.groupby("customer_id")["is_fraud"].shift().reindex(df.index)

    def unsorted(df):
        return df.groupby("customer_id")["is_fraud"].transform(
            lambda s: s.shift().expanding().mean())

    named(ex.q1, "point_in_time_fraud_rate", previous_only)
    named(ex.q1, "point_in_time_fraud_rate", unsorted)


def test_q1_decisions_follow_the_explorer():
    """The launch number is the honest offline score (production then gets about as much);
    the whole-table model falls below the honest model in production, not just below its
    own offline score."""
    import math

    from course.m2 import leakage

    honest, whole = leakage.compute(0), leakage.compute(math.inf)
    assert abs(honest.offline_score - honest.production_score) < 0.05
    assert whole.production_score < honest.production_score - 0.05
    assert whole.production_score < honest.offline_score   # below even the honest promise
    right(ex.q1, "launch_number", "point_in_time")
    right(ex.q1, "launch_number", "0.87")
    for name in ("promises the leaky offline score",
                 "splits the difference between leaky and honest"):
        named(ex.q1, "launch_number", _q1_namespace(name)["launch_number"])
    right(ex.q1, "if_leaky_ships", "below_honest")
    for name in ("expects production to match offline", "thinks a leak costs only a little"):
        named(ex.q1, "if_leaky_ships", _q1_namespace(name)["if_leaky_ships"])
    # The misconceptions are what they claim to be: midpoint ~0.92; "a bit lower" is the
    # band between the honest production score and the leaky offline score.
    assert round((honest.offline_score + whole.offline_score) / 2, 2) == 0.92
    assert not (honest.production_score < whole.production_score < whole.offline_score)


def test_q1_worked_example_numbers():
    """The worked example's prose: customer 10001's whole-table mean is 152.5 on every row;
    the tiny table is shuffled; the scaffold's answer on it matches a plain loop."""
    from course.m2 import leakage

    tiny = leakage.tiny_history()
    assert not tiny["timestamp"].is_monotonic_increasing
    c = tiny[tiny["customer_id"] == 10001]
    assert c["amount"].mean() == 152.5
    from tests.m2_cases import LINE, q1_answer

    feature = _exec(q1_answer(LINE))["point_in_time_fraud_rate"]
    pd.testing.assert_series_equal(feature(tiny), loop_reference(tiny), check_names=False)


# q2 ------------------------------------------------------------------------------------------
LEAKS = {"case_a": "leaky", "case_b": "safe", "case_c": "leaky", "case_d": "safe",
         "case_e": "leaky"}


def test_q2_leak_table():
    other = {"leaky": "safe", "safe": "leaky"}
    for case, verdict in LEAKS.items():
        right(ex.q2, case, verdict)
        named(ex.q2, case, other[verdict])


def test_q2_case_a_really_reads_the_future():
    """case_a never touches the label, yet a payment's feature moves with later amounts."""
    from course.m2.leakage import ledgerly_history

    df = ledgerly_history(seed=5, n_customers=50)
    feature = lambda d: d.groupby("customer_id")["amount"].transform("mean")  # noqa: E731
    later = df["timestamp"] > df["timestamp"].median()
    bumped = df.assign(amount=df["amount"].where(~later, df["amount"] * 10))
    assert not np.allclose(feature(df)[~later], feature(bumped)[~later])


# q3 ------------------------------------------------------------------------------------------
def test_q3_pipelines():
    train, test = scenarios.riders_split()
    aucs = {k: preprocessing.test_auc(f(train, test), test)
            for k, f in preprocessing.SNIPPETS.items()}
    assert aucs["A"] < aucs["B"] - 0.1            # the premise: A visibly hurts
    right(ex.q3, "trusted_snippet", "B")
    named(ex.q3, "trusted_snippet", "A")
    named(ex.q3, "trusted_snippet", "C")
    # A's scaled 0 is the training mean of the observed values, in orders.
    right(ex.q3, "orders_filled_by_a", float(np.nanmean(train["orders_last_30d"])))
    named(ex.q3, "orders_filled_by_a", 0)
    # Why not C: its score equals B's (to the printed three decimals), so "lower_score" is
    # false; its imputer and scaler are fitted on rows that include the test riders.
    assert round(aucs["C"], 3) == round(aucs["B"], 3)
    c = preprocessing.snippet_c(train, test)
    both = pd.concat([train, test])[scenarios.RIDER_FEATURES].fillna(0)
    assert np.allclose(c[1].mean_, both.mean()) and not np.allclose(
        c[1].mean_, train[scenarios.RIDER_FEATURES].fillna(0).mean())
    right(ex.q3, "reject_c_because", "fitted_on_test")
    named(ex.q3, "reject_c_because", "lower_score")
    named(ex.q3, "reject_c_because", "wrong_fill")


# q4 ------------------------------------------------------------------------------------------
def test_q4_feature_store_audit():
    store = scenarios.pantry_dash_feature_store()
    per_source = {}
    for feature, source in scenarios.FEATURE_SOURCES.items():
        rate = store[feature].isna().groupby(store["date"]).mean()
        per_source[source] = per_source.get(source, 0) + rate
    jumps = {s: r.diff().max() for s, r in per_source.items()}
    feed = max(jumps, key=jumps.get)
    first = per_source[feed].diff().idxmax()
    right(ex.q4, "broken_feed", feed)
    right(ex.q4, "broke_on", first.date())
    overall = store[list(scenarios.FEATURE_SOURCES)].isna().mean()
    named(ex.q4, "broken_feed", scenarios.FEATURE_SOURCES[overall.idxmax()])
    named(ex.q4, "broke_on", str(store["date"].min().date()))
    named(ex.q4, "broke_on", str((first - pd.Timedelta(days=1)).date()))
    zero_jump = {f: (store[f] == 0).groupby(store["date"]).mean().diff().max()
                 for f in scenarios.FEATURE_SOURCES}
    masked = max(zero_jump, key=zero_jump.get)
    assert overall[masked] == 0          # the premise: null rates cannot see it
    right(ex.q4, "masked_feature", masked)
    named(ex.q4, "masked_feature", "none")
    # What to ask first: app_events' gaps did not change over time (design, not breakage),
    # so dropping it fixes nothing; the broken feeds are the repair.
    app = per_source["app_events"]
    assert app.diff().abs().max() < 0.1 and overall["coupon_share"] > 0.3
    right(ex.q4, "ask_first", "repair_feeds")
    named(ex.q4, "ask_first", "retrain")
    named(ex.q4, "ask_first", "drop_app_events")


# q5 ------------------------------------------------------------------------------------------
def test_q5_monitoring_script():
    raw = scenarios.pantry_dash_events()
    lines = scenarios.MONITOR_SCRIPT.splitlines()
    step = raw.drop_duplicates(subset="event_id")
    step = step[step["status"].isin(["delivered", "cancelled"])]
    peak = step["hour"].isin(scenarios.PEAK_HOURS)
    dropna_line = next(i for i, line in enumerate(lines, 1) if "dropna" in line)
    right(ex.q5, "buggy_line", dropna_line)
    for line in (3, 4, 6):
        named(ex.q5, "buggy_line", line)
    right(ex.q5, "peak_drop_share", step.loc[peak, "eta_minutes"].isna().mean())
    named(ex.q5, "peak_drop_share", step["eta_minutes"].isna().mean())
    right(ex.q5, "verdict", "bug")
    named(ex.q5, "verdict", "drift")
    named(ex.q5, "verdict", "model")
    # The premise: the dropna line removes a far larger share at peak than off-peak.
    assert step.loc[peak, "eta_minutes"].isna().mean() > 3 * step.loc[
        ~peak, "eta_minutes"].isna().mean()


# q6 ------------------------------------------------------------------------------------------
def test_q6_kappa():
    audit = labels.murmur_audit()
    kappas = {r: cohen_kappa_score(g["vendor_label"], g["audit_label"])
              for r, g in audit.groupby("region")}
    agreement = {r: (g["vendor_label"] == g["audit_label"]).mean()
                 for r, g in audit.groupby("region")}
    assert min(agreement.values()) > 0.85      # the premise: raw agreement looks fine
    right(ex.q6, "reaudit_first", min(kappas, key=kappas.get))
    named(ex.q6, "reaudit_first", "none")
    right(ex.q6, "south_kappa", kappas["south"])
    named(ex.q6, "south_kappa", agreement["south"])
    # Read off the explorer at its two decimals: "close", not a bare "wrong".
    assert status(ex.q6, "south_kappa", round(kappas["south"], 2)) == "close"
    right(ex.q6, "fix_labels", "align_guideline")
    named(ex.q6, "fix_labels", "buy_more_labels")
    named(ex.q6, "fix_labels", "drop_south")
    # The premise of align_guideline: with the reference guideline (divergence 0) the south
    # vendor agrees with the audit as well as the others do.
    aligned = labels.murmur_audit(divergence=0.0)
    k0 = {r: cohen_kappa_score(g["vendor_label"], g["audit_label"])
          for r, g in aligned.groupby("region")}
    assert k0["south"] > 0.75 and abs(k0["south"] - np.mean([k0["north"], k0["west"]])) < 0.1


# q7 ------------------------------------------------------------------------------------------
def test_q7_sampling():
    pop = sampling.wayfarer_population()
    truth = pop["model_error"].mean()
    easy = sampling.draw(pop, "convenience", 400, seed=41)
    rand = sampling.draw(pop, "random", 400, seed=41)
    strat = sampling.draw(pop, "stratified", 400, seed=41)
    mix = pop["platform"].value_counts(normalize=True)
    counts = strat["platform"].value_counts()
    assert all(abs(counts[p] - 400 * mix[p]) <= 1 for p in mix.index)   # the guarantee
    right(ex.q7, "design", "stratified")
    named(ex.q7, "design", "convenience")
    named(ex.q7, "design", "random")
    right(ex.q7, "convenience_understates_by", truth - easy["model_error"].mean())
    named(ex.q7, "convenience_understates_by", easy["model_error"].mean() - truth)
    named(ex.q7, "convenience_understates_by", truth - rand["model_error"].mean())
    # Read off the explorer's one-decimal percentages (15.4% - 3.8%): "close".
    shown = round(truth, 3) - round(easy["model_error"].mean(), 3)
    assert status(ex.q7, "convenience_understates_by", shown) == "close"
    # The launch call against a 10% bar: the convenience estimate is under it, the
    # stratified one and its whole 90% range (the explorer's, at 400 users) above it, and a
    # normal-approximation 95% interval of the one stratified sample is above it too.
    bar = 0.10
    est = strat["model_error"].mean()
    assert easy["model_error"].mean() < bar < est
    assert sampling.compute(400).spread_low["stratified"] > bar
    assert est - 1.96 * np.sqrt(est * (1 - est) / len(strat)) > bar
    assert truth > bar
    right(ex.q7, "launch_call", "hold")
    named(ex.q7, "launch_call", "ship")
    named(ex.q7, "launch_call", "check_more_users")
