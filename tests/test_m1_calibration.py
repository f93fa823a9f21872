"""Calibration (Module 1, notebook 5): the model against independent computations, the answer
keys of q9 and q10, and every number the notebook's prose states.

Independent means: scikit-learn's calibration_curve, IsotonicRegression and roc_auc_score,
statsmodels' and scipy's Wilson intervals, scipy's optimiser and root finder, and plain
loops over the rows, never the package's own helpers.
"""

import numpy as np
import pytest
from scipy.optimize import brentq, minimize
from scipy.special import expit, logit
from scipy.stats import binomtest, norm
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import confusion_matrix, roc_auc_score
from statsmodels.stats.proportion import proportion_confint

from course.exercises import judge_report
from course.m1 import calibration
from course.m1 import calibration_exercises as ex
from tests.exercise_checks import named, right, status
from tests.m1_calibration_cases import CASES, WRITTEN

PILOT = calibration.ledgerly_later()
CAL = PILOT[PILOT["split"] == "calibration"]
EV = PILOT[PILOT["split"] == "evaluation"]
VENDOR = calibration.vendor_sample()
COST_FP, COST_FN = 30.0, 400.0


# --------------------------------------------------------------------------- data


def test_splits_have_the_stated_size_and_exact_base_rate():
    for split in (CAL, EV):
        assert len(split) == 30_000
        assert split["is_fraud"].sum() == 1_500
    assert PILOT["application_id"].is_unique
    assert len(VENDOR) == 2_000 and VENDOR["is_fraud"].sum() == 1_000
    assert PILOT["score"].between(0, 1).all() and VENDOR["score"].between(0, 1).all()


def test_data_is_seeded():
    again = calibration.ledgerly_later()
    assert again.equals(PILOT)
    assert not calibration.ledgerly_later(seed=1)["score"].equals(PILOT["score"])


def test_ranking_quality_matches_sklearn_and_theory():
    auc = roc_auc_score(EV["is_fraud"], EV["score"])
    assert auc == pytest.approx(calibration.ranking_quality(), abs=0.01)
    assert round(auc, 2) == 0.87       # notebook: "its ROC-AUC is about 0.87"


def test_true_probability_is_bayes_rule_on_the_generating_normals():
    """p(fraud | score) from the two normal densities of the hidden signal, by hand."""
    s = EV["score"].to_numpy()[:200]
    mu, k = calibration.SEPARATION, calibration.OVERCONFIDENCE
    x = (logit(s) / k + mu ** 2 / 2) / mu                 # the signal behind each score
    fraud, good = 0.05 * norm.pdf(x, loc=mu), 0.95 * norm.pdf(x)
    np.testing.assert_allclose(calibration.true_probability(s), fraud / (fraud + good),
                               rtol=1e-6, atol=1e-9)


# --------------------------------------------------------------------------- the rules


def test_cost_threshold_is_where_declining_and_approving_cost_the_same():
    t = calibration.cost_threshold(COST_FP, COST_FN)
    assert t == pytest.approx(30 / 430)
    for p in (t - 1e-6, t + 1e-6):
        decline, approve = COST_FP * (1 - p), COST_FN * p
        assert (decline <= approve) == (p >= t)
    assert round(t, 3) == 0.070            # notebook: "at least 0.070"
    with pytest.raises(ValueError, match="costs"):
        calibration.cost_threshold(0, 0)
    with pytest.raises(ValueError, match="costs"):
        calibration.cost_threshold(-1, 5)


def reweighted_bayes(p, old, new):
    """Prior shift written as re-weighting the two classes (not as odds)."""
    fraud = p * new / old
    good = (1 - p) * (1 - new) / (1 - old)
    return fraud / (fraud + good)


@pytest.mark.parametrize("old,new", [(0.05, 0.10), (0.05, 0.025), (0.3, 0.01)])
def test_adjust_for_base_rate_is_bayes_rule(old, new):
    p = np.array([0.0, 0.001, 0.07, 0.2, 0.5, 0.93, 1.0])
    got = calibration.adjust_for_base_rate(p, old_rate=old, new_rate=new)
    np.testing.assert_allclose(got, reweighted_bayes(p, old, new), rtol=1e-12, atol=1e-15)
    back = calibration.adjust_for_base_rate(got, old_rate=new, new_rate=old)
    np.testing.assert_allclose(back, p, rtol=1e-9, atol=1e-12)
    assert isinstance(calibration.adjust_for_base_rate(0.2, old_rate=old, new_rate=new), float)


