"""Sampling designs: draws against their definitions, spreads against repeated draws, and the
teaching point (a convenience sample is biased; random and stratified are not)."""

import numpy as np
import pytest

from course.m2 import sampling

POPULATION = sampling.wayfarer_population()


def test_population_shape():
    df = POPULATION
    assert list(df.columns) == ["user_id", "platform", "country", "model_error"]
    assert len(df) == 60_000 and df["user_id"].is_unique
    assert set(df["platform"]) == {"desktop", "ios", "android"}
    assert df["country"].nunique() == 5
    shares = df["platform"].value_counts(normalize=True)
    assert shares["desktop"] < 0.25                         # production is mostly mobile
    by_platform = df.groupby("platform")["model_error"].mean()
    assert by_platform["desktop"] < by_platform["ios"] < by_platform["android"]
    assert by_platform["android"] > 3 * by_platform["desktop"]
    by_country = df.groupby("country")["model_error"].mean()
    assert by_country["India"] > by_country["US"] * 1.3
    assert sampling.wayfarer_population().equals(df)      # seeded


def test_production_error_is_the_population_mean():
    result = sampling.compute(400)
    assert result.production_error == pytest.approx(POPULATION["model_error"].mean(),
                                                    abs=1e-15)
    shares = POPULATION["platform"].value_counts(normalize=True)
    for platform in sampling.PLATFORMS:
        assert result.production_mix[platform] == pytest.approx(shares[platform], abs=1e-12)


@pytest.mark.parametrize("budget", [100, 333, 400, 1999])
def test_stratified_sample_uses_proportional_allocation(budget):
    sample = sampling.draw(POPULATION, "stratified", budget, seed=3)
    counts = sample["platform"].value_counts().to_dict()
    assert counts == sampling.stratum_sizes(POPULATION, budget)
    assert sum(counts.values()) == budget == len(sample)
    shares = POPULATION["platform"].value_counts(normalize=True)
    for platform, n in counts.items():
        assert abs(n - budget * shares[platform]) < 1    # largest remainder: within one user
    assert sample["user_id"].is_unique


def test_convenience_and_random_draws():
    convenience = sampling.draw(POPULATION, "convenience", 500, seed=1)
    assert len(convenience) == 500 and convenience["user_id"].is_unique
    assert set(convenience["platform"]) == {"desktop"} and set(convenience["country"]) == {"US"}
    random = sampling.draw(POPULATION, "random", 500, seed=1)
    assert len(random) == 500 and random["user_id"].is_unique
    assert random["platform"].nunique() == 3 and random["country"].nunique() == 5
    again = sampling.draw(POPULATION, "random", 500, seed=1)
    other = sampling.draw(POPULATION, "random", 500, seed=2)
    assert random.equals(again) and not random.equals(other)


@pytest.mark.parametrize("design", sampling.DESIGNS)
def test_estimates_are_the_sample_error_rates(design):
    result = sampling.compute(700, design=design)
    for d in sampling.DESIGNS:
        sample = sampling.draw(POPULATION, d, 700, seed=sampling.WAYFARER_SEED)
        assert result.estimate[d] == pytest.approx(sample["model_error"].mean(), abs=1e-15)
        shares = sample["platform"].value_counts(normalize=True)
        for platform in sampling.PLATFORMS:
            assert result.platform_mix[d][platform] == pytest.approx(shares.get(platform, 0.0),
                                                                     abs=1e-12)
        assert sum(result.platform_mix[d].values()) == pytest.approx(1.0)
    assert result.design == design


@pytest.mark.parametrize("design", sampling.DESIGNS)
def test_repeat_estimates_match_repeated_draws(design):
    fast = sampling.repeat_estimates(POPULATION, design, 300, 20_000, seed=5)
    slow = np.array([sampling.draw(POPULATION, design, 300, seed=s)["model_error"].mean()
                     for s in range(400)])
    assert fast.mean() == pytest.approx(slow.mean(), abs=0.004)
    assert fast.std() == pytest.approx(slow.std(), rel=0.15)


def test_teaching_point_at_the_default_budget():
    result = sampling.compute(400, repeats=200)
    truth = result.production_error
    # A convenience sample is biased: even its 5-95% range misses production.
    assert result.spread_high["convenience"] < truth
    assert result.estimate["convenience"] < truth / 2
    # Random and stratified samples bracket it.
    for design in ("random", "stratified"):
        assert result.spread_low[design] <= truth <= result.spread_high[design]
        assert result.spread_mean[design] == pytest.approx(truth, abs=0.005)


def test_stratified_is_no_wider_than_random():
    result = sampling.compute(400, repeats=20_000)
    random = result.spread_high["random"] - result.spread_low["random"]
    stratified = result.spread_high["stratified"] - result.spread_low["stratified"]
    assert stratified <= random + 1e-12
    fast = {d: sampling.repeat_estimates(POPULATION, d, 400, 20_000, seed=9).std()
            for d in ("random", "stratified")}
    assert fast["stratified"] < fast["random"]
    # Stratified samples always have production's platform mix (to within one user).
    for platform in sampling.PLATFORMS:
        assert abs(result.platform_mix["stratified"][platform]
                   - result.production_mix[platform]) <= 1 / 400


def test_spread_shrinks_with_budget():
    small, large = sampling.compute(100), sampling.compute(1600)
    for design in ("random", "stratified"):
        assert (large.spread_high[design] - large.spread_low[design]
                < 0.5 * (small.spread_high[design] - small.spread_low[design]))


def test_reading_states_the_result_numbers():
    result = sampling.compute(400, design="random")
    text = sampling.reading_detail(result)
    assert text.startswith("budget 400 users: production error "
                           f"{100 * result.production_error:.1f}%; the random sample says "
                           f"{100 * result.estimate['random']:.1f}%")
    for design in sampling.DESIGNS:
        assert f"{100 * result.estimate[design]:.1f}%" in text
        assert f"{100 * result.spread_high[design]:.1f}%" in text
    assert "desktop users in the US" in text


@pytest.mark.parametrize("bad", [dict(budget=0), dict(budget=250.5),
                                 dict(budget=100, design="snowball"),
                                 dict(budget=100, repeats=1), dict(budget=10_000)])
def test_invalid_settings_raise(bad):
    with pytest.raises(ValueError):
        sampling.compute(**bad)


def test_results_are_read_only():
    result = sampling.compute(500)
    with pytest.raises(TypeError):
        result.estimate["random"] = 0.0
