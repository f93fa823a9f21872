"""Claims that Module 2's prose makes about its numbers, pinned to the data."""

import math

from course.m2 import labels, leakage, preprocessing, sampling, scenarios


def test_notebook1_leakage_claims():
    """'At horizon 0 the offline and production scores are within a few points'; 'a horizon
    of just one day ... the offline score jumps close to 1 and the production score falls
    below the honest model's'; 'Longer horizons are not much worse than one day'; the
    written prompt's 'from 0.87 to 0.96'."""
    honest = leakage.compute(0)
    one_day = leakage.compute(1)
    whole = leakage.compute(math.inf)
    assert abs(honest.offline_score - honest.production_score) < 0.05
    assert one_day.offline_score > 0.95
    assert one_day.production_score < honest.production_score - 0.03
    assert whole.offline_score <= one_day.offline_score + 0.01
    assert round(honest.offline_score, 2) == 0.87 and round(whole.offline_score, 2) == 0.96
    # 'What to notice' 1 and q1's hints: '0.87 offline, 0.90 in production'; the whole-table
    # model's production score, 0.82.
    assert round(honest.production_score, 2) == 0.90
    assert round(whole.production_score, 2) == 0.82


def test_notebook2_pipeline_claims():
    """'the score is merely worse' (A); 'Snippet C's mistake does not even show in the
    score here'."""
    train, test = scenarios.riders_split()
    auc = {k: preprocessing.test_auc(f(train, test), test)
           for k, f in preprocessing.SNIPPETS.items()}
    assert auc["A"] < auc["B"] - 0.1
    assert abs(auc["C"] - auc["B"]) < 0.005


def test_notebook2_feed_claims():
    """'The weather feed stopped answering for one region'; 'null rates stayed perfect'
    for the inventory feed."""
    store = scenarios.pantry_dash_feature_store()
    late = store[store["date"] >= "2025-03-18"]
    by_region = late["temp_c"].isna().groupby(late["region"]).mean()
    assert (by_region > 0.95).sum() == 1 and (by_region < 0.05).sum() == 2
    assert store["stock_level"].isna().sum() == 0


def test_notebook3_labels_claims():
    """'Raw agreement stays high for every region at every setting'; 'Kappa separates the
    south vendor early'; 'the model ... makes more mistakes on southern comments'."""
    for divergence in (0.0, 0.3, 0.6, 1.0):
        r = labels.compute(divergence)
        assert min(r.agreement.values()) > 0.85, divergence
    early = labels.compute(0.3)
    assert early.lowest_kappa_region == "south"
    default = labels.compute(0.6)
    others = [default.model_error[r] for r in default.model_error if r != "south"]
    assert default.model_error["south"] > max(others)


def test_notebook3_sampling_claims():
    """'The convenience sample is precise and wrong ... more budget does not fix that';
    'Random and stratified samples both centre on the truth; with more budget their ranges
    narrow'."""
    small, big = sampling.compute(200), sampling.compute(1600)
    truth = small.production_error
    for r in (small, big):
        assert r.spread_high["convenience"] < truth
        for design in ("random", "stratified"):
            assert r.spread_low[design] <= truth <= r.spread_high[design]
    for design in ("random", "stratified"):
        assert (big.spread_high[design] - big.spread_low[design]
                < small.spread_high[design] - small.spread_low[design])


def test_worked_examples_and_prompt_claims():
    """Notebook 3's ten comments: 'they agree on 8 of 10', and kappa is the textbook
    formula; notebook 2's q4: app_events is 'the source with the most gaps'."""
    import numpy as np
    from sklearn.metrics import cohen_kappa_score

    one = np.array([0, 0, 0, 0, 0, 0, 0, 1, 1, 0])
    two = np.array([0, 0, 0, 0, 0, 0, 0, 1, 0, 1])
    p_o = (one == two).mean()
    p_e = one.mean() * two.mean() + (1 - one.mean()) * (1 - two.mean())
    assert p_o == 0.8
    assert math.isclose(cohen_kappa_score(one, two), (p_o - p_e) / (1 - p_e))
    store = scenarios.pantry_dash_feature_store()
    gaps = store[list(scenarios.FEATURE_SOURCES)].isna().mean()
    by_source = gaps.groupby(scenarios.FEATURE_SOURCES).sum()
    assert by_source.idxmax() == "app_events"
    assert scenarios.FEATURE_SOURCES[gaps.idxmax()] == "app_events"
