"""Latency, cost and quality: what model size, quantization, caching, batching and a safety
filter do to Quillio's chatbot.

Quillio (fictional) answers about 2,000,000 customer-support messages a month in a real-time
chat. Its SLA is on the **p99 latency of the model response, measured per message**: at most
1,200 ms. Latency is a distribution, never a single number, so this module simulates one
latency per message for ``N_MESSAGES`` (20,000) messages and reads percentiles off the sample.

The simulation recipe (all times in milliseconds), stated once so the explorer, the tests and
the lesson agree:

1. **Cache.** A message is answered from the cache of frequent queries with probability
   ``cache_hit_rate``. A cache hit takes ``CACHE_MEDIAN_MS * exp(CACHE_SIGMA * z)`` (about
   15 ms), costs ``CACHE_COST_PER_1K`` and has the quality of the model that filled the
   cache. Every other message (a *cache miss*) goes to the model.
2. **Model body.** A miss takes ``median * exp(sigma * z)``: log-normal with the model's
   median and spread from ``MODELS``. Quantization (int8 weights) multiplies the median by
   ``QUANTIZED_LATENCY`` (0.65); batching ``b`` requests together multiplies it by
   ``1 + BATCH_SLOWDOWN * (b - 1)`` (a bigger batch is a slower forward pass).
3. **Batch wait.** With batching a request also waits for its batch to fill:
   ``u * BATCH_WINDOW_MS * (b - 1)`` with ``u`` uniform on [0, 1] (no wait when ``b = 1``).
4. **Slow tail.** With probability ``TAIL_SHARE`` (3%) a miss lands on a cold replica or
   behind a long generation in the queue and waits an extra
   ``TAIL_SCALE * median * g`` with ``g ~ Gamma(shape TAIL_SHAPE, scale 1 / TAIL_SHAPE)``
   (mean 1, so the extra wait averages twice the body's median). These rare, slow
   messages are what the p99 is made of.
5. **Safety filter.** When on, every miss is also checked by a post-generation filter that
   takes ``FILTER_MEDIAN_MS * exp(FILTER_SIGMA * z)`` (about 300 ms, its own small spread),
   independent of the model's time. Cached answers were filtered when they were stored, so
   they skip it. The filter costs ``FILTER_COST_PER_1K`` per 1,000 filtered messages and
   blocks ``FILTER_CATCHES`` (85%) of harmful answers; it does not change the quality score.

Every configuration uses the same random draws (common random numbers, one set per
``seed``), so comparing two configurations compares the levers, not two different samples.

Money and quality are expectations, not simulated: a miss costs the model's
``cost_per_1k`` times ``QUANTIZED_COST`` (0.6) if quantized, times the batching factor
``BATCH_FIXED_SHARE + (1 - BATCH_FIXED_SHARE) * (1 + BATCH_SLOWDOWN * (b - 1)) / b`` (one
forward pass serves ``b`` requests, a fixed share of the cost does not shrink); so

    cost_per_1k = (1 - cache_hit_rate) * (model cost + filter cost) + cache_hit_rate * cache cost

and ``monthly_cost = cost_per_1k * MESSAGES_PER_MONTH / 1000``. Quality is the model's score
on Quillio's answer-quality rubric (0-100), minus ``QUANTIZED_QUALITY_LOSS`` if quantized;
caching and batching do not change it.

Percentiles are ``numpy.percentile(samples, q, method="linear")`` of the simulated
latencies, and ``mean_ms`` is their plain mean.

``CONFIG_GRID`` lists the configurations of the comparison table (``table()``); ``compute``
and ``table`` read the same simulated samples.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd

from course.style import money

#: Messages Quillio's chatbot answers in a month.
MESSAGES_PER_MONTH = 2_000_000
#: The SLA: p99 latency of the model response, measured per message (ms).
SLA_P99_MS = 1_200
#: Simulated messages per configuration.
N_MESSAGES = 20_000
#: Percentile method used for every latency percentile in this module.
PERCENTILE_METHOD = "linear"


@dataclass(frozen=True)
class ModelSpec:
    """One model option: latency body (median ms, log-normal sigma), dollars per 1,000
    requests at batch size 1, answer-quality score (0-100) and harmful answers per 10,000."""

    label: str
    median_ms: float
    sigma: float
    cost_per_1k: float
    quality: float
    harmful_per_10k: float


#: The three model options (planning figures for Quillio, fictional).
MODELS = MappingProxyType({
    "small": ModelSpec("fine-tuned small model", 150.0, 0.45, 0.40, 76.0, 10.0),
    "medium": ModelSpec("mid-size model", 300.0, 0.45, 1.20, 85.0, 6.0),
    "large": ModelSpec("frontier-scale model", 560.0, 0.45, 6.00, 92.0, 3.0),
})
MODEL_SIZES = tuple(MODELS)

# Levers (see the module docstring for how each enters).
QUANTIZED_LATENCY = 0.65
QUANTIZED_COST = 0.6
QUANTIZED_QUALITY_LOSS = MappingProxyType({"small": 2.0, "medium": 1.5, "large": 1.0})
BATCH_WINDOW_MS = 25.0
BATCH_SLOWDOWN = 0.03
BATCH_FIXED_SHARE = 0.25
TAIL_SHARE = 0.03
TAIL_SHAPE = 6.0
TAIL_SCALE = 2.0
CACHE_MEDIAN_MS = 15.0
CACHE_SIGMA = 0.4
CACHE_COST_PER_1K = 0.01
FILTER_MEDIAN_MS = 300.0
FILTER_SIGMA = 0.12
FILTER_COST_PER_1K = 0.05
FILTER_CATCHES = 0.85

#: Ranges the explorer's controls offer (and ``compute`` accepts).
CACHE_HIT_RATE_MAX = 0.6
BATCH_SIZE_MAX = 16

#: Histogram bins for the chart: 72 bins evenly spaced in log10(ms) from 5 ms to 20 s (a
#: time outside that range is counted in the first or last bin).
HIST_LOG10_RANGE = (math.log10(5.0), math.log10(20_000.0))
HIST_BINS = 72
HIST_EDGES_MS = np.logspace(*HIST_LOG10_RANGE, HIST_BINS + 1)
HIST_EDGES_MS.flags.writeable = False

#: The comparison table's configurations: every model size x quantized x cache hit rate in
#: {0, 0.2, 0.4} x batch size in {1, 4, 16} x safety filter (108 in all), as read-only dicts.
CONFIG_GRID = tuple(
    MappingProxyType(dict(model_size=size, quantized=quantized, cache_hit_rate=cache,
                          batch_size=batch, safety_filter=safety))
    for size, quantized, cache, batch, safety in itertools.product(
        MODEL_SIZES, (False, True), (0.0, 0.2, 0.4), (1, 4, 16), (False, True)))
KNOBS = ("model_size", "quantized", "cache_hit_rate", "batch_size", "safety_filter")
TABLE_COLUMNS = (*KNOBS, "p50_ms", "p95_ms", "p99_ms", "mean_ms", "meets_sla", "cost_per_1k",
                 "monthly_cost", "quality", "harmful_per_10k")


@dataclass(frozen=True, eq=False)
class LatencyResult:
    """One configuration's latency distribution, cost and quality.

    Latencies are in ms: ``p50_ms``, ``p95_ms``, ``p99_ms`` (linear-interpolated percentiles
    of ``samples_ms``) and ``mean_ms``. ``meets_sla`` is ``p99_ms <= sla_p99_ms``. Money is
    in dollars: ``cost_per_1k`` per 1,000 messages, ``monthly_cost`` at
    ``MESSAGES_PER_MONTH``. ``quality`` is the rubric score (0-100), ``harmful_per_10k`` the
    harmful answers per 10,000 messages. ``samples_ms`` holds one simulated latency per
    message and ``cached`` marks the cache hits (both read-only, length ``N_MESSAGES``);
    ``hist_cached`` and ``hist_model`` are the share of *all* messages falling in each bin
    of ``HIST_EDGES_MS`` (cache hits and model answers), for plotting.
    """

    model_size: str
    quantized: bool
    cache_hit_rate: float
    batch_size: int
    safety_filter: bool
    sla_p99_ms: float
    seed: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    meets_sla: bool
    cost_per_1k: float
    monthly_cost: float
    quality: float
    harmful_per_10k: float
    samples_ms: np.ndarray
    cached: np.ndarray
    hist_edges_ms: np.ndarray
    hist_cached: np.ndarray
    hist_model: np.ndarray


# --- the simulation --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Draws:
    """Standardised random draws, one per simulated message, shared by all configurations."""

    body: np.ndarray       # standard normal: the model's log-normal body
    wait: np.ndarray       # uniform [0, 1): where in the batch window the request arrives
    slow: np.ndarray       # uniform [0, 1): tail event when < TAIL_SHARE
    tail: np.ndarray       # Gamma(TAIL_SHAPE, 1 / TAIL_SHAPE), mean 1: the tail's delay
    cache: np.ndarray      # uniform [0, 1): cache hit when < cache_hit_rate
    cache_time: np.ndarray  # standard normal: the cache's log-normal time
    filter: np.ndarray     # standard normal: the filter's log-normal time

    @classmethod
    def make(cls, rng: np.random.Generator, n: int) -> _Draws:
        draws = cls(body=rng.standard_normal(n), wait=rng.random(n), slow=rng.random(n),
                    tail=rng.gamma(TAIL_SHAPE, 1 / TAIL_SHAPE, n), cache=rng.random(n),
                    cache_time=rng.standard_normal(n), filter=rng.standard_normal(n))
        for array in vars(draws).values():
            array.flags.writeable = False
        return draws


@lru_cache(maxsize=8)
def _draws(seed: int) -> _Draws:
    return _Draws.make(np.random.default_rng(seed), N_MESSAGES)


def _model_ms(model_size: str, quantized: bool, batch_size: int, draws: _Draws) -> np.ndarray:
    """Model time for every message as if it missed the cache (steps 2-4 of the recipe)."""
    spec = MODELS[model_size]
    median = spec.median_ms * (QUANTIZED_LATENCY if quantized else 1.0)
    median *= 1 + BATCH_SLOWDOWN * (batch_size - 1)
    body = median * np.exp(spec.sigma * draws.body)
    wait = draws.wait * BATCH_WINDOW_MS * (batch_size - 1)
    tail = np.where(draws.slow < TAIL_SHARE, TAIL_SCALE * median * draws.tail, 0.0)
    return body + wait + tail


def simulate_model_ms(model_size: str, n: int, rng: np.random.Generator, *,
                      quantized: bool = False, batch_size: int = 1) -> np.ndarray:
    """``n`` fresh model response times (ms) for cache misses, without the safety filter.

    The same recipe as ``compute`` (body, batch wait, slow tail), with new draws from
    ``rng``; ``course.m3.cascade`` uses it for its small and large models.
    """
    _check_model(model_size, batch_size)
    return _model_ms(model_size, bool(quantized), int(batch_size), _Draws.make(rng, n))


@lru_cache(maxsize=64)
def _model_ms_cached(model_size: str, quantized: bool, batch_size: int, seed: int) -> np.ndarray:
    """The base configuration's model times, computed once per (size, int8, batch, seed)."""
    times = _model_ms(model_size, quantized, batch_size, _draws(seed))
    times.flags.writeable = False
    return times


