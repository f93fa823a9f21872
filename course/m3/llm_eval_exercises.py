"""Module 3's LLM-evaluation exercises (q9, q10, q11), declared as data (see
:mod:`course.exercises`).

tests/test_m3_llm_eval.py recomputes every right answer and every named misconception
independently (statsmodels, scikit-learn, plain arithmetic) and proves each digest here
recognises it. In a notebook::

    from course.m3.llm_eval_exercises import progress, q9, q10, q11
    q9.check(can_tell=can_tell, conversations_per_version=conversations_per_version)
"""

from __future__ import annotations

from course.exercises import Choice, Exercise, Number, Part, register

YES_NO = Choice({"yes": ("y", "true", "it can"), "no": ("n", "false", "it cannot")})
CONVERSATIONS = Number(places=0, low=1, high=1e8, unit="a number of conversations")
KAPPA = Number(places=3, low=-1.0, high=1.0, unit="a kappa between -1 and 1")
DOLLARS_PER_1K = Number(places=2, low=0.0, high=1e6,
                        unit="dollars per 1,000 conversations")

q9 = Exercise(
    key="q9",
    title="can 50 conversations tell a 2-point difference?",
    parts=[
        Part("can_tell", YES_NO, "6c6d39d6543a86d4", {
            "f632e1403dba2f63": "the observed difference may well come out near 2 points, but "
                                "so would many other differences, 0 included: look at how "
                                "wide the interval of B minus A is at 50 conversations.",
        }, wrong="answer \"yes\" or \"no\"."),
        Part("conversations_per_version", CONVERSATIONS, "3268d7ed80e72571", {
            "76b54d84c2cae6c2": "round a sample size up, never down: the fraction of a "
                                "conversation still has to be run for the power to hold.",
            "f036e136880ed72e": "that is the size for comparing one rate with a fixed "
                                "number. Both versions' rates are uncertain, which doubles "
                                "the variance of their difference.",
            "49eb13fdd7f33382": "that counts both versions together; the question asks per "
                                "version.",
            "bb0b4270d5ae4479": "that is a one-sided test. Quillio wants to know if B is "
                                "better or worse, so the 5% is split over two sides.",
            "4d8379b5e88cc9ee": "with that many, a real 2-point difference is detected only "
                                "half the time: the 80% power is missing from the "
                                "calculation.",
            "d241044ac50570d3": "50 is the eval set you have, not the one you need.",
        }, wrong="use the sample-size call shown above with the two rates, 80% power and a "
                 "two-sided 5% test, and round up.",
             close=(-2, "7edc0dffe3cd5ef3")),
    ],
    hints=[
        "Set the explorer to 50 conversations and a 2-point difference: does the interval of "
        "B minus A include 0?",
        "The sample-size call in the worked example takes A's rate, B's rate, the power and "
        "alpha; it returns conversations per version, as a fraction.",
        "A's rate is 8% and B's 6%. Round the result up to a whole conversation.",
    ],
    takeaway="An eval set is a measurement with an error bar: a 2-point difference in a "
             "rate of a few percent needs thousands of conversations per version, not 50. "
             "Size the set for the smallest difference you would act on.",
)

q10 = Exercise(
    key="q10",
    title="can a kappa-0.4 judge gate a release?",
    parts=[
        Part("judge_can_gate", YES_NO, "324c01fbb9994b08", {
            "7462ee9bf6ce1875": "agreeing on 9 conversations in 10 sounds high, but most "
                                "conversations are clean, so two raters agree that often by "
                                "chance. Look at agreement beyond chance, and at how many of "
                                "the human-found unsupported claims the judge misses.",
        }, wrong="answer \"yes\" or \"no\"."),
        Part("judge_kappa", KAPPA, "bb02c41f40290656", {
            "7114af207501c0c1": "that is the raw share of conversations where the two agree. "
                                "Kappa takes out the agreement two raters reach by chance.",
            "673e31190b612ae3": "that is the agreement expected by chance alone, one "
                                "ingredient of kappa, not kappa itself.",
            "bc7d102381e7784e": "that is the share of human-flagged conversations the judge "
                                "also flags (its sensitivity), not its agreement with humans.",
        }, wrong="compute Cohen's kappa between the human and the judge columns of the "
                 "audit, with the call used for the two human raters above."),
    ],
    hints=[
        "Kappa = (observed agreement - chance agreement) / (1 - chance agreement).",
        "The worked example computes kappa for two human raters; do the same for the "
        "human_unsupported and judge_unsupported columns of the audit.",
        "For gating, ask: of the unsupported claims humans find, how many would the judge "
        "let through?",
    ],
    takeaway="A judge is a measuring instrument: check it against humans on your own "
             "conversations first. At kappa 0.4 it can triage (send likely failures to "
             "people), not decide a release on its own.",
)

q11 = Exercise(
    key="q11",
    title="which fix for outdated policy answers?",
    parts=[
        Part("fix", Choice({
            "prompt": ("prompting", "prompt engineering", "a better prompt", "system prompt"),
            "retrieval": ("rag", "retrieval augmented generation", "retrieve", "search"),
            "fine-tune": ("fine tuning", "finetune", "finetuning", "fine tuned model"),
            "guardrail": ("guardrails", "filter", "output filter", "safety filter"),
            "product change": ("product", "ux change", "ui change", "design change"),
        }), "5ee3699d67592502", {
            "6f444967a6cb1719": "a fine-tune bakes in the policies of the day it was trained; "
                                "with policies changing every week and a month per run, it "
                                "would always be behind, and it needs thousands of examples.",
            "9d820383f20cca28": "putting the policies in every prompt works in a demo, but "
                                "look at its cost per 1,000 conversations and its time to "
                                "first token at Quillio's volume.",
            "870ce33b89c9c70c": "a guardrail can stop a wrong answer from going out, but it "
                                "cannot give the customer the right one.",
            "57f7ce8013b75ba5": "a link to the policy page helps, but the legal team requires "
                                "the answer itself to state the current window.",
        }, wrong="compare the options in the approach table on cost, data needed and days "
                 "to reflect a policy change."),
        Part("cost_per_1k", DOLLARS_PER_1K, "4042e4fe84ef035b", {
            "461be5b9fb97e9af": "that is the cost of the prompt-stuffing option; give the "
                                "cost of the fix you chose.",
            "e2cc4c38a6338056": "that is the fine-tuned model's cost; give the cost of the fix "
                                "you chose.",
            "59dab308f8ec9196": "that is today's cost without any fix: the fix adds input "
                                "tokens to every turn.",
        }, wrong="read the cost per 1,000 conversations of your chosen fix from the approach "
                 "table."),
    ],
    hints=[
        "Ask what the failure is made of: the model writes well, but its knowledge of the "
        "policy is out of date. Which option updates knowledge fastest?",
        "In the approach table, compare days_to_reflect_change with how often the policies "
        "change, then cost_per_1k and ttft_ms at Quillio's volume.",
    ],
    takeaway="Match the fix to the failure: out-of-date knowledge is a retrieval problem, a "
             "style or format problem is a fine-tuning problem, a rule that must never be "
             "broken needs a guardrail, and some failures are best fixed in the product.",
)

EXERCISES = register("m3", [q9, q10, q11])


def progress() -> None:
    """Print this session's progress through Module 3's exercises, this lesson's included."""
    from course.m3.exercises import progress as module_progress

    module_progress()