def test_adjusting_the_true_probability_gives_the_true_probability_at_the_new_rate():
    s = EV["score"].to_numpy()[:500]
    np.testing.assert_allclose(
        calibration.adjust_for_base_rate(calibration.true_probability(s, 0.05),
                                         old_rate=0.05, new_rate=0.10),
        calibration.true_probability(s, 0.10), rtol=1e-9)


def test_bad_rates_and_probabilities_are_refused_with_a_message():
    with pytest.raises(ValueError, match="old_rate"):
        calibration.adjust_for_base_rate(0.2, old_rate=0, new_rate=0.1)
    with pytest.raises(ValueError, match="new_rate"):
        calibration.adjust_for_base_rate(0.2, old_rate=0.05, new_rate=5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        calibration.adjust_for_base_rate(1.2, old_rate=0.05, new_rate=0.1)
    with pytest.raises(ValueError, match="base_rate"):
        calibration.ledgerly_later(base_rate=1.0)


def test_threshold_on_todays_score_passes_the_rule_after_adjustment():
    t = calibration.threshold_on_todays_score(COST_FP, COST_FN, calibrated_rate=0.05,
                                              current_rate=0.10)
    # Independent: solve reweighted_bayes(t, 0.05, 0.10) == rule for t.
    rule = COST_FP / (COST_FP + COST_FN)
    root = brentq(lambda x: reweighted_bayes(x, 0.05, 0.10) - rule, 1e-9, 1 - 1e-9,
                  xtol=1e-14)
    assert t == pytest.approx(root, abs=1e-10)


# --------------------------------------------------------------------------- calibrators


def test_isotonic_calibrator_matches_sklearn_isotonic_regression_on_log_odds():
    cal = calibration.fit_calibrator(CAL["score"], CAL["is_fraud"], "isotonic")
    iso = IsotonicRegression(out_of_bounds="clip").fit(
        logit(np.clip(CAL["score"], 1e-6, 1 - 1e-6)), CAL["is_fraud"])
    expected = iso.predict(logit(np.clip(EV["score"], 1e-6, 1 - 1e-6)))
    np.testing.assert_allclose(cal.predict(EV["score"]), expected, atol=1e-9)
    assert cal.fit_rate == pytest.approx(0.05)


def test_sigmoid_calibrator_is_platt_scaling_on_log_odds():
    """Platt's fit by hand: logistic regression of the label on the score's log-odds, with
    Platt's smoothed targets, maximised with scipy."""
    cal = calibration.fit_calibrator(CAL["score"], CAL["is_fraud"], "sigmoid")
    f = logit(np.clip(CAL["score"].to_numpy(), 1e-6, 1 - 1e-6))
    y = CAL["is_fraud"].to_numpy()
    n_pos, n_neg = y.sum(), (~y).sum()
    target = np.where(y, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))

    def loss(ab):
        z = ab[0] * f + ab[1]
        return np.sum(np.logaddexp(0, z) - target * z)

    a, b = minimize(loss, [1.0, 0.0], method="BFGS").x
    f_ev = logit(np.clip(EV["score"].to_numpy(), 1e-6, 1 - 1e-6))
    np.testing.assert_allclose(cal.predict(EV["score"]), expit(a * f_ev + b), atol=2e-4)


def test_calibrator_is_fit_on_the_calibration_split_only():
    result = calibration.compute(method="isotonic")
    from_cal = calibration.fit_calibrator(CAL["score"], CAL["is_fraud"], "isotonic")
    from_ev = calibration.fit_calibrator(EV["score"], EV["is_fraud"], "isotonic")
    t, p = calibration_curve(EV["is_fraud"], from_cal.predict(EV["score"]), n_bins=10)
    np.testing.assert_allclose(result.calibrated.fraud_rate, t, atol=1e-12)
    np.testing.assert_allclose(result.calibrated.mean_score, p, atol=1e-12)
    t_ev, _ = calibration_curve(EV["is_fraud"], from_ev.predict(EV["score"]), n_bins=10)
    assert t_ev.shape != t.shape or not np.allclose(t_ev, t)