@lru_cache(maxsize=8)
def _cache_ms(seed: int) -> np.ndarray:
    times = CACHE_MEDIAN_MS * np.exp(CACHE_SIGMA * _draws(seed).cache_time)
    times.flags.writeable = False
    return times


@lru_cache(maxsize=8)
def _filter_ms(seed: int) -> np.ndarray:
    times = FILTER_MEDIAN_MS * np.exp(FILTER_SIGMA * _draws(seed).filter)
    times.flags.writeable = False
    return times


def filter_delay_ms(*, seed: int = 7) -> np.ndarray:
    """The safety filter's own time (ms) for each simulated message, whether or not the
    filter runs on it (read-only; message ``i`` here is message ``i`` of ``samples_ms``).

    With the filter on, ``compute`` adds this to every cache miss and nothing to a hit.
    """
    return _filter_ms(int(seed))


def batch_cost_factor(batch_size: int) -> float:
    """Cost of a request at this batch size relative to batch size 1 (1.0 at b = 1)."""
    per_request = (1 + BATCH_SLOWDOWN * (batch_size - 1)) / batch_size
    return BATCH_FIXED_SHARE + (1 - BATCH_FIXED_SHARE) * per_request


def _check_model(model_size, batch_size):
    if model_size not in MODELS:
        raise ValueError(f"model_size must be one of {list(MODELS)}, got {model_size!r}")
    if int(batch_size) != batch_size or not 1 <= batch_size <= BATCH_SIZE_MAX:
        raise ValueError(f"batch_size must be a whole number from 1 to {BATCH_SIZE_MAX}, "
                         f"got {batch_size}")


