"""Sampling and generalisation: how a pre-launch check can miss the users who matter.

Wayfarer, a travel app, wants to know how often its trip-recommendation model is wrong
before launch. It can afford to check the model by hand for ``budget`` users. The question
is *which* users. Three designs, each a way of choosing ``budget`` users from the
production population (``wayfarer_population``):

- ``"convenience"``: the users the team can reach easily, desktop users in the US (people
  who answer a lab invitation), chosen at random among them. Cheap, and biased: desktop
  users are the model's easiest case and most users are on phones.
- ``"random"``: a simple random sample of all users (each set of ``budget`` users equally
  likely).
- ``"stratified"``: proportional allocation by platform: each platform gets a share of the
  budget equal to its share of the population (``budget x N_platform / N``, rounded by
  largest remainder so the shares add up to the budget), then a simple random sample
  within each platform. The sample's platform mix always matches production.

Each design's *estimate* is the error rate in its sample. ``compute`` draws one sample per
design (seeded) and also describes the spread of the estimate over ``repeats`` seeded
repeats: their mean and 5th-95th percentile range. The repeats use the exact sampling
distribution of the number of errors in a sample drawn without replacement (a
hypergeometric count per stratum), which is what calling ``draw`` many times gives, in
microseconds instead of seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd

from course.style import count, pct

WAYFARER_SEED = 41
DESIGNS = ("convenience", "random", "stratified")
PLATFORMS = ("desktop", "ios", "android")
COUNTRIES = ("US", "UK", "Germany", "Brazil", "India")
#: Who the convenience sample can reach.
CONVENIENCE = {"platform": "desktop", "country": "US"}
#: Population shares and model error rates used by ``wayfarer_population``.
PLATFORM_SHARE = {"desktop": 0.18, "ios": 0.34, "android": 0.48}
PLATFORM_ERROR = {"desktop": 0.04, "ios": 0.11, "android": 0.22}
COUNTRY_SHARE = {"US": 0.30, "UK": 0.15, "Germany": 0.15, "Brazil": 0.20, "India": 0.20}
COUNTRY_FACTOR = {"US": 0.80, "UK": 0.90, "Germany": 1.00, "Brazil": 1.20, "India": 1.30}
#: The percentiles of the repeats that make the reported range.
RANGE_PERCENTILES = (5, 95)


def wayfarer_population(seed: int = WAYFARER_SEED, n: int = 60_000) -> pd.DataFrame:
    """Wayfarer's production users, one row each, with whether the model is wrong for them.

    Columns: ``user_id``; ``platform`` (desktop, ios, android: 18/34/48% of users);
    ``country`` (US, UK, Germany, Brazil, India); ``model_error`` (1 = the model's
    recommendation for that user is wrong). The error rate depends mostly on the platform
    (desktop 4%, iOS 11%, Android 22%) and somewhat on the country (x0.8 in the US to x1.3
    in India).
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    rng = np.random.default_rng(seed)
    platform = rng.choice(np.array(PLATFORMS), size=n, p=list(PLATFORM_SHARE.values()))
    country = rng.choice(np.array(COUNTRIES), size=n, p=list(COUNTRY_SHARE.values()))
    rate = (pd.Series(platform).map(PLATFORM_ERROR).to_numpy()
            * pd.Series(country).map(COUNTRY_FACTOR).to_numpy())
    return pd.DataFrame({
        "user_id": np.arange(1, n + 1),
        "platform": platform,
        "country": country,
        "model_error": (rng.random(n) < rate).astype(np.int64),
    })


def stratum_sizes(population: pd.DataFrame, budget: int) -> dict[str, int]:
    """Proportional allocation of ``budget`` users over platforms (largest remainder).

    Each platform gets ``floor(budget x N_platform / N)``; the users left over go one each to
    the platforms with the largest fractional parts (ties: in ``PLATFORMS`` order). The sizes
    add up to ``budget``.
    """
    platform = population["platform"].to_numpy()
    return _allocate([int(np.sum(platform == p)) for p in PLATFORMS], budget)


def _allocate(counts, budget: int) -> dict[str, int]:
    counts = np.asarray(counts, dtype=float)
    exact = budget * counts / counts.sum()
    base = np.floor(exact).astype(int)
    left = int(budget - base.sum())
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:left]] += 1
    return dict(zip(PLATFORMS, (int(b) for b in base), strict=True))


