"""LLM evaluation (Module 3, notebook 4): the model against independent computations, the
answer keys of q9-q11, and the numbers the notebook's prose states.

Independent means: statsmodels (Wilson and Newcombe intervals, power), scipy (binomtest),
scikit-learn (cohen_kappa_score) and plain arithmetic over the rows.
"""

import math

import numpy as np
import pytest
from scipy.stats import binomtest, norm
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
)

from course.exercises import judge_report
from course.m3 import llm_eval
from course.m3 import llm_eval_exercises as ex
from tests.exercise_checks import named, right, status
from tests.m3_llm_eval_cases import CASES, WRITTEN

# --------------------------------------------------------------------------- statistics


@pytest.mark.parametrize("k,n", [(0, 50), (4, 50), (3, 50), (25, 400), (400, 400), (1, 7)])
def test_wilson_interval_matches_statsmodels_and_scipy(k, n):
    got = llm_eval.wilson_interval(k, n)
    assert got == pytest.approx(proportion_confint(k, n, method="wilson"), abs=1e-12)
    ci = binomtest(k, n).proportion_ci(method="wilson")
    assert got == pytest.approx((ci.low, ci.high), abs=1e-12)


@pytest.mark.parametrize("kb,nb,ka,na", [(3, 50, 4, 50), (24, 400, 32, 400), (0, 60, 5, 60),
                                         (150, 2500, 200, 2500)])
def test_difference_interval_matches_statsmodels_newcombe(kb, nb, ka, na):
    d, low, high = llm_eval.difference_interval(kb, nb, ka, na)
    assert d == pytest.approx(kb / nb - ka / na)
    expected = confint_proportions_2indep(kb, nb, ka, na, method="newcomb", compare="diff")
    assert (low, high) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("a,b", [(0.08, 0.06), (0.10, 0.05), (0.2, 0.25)])
def test_conversations_needed_matches_statsmodels_power(a, b):
    expected = NormalIndPower().solve_power(effect_size=proportion_effectsize(a, b),
                                            alpha=0.05, power=0.8, ratio=1.0)
    assert llm_eval.conversations_needed(a, b) == pytest.approx(expected, rel=1e-4)


def test_conversations_needed_refuses_impossible_questions():
    with pytest.raises(ValueError, match="equal"):
        llm_eval.conversations_needed(0.08, 0.08)
    with pytest.raises(ValueError, match="rate_b"):
        llm_eval.conversations_needed(0.08, 0)
    with pytest.raises(ValueError, match="n="):
        llm_eval.wilson_interval(0, 0)


@pytest.mark.parametrize("frame", ["judge", "raters", "log"])
def test_cohen_kappa_matches_sklearn(frame):
    if frame == "judge":
        a = llm_eval.judge_audit()
        x, y = a["human_unsupported"], a["judge_unsupported"]
    elif frame == "raters":
        a = llm_eval.rater_audit()
        x, y = a["rater_1"], a["rater_2"]
    else:
        a = llm_eval.eval_log(300)
        x, y = a["human_unsupported"], a["judge_unsupported"]
    assert llm_eval.cohen_kappa(x, y) == pytest.approx(cohen_kappa_score(x, y), abs=1e-12)
    agreement = llm_eval.agreement(x, y)
    assert agreement["agreement"] == pytest.approx(np.mean(np.asarray(x) == np.asarray(y)))


def test_judge_rates_and_expected_kappa_match_a_large_simulation():
    sens, spec = llm_eval.judge_rates(2.0, 1.5)
    assert sens == pytest.approx(1 - norm.cdf(-0.5)) and spec == pytest.approx(norm.cdf(1.5))
    log = llm_eval.eval_log(20_000, rate_a=0.08, rate_b=0.08)
    human, judge = log["human_unsupported"], log["judge_unsupported"]
    assert judge[human].mean() == pytest.approx(sens, abs=0.02)
    assert (~judge[~human]).mean() == pytest.approx(spec, abs=0.005)
    assert cohen_kappa_score(human, judge) == pytest.approx(
        llm_eval.expected_kappa(sens, spec, 0.08), abs=0.03)


# --------------------------------------------------------------------------- data