def _check(model_size, cache_hit_rate, batch_size, sla_p99_ms):
    _check_model(model_size, batch_size)
    if not 0.0 <= cache_hit_rate <= CACHE_HIT_RATE_MAX:
        raise ValueError(f"cache_hit_rate must be between 0 and {CACHE_HIT_RATE_MAX}, "
                         f"got {cache_hit_rate}")
    if not sla_p99_ms > 0:
        raise ValueError(f"sla_p99_ms must be positive, got {sla_p99_ms}")


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@lru_cache(maxsize=512)
def _compute(model_size: str, quantized: bool, cache_hit_rate: float, batch_size: int,
             safety_filter: bool, sla_p99_ms: float, seed: int) -> LatencyResult:
    draws = _draws(seed)
    cached = draws.cache < cache_hit_rate
    answered = _model_ms_cached(model_size, quantized, batch_size, seed)
    if safety_filter:
        answered = answered + _filter_ms(seed)
    samples = np.where(cached, _cache_ms(seed), answered)
    p50, p95, p99 = np.percentile(samples, [50, 95, 99], method=PERCENTILE_METHOD)

    # Out-of-range times count in the end bins, so the two histograms add up to 1.
    logs = np.clip(np.log10(samples), *HIST_LOG10_RANGE)
    bins = dict(bins=HIST_BINS, range=HIST_LOG10_RANGE)
    n = samples.size
    hist_cached = np.histogram(logs[cached], **bins)[0] / n
    hist_model = np.histogram(logs[~cached], **bins)[0] / n

    spec = MODELS[model_size]
    model_cost = spec.cost_per_1k * (QUANTIZED_COST if quantized else 1.0)
    model_cost *= batch_cost_factor(batch_size)
    if safety_filter:
        model_cost += FILTER_COST_PER_1K
    cost_per_1k = (1 - cache_hit_rate) * model_cost + cache_hit_rate * CACHE_COST_PER_1K
    quality = spec.quality - (QUANTIZED_QUALITY_LOSS[model_size] if quantized else 0.0)
    harmful = spec.harmful_per_10k * ((1 - FILTER_CATCHES) if safety_filter else 1.0)
    return LatencyResult(
        model_size=model_size, quantized=quantized, cache_hit_rate=cache_hit_rate,
        batch_size=batch_size, safety_filter=safety_filter, sla_p99_ms=sla_p99_ms, seed=seed,
        p50_ms=float(p50), p95_ms=float(p95), p99_ms=float(p99),
        mean_ms=float(samples.mean()), meets_sla=bool(p99 <= sla_p99_ms),
        cost_per_1k=float(cost_per_1k), monthly_cost=float(cost_per_1k * MESSAGES_PER_MONTH / 1000),
        quality=float(quality), harmful_per_10k=float(harmful),
        samples_ms=_frozen(samples), cached=_frozen(cached), hist_edges_ms=HIST_EDGES_MS,
        hist_cached=_frozen(hist_cached), hist_model=_frozen(hist_model))


