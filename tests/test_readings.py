"""The line under every chart leads with the product consequence, then the statistics.

Each model's ``reading(result)`` is ``reading_lead(result) + ". In numbers: " +
reading_detail(result)`` (the architecture budget's reading already opens with the decision,
what fits at what cost). The statistics part is pinned number by number in each model's own
tests (tests/test_mN_*.py); here every number of the leads is recomputed from the result's
fields or independently (scipy), and each lead is checked to come first.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from course.m1 import budget, calibration, capacity, drift, imbalance, segments, threshold
from course.m2 import labels, leakage, sampling
from course.m3 import cache, cascade, latency, llm_eval, monitoring, silence
from course.m4 import abtest, feedback, retraining, review
from course.style import count, money

MODELS = [threshold, imbalance, capacity, segments, drift, calibration, leakage, labels, sampling,
          latency, cascade, cache, monitoring, llm_eval, silence, retraining, abtest, review,
          feedback]
#: Where the explorers start, for the models whose ``compute`` has no default for these.
START = {threshold: {"threshold": 0.5}, imbalance: {"prevalence": 0.01},
         capacity: {"max_depth": 6}, leakage: {"horizon_days": math.inf},
         labels: {"divergence": 0.6}, sampling: {"budget": 400}}


def start(model, **changes):
    return model.compute(**{**START.get(model, {}), **changes})


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_reading_is_the_lead_then_the_numbers(model):
    result = start(model)
    lead, detail = model.reading_lead(result), model.reading_detail(result)
    assert model.reading(result) == f"{lead}. In numbers: {detail}"
    assert lead[0].isupper() or lead[0].isdigit() or lead[0] == "$"
    assert not lead.endswith(".")


def test_threshold_lead_counts_people_and_the_saving():
    result = start(threshold)
    lead = threshold.reading_lead(result)
    saving = result.cost_per_day - result.cheapest_cost_per_day
    assert lead.startswith(f"Each day {count(result.good_blocked_per_day)} good customers are "
                           f"blocked and {count(result.fraud_missed_per_day)} fraud cases get "
                           "through")
    assert f"save {money(saving)} a day" in lead
    nothing = start(threshold, threshold=0.99)
    assert math.isnan(nothing.precision)
    assert threshold.reading_lead(nothing).startswith("Nothing is flagged")


def test_capacity_lead_prices_the_random_split_in_the_future():
    result = start(capacity)
    first = int(result.depths[0])
    trusted = result.time_holdout_mae[result.random_pick - first]
    honest = result.time_holdout_mae[result.time_pick - first]
    assert result.random_pick != result.time_pick and trusted > honest
    lead = capacity.reading_lead(result)
    assert f"ship depth {result.random_pick}, off by about {trusted:,.0f} orders a day" in lead
    assert f"depth {result.time_pick}, picked on a time holdout, is off by {honest:,.0f}" in lead


def test_segments_and_labels_name_who_is_affected():
    assert "customers who send fax invoices" in segments.reading_lead(segments.compute())
    assert segments.reading_lead(segments.compute(fax_share=0.0)).startswith("Every customer")
    result = labels.compute(0.6)
    others = [e for r, e in result.model_error.items() if r != "south"]
    lead = labels.reading_lead(result)
    assert lead.startswith("Comments from the south")
    assert f"{100 * result.model_error['south']:.0f}% of them wrong" in lead
    assert f"against {100 * sum(others) / len(others):.0f}% elsewhere" in lead
    assert labels.reading_lead(labels.compute(0.0)).startswith("Every region")
    assert "0.6 of the way from the reference" in labels.reading_detail(result)
    assert "guideline divergence" not in labels.reading(result)


def test_drift_and_monitoring_lead_with_the_situation():
    result = drift.compute(1.5, 0)
    assert drift.reading(result).startswith("Data drift: ")
    assert "sd (sd: the spread of training baskets)" in drift.reading(result)
    assert "alarms at p < 0.05" in drift.reading(result)
    shifted = monitoring.compute(shift=0.5)
    lead = monitoring.reading_lead(shifted)
    assert lead.startswith("The mix of payment amounts has changed,")
    assert (f"now blocks {100 * shifted.production_recall:.0f}% of fraud against "
            f"{100 * shifted.reference_recall:.0f}% in training") in lead
    assert "has changed a lot" in monitoring.reading_lead(monitoring.compute(shift=1.5))
    assert "still blocks" in monitoring.reading_lead(monitoring.compute())


def test_leakage_sampling_latency_cascade_cache_leads():
    leaky = start(leakage)
    gap = leaky.offline_score - leaky.production_score
    assert f"looks {gap:.2f} ROC-AUC better" in leakage.reading_lead(leaky)
    assert leakage.reading_lead(start(leakage, horizon_days=0)).startswith("No leak")
    s = start(sampling)
    assert (f"expect {100 * s.estimate[s.design]:.1f}% of users to hit an error; in "
            f"production {100 * s.production_error:.1f}% do") in sampling.reading_lead(s)
    ok = latency.compute()
    assert latency.reading_lead(ok) == (f"Meets the SLA: 99 in 100 customers get an answer "
                                        f"within {ok.p99_ms:,.0f} ms, for "
                                        f"{money(ok.monthly_cost)} a month")
    slow = latency.compute("large", safety_filter=True, cache_hit_rate=0.0, batch_size=16)
    assert not slow.meets_sla and latency.reading_lead(slow).startswith("Misses the SLA")
    c = cascade.compute()
    assert cascade.reading_lead(c).startswith(f"{money(c.monthly_cost)} a month, within")
    stale = cache.compute(14, 7)
    assert cache.reading_lead(stale).startswith(f"{100 * stale.stale_share:.0f}% of cached")
    assert cache.reading_lead(cache.compute(7, 7)).startswith("No cached answer")


def test_abtest_says_peeking_buys_power_with_false_positives():
    one = abtest.compute()
    assert abtest.reading_lead(one) == (f"This test detects a real 2.0-point lift "
                                        f"{one.power:.0%} of the time")
    peeking = abtest.compute(peeks=10)
    assert peeking.power > one.power                      # peeking does raise power ...
    assert peeking.false_positive_rate > 2 * one.false_positive_rate   # ... and false alarms
    lead = abtest.reading_lead(peeking)
    assert "buys power" in lead and "with false positives" in lead
    assert f"{peeking.power:.0%} of the time" in lead
    assert f"({peeking.power_single_look:.0%} with one look)" in lead
    assert (f"{peeking.false_positive_rate:.0%} of tests would still ship "
            f"(vs {peeking.false_positive_rate_single_look:.0%})") in lead
    assert abtest.reading_lead(abtest.compute(0.0)).startswith("There is no real lift")


def test_retraining_review_feedback_leads():
    r = retraining.compute()
    diff = r.policy_wrong_forecasts["never"] - r.wrong_forecasts
    assert retraining.reading_lead(r) == (f"{count(r.wrong_forecasts)} wrong forecasts over "
                                          f"the year, {count(diff)} fewer than never "
                                          "retraining")
    ungated = retraining.compute(gate=False)
    assert f"{ungated.bad_models_shipped} bad models reached customers" in \
        retraining.reading_lead(ungated)
    q = review.compute()
    assert review.reading_lead(q) == (
        f"{count(q.fraud_caught_per_day)} of {count(q.fraud_per_day)} fraud cases stopped a "
        f"day, {count(q.good_blocked_per_day)} good customers blocked, and "
        f"{count(q.overflow_per_day)} cases a day released without a human look")
    f = feedback.compute(0.0)
    assert feedback.reading_lead(f).startswith(
        f"Without exploration, users only ever see {100 * f.final_coverage:.0f}%")
    assert f"the other {f.never_shown}" in feedback.reading_lead(f)


def test_budget_tail_ratio_matches_scipy():
    for sigma in (0.3, 0.5, 1.0):
        dist = stats.lognorm(s=sigma)
        assert budget.tail_ratio(sigma) == pytest.approx(dist.ppf(0.99) / dist.median())
    text = budget.reading(budget.compute())
    assert f"take {budget.tail_ratio(0.5):.1f} times the typical one" in text


def _cost_per_1000(probability, is_fraud, weights, threshold, cost_fp, cost_fn):
    """Dollars per 1,000 applications declining at ``probability >= threshold``, row by row."""
    total = lost = 0.0
    for p, fraud, w in zip(probability, is_fraud, weights, strict=True):
        total += w
        if fraud and p < threshold:
            lost += cost_fn * w
        elif not fraud and p >= threshold:
            lost += cost_fp * w
    return 1000 * lost / total


def test_calibration_lead_prices_moving_the_threshold():
    _, _, y, probability = calibration._calibrated("isotonic")
    r = calibration.compute(base_rate_multiplier=2.0)
    weights = np.where(y, 0.10 / 0.05, 0.90 / 0.95)
    at_rule = _cost_per_1000(probability, y, weights, r.rule_threshold, 30, 400)
    at_score = _cost_per_1000(probability, y, weights, r.score_threshold, 30, 400)
    assert at_rule - at_score > 1_000                       # moving the threshold pays
    assert calibration.reading_lead(r) == (
        "At 2x the pilot's base rate (10.0% fraud), the calibrated score understates fraud: "
        f"declining at {r.score_threshold:.2f} instead of {30 / 430:.2f} saves "
        f"{money(at_rule - at_score)} per 1,000 applications")
    assert "In numbers: isotonic-calibrated threshold" in calibration.reading(r)
    pilot = calibration.compute()
    at_pilot = _cost_per_1000(probability, y, np.ones(y.size), 30 / 430, 30, 400)
    assert calibration.reading_lead(pilot).startswith(
        f"At the pilot's 5.0% fraud, declining every application whose calibrated score is "
        f"at least {30 / 430:.2f} costs {money(at_pilot)} per 1,000 applications")
    assert "overstates" in calibration.reading_lead(calibration.compute(base_rate_multiplier=0.5))


def test_llm_eval_lead_says_what_the_eval_lets_quillio_ship():
    small = llm_eval.compute(50)
    assert llm_eval.reading_lead(small).startswith(
        "With 50 conversations per version this eval cannot say whether B is better")
    for n, points, verdict in ((5_000, -2.0, "B is better"), (5_000, 3.0, "B is worse")):
        r = llm_eval.compute(n, rate_b_points=points)
        log = llm_eval.eval_log(n, rate_a=0.08, rate_b=0.08 + points / 100)
        flagged = log.groupby("version")[["human_unsupported", "judge_unsupported"]].sum()
        k_a, k_b = flagged.loc["A", "human_unsupported"], flagged.loc["B", "human_unsupported"]
        low, high = confint_proportions_2indep(k_b, n, k_a, n, method="newcomb",
                                               compare="diff")
        assert (high < 0) == (verdict == "B is better") and (low > 0) == (verdict == "B is worse")
        words = "fewer" if verdict == "B is better" else "more"
        lead = llm_eval.reading_lead(r)
        assert lead.startswith(f"With {n:,} conversations per version, {verdict}: about "
                               f"{100 * abs(k_b - k_a) / n:.1f} {words} conversations in 100 "
                               "get an unsupported claim")
        j_a, j_b = flagged.loc["A", "judge_unsupported"], flagged.loc["B", "judge_unsupported"]
        j_low, j_high = confint_proportions_2indep(j_b, n, j_a, n, method="newcomb",
                                                   compare="diff")
        judge_agrees = (j_high < 0) == (high < 0) and (j_low > 0) == (low > 0)
        assert ("the model judge alone" not in lead) == judge_agrees


def test_silence_lead_counts_what_goes_unnoticed_and_the_false_pages():
    r = silence.compute("global", row_drop_pct=10)
    missed = [o.name for o in r.incidents if not o.caught]
    false_pages = sum(1 for p in r.pages if not p.catches)
    assert missed and false_pages
    assert silence.reading_lead(r).startswith(
        f"{len(missed)} of 6 incidents go unnoticed ({', '.join(missed)})")
    assert silence.reading_lead(r).endswith(
        f"the on-call team gets {false_pages / 3:.1f} false pages a week")
    caught = silence.evaluate_plan(freshness_slack_hours=2, row_drop_pct=40)
    slowest = max(o.delay_hours for o in caught.incidents)
    assert silence.reading_lead(caught).startswith(
        f"All 6 incidents are caught; the slowest catch comes {slowest} hours after it started")
