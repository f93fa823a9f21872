"""Evaluating an LLM product: Quillio's support chatbot, measured without calling a model.

Quillio (fictional) runs a customer-support chatbot. Before a new version ships, the team
runs it on an **evaluation set** of conversations and rates each answer: did it make a claim
the help centre does not support (an *unsupported claim*, the product's word for a
hallucination)? Humans are the reference raters; a **model judge** (another model with a
rubric) is cheaper and faster, and is worth what its agreement with the humans says.

Everything here is synthetic and seeded: the package generates the ratings, no model is
called. The model of this module, stated once so that the explorer, the tests and the lesson
agree:

1. Each version has a true unsupported-claim rate per conversation (``rate_a``, ``rate_b``).
   Human raters find exactly the unsupported claims (they are the reference).
2. The model judge sees a hidden "how unsupported does this look" signal, normal with
   standard deviation 1, centred at ``judge_skill`` for conversations humans flag and at 0
   for the others, and flags a conversation when the signal passes ``strictness``. So its
   sensitivity (share of human-flagged conversations it flags) is ``1 - Phi(strictness -
   judge_skill)`` and its specificity ``Phi(strictness)``; agreement with humans is
   measured by Cohen's kappa.
3. Rates are compared with 95% intervals: Wilson's score interval for one rate, Newcombe's
   hybrid score interval (built from two Wilson intervals) for a difference of two rates.
   Sample sizes for a difference use the normal approximation on the arcsine scale
   (Cohen's h), two-sided.
4. Streaming: the first token arrives after ``ttft_ms`` (time to first token: queueing
   plus reading the whole input, ``input_tokens / PREFILL_TOKENS_PER_S``); the answer is
   complete after ``ttft_ms + output_tokens / DECODE_TOKENS_PER_S``.
5. Cost per conversation: ``turns x (input_tokens x price_in + output_tokens x price_out)``,
   prices in dollars per million tokens.

Rates are fractions 0-1 (a "point" is 0.01); times in milliseconds; money in dollars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from course.intervals import wilson_interval

SEED = 404
#: What the evaluation set must cover, with each kind's share of a well-built set.
CASE_KINDS = MappingProxyType({
    "typical": 0.55,       # the intents customers bring most, sampled from traffic
    "hard": 0.20,          # multi-step, ambiguous or policy-edge questions
    "adversarial": 0.10,   # prompt injection, attempts to extract other customers' data
    "recent": 0.15,        # last month's traffic: new products, new policies
})
#: How much likelier an unsupported claim is in each kind of case than in a typical one.
KIND_RISK = MappingProxyType({"typical": 1.0, "hard": 2.5, "adversarial": 3.5,
                              "recent": 2.5})
INTENTS = ("billing", "delivery", "returns", "account", "product question")

# Streaming and prices (Quillio's planning figures).
PREFILL_TOKENS_PER_S = 8_000      # input tokens the model reads per second
DECODE_TOKENS_PER_S = 45          # output tokens it writes per second
QUEUE_MS = 250                    # time waiting for a server before reading starts
TURNS = 4                         # model answers per conversation
BASE_INPUT_TOKENS = 1_100         # system prompt + conversation so far, per turn
OUTPUT_TOKENS = 180               # per answer


# --------------------------------------------------------------------------- statistics

@lru_cache(maxsize=8)
def difference_interval(k_b: float, n_b: float, k_a: float, n_a: float,
                        level: float = 0.95) -> tuple[float, float, float]:
    """Rate of B minus rate of A, with Newcombe's hybrid score interval:
    ``(difference, low, high)``. An interval that contains 0 cannot say which is lower."""
    p_b, p_a = k_b / n_b, k_a / n_a
    lb, ub = wilson_interval(k_b, n_b, level)
    la, ua = wilson_interval(k_a, n_a, level)
    d = p_b - p_a
    low = d - math.sqrt((p_b - lb) ** 2 + (ua - p_a) ** 2)
    high = d + math.sqrt((ub - p_b) ** 2 + (p_a - la) ** 2)
    return (d, low, high)


def conversations_needed(rate_a: float, rate_b: float, *, power: float = 0.8,
                         alpha: float = 0.05) -> float:
    """Conversations **per version** to detect the difference between two unsupported-claim
    rates with the given power, two-sided test at ``alpha`` (statsmodels' ``NormalIndPower``
    on Cohen's h, as Module 4's A/B test uses). Round up to a whole conversation before
    using it."""
    for name, value in (("rate_a", rate_a), ("rate_b", rate_b)):
        if not 0 < value < 1:
            raise ValueError(f"{name} must be strictly between 0 and 1, got {value}")
    if rate_a == rate_b:
        raise ValueError("the two rates are equal: no sample size can tell them apart")
    if not (0 < power < 1 and 0 < alpha < 1):
        raise ValueError("power and alpha must be between 0 and 1")
    effect = abs(proportion_effectsize(rate_a, rate_b))
    return float(NormalIndPower().solve_power(effect_size=effect, alpha=alpha, power=power,
                                              ratio=1.0, alternative="two-sided"))


def cohen_kappa(rater_1, rater_2) -> float:
    """Cohen's kappa between two raters' yes/no labels (scikit-learn's
    ``cohen_kappa_score``): agreement beyond chance, 1 = always agree, 0 = no better than
    chance. Two raters who both give one label throughout agree perfectly (1)."""
    a = np.asarray(rater_1, dtype=bool)
    b = np.asarray(rater_2, dtype=bool)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("need the same, non-zero number of labels from each rater")
    chance = float(a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean()))
    if chance == 1:  # scikit-learn's kappa is 0/0 here
        return 1.0 if np.array_equal(a, b) else 0.0
    return float(cohen_kappa_score(a, b))


def agreement(rater_1, rater_2) -> dict:
    """Raw agreement, chance agreement and Cohen's kappa of two raters' yes/no labels."""
    a = np.asarray(rater_1, dtype=bool)
    b = np.asarray(rater_2, dtype=bool)
    chance = float(a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean()))
    return {"agreement": float(np.mean(a == b)), "chance_agreement": chance,
            "kappa": cohen_kappa(a, b)}


def judge_rates(judge_skill: float, strictness: float) -> tuple[float, float]:
    """The judge's ``(sensitivity, specificity)`` against human raters (see the module doc)."""
    return (float(norm.sf(strictness - judge_skill)), float(norm.cdf(strictness)))