def test_eval_log_rates_mix_and_streaming_times():
    log = llm_eval.eval_log(20_000, rate_a=0.08, rate_b=0.06)
    for version, rate in (("A", 0.08), ("B", 0.06)):
        part = log[log["version"] == version]
        assert part["human_unsupported"].mean() == pytest.approx(rate, abs=0.005)
        shares = part["kind"].value_counts(normalize=True)
        for kind, share in llm_eval.CASE_KINDS.items():
            assert shares[kind] == pytest.approx(share, abs=0.01)
        hard = part[part["kind"] == "adversarial"]["human_unsupported"].mean()
        typical = part[part["kind"] == "typical"]["human_unsupported"].mean()
        assert hard > 2 * typical
    assert (log["total_ms"] > log["ttft_ms"]).all()
    assert log["conversation_id"].is_unique
    assert llm_eval.eval_log(50).equals(llm_eval.eval_log(50))


def test_eval_log_refuses_bad_input():
    for bad in (5, 20.5, True):
        with pytest.raises(ValueError, match="n_per_version"):
            llm_eval.eval_log(bad)
    with pytest.raises(ValueError, match="rate_a"):
        llm_eval.eval_log(50, rate_a=1.5)


def test_coverage_is_a_plain_share_count():
    log = llm_eval.eval_log(200)
    table = llm_eval.coverage(log)
    for kind in llm_eval.CASE_KINDS:
        assert table.loc[kind, "share"] == pytest.approx(sum(log["kind"] == kind) / len(log))
    assert table["target"].sum() == pytest.approx(1.0)


def test_streaming_times_and_cost_by_hand():
    t = llm_eval.streaming_times(1_100, 180)
    assert t["ttft_ms"] == pytest.approx(250 + 80 + 1100 / 8)
    assert t["total_ms"] - t["ttft_ms"] == pytest.approx(180 / 45 * 1000)
    assert llm_eval.cost_per_conversation(1_100, 180, price_in=3.0, price_out=15.0) == \
        pytest.approx(4 * (1100 * 3 + 180 * 15) / 1e6)
    with pytest.raises(ValueError):
        llm_eval.cost_per_conversation(-1, 180, price_in=3, price_out=15)


def test_approach_table_by_hand():
    table = llm_eval.approach_table(300_000)
    for name, extra, p_in, p_out in (("prompt", 24_000, 3.0, 15.0),
                                     ("retrieval", 1_600, 3.0, 15.0),
                                     ("fine-tune", 0, 0.8, 3.2)):
        per_conversation = 4 * ((1_100 + extra) * p_in + 180 * p_out) / 1e6
        assert table.loc[name, "cost_per_1k"] == pytest.approx(1000 * per_conversation)
        assert table.loc[name, "cost_per_month"] == pytest.approx(300_000 * per_conversation)
        assert table.loc[name, "ttft_ms"] == pytest.approx(330 + (1_100 + extra) / 8)


# --------------------------------------------------------------------------- compute


@pytest.mark.parametrize("n,points", [(50, -2.0), (400, -2.0), (3000, -2.0), (200, 3.0)])
def test_compute_matches_the_log_it_generates(n, points):
    r = llm_eval.compute(n, rate_b_points=points)
    log = llm_eval.eval_log(n, rate_a=0.08, rate_b=0.08 + points / 100)
    a, b = log[log["version"] == "A"], log[log["version"] == "B"]
    ka, kb = int(a["human_unsupported"].sum()), int(b["human_unsupported"].sum())
    assert r.human_a[0] == ka / n and r.human_b[0] == kb / n
    assert r.human_a[1:] == pytest.approx(proportion_confint(ka, n, method="wilson"))
    low, high = confint_proportions_2indep(kb, n, ka, n, method="newcomb", compare="diff")
    assert r.human_difference[1:] == pytest.approx((low, high), abs=1e-9)
    expected = "B is better" if high < 0 else ("B is worse" if low > 0 else "cannot tell")
    assert r.verdict == expected
    assert r.kappa == pytest.approx(cohen_kappa_score(log["human_unsupported"],
                                                      log["judge_unsupported"]))
    assert llm_eval.reading(r).startswith(f"With {n:,} conversations per version")


