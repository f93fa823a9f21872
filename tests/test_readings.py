"""The line under every chart leads with the product consequence, then the statistics.

Each model's ``reading(result)`` is ``reading_lead(result) + ". In numbers: " +
reading_detail(result)`` (the architecture budget's reading already opens with the decision,
what fits at what cost). The statistics part is pinned number by number in each model's own
tests (tests/test_mN_*.py); here every number of the leads is recomputed from the result's
fields or independently (scipy), and each lead is checked to come first.
"""

from __future__ import annotations

import math

import pytest
from scipy import stats

from course.m1 import budget, capacity, drift, imbalance, segments, threshold
from course.m2 import labels, leakage, sampling
from course.m3 import cache, cascade, latency, monitoring
from course.m4 import abtest, feedback, retraining, review
from course.style import count, money

MODELS = [threshold, imbalance, capacity, segments, drift, leakage, labels, sampling, latency,
          cascade, cache, monitoring, retraining, abtest, review, feedback]
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