def expected_kappa(sensitivity: float, specificity: float, rate: float) -> float:
    """Cohen's kappa a judge with this sensitivity and specificity has with humans, in
    expectation, on conversations where humans flag a share ``rate``."""
    flags = rate * sensitivity + (1 - rate) * (1 - specificity)
    observed = rate * sensitivity + (1 - rate) * specificity
    chance = rate * flags + (1 - rate) * (1 - flags)
    return (observed - chance) / (1 - chance)


# --------------------------------------------------------------------------- data

def _check_rate(name: str, value: float) -> None:
    if not 0 < value < 1:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {value}")


def eval_log(n_per_version: int = 400, *, rate_a: float = 0.08, rate_b: float = 0.06,
             judge_skill: float = 2.0, strictness: float = 1.5,
             seed: int = SEED) -> pd.DataFrame:
    """A synthetic evaluation log: ``n_per_version`` conversations for each of versions A
    and B, rated by humans and by the model judge.

    Columns: ``conversation_id``, ``version`` ("A"/"B"), ``kind`` (typical, hard,
    adversarial, recent; in the shares of ``CASE_KINDS``), ``intent``, ``human_unsupported``
    and ``judge_unsupported`` (did the rater find an unsupported claim), ``input_tokens``,
    ``output_tokens`` (per conversation), ``ttft_ms`` and ``total_ms`` (first answer).
    Each version's ``rate_*`` is its average unsupported-claim rate over the case mix.
    """
    n = _check_n(n_per_version)
    _check_rate("rate_a", rate_a)
    _check_rate("rate_b", rate_b)
    frames = []
    for version, d in zip("AB", _draws(n, rate_a, rate_b, judge_skill, strictness, seed),
                          strict=True):
        frames.append(pd.DataFrame({
            "version": version,
            "kind": np.array(list(CASE_KINDS))[d["kind_index"]],
            "intent": d["intent"],
            "human_unsupported": d["human"],
            "judge_unsupported": d["judge"],
            "input_tokens": d["input_tokens"],
            "output_tokens": d["output_tokens"],
            "ttft_ms": d["ttft"].round(0),
            "total_ms": d["total"].round(0),
        }))
    log = pd.concat(frames, ignore_index=True)
    log.insert(0, "conversation_id", np.arange(1, len(log) + 1))
    return log