def compute(model_size: str = "medium", quantized: bool = False, cache_hit_rate: float = 0.2,
            batch_size: int = 4, safety_filter: bool = False, *,
            sla_p99_ms: float = SLA_P99_MS, seed: int = 7) -> LatencyResult:
    """Simulate Quillio's model latency, cost and quality for one configuration.

    Parameters (units):
        model_size: ``"small"``, ``"medium"`` or ``"large"`` (see ``MODELS``).
        quantized: serve int8 weights (faster and cheaper, a little lower quality).
        cache_hit_rate: share of messages answered from the cache, 0 to 0.6.
        batch_size: requests the server batches together, 1 to 16.
        safety_filter: run the post-generation safety filter on every model answer.
        sla_p99_ms: the p99 latency the SLA allows, in ms (default 1,200).
        seed: seed of the simulated messages (the same draws for every configuration).

    Returns a ``LatencyResult``: percentiles in ms, dollars per 1,000 messages and per
    month, the quality score and the simulated samples. Results are cached and read-only.
    """
    _check(model_size, cache_hit_rate, batch_size, sla_p99_ms)
    return _compute(str(model_size), bool(quantized), float(cache_hit_rate), int(batch_size),
                    bool(safety_filter), float(sla_p99_ms), int(seed))


@lru_cache(maxsize=16)
def _table(fixed: tuple, sla_p99_ms: float, seed: int) -> pd.DataFrame:
    settings = dict(fixed)
    configs = []
    for config in CONFIG_GRID:
        config = {**config, **settings}
        if config not in configs:
            configs.append(config)
    rows = []
    for config in configs:
        result = compute(**config, sla_p99_ms=sla_p99_ms, seed=seed)
        rows.append([getattr(result, column) for column in TABLE_COLUMNS])
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def table(*, sla_p99_ms: float = SLA_P99_MS, seed: int = 7, **fixed) -> pd.DataFrame:
    """One row per configuration of ``CONFIG_GRID``, from the same samples as ``compute``.

    Keyword arguments named after a knob (``model_size``, ``quantized``, ``cache_hit_rate``,
    ``batch_size``, ``safety_filter``) hold that knob at the given value, so
    ``table(model_size="small")`` has the 36 small-model rows and
    ``table(cache_hit_rate=0.3)`` the 36 combinations of the other knobs at a 30% hit rate.

    Columns: the five knobs, ``p50_ms``, ``p95_ms``, ``p99_ms``, ``mean_ms`` (ms),
    ``meets_sla`` (p99 within ``sla_p99_ms``), ``cost_per_1k``, ``monthly_cost`` ($),
    ``quality`` (0-100), ``harmful_per_10k``. Each call returns a new DataFrame.
    """
    unknown = sorted(set(fixed) - set(KNOBS))
    if unknown:
        raise TypeError(f"unknown setting(s) {unknown}; the knobs are {list(KNOBS)}")
    key = tuple(sorted(fixed.items()))
    return _table(key, float(sla_p99_ms), int(seed)).copy()