def test_bad_calibrator_requests_are_refused():
    with pytest.raises(ValueError, match="method"):
        calibration.fit_calibrator(CAL["score"], CAL["is_fraud"], "platt")
    with pytest.raises(ValueError, match="both"):
        calibration.fit_calibrator([0.1, 0.2], [True, True])


# --------------------------------------------------------------------------- reliability


@pytest.mark.parametrize("bins", [5, 10, 17, 20])
@pytest.mark.parametrize("data", ["evaluation", "vendor"])
def test_reliability_table_matches_calibration_curve(bins, data):
    frame = EV if data == "evaluation" else VENDOR
    table = calibration.reliability_table(frame["score"], frame["is_fraud"], bins=bins)
    observed, claimed = calibration_curve(frame["is_fraud"], frame["score"], n_bins=bins)
    np.testing.assert_allclose(table["fraud_rate"], observed, atol=1e-12)
    np.testing.assert_allclose(table["mean_score"], claimed, atol=1e-12)
    # Counts by a plain loop with the same edge rule (an edge score counts in the lower bin).
    edges = np.linspace(0, 1, bins + 1)
    counts = []
    for k in range(bins):
        inside = [(edges[k] < s or k == 0) and s <= edges[k + 1] for s in frame["score"]]
        counts.append(sum(inside))
    assert list(table["applications"]) == [c for c in counts if c]
    assert table["applications"].sum() == len(frame)


def test_reliability_intervals_match_statsmodels_and_scipy():
    table = calibration.reliability_table(EV["score"], EV["is_fraud"], bins=10)
    for row in table.itertuples():
        low, high = proportion_confint(row.frauds, row.applications, alpha=0.05,
                                       method="wilson")
        assert (row.low, row.high) == pytest.approx((low, high), abs=1e-12)
        ci = binomtest(row.frauds, row.applications).proportion_ci(method="wilson")
        assert (row.low, row.high) == pytest.approx((ci.low, ci.high), abs=1e-12)
    assert all(np.isnan(calibration._bin_interval(0, 0)))       # an empty bin: no interval


def test_reliability_table_refuses_bad_bins():
    for bad in (1, 0, 51, 2.5, True, "10"):
        with pytest.raises(ValueError, match="bins"):
            calibration.reliability_table(EV["score"], EV["is_fraud"], bins=bad)


# --------------------------------------------------------------------------- compute


def weighted_curve(claimed, y, w, bins):
    """Weighted reliability by a plain loop over bins."""
    edges = np.linspace(0, 1, bins + 1)
    means, rates = [], []
    for k in range(bins):
        lo, hi = edges[k], edges[k + 1]
        m = ((claimed > lo) | (k == 0)) & (claimed <= hi)
        if m.any():
            means.append(np.sum(w[m] * claimed[m]) / np.sum(w[m]))
            rates.append(np.sum(w[m] * y[m]) / np.sum(w[m]))
    return np.array(means), np.array(rates)


@pytest.mark.parametrize("multiplier", [0.5, 1.0, 2.0, 3.5])
@pytest.mark.parametrize("method", ["isotonic", "sigmoid"])
def test_compute_reliability_series_at_a_new_base_rate(method, multiplier):
    r = calibration.compute(12, method=method, base_rate_multiplier=multiplier)
    y = EV["is_fraud"].to_numpy()
    new = 0.05 * multiplier
    w = np.where(y, new / 0.05, (1 - new) / 0.95)
    q = calibration.fit_calibrator(CAL["score"], CAL["is_fraud"], method).predict(EV["score"])
    moved = reweighted_bayes(q, 0.05, new)
    for series, claimed in ((r.vendor, EV["score"].to_numpy()), (r.calibrated, q),
                            (r.adjusted, moved)):
        means, rates = weighted_curve(claimed, y, w, 12)
        np.testing.assert_allclose(series.mean_score, means, atol=1e-9)
        np.testing.assert_allclose(series.fraud_rate, rates, atol=1e-9)
    assert r.base_rate == pytest.approx(new)