def _check_n(n_per_version) -> int:
    if isinstance(n_per_version, bool) or int(n_per_version) != n_per_version \
            or n_per_version < 10:
        raise ValueError(f"n_per_version must be a whole number of at least 10, got "
                         f"{n_per_version!r}")
    return int(n_per_version)


def _draws(n: int, rate_a: float, rate_b: float, judge_skill: float, strictness: float,
           seed: int) -> list[dict]:
    """The random draws behind ``eval_log``, per version (A then B) as plain arrays, in the
    one order the seeded generator is consumed: the log and ``compute`` share them."""
    rng = np.random.default_rng(seed)
    mix = np.array(list(CASE_KINDS.values()))
    risk = np.array([KIND_RISK[k] for k in CASE_KINDS])
    versions = []
    for rate in (rate_a, rate_b):
        kind_index = rng.choice(len(mix), size=n, p=mix)
        # Per-kind rate: the version's average rate, spread by each kind's risk.
        per_kind = np.clip(rate * risk / np.dot(mix, risk), 0, 1)
        human = rng.random(n) < per_kind[kind_index]
        signal = rng.normal(size=n) + judge_skill * human
        judge = signal > strictness
        input_tokens = TURNS * (BASE_INPUT_TOKENS + rng.integers(-300, 300, n))
        output_tokens = TURNS * rng.integers(120, 240, n)
        first_input = input_tokens / TURNS
        ttft = QUEUE_MS + rng.gamma(2.0, 40.0, n) + 1000 * first_input / PREFILL_TOKENS_PER_S
        total = ttft + 1000 * (output_tokens / TURNS) / DECODE_TOKENS_PER_S
        intent = rng.choice(INTENTS, size=n)
        versions.append({"kind_index": kind_index, "human": human, "judge": judge,
                         "input_tokens": input_tokens, "output_tokens": output_tokens,
                         "ttft": ttft, "total": total, "intent": intent})
    return versions


def coverage(log: pd.DataFrame) -> pd.DataFrame:
    """Share of the evaluation set in each kind of case, against a well-built set's share."""
    have = log["kind"].value_counts(normalize=True)
    return pd.DataFrame({"share": [float(have.get(k, 0.0)) for k in CASE_KINDS],
                         "target": list(CASE_KINDS.values())}, index=list(CASE_KINDS))


def judge_audit(seed: int = SEED + 1) -> pd.DataFrame:
    """200 conversations that both a human and the model judge rated: columns
    ``conversation_id``, ``human_unsupported``, ``judge_unsupported``. Humans flag 20; the
    judge flags 10 of those and 12 of the 180 others."""
    rng = np.random.default_rng(seed)
    human = np.r_[np.ones(20, bool), np.zeros(180, bool)]
    judge = np.r_[np.ones(10, bool), np.zeros(10, bool), np.ones(12, bool),
                  np.zeros(168, bool)]
    order = rng.permutation(200)
    return pd.DataFrame({"conversation_id": np.arange(1, 201),
                         "human_unsupported": human[order],
                         "judge_unsupported": judge[order]})


def rater_audit(seed: int = SEED + 2) -> pd.DataFrame:
    """200 conversations rated by two human raters (the worked example for kappa): columns
    ``conversation_id``, ``rater_1``, ``rater_2``. Rater 1 flags 24, rater 2 flags 22, and
    they agree on 19 of them."""
    rng = np.random.default_rng(seed)
    r1 = np.r_[np.ones(19, bool), np.ones(5, bool), np.zeros(3, bool), np.zeros(173, bool)]
    r2 = np.r_[np.ones(19, bool), np.zeros(5, bool), np.ones(3, bool), np.zeros(173, bool)]
    order = rng.permutation(200)
    return pd.DataFrame({"conversation_id": np.arange(1, 201), "rater_1": r1[order],
                         "rater_2": r2[order]})


# --------------------------------------------------------------------------- streaming and cost

def streaming_times(input_tokens: float, output_tokens: float) -> dict:
    """Expected time to first token and to the complete answer (ms) for one turn, without
    queueing noise: ``ttft_ms`` = queue + reading the input; ``total_ms`` adds writing."""
    ttft = QUEUE_MS + 80 + 1000 * input_tokens / PREFILL_TOKENS_PER_S   # 80 = mean jitter
    return {"ttft_ms": ttft, "total_ms": ttft + 1000 * output_tokens / DECODE_TOKENS_PER_S}