#: Resamples and seed of ``percentile_interval`` (a fixed seed: the same log, the same interval).
BOOTSTRAP_RESAMPLES = 2_000
BOOTSTRAP_SEED = 0
_BOOTSTRAP_CHUNK = 100


def percentile_interval(samples_ms, q: float = 99, *, confidence: float = 0.95,
                        n_resamples: int = BOOTSTRAP_RESAMPLES,
                        seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """A bootstrap interval for the ``q``-th percentile of a latency sample, in ms.

    How sure can a day of traffic make us about its p99? Resample the day: draw as many
    messages as it holds, with replacement, ``n_resamples`` times; take each resample's
    ``q``-th percentile (``numpy.percentile``, linear, as everywhere in this module); the
    middle ``confidence`` share of those percentiles is the interval (the bootstrap's
    "percentile" method: for 95%, the 2.5th and 97.5th percentiles of the resampled values).
    p99 rests on the slowest 1% of messages (200 of 20,000), so it is far less certain than
    p50. Returns ``(low, high)``; the same samples and seed give the same interval.
    """
    samples = np.asarray(samples_ms, dtype=float).ravel()
    if samples.size < 2 or not np.all(np.isfinite(samples)):
        raise ValueError("samples_ms must hold at least two finite latencies (ms)")
    if not 0 < q < 100:
        raise ValueError(f"q must be a percentile between 0 and 100, got {q}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (0.95 for 95%), got {confidence}")
    if int(n_resamples) != n_resamples or n_resamples < 100:
        raise ValueError(f"n_resamples must be a whole number of at least 100, got {n_resamples}")
    rng = np.random.default_rng(seed)
    n, left = samples.size, int(n_resamples)
    stats = []
    while left:
        chunk = min(left, _BOOTSTRAP_CHUNK)
        resamples = samples[rng.integers(0, n, size=(chunk, n))]
        stats.append(np.percentile(resamples, q, axis=1, method=PERCENTILE_METHOD))
        left -= chunk
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(np.concatenate(stats), [tail, 100 - tail])
    return float(low), float(high)


def _config_words(result: LatencyResult) -> str:
    model = result.model_size + " model" + (" (int8)" if result.quantized else "")
    safety = "safety filter" if result.safety_filter else "no filter"
    return (f"{model}, {100 * result.cache_hit_rate:.0f}% cache hits, "
            f"batch {result.batch_size}, {safety}")


def reading_lead(result: LatencyResult) -> str:
    """What a customer waits and what it costs, against the SLA, in words."""
    if result.meets_sla:
        return (f"Meets the SLA: 99 in 100 customers get an answer within "
                f"{result.p99_ms:,.0f} ms, for {money(result.monthly_cost)} a month")
    return (f"Misses the SLA: more than 1 in 100 customers wait longer than "
            f"{result.sla_p99_ms:,.0f} ms (p99 {result.p99_ms:,.0f} ms), for "
            f"{money(result.monthly_cost)} a month")


def reading_detail(result: LatencyResult) -> str:
    """One line: the configuration, its percentiles against the SLA, its cost and quality."""
    verdict = "met" if result.meets_sla else "missed"
    return (f"{_config_words(result)}: p50 {result.p50_ms:,.0f} ms, "
            f"p95 {result.p95_ms:,.0f} ms, p99 {result.p99_ms:,.0f} ms "
            f"(SLA {result.sla_p99_ms:,.0f} ms: {verdict}), "
            f"${result.cost_per_1k:,.2f} per 1,000 messages "
            f"({money(result.monthly_cost)} a month), quality {result.quality:g}")


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