def test_compute_refuses_bad_settings():
    with pytest.raises(ValueError, match="n_per_version"):
        llm_eval.compute(5)
    with pytest.raises(ValueError, match="rate_b_points"):
        llm_eval.compute(50, rate_b_points=-8.0)


# --------------------------------------------------------------------------- the prose


def test_explorer_claims():
    """'at 50 conversations ... the interval runs from about -12 to +12 points. It contains 0
    and it contains -2'; 'at 3,000 it ... lands entirely below 0'; 'a weaker judge (skill 1)
    ... kappa falls below 0.3'; 'a strict judge flags less: it misses more'."""
    fifty = llm_eval.compute(50)
    assert fifty.verdict == "cannot tell"
    assert round(100 * fifty.human_difference[1]) == -12
    assert round(100 * fifty.human_difference[2]) == 12
    assert fifty.human_difference[1] < -0.02 < 0 < fifty.human_difference[2]
    assert llm_eval.compute(3000).verdict == "B is better"
    weak = llm_eval.compute(1000, judge_skill=1.0)
    assert weak.kappa < 0.3
    loose, strict = llm_eval.judge_rates(2.0, 1.0), llm_eval.judge_rates(2.0, 2.5)
    assert strict[0] < loose[0] and strict[1] > loose[1]


def test_worked_example_and_approach_claims():
    """'two human raters agree at kappa 0.80'; '10% against 5% needs about 424 per version';
    'the prompt option costs about 7 times the retrieval option and starts answering after
    about 3.5 s'; the three products' monthly costs."""
    raters = llm_eval.rater_audit()
    assert round(cohen_kappa_score(raters["rater_1"], raters["rater_2"]), 2) == 0.80
    assert math.ceil(llm_eval.conversations_needed(0.10, 0.05)) == 424
    table = llm_eval.approach_table()
    assert round(table.loc["prompt", "cost_per_1k"] / table.loc["retrieval", "cost_per_1k"]) \
        == 7
    assert round(table.loc["prompt", "ttft_ms"] / 1000, 1) == 3.5
    assert table.loc["retrieval", "ttft_ms"] < 1000
    parsely = llm_eval.approach_table(3_000_000)
    # Parsely: at 3 million a month the fine-tune's setup pays back within a month.
    saving = parsely.loc["retrieval", "cost_per_month"] - parsely.loc["fine-tune", "cost_per_month"]
    assert saving > parsely.loc["fine-tune", "setup_cost"]
    murmur = llm_eval.approach_table(2_000)
    # Murmur: at 2,000 a month prompting costs less than retrieval's setup in a year.
    assert 12 * murmur.loc["prompt", "cost_per_month"] < murmur.loc["retrieval", "setup_cost"]


def test_coverage_and_streaming_claims():
    """'Hard, adversarial and recent cases fail two and a half to four times as often as
    typical ones' (on the notebook's 2,000-per-version log); 'The first words arrive after
    about half a second; the answer is complete after about 4.5 s'; 'about $24 per 1,000
    conversations'; the q9 scenario's interval 'about -14 to +9 points'; 'B's 600 extra
    tokens ... add about 75 ms to the first token'."""
    log = llm_eval.eval_log(2_000)
    rates = log.groupby("kind")["human_unsupported"].mean()
    for kind in ("hard", "adversarial", "recent"):
        assert 2.5 <= rates[kind] / rates["typical"] <= 4.5, kind
    t = llm_eval.streaming_times(1_100, 180)
    assert round(t["ttft_ms"] / 1000, 1) == 0.5 and round(t["total_ms"] / 1000, 1) == 4.5
    assert round(1000 * llm_eval.cost_per_conversation(1_100, 180, price_in=3, price_out=15)) \
        == 24
    low, high = confint_proportions_2indep(3, 50, 4, 50, method="newcomb", compare="diff")
    assert (round(100 * low), round(100 * high)) == (-14, 9)
    extra = (llm_eval.streaming_times(1_700, 180)["ttft_ms"]
             - llm_eval.streaming_times(1_100, 180)["ttft_ms"])
    assert extra == pytest.approx(75)