@pytest.mark.parametrize("threshold", [0.01, 0.034, 0.07, 0.2])
@pytest.mark.parametrize("multiplier", [1.0, 2.0])
def test_expected_cost_matches_a_weighted_confusion_matrix(threshold, multiplier):
    r = calibration.compute(method="isotonic", base_rate_multiplier=multiplier)
    y = EV["is_fraud"].to_numpy()
    new = 0.05 * multiplier
    w = np.where(y, new / 0.05, (1 - new) / 0.95)
    q = calibration.fit_calibrator(CAL["score"], CAL["is_fraud"]).predict(EV["score"])
    tn, fp, fn, tp = confusion_matrix(y, q >= threshold, sample_weight=w,
                                      labels=[False, True]).ravel()
    expected = (COST_FP * fp + COST_FN * fn) / w.sum() * 1000
    k = int(np.argmin(np.abs(r.thresholds - threshold)))
    if abs(r.thresholds[k] - threshold) < 1e-12:
        assert r.cost_curve[k] == pytest.approx(expected, rel=1e-9)
    got = calibration.expected_cost(q, y, threshold, cost_fp=COST_FP, cost_fn=COST_FN,
                                    weights=w)
    assert got == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("multiplier", [0.5, 1.0, 2.0, 3.0])
@pytest.mark.parametrize("method", ["isotonic", "sigmoid"])
def test_the_rule_lands_near_the_cheapest_threshold_found_by_search(method, multiplier):
    r = calibration.compute(method=method, base_rate_multiplier=multiplier)
    assert r.cost_at_score_threshold <= 1.02 * r.cheapest_cost
    assert r.cheapest_cost == pytest.approx(float(np.min(r.cost_curve)))


def test_compare_policies_by_plain_counting():
    table = calibration.compare_policies(cost_fp=30, cost_fn=400)
    y = EV["is_fraud"].to_numpy()
    q = calibration.fit_calibrator(CAL["score"], CAL["is_fraud"]).predict(EV["score"])
    for name, declined in (("approve everyone", np.zeros_like(y)),
                           ("vendor score >= 0.9", EV["score"].to_numpy() >= 0.9),
                           ("calibrated >= 0.070 (cost rule)", q >= 30 / 430)):
        row = table.loc[name]
        good, fraud_approved = 0, 0
        for d, is_fraud in zip(declined, y, strict=True):
            good += bool(d and not is_fraud)
            fraud_approved += bool(is_fraud and not d)
        assert row["good_declined"] == pytest.approx(good / 30)
        assert row["cost"] == pytest.approx((30 * good + 400 * fraud_approved) / 30)
        assert row["declined"] == pytest.approx(declined.sum() / 30)


def test_compute_refuses_bad_settings_with_messages():
    with pytest.raises(ValueError, match="method"):
        calibration.compute(method="temperature")
    with pytest.raises(ValueError, match="base_rate_multiplier"):
        calibration.compute(base_rate_multiplier=0)
    with pytest.raises(ValueError, match="bins"):
        calibration.compute(1)


def test_reading_leads_with_the_decision_and_quotes_the_result():
    r = calibration.compute(base_rate_multiplier=2.0)
    text = calibration.reading(r)
    assert text.startswith("At 2x the pilot's base rate (10.0% fraud)")
    assert f"{r.score_threshold:.2f}" in text and "understates" in text
    low = calibration.reading(calibration.compute(base_rate_multiplier=0.5))
    assert "overstates" in low
    assert calibration.reading(calibration.compute()).startswith("At the pilot's 5.0% fraud")


# --------------------------------------------------------------------------- the prose


def test_vendor_table_claims():
    """'the top bin's scores average about 0.96 and about 92% of those applications were
    fraud, with an interval that contains 0.9' and 'half of Kestrel's sample is fraud'."""
    observed, claimed = calibration_curve(VENDOR["is_fraud"], VENDOR["score"], n_bins=10)
    assert round(claimed[-1], 2) == 0.96 and round(observed[-1], 2) == 0.92
    top = VENDOR[VENDOR["score"] > 0.9]
    low, high = proportion_confint(top["is_fraud"].sum(), len(top), method="wilson")
    assert low <= 0.9 <= high
    assert VENDOR["is_fraud"].mean() == 0.5