def _check_budget(population: pd.DataFrame, design: str, budget: int) -> None:
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}, got {design!r}")
    if int(budget) != budget or budget < 1:
        raise ValueError(f"budget must be a whole number of users, at least 1, got {budget}")
    if budget > len(population):
        raise ValueError(f"budget {budget} is larger than the population ({len(population)})")


@dataclass(frozen=True)
class _Groups:
    """Row positions of a population by who can be sampled how, and its error flags."""

    population: pd.DataFrame
    errors: np.ndarray
    platform_code: np.ndarray                # index into PLATFORMS
    reachable: np.ndarray                    # positions of convenience-reachable users
    by_platform: tuple                       # positions of each platform's users


def _groups(population: pd.DataFrame) -> _Groups:
    platform = population["platform"].to_numpy()
    code = np.full(platform.size, -1)
    for i, name in enumerate(PLATFORMS):
        code[platform == name] = i
    reachable = np.flatnonzero((platform == CONVENIENCE["platform"])
                               & (population["country"].to_numpy() == CONVENIENCE["country"]))
    return _Groups(population, population["model_error"].to_numpy(), code, reachable,
                   tuple(np.flatnonzero(code == i) for i in range(len(PLATFORMS))))


def _positions(groups: _Groups, design: str, budget: int, seed: int) -> np.ndarray:
    _check_budget(groups.population, design, budget)
    rng = np.random.default_rng(seed)
    if design == "random":
        chosen = rng.choice(groups.errors.size, size=int(budget), replace=False)
    elif design == "convenience":
        if budget > groups.reachable.size:
            raise ValueError(f"only {groups.reachable.size} users are reachable for a "
                             f"convenience sample; budget {budget} is more")
        chosen = rng.choice(groups.reachable, size=int(budget), replace=False)
    else:
        sizes = _allocate([rows.size for rows in groups.by_platform], int(budget))
        chosen = np.concatenate([rng.choice(rows, size=sizes[name], replace=False)
                                 for name, rows in zip(PLATFORMS, groups.by_platform,
                                                       strict=True)])
    return np.sort(chosen)


def draw(population: pd.DataFrame, design: str, budget: int, seed: int) -> pd.DataFrame:
    """``budget`` users drawn from ``population`` by ``design``, without replacement.

    ``design`` is ``"convenience"`` (desktop users in the US only), ``"random"`` (simple
    random sample) or ``"stratified"`` (proportional allocation by platform, see
    ``stratum_sizes``). Returns the chosen rows (a copy), in population order.
    """
    return population.iloc[_positions(_groups(population), design, budget, seed)].copy()


@dataclass(frozen=True, eq=False)
class SamplingResult:
    """What each sampling design says about the model's error rate, against production.

    Rates are shares (0-1). Mappings are keyed by design (``designs``): ``estimate`` is the
    error rate in one seeded sample; ``spread_mean``, ``spread_low`` and ``spread_high`` the
    mean and the 5th and 95th percentiles of the estimate over ``repeats`` repeats.
    ``platform_mix`` maps each design to its one sample's share of users per platform, and
    ``production_mix`` is the population's. ``design`` is the one the explorer highlights.
    """

    budget: int
    design: str
    repeats: int
    production_error: float
    designs: tuple
    estimate: MappingProxyType
    spread_mean: MappingProxyType
    spread_low: MappingProxyType
    spread_high: MappingProxyType
    platform_mix: MappingProxyType
    production_mix: MappingProxyType
    convenience_reach: str


@lru_cache(maxsize=4)
def _prepared(seed: int) -> _Groups:
    return _groups(wayfarer_population(seed=seed))


def _strata(groups: _Groups, design: str, budget: int):
    """(users, of whom the model is wrong for, sample size) per stratum of a design."""
    errors = groups.errors
    if design == "random":
        return [(errors.size, int(errors.sum()), budget)]
    if design == "convenience":
        return [(groups.reachable.size, int(errors[groups.reachable].sum()), budget)]
    sizes = _allocate([rows.size for rows in groups.by_platform], budget)
    return [(rows.size, int(errors[rows].sum()), sizes[name])
            for name, rows in zip(PLATFORMS, groups.by_platform, strict=True)]


