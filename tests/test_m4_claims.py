"""Claims that Module 4's prose makes about its numbers, pinned to the simulations."""

import math

from scipy.stats import norm

from course.m4 import abtest, feedback, retraining, review, scenarios


def test_notebook1_experiment_claims():
    """'Power grows with the sample and with the lift'; 'running each input several times
    ... raises power, with diminishing returns'; 'Look ten times ... several times' 5%."""
    small, big = abtest.compute(inputs_per_arm=1000), abtest.compute(inputs_per_arm=8000)
    assert big.power > small.power
    assert abtest.compute(true_lift=3.0).power > abtest.compute(true_lift=1.0).power
    k = [abtest.compute(run_to_run_sd=0.3, samples_per_input=s).power for s in (1, 2, 4, 8)]
    assert k[0] < k[1] < k[2] < k[3] and (k[3] - k[2]) < (k[1] - k[0])
    once, ten = abtest.compute(peeks=1), abtest.compute(peeks=10)
    assert abs(once.false_positive_rate - 0.05) < 0.01
    assert ten.false_positive_rate > 3 * 0.05


def test_notebook1_peeking_buys_power_with_false_positives():
    """'at the explorer's start ... power is only 0.28'; 'about 20%'; 'Peeking also raises
    the power shown (0.28 to 0.44 at the start settings)'."""
    once, ten = abtest.compute(), abtest.compute(peeks=10)
    assert round(once.power, 2) == 0.28
    assert round(ten.power, 2) == 0.44
    assert round(ten.false_positive_rate, 2) == 0.20


def test_notebook1_live_test_claims():
    """'the chance that at least one looks significant is 1 - 0.95^5 = 23%' (simulated);
    'Bonferroni: 0.05 / 5 = 0.01'; worked example: 'Pantry Dash needs 17,164 sessions per
    arm'; '50,912 to 49,088: a gap of 1.8%' that chance 'would almost never produce' (a
    binomial z by hand); q2's D: '8,900 and 8,393'."""
    import numpy as np

    rng = np.random.default_rng(0)
    p_values = rng.uniform(size=(200_000, 5))        # five null metrics, independent
    share = (p_values < 0.05).any(axis=1).mean()
    assert abs(share - 0.23) < 0.005 and round(1 - 0.95 ** 5, 2) == 0.23
    h = 2 * math.asin(math.sqrt(0.13)) - 2 * math.asin(math.sqrt(0.12))
    assert math.ceil(2 * ((norm.ppf(0.975) + norm.ppf(0.8)) / h) ** 2) == 17_164
    z = (50_912 - 50_000) / math.sqrt(100_000 * 0.25)
    assert round((50_912 - 49_088) / 100_000, 3) == 0.018 and 2 * norm.sf(z) < 1e-6
    d = scenarios.quillio_experiments().loc["D"]
    assert (d.control_n, d.treatment_n) == (8_900, 8_393)
    c = scenarios.quillio_experiments().loc["C"]
    assert c.control_n < c.planned_per_arm / 3          # 'under a third of its sample'


def test_notebook2_retraining_claims():
    """'Never is fine until the sudden shift'; 'Scheduled ... many retrains buy nothing';
    'Performance-triggered ... can never react faster than the label delay'; 'Switch the
    gate off: a retrain on corrupted data ships, and errors jump'; 'too low a threshold
    retrains on noise'."""
    table = retraining.compare()
    assert table.loc["never", "wrong_forecasts"] == table["wrong_forecasts"].max()
    sched = retraining.compute("scheduled")
    assert sched.small_gain_retrains >= sched.retrains / 2
    for delay in (2, 5):
        perf = retraining.compute("performance-triggered", label_delay_weeks=delay)
        assert perf.first_retrain_after_shift >= retraining.SHIFT_WEEK + delay
    off = retraining.compute("scheduled", gate=False)
    assert off.bad_models_shipped >= 1 and off.wrong_forecasts > sched.wrong_forecasts
    low = retraining.compute("drift-triggered", psi_threshold=0.05)
    assert low.retrains > 2 * retraining.compute("drift-triggered").retrains


def test_notebook3_review_claims():
    """'Once arrivals exceed capacity, the queue overflows ... fraud caught stops improving';
    'The rules layer is cheap: it takes the obvious cases out before they cost a review'."""
    wide, fits = review.compute(review_threshold=0.3), review.compute(review_threshold=0.76)
    assert wide.overflow_per_day > 0 and wide.fraud_caught_per_day <= fits.fraud_caught_per_day
    assert wide.reviews_per_day == 300 and fits.reviews_per_day <= 300   # cost is capped
    on, off = review.compute(rules_on=True), review.compute(rules_on=False)
    assert on.queue_arrivals_per_day < off.queue_arrivals_per_day
    assert on.cost_per_day < off.cost_per_day


def test_notebook3_feedback_claims():
    """'With no exploration, the model shows the same few destinations from the first round
    on, and its estimates of everything else never improve'; 'A little exploration costs a
    few clicks early and keeps discovering better destinations; too much wastes slots'."""
    none, some, lots = (feedback.compute(exploration=e) for e in (0.0, 0.1, 0.3))
    assert none.run.coverage[0] == none.run.coverage[-1]
    assert none.run.error_unshown[0] == none.run.error_unshown[-1]
    assert some.clicks_vs_exploit_first < 0 < some.clicks_vs_exploit_last
    assert some.final_coverage > 5 * none.final_coverage
    assert lots.run.clicks[-10:].sum() < some.run.clicks[-10:].sum()


def test_notebook3_ledgerly_overflow_claims():
    """'at the starting review threshold (0.50) the queue is 18% fraud'; 'blocking the
    overflow is the cheaper mistake whenever fraud is more than 30 / (30 + 400) = 7% of it'
    (the per-case costs compared by hand)."""
    r = review.compute(review_threshold=0.5)
    fraud_in_queue = r.fraud_by_review + r.fraud_overflow + r.fraud_missed_by_reviewers
    share = fraud_in_queue / r.queue_arrivals_per_day
    assert round(share, 2) == 0.18
    breakeven = 30 / (30 + 400)
    assert round(breakeven, 2) == 0.07
    # Per overflowing case: releasing costs share x 400, blocking (1 - share) x 30.
    assert share * 400 > (1 - share) * 30
    assert r.overflow_per_day > 0


def test_notebook3_canary_sizing_claims():
    """'About 116,000 searches per arm catch a 5% drop in 12 days; proving a 2% lift needs
    about 753,000 per arm, 76 days'; 'at 50% of all 3 million daily searches each arm gets
    1.5 million a day'; the exemplar's canary: '5% of searches in two markets ... two weeks
    (about 140,000 searches per arm)'. Cohen's h by hand, not statsmodels."""
    z = norm.ppf(0.975) + norm.ppf(0.8)

    def n(p_new, p_old=0.05):
        h = 2 * math.asin(math.sqrt(p_new)) - 2 * math.asin(math.sqrt(p_old))
        return math.ceil(2 * (z / h) ** 2)

    drop, lift = n(0.0475), n(0.051)
    assert round(drop, -3) == 116_000 and math.ceil(drop / 10_000) == 12
    assert round(lift, -3) == 753_000 and math.ceil(lift / 10_000) == 76
    assert lift > 6 * drop                                   # 'more than 6 times the sample'
    per_market = 3_000_000 / 30
    canary_per_day = 0.05 * 2 * per_market
    assert canary_per_day == 10_000 and canary_per_day * 14 == 140_000
    assert canary_per_day * 14 > drop and canary_per_day * 14 < lift / 5
    assert 0.5 * 3_000_000 > lift                             # 'come in a day'