def test_explorer_claims():
    """Try-this items 1-5 of the notebook."""
    r = calibration.compute()
    # 1. the vendor's points are far below the diagonal, outside every interval
    assert np.all(r.vendor.fraud_rate < r.vendor.mean_score)
    assert r.vendor.bins_off == r.vendor.applications.size == 10
    # 2. both calibrators, at 10 bins: every claim inside its bin's 95% interval
    for method in calibration.METHODS:
        assert calibration.compute(10, method=method).calibrated.bins_off == 0
    # 3. more bins, fewer applications per bin; about one bin in twenty off by chance
    assert calibration.compute(20).vendor.applications.min() < r.vendor.applications.min()
    for method in calibration.METHODS:
        assert calibration.compute(20, method=method).calibrated.bins_off <= 1
    # 4. at twice the base rate the calibrated points rise above the diagonal, the adjusted
    #    ones come back, the rule moves left and the cheapest threshold follows it
    two = calibration.compute(base_rate_multiplier=2.0)
    well = two.calibrated.applications >= 50
    assert np.all(two.calibrated.fraud_rate[well] > two.calibrated.mean_score[well])
    assert two.calibrated.bins_off >= 5 and two.adjusted.bins_off == 0
    assert two.score_threshold < two.rule_threshold
    assert abs(two.cheapest_threshold - two.score_threshold) <= 0.01
    assert abs(two.cheapest_threshold - two.rule_threshold) > 0.03
    # 5. a dearer approved fraud lowers the threshold
    assert calibration.compute(cost_fn=1000).score_threshold == pytest.approx(30 / 1030)


def test_series_intervals_match_statsmodels_at_the_pilot_rate():
    series = calibration.compute(10).vendor
    low, high = series.intervals
    table = calibration.reliability_table(EV["score"], EV["is_fraud"], bins=10)
    for k, row in enumerate(table.itertuples()):
        expected = proportion_confint(row.frauds, row.applications, method="wilson")
        assert (low[k], high[k]) == pytest.approx(expected, abs=1e-9)
        outside = not (expected[0] <= row.mean_score <= expected[1])
        assert outside                      # every vendor bin misses its interval


def test_worked_example_claims():
    """'0.20 ... is now less likely to be fraud'; 'has to reach about 0.133, not 0.070';
    'adjusting 0.133 from 5% to 2.5% gives back 0.070'."""
    assert reweighted_bayes(0.20, 0.05, 0.025) < 0.20
    t = calibration.adjust_for_base_rate(30 / 430, old_rate=0.025, new_rate=0.05)
    assert round(t, 3) == 0.133
    assert round(reweighted_bayes(t, 0.05, 0.025), 3) == 0.070


def test_after_q9_claims():
    """'the same calibrated score of 0.05 now belongs to an application that is fraud about
    one time in ten'; 'applying the old threshold during the campaign leaves money on the
    table on every 1,000 applications'."""
    assert round(reweighted_bayes(0.05, 0.05, 0.10), 2) == 0.10
    two = calibration.compute(base_rate_multiplier=2.0)
    assert two.cost_at_score_threshold < two.cost_at_rule


def test_after_q10_and_written_answer_claims():
    """'fewer than half of the applications scored 0.9 or more are fraud'; the rubric and
    samples: about $3,500 saved per 1,000, about 120 more good customers declined per 1,000,
    about 145 against 22, $10,200 against $13,800, almost one application in five declined."""
    top = EV[EV["score"] > 0.9]
    assert top["is_fraud"].mean() < 0.5 and round(top["is_fraud"].mean(), 2) == 0.44
    y = EV["is_fraud"].to_numpy()
    q = calibration.fit_calibrator(CAL["score"], CAL["is_fraud"]).predict(EV["score"])
    vendor_declines = EV["score"].to_numpy() >= 0.9
    rule_declines = q >= 30 / 430

    def per_1000(declined):
        good = np.sum(declined & ~y)
        return good / 30, (30 * good + 400 * np.sum(~declined & y)) / 30

    good_v, cost_v = per_1000(vendor_declines)
    good_r, cost_r = per_1000(rule_declines)
    assert round(cost_v - cost_r, -2) == 3_500
    assert round(good_r - good_v, -1) == 120
    assert round(good_r) == 145 and round(good_v) == 22
    assert round(cost_r, -2) == 10_200 and round(cost_v, -2) == 13_800
    assert 1 / 6 < rule_declines.mean() < 1 / 5                      # almost one in five
    assert round(calibration.adjust_for_base_rate(30 / 430, old_rate=0.10, new_rate=0.05),
                 3) == 0.034


# --------------------------------------------------------------------------- answer keys