def repeat_estimates(population: pd.DataFrame, design: str, budget: int, repeats: int,
                     seed: int) -> np.ndarray:
    """Error-rate estimates of ``repeats`` independent ``design`` samples of ``budget`` users.

    Drawn from the exact distribution of the number of errors in each stratum's sample
    (hypergeometric: sampling without replacement), so it matches repeated ``draw`` calls.
    """
    return _repeat_estimates(_groups(population), design, budget, repeats, seed)


def _repeat_estimates(groups: _Groups, design: str, budget: int, repeats: int,
                      seed: int) -> np.ndarray:
    _check_budget(groups.population, design, budget)
    rng = np.random.default_rng([seed, int(budget), DESIGNS.index(design)])
    errors = np.zeros(repeats)
    for users, wrong, size in _strata(groups, design, int(budget)):
        if size > users:
            raise ValueError(f"a {design} sample of {budget} needs {size} users from a group "
                             f"of {users}")
        if size:
            errors += rng.hypergeometric(wrong, users - wrong, size, size=repeats)
    return errors / budget


def _mix(codes: np.ndarray) -> MappingProxyType:
    shares = np.bincount(codes, minlength=len(PLATFORMS)) / codes.size
    return MappingProxyType(dict(zip(PLATFORMS, (float(x) for x in shares), strict=True)))


@lru_cache(maxsize=256)
def _compute(budget: int, seed: int, repeats: int) -> dict:
    groups = _prepared(seed)
    out = {"estimate": {}, "spread_mean": {}, "spread_low": {}, "spread_high": {},
           "platform_mix": {}}
    for design in DESIGNS:
        rows = _positions(groups, design, budget, seed)
        spread = _repeat_estimates(groups, design, budget, repeats, seed)
        low, high = np.percentile(spread, RANGE_PERCENTILES)
        out["estimate"][design] = float(groups.errors[rows].mean())
        out["spread_mean"][design] = float(spread.mean())
        out["spread_low"][design] = float(low)
        out["spread_high"][design] = float(high)
        out["platform_mix"][design] = _mix(groups.platform_code[rows])
    out = {name: MappingProxyType(values) for name, values in out.items()}
    out["production_error"] = float(groups.errors.mean())
    out["production_mix"] = _mix(groups.platform_code)
    return out


def compute(budget: int, *, design: str = "stratified", seed: int = WAYFARER_SEED,
            repeats: int = 200) -> SamplingResult:
    """Each design's estimate of the model's error rate from ``budget`` users, and its spread.

    Parameters (units):
        budget: users checked by hand, a whole number (the explorer offers 100-2000).
        design: the design to highlight, one of ``DESIGNS``; all three are computed.
        seed: seed of the population and of the samples.
        repeats: number of repeated samples per design for the spread.

    Returns a ``SamplingResult``. Results are cached per (budget, seed, repeats).
    """
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}, got {design!r}")
    if int(repeats) != repeats or repeats < 2:
        raise ValueError(f"repeats must be a whole number, at least 2, got {repeats}")
    _check_budget(_prepared(seed).population, design, budget)
    parts = _compute(int(budget), int(seed), int(repeats))
    return SamplingResult(budget=int(budget), design=design, repeats=int(repeats),
                          designs=DESIGNS,
                          convenience_reach=(f"{CONVENIENCE['platform']} users in the "
                                             f"{CONVENIENCE['country']}"),
                          **parts)


def reading_lead(result: SamplingResult) -> str:
    """What launching on the highlighted sample's word would lead the team to expect."""
    return (f"On the {result.design} sample's word, Wayfarer would expect "
            f"{pct(result.estimate[result.design])} of users to hit an error; in production "
            f"{pct(result.production_error)} do")


def reading_detail(result: SamplingResult) -> str:
    """One line: production error, the highlighted design's estimate, then the others'.

    "range" is the 5th-95th percentile of the design's estimate over the repeats.
    """
    def describe(design: str) -> str:
        low, high = result.spread_low[design], result.spread_high[design]
        text = (f"{pct(result.estimate[design])} (range {100 * low:.1f}-"
                f"{pct(high)}")
        if design == "convenience":
            text += f"; it only sees {result.convenience_reach}"
        return text + ")"

    first = result.design
    others = "; ".join(f"{d} {describe(d)}" for d in result.designs if d != first)
    return (f"budget {count(result.budget)} users: production error "
            f"{pct(result.production_error)}; the {first} sample says {describe(first)}; "
            f"{others}")


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