def test_judge_audit_claims():
    """'they agree on 89 of every 100 conversations'; 'the judge catches half of what humans
    flag'."""
    audit = llm_eval.judge_audit()
    assert (audit["human_unsupported"] == audit["judge_unsupported"]).mean() == 0.89
    assert audit["judge_unsupported"][audit["human_unsupported"]].mean() == 0.5


# --------------------------------------------------------------------------- answer keys


def test_every_exercise_has_cases_hints_and_two_misconceptions():
    assert [e.key for e in ex.EXERCISES] == sorted(CASES, key=lambda k: int(k[1:]))
    assert WRITTEN == {"w2_answer": "04_llm_evaluation"}
    for e in ex.EXERCISES:
        assert e.module == "m3"
        assert len(CASES[e.key]["misconceptions"]) >= 2, e.key
        assert len(e.hints) >= 2, e.key
        for part in e.parts:
            assert part.answer not in part.feedback, (e.key, part.name)


def test_q9_answer_key():
    h = proportion_effectsize(0.08, 0.06)
    n = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8, ratio=1.0)
    right(ex.q9, "conversations_per_version", math.ceil(n))
    right(ex.q9, "can_tell", "no")
    named(ex.q9, "can_tell", "yes")
    named(ex.q9, "conversations_per_version", math.floor(n))
    named(ex.q9, "conversations_per_version", math.ceil(n / 2))
    named(ex.q9, "conversations_per_version", math.ceil(2 * n))
    one_sided = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8,
                                             alternative="larger")
    named(ex.q9, "conversations_per_version", math.ceil(one_sided))
    half_power = 2 * (norm.ppf(0.975) / h) ** 2
    named(ex.q9, "conversations_per_version", math.ceil(half_power))
    named(ex.q9, "conversations_per_version", 50)
    assert status(ex.q9, "conversations_per_version", 2500) == "close"
    # The decision the key encodes: at 50 per version the interval of B - A spans 0.
    low, high = confint_proportions_2indep(3, 50, 4, 50, method="newcomb", compare="diff")
    assert low < 0 < high


def test_q10_answer_key():
    audit = llm_eval.judge_audit()
    human, judge = audit["human_unsupported"], audit["judge_unsupported"]
    kappa = cohen_kappa_score(human, judge)
    right(ex.q10, "judge_kappa", kappa)
    assert round(kappa, 1) == 0.4
    right(ex.q10, "judge_can_gate", "no")
    named(ex.q10, "judge_can_gate", "yes")
    named(ex.q10, "judge_kappa", float((human == judge).mean()))
    p_h, p_j = human.mean(), judge.mean()
    named(ex.q10, "judge_kappa", p_h * p_j + (1 - p_h) * (1 - p_j))
    named(ex.q10, "judge_kappa", float(judge[human].mean()))


def test_q11_answer_key():
    cost = 1000 * 4 * ((1_100 + 1_600) * 3.0 + 180 * 15.0) / 1e6
    right(ex.q11, "cost_per_1k", cost)
    right(ex.q11, "fix", "retrieval")
    right(ex.q11, "fix", "RAG")
    for wrong in ("fine-tune", "prompt", "guardrail", "product change"):
        named(ex.q11, "fix", wrong)
    named(ex.q11, "cost_per_1k", 1000 * 4 * ((1_100 + 24_000) * 3.0 + 180 * 15.0) / 1e6)
    named(ex.q11, "cost_per_1k", 1000 * 4 * (1_100 * 0.8 + 180 * 3.2) / 1e6)
    named(ex.q11, "cost_per_1k", 1000 * 4 * (1_100 * 3.0 + 180 * 15.0) / 1e6)


def test_registered_answers_are_judged_out_of_kernel():
    verdicts = judge_report("m3", "q9", {"can_tell": "no", "conversations_per_version": 2543})
    assert all(v.ok for v in verdicts)
    verdicts = judge_report("m3", "q10", {"judge_can_gate": "yes", "judge_kappa": 0.89})
    assert [v.status for v in verdicts] == ["misconception", "misconception"]


def test_progress_lists_the_whole_module(capsys):
    ex.progress()
    out = capsys.readouterr().out
    assert "q1:" in out and "q11:" in out and out.count("q9:") == 1