def test_every_exercise_has_cases_hints_and_two_misconceptions_per_part():
    assert [e.key for e in ex.EXERCISES] == sorted(CASES, key=lambda k: int(k[1:]))
    assert WRITTEN == {"w2_answer": "05_calibration"}
    for e in ex.EXERCISES:
        assert e.module == "m1"
        assert len(CASES[e.key]["misconceptions"]) >= 2, e.key
        assert len(e.hints) >= 2, e.key
        for part in e.parts:
            assert part.answer not in part.feedback, (e.key, part.name)
            assert len(part.feedback) >= 2, (e.key, part.name)


def test_q9_answer_key():
    rule = COST_FP / (COST_FP + COST_FN)
    answer = brentq(lambda x: reweighted_bayes(x, 0.05, 0.10) - rule, 1e-9, 0.5, xtol=1e-14)
    right(ex.q9, "new_threshold", answer)
    right(ex.q9, "action", "lower")
    right(ex.q9, "action", "Lower it.")
    named(ex.q9, "action", "keep")
    named(ex.q9, "action", "raise")
    named(ex.q9, "new_threshold", rule)                                  # ignores the shift
    named(ex.q9, "new_threshold", reweighted_bayes(rule, 0.05, 0.10))    # the wrong way
    named(ex.q9, "new_threshold", 2 * rule)                              # doubles it
    named(ex.q9, "new_threshold", COST_FN / (COST_FP + COST_FN))         # swapped costs
    named(ex.q9, "new_threshold", rule / 2)                              # halves p, not odds
    named(ex.q9, "new_threshold", 0.5)
    assert status(ex.q9, "new_threshold", round(answer, 2)) == "close"   # read off the chart


def test_q9_answer_is_the_cheapest_threshold_on_reweighted_held_out_data():
    """The answer is not just algebra: on the evaluation split re-weighted to 10% fraud, the
    cost of declining at it is within 2% of the cheapest threshold found by brute force."""
    y = EV["is_fraud"].to_numpy()
    w = np.where(y, 2.0, 0.90 / 0.95)
    q = calibration.fit_calibrator(CAL["score"], CAL["is_fraud"]).predict(EV["score"])

    def cost(t):
        declined = q >= t
        return (30 * np.sum(w * (declined & ~y)) + 400 * np.sum(w * (~declined & y)))

    costs = [cost(t) for t in np.unique(q)]
    rule = 30 / 430
    answer = brentq(lambda x: reweighted_bayes(x, 0.05, 0.10) - rule, 1e-9, 0.5)
    assert cost(answer) <= 1.02 * min(costs)
    assert cost(rule) > 1.05 * min(costs)


def test_q10_answer_key():
    observed, claimed = calibration_curve(EV["is_fraud"], EV["score"], n_bins=10)
    right(ex.q10, "top_bin_fraud_rate", observed[-1])
    right(ex.q10, "claim_holds", "no")
    top = EV[EV["score"] > 0.9]
    low, high = proportion_confint(top["is_fraud"].sum(), len(top), method="wilson")
    assert high < 0.9                       # the decision the answer key encodes
    named(ex.q10, "claim_holds", "yes")
    named(ex.q10, "claim_holds", "cannot tell")
    named(ex.q10, "top_bin_fraud_rate", claimed[-1])                         # the claim
    named(ex.q10, "top_bin_fraud_rate", top["is_fraud"].sum() / 1_500)       # share of fraud
    named(ex.q10, "top_bin_fraud_rate", 0.05)                                # base rate
    vendor_observed, _ = calibration_curve(VENDOR["is_fraud"], VENDOR["score"], n_bins=10)
    named(ex.q10, "top_bin_fraud_rate", vendor_observed[-1])                 # their table


def test_registered_answers_are_judged_out_of_kernel():
    verdicts = judge_report("m1", "q10", {"claim_holds": "no",
                                          "top_bin_fraud_rate": 518 / 1186})
    assert all(v.ok for v in verdicts)
    verdicts = judge_report("m1", "q9", {"action": "keep", "new_threshold": 30 / 430})
    assert [v.status for v in verdicts] == ["misconception", "misconception"]


def test_progress_lists_the_whole_module(capsys):
    ex.progress()
    out = capsys.readouterr().out
    assert "q1:" in out and "q9:" in out and "q10:" in out
    assert out.count("q9:") == 1