def cost_per_conversation(input_tokens_per_turn: float, output_tokens_per_turn: float, *,
                          price_in: float, price_out: float, turns: int = TURNS) -> float:
    """Dollars per conversation: ``turns`` answers, each reading ``input_tokens_per_turn``
    and writing ``output_tokens_per_turn``; prices in dollars per million tokens."""
    if min(input_tokens_per_turn, output_tokens_per_turn, price_in, price_out) < 0 \
            or turns < 1:
        raise ValueError("tokens and prices must be zero or more and turns at least 1")
    return turns * (input_tokens_per_turn * price_in
                    + output_tokens_per_turn * price_out) / 1e6


@dataclass(frozen=True)
class Approach:
    """One way to give the chatbot knowledge it lacks (Quillio's planning figures)."""

    name: str
    extra_input_tokens: int       # added to every turn's input
    price_in: float               # $ per million input tokens
    price_out: float              # $ per million output tokens
    setup_cost: float             # one-off $, engineering and training
    labelled_examples: int        # example conversations needed before it works
    days_to_reflect_change: float  # from a help-centre edit to answers that use it


#: A large general model prompted with the policies; the same with retrieval of the few
#: relevant help-centre passages per question; a smaller model fine-tuned on past answers.
APPROACHES = MappingProxyType({
    "prompt": Approach("prompt", 24_000, 3.0, 15.0, 2_000, 0, 1),
    "retrieval": Approach("retrieval", 1_600, 3.0, 15.0, 25_000, 0, 1),
    "fine-tune": Approach("fine-tune", 0, 0.8, 3.2, 60_000, 5_000, 28),
})


def approach_table(conversations_per_month: int = 300_000) -> pd.DataFrame:
    """Prompting, retrieval and fine-tuning side by side: cost per 1,000 conversations ($),
    monthly cost ($), time to first token of a typical turn (ms), one-off setup ($),
    labelled examples needed and days from a policy edit to answers that reflect it."""
    rows = []
    for a in APPROACHES.values():
        per_turn_in = BASE_INPUT_TOKENS + a.extra_input_tokens
        cost = cost_per_conversation(per_turn_in, OUTPUT_TOKENS, price_in=a.price_in,
                                     price_out=a.price_out)
        rows.append({
            "approach": a.name,
            "cost_per_1k": 1_000 * cost,
            "cost_per_month": conversations_per_month * cost,
            "ttft_ms": streaming_times(per_turn_in, OUTPUT_TOKENS)["ttft_ms"],
            "setup_cost": a.setup_cost,
            "labelled_examples": a.labelled_examples,
            "days_to_reflect_change": a.days_to_reflect_change,
        })
    return pd.DataFrame(rows).set_index("approach")


# --------------------------------------------------------------------------- explorer model

@dataclass(frozen=True, eq=False)
class EvalResult:
    """One run of the evaluation explorer. Rates are fractions; a "point" is 0.01."""

    n_per_version: int
    rate_a: float
    rate_b: float
    judge_skill: float
    strictness: float
    sensitivity: float
    specificity: float
    kappa: float                    # judge vs humans, measured on this log
    human_a: tuple[float, float, float]   # rate, low, high (humans)
    human_b: tuple[float, float, float]
    judge_a: tuple[float, float, float]   # rate, low, high (judge)
    judge_b: tuple[float, float, float]
    human_difference: tuple[float, float, float]   # B - A: difference, low, high
    judge_difference: tuple[float, float, float]
    needed_per_version: float       # for the true difference, 80% power, 5% two-sided
    verdict: str                    # what the human-rated difference supports

    @property
    def can_tell(self) -> bool:
        return self.verdict != "cannot tell"


#: Settings the explorer has visited, kept so that moving a slider back and forth (a held
#: key) recomputes nothing: each entry is a few numbers.
_COUNTS_CACHE = 4_096


@lru_cache(maxsize=_COUNTS_CACHE)
def _flag_counts(n: int, rate_a: float, rate_b: float, judge_skill: float,
                 strictness: float) -> dict:
    """What ``compute`` needs of ``eval_log(n, ...)`` (the same draws, without building the
    table): conversations flagged per (version, rater) and the judge's kappa with humans."""
    versions = _draws(n, rate_a, rate_b, judge_skill, strictness, SEED)
    counts = {(version, rater): int(d[rater].sum())
              for version, d in zip("AB", versions, strict=True)
              for rater in ("human", "judge")}
    counts["kappa"] = cohen_kappa(np.concatenate([d["human"] for d in versions]),
                                  np.concatenate([d["judge"] for d in versions]))
    return MappingProxyType(counts)      # cached and shared: read-only


@lru_cache(maxsize=256)
def _needed(rate_a: float, rate_b: float) -> float:
    return conversations_needed(rate_a, rate_b) if rate_b != rate_a else math.inf


def _verdict(low: float, high: float) -> str:
    if high < 0:
        return "B is better"
    if low > 0:
        return "B is worse"
    return "cannot tell"


def compute(n_per_version: int = 50, *, rate_b_points: float = -2.0,
            judge_skill: float = 2.0, strictness: float = 1.5) -> EvalResult:
    """Evaluate version B against A (A's unsupported-claim rate is 8%).

    Parameters (units):
        n_per_version: conversations rated per version, 10-20,000.
        rate_b_points: B's true rate minus A's, in points (-2 = 6% against 8%).
        judge_skill: how far apart the judge's signal puts flagged and clean conversations
            (0 = guessing, 3 = sharp).
        strictness: the judge's flagging cut-off on that signal (higher = flags less).
    """
    rate_a = 0.08
    rate_b = rate_a + rate_b_points / 100
    _check_rate("B's rate (8% + rate_b_points)", rate_b)
    if not 10 <= n_per_version <= 20_000:
        raise ValueError(f"n_per_version must be between 10 and 20,000, got {n_per_version}")
    n = int(round(n_per_version))
    counts = _flag_counts(n, rate_a, rate_b, float(judge_skill), float(strictness))

    def rate(version, rater):
        k = counts[version, rater]
        return (k / n, *wilson_interval(k, n))

    def diff(rater):
        return difference_interval(counts["B", rater], n, counts["A", rater], n)

    sensitivity, specificity = judge_rates(judge_skill, strictness)
    human_difference = diff("human")
    return EvalResult(
        n_per_version=n, rate_a=rate_a, rate_b=rate_b, judge_skill=float(judge_skill),
        strictness=float(strictness), sensitivity=sensitivity, specificity=specificity,
        kappa=counts["kappa"],
        human_a=rate("A", "human"), human_b=rate("B", "human"),
        judge_a=rate("A", "judge"), judge_b=rate("B", "judge"),
        human_difference=human_difference, judge_difference=diff("judge"),
        needed_per_version=_needed(rate_a, rate_b),
        verdict=_verdict(human_difference[1], human_difference[2]),
    )


def reading_lead(result: EvalResult) -> str:
    """What the evaluation lets Quillio decide about shipping B, and whether the model judge
    alone would have said the same (no final full stop)."""
    r = result
    d = 100 * r.human_difference[0]
    if r.verdict == "cannot tell":
        lead = (f"With {r.n_per_version:,} conversations per version this eval cannot say "
                "whether B is better: shipping B on it would be a guess")
    elif r.verdict == "B is better":
        lead = (f"With {r.n_per_version:,} conversations per version, B is better: about "
                f"{abs(d):.1f} fewer conversations in 100 get an unsupported claim")
    else:
        lead = (f"With {r.n_per_version:,} conversations per version, B is worse: about "
                f"{abs(d):.1f} more conversations in 100 get an unsupported claim")
    judge = _verdict(r.judge_difference[1], r.judge_difference[2])
    if judge != r.verdict:
        lead += ("; the model judge alone " + ("could not tell" if judge == "cannot tell"
                                               else f"would say {judge}"))
    return lead


def reading_detail(result: EvalResult) -> str:
    """The statistics behind the lead: the human-rated difference and its interval, the
    sample size that would detect the true difference, the judge's agreement and its
    difference."""
    r = result
    d, low, high = (100 * x for x in r.human_difference)
    needed = ("no sample size separates equal rates" if math.isinf(r.needed_per_version)
              else f"about {round(r.needed_per_version, -2):,.0f} per version would detect the "
                   "true difference 8 times in 10")
    return (f"B minus A is {d:+.1f} points by humans (95% interval {low:+.1f} to "
            f"{high:+.1f}); {needed}; the judge agrees with humans at kappa {r.kappa:.2f} (it "
            f"catches {100 * r.sensitivity:.0f}% of what humans flag and wrongly flags "
            f"{100 * (1 - r.specificity):.0f}% of clean conversations) and puts the "
            f"difference at {100 * r.judge_difference[0]:+.1f} points")


def reading(result: EvalResult) -> str:
    """The line under the chart: the decision the eval supports first (``reading_lead``),
    then the statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
