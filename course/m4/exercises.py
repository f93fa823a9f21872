"""Module 4's graded exercises, declared as data (see :mod:`course.exercises`).

tests/test_m4_exercises.py recomputes every right answer and named misconception
independently and proves each digest or judge here recognises it.
"""

from __future__ import annotations

from course.exercises import Behaviour, Choice, Exercise, Number, Part, register
from course.exercises import progress as _progress
from course.m4.policy import judge_policy

_DECISION = Choice({"ship": ("launch",), "don't ship": ("do not ship", "dont ship", "no ship"),
                    "keep running": ("continue", "keep going", "wait"),
                    "investigate": ("check the split", "fix and rerun", "rerun")})
_PLAN = Choice({
    "run the planned days": ("run the planned length", "run to the planned sample",
                             "look once", "run as planned"),
    "stop after a week": ("stop after 7 days", "one week", "7 days"),
    "stop at the first significant look": ("first significant look", "peek",
                                           "ship at the first significant look"),
})
_PATTERN = Choice({"data drift": ("input drift", "covariate drift"),
                   "concept drift": ("concept",),
                   "label decay": ("label delay", "stale labels"),
                   "feedback loop": ("feedback",),
                   "infrastructure staleness": ("stale infrastructure", "staleness",
                                                "infra staleness")})
_ROLLOUT = Choice({"shadow": ("shadow mode", "shadow deployment"),
                   "canary": ("canary release", "canary deployment"),
                   "staged": ("staged rollout", "phased", "phased rollout")})

q1 = Exercise(
    key="q1",
    title="size the experiment, then answer the head of support",
    parts=[
        Part("n_per_arm", Number(places=0, low=1, high=1e7, unit="conversations per arm"),
             "fdee8b9a8f975995", {
                 "79fd1e35d7436cc4": "nearly: a sample size is rounded up to a whole "
                                     "conversation (math.ceil), never down.",
                 "0af03fb4a025ad6c": "that is a one-sided test. The plan says two-sided: a "
                                     "version that makes things worse must be detected too.",
                 "63a2efed6ec8f639": "that gives 50% power: a coin flip on whether a real "
                                     "2-point lift is detected. The plan says 80%.",
                 "32c40639af15785b": "that is both arms together. Give conversations per arm.",
                 "80ac5e24a2d01dad": "that treats the lift as 2% of 30% (0.6 points). The "
                                     "lift is 2 percentage points: 30% to 32%.",
             }, wrong="not the size this plan needs: check the two rates, alpha, power and "
                      "the number of sides against the worked example.",
             close=(-2, "d68ba58c2129550f")),
        Part("days_needed", Number(places=0, low=1, high=10_000, unit="days"),
             "6569a44ec3bba559", {
                 "7dac5b301d3f39a6": "the 1,500 eligible conversations a day are split between "
                                     "two arms; both arms need their sample.",
                 "f88909fc639c29ef": "a test runs whole days: round up.",
             }, wrong="both arms' conversations, at 1,500 a day in total, in whole days."),
        Part("plan", _PLAN, "4fb053af3f489e7e", {
            "da4df76e120740fb": "a week gives each arm 5,250 conversations, about 60% power: "
                                "a real 2-point lift would be missed 4 times in 10, and a "
                                "'don't ship' would say little. Compare the week with the "
                                "days the plan needs.",
            "ea510695737c01b5": "looking every morning and stopping at the first p < 0.05 is "
                                "peeking: the explorer showed the false-positive rate several "
                                "times the 5% the plan accepted.",
        }),
    ],
    hints=[
        "The plan gives everything the worked example needs: the rate worth detecting "
        "(0.32), today's rate (0.30), alpha 0.05, power 0.8, two-sided. The explorer's "
        "reading rounds; compute the exact number.",
        "days_needed: the 1,500 conversations a day feed both arms. plan: compare the days "
        "needed with the week on offer, and recall what stopping at the first significant "
        "look does to false positives.",
        "n_per_arm = math.ceil(NormalIndPower().solve_power(effect_size="
        "proportion_effectsize(prop1=0.32, prop2=0.30), alpha=0.05, power=0.8, ratio=1.0, "
        "alternative='two-sided'))",
    ],
    takeaway="The sample size is decided before the test starts, from the smallest lift worth "
             "detecting, and it sets the test's length; a deadline that is shorter buys a test "
             "that mostly cannot answer, and daily peeking buys false positives.",
)

q2 = Exercise(
    key="q2",
    title="ship, don't ship, keep running, or investigate",
    parts=[
        Part("case_a", _DECISION, "0fe4ee1b8caf8684", {
            "7db98a1cfeb710d4": "A reached its planned sample with a clean split; there is "
                                "nothing left to wait for. Read its interval.",
            "c6c2ee0d004962e7": "A's whole 95% interval lies above zero at the planned "
                                "sample.",
        }),
        Part("case_b", _DECISION, "31349cb8f46274a9", {
            "bcbd8dfcee4c19b3": "B's interval includes zero: the lift could be nothing.",
            "bfd3bc57099a16ef": "B reached its planned sample. Running longer to chase "
                                "significance is peeking by another name.",
        }),
        Part("case_c", _DECISION, "1b83853cf4f6fb58", {
            "edfa9a1ee3655931": "C looks significant now, but it has under a third of its "
                                "planned sample. Stopping at the first good-looking look "
                                "inflates false positives.",
            "ac635cce3fa582fd": "C has not reached its planned sample; nothing can be "
                                "concluded yet.",
        }),
        Part("case_d", _DECISION, "faef6704861ce764", {
            "86a9a8360e171174": "D's interval is far above zero, but were its arms split the "
                                "way the plan said? Check the split before reading any "
                                "interval.",
            "bcf0d5c2ca9ac1a5": "more conversations through the same assignment do not fix "
                                "it: something decides which customers land in which arm.",
            "02ba288aede1bcf6": "'don't ship' says the version is no better, and D cannot say "
                                "that either way: its arms no longer hold comparable "
                                "customers.",
        }),
        Part("a_ci_low", Number(places=2, low=-100, high=100, unit="percentage points"),
             "ba29500912e2b503", {
                 "97e370bb08943e02": "that uses 1.645, a 90% interval. Use 1.96 for 95%.",
                 "2ce7e96ae6b536ff": "that is the point estimate. Subtract 1.96 standard "
                                     "errors.",
             }, wrong="lift - 1.96 x sqrt(p1(1-p1)/n1 + p2(1-p2)/n2), in percentage points."),
    ],
    hints=[
        "The rule's order: is the split what was planned (the SRM check)? Has the test "
        "reached its planned sample? Only then read the interval.",
        "The SRM check is the worked example's chisquare with the two arms' sizes against "
        "two equal halves; below p = 0.001, investigate.",
        "For tests that pass both: ship when the whole 95% interval of the lift is above "
        "zero; don't ship when it includes zero. The interval: lift ± 1.96 × "
        "sqrt(p1(1-p1)/n1 + p2(1-p2)/n2).",
    ],
    takeaway="Decide the sample size and the ship rule first, check the split, look once, "
             "and read the interval, not only the point estimate.",
)

q3 = Exercise(
    key="q3",
    title="a retrain-and-rollback policy",
    parts=[Part("policy", Behaviour(judge_policy), "")],
    hints=[
        "Look at the explorer with labels 3 weeks late: what does a retrain right after the "
        "shift learn from, and when does the fix really land?",
        "SHIFT_PSI: Module 3's conventions call PSI 0.1 'changed' and 0.25 'major'; the "
        "noise weeks stay under 0.1. SHIFT_ACTION: of the four actions, which ones do "
        "something useful while the labels cannot yet say whether the model got worse?",
        "Two actions are defensible there: retrain at once, or keep the model and alert a "
        "person (\"investigate\"). Keeping silently is not; rolling back has nothing to roll "
        "back to. Rule 2 already retrains once the new labels confirm the damage.",
    ],
    takeaway="A retraining policy is a product decision: what counts as evidence, what it "
             "costs to act, and what happens when the new model is worse. When inputs move "
             "far while labels are late, an alert that sends a person to find what changed "
             "upstream is the safer first move (a retrain on old labels fixes little, and a "
             "pipeline bug would be learned); retraining at once also passes, as an early "
             "reaction whose real fix lands with the new labels.",
)

q4 = Exercise(
    key="q4",
    title="complaints doubled overnight",
    parts=[
        Part("culprit_os", Choice({o: () for o in ("android 14", "android 15", "ios 17",
                                                   "ios 18", "web")}),
             "91abdb8eb6542c06", {
                 "9897d6d132bacfde": "Android 14's complaint rate did not move. Compare rates "
                                     "per OS version, before and after.",
             }, wrong="compare the complaint rate per os_version on each night."),
        Part("roll_back_model", Choice({"yes": (), "no": ()}), "eaacd797bdddd386", {
            "56b11315e776c33a": "v15 went out the same night, but the runbook asks whether its "
                                "own traffic shows the symptom: compare v15 with v14 within "
                                "each platform on the night after.",
        }),
        Part("first_owner", Choice({"mobile app team": ("app team", "mobile team", "client"),
                                    "ml team": ("model team", "data science"),
                                    "data team": ("data engineering",)}),
             "f1034d1d0ccd7a37", {
                 "26bb7de07b5b29c2": "the model answers what it receives; the question arrives "
                                     "broken from one OS version. The fix is in the client.",
                 "b59083e70f935418": "no data source changed; one client platform did.",
             }),
    ],
    hints=[
        "First ask what changed overnight: a model deploy, and an OS update reaching phones.",
        "Slice the complaint rate by os_version and by model_version, within each night.",
        "Compare v14 and v15 within the same platform: does the model version matter?",
    ],
    takeaway="Before touching the model, slice by what changed: deploys, clients, data "
             "sources. The model is often where the symptom shows, not where the cause is.",
)

_WHICH = "which of the five patterns describes what broke?"
q5 = Exercise(
    key="q5",
    title="name the failure pattern",
    parts=[
        Part("case_a", _PATTERN, "2a4af96085d893db", {
            "1a1cfcd5ac524194": "the relation between basket and orders holds; the model is "
                                "seeing baskets unlike its training data.",
        }, wrong=_WHICH),
        Part("case_b", _PATTERN, "395018496d0044ca", {
            "5144759e4654d00f": "nothing arrived from outside; the model's own choices "
                                "shaped the data it learned from.",
        }, wrong=_WHICH),
        Part("case_c", _PATTERN, "b2293c78e9d39b73", {
            "115655cbf9ba9d87": "fraud did not change; the labels telling the model what "
                                "fraud looks like arrive later and are incomplete when used.",
        }, wrong=_WHICH),
        Part("case_d", _PATTERN, "f246b2721cd5abfe", {
            "3371514d11302002": "the model is fine; something around it stopped refreshing.",
        }, wrong=_WHICH),
        Part("case_e", _PATTERN, "6194cf35bd7670fd", {
            "a216a0cb1f3ab5a9": "the bookings look exactly as before; what changed is how "
                                "likely a booking like them is to be cancelled.",
        }, wrong=_WHICH),
    ],
    hints=[
        "Ask, for each report: did the inputs change, the relation, the labels, the model's "
        "own influence on its data, or a component around the model?",
    ],
    takeaway="Five patterns, five different fixes: name the pattern before choosing the fix.",
)

q6 = Exercise(
    key="q6",
    title="choose the next stage",
    parts=[
        Part("case_a", _ROLLOUT, "51c6d7ee7783edfd", {
            "2bba0abcb0e23ae3": "even 1% of payments decided wrongly costs real money, and "
                                "this model has never run on live payments while its "
                                "decisions can be computed without acting on them. Compare "
                                "first, with no customer affected.",
            "4a2fa7e23fc642cd": "widening exposure step by step comes after a small share "
                                "has shown no harm; this model has not run live at all.",
        }, wrong="which stage lets you see live behaviour with no customer affected?"),
        Part("case_b", _ROLLOUT, "758211ce27d68bdd", {
            "90322f0f0def391a": "the shadow week is done, and resolution rate only exists if "
                                "customers talk to the new version. Another shadow cannot "
                                "measure it.",
            "9acb714d812c139b": "a staged rollout across markets is for after you know it "
                                "works somewhere; first expose a small share with a "
                                "rollback trigger.",
        }, wrong="which rollout exposes a small share of real users first?"),
        Part("case_c", _ROLLOUT, "57033d11f7455a1d", {
            "058f26d47eaa84e5": "the canary already passed; the question now is how to reach "
                                "every market with checkpoints.",
        }, wrong="which rollout widens exposure step by step, with checks between steps?"),
        Part("trigger_b", Choice({
            "resolution rate significantly below control": (
                "resolution rate below control", "metric below control"),
            "any single complaint": ("first complaint", "one complaint"),
            "the weekly business review": ("weekly review",),
        }), "89494119ed22e1ad", {
            "cba04b2ebf009577": "the current version gets complaints too; one complaint says "
                                "nothing about whether the canary is worse.",
            "fcf0346a0b58dfe0": "a week of a worse chatbot for the canary's customers, decided "
                                "in a meeting: a trigger should be automatic and agreed in "
                                "advance.",
        }, wrong="a trigger compares the canary with the control on the metric that matters, "
                 "automatically."),
    ],
    hints=[
        "Read what each model has already been through: the next stage is the first one it "
        "has not passed.",
        "Shadow: the new model runs on real traffic, its outputs are logged, not used.",
        "Canary: a small share of real users get the new model, with an automatic rollback "
        "trigger. Staged: exposure widens in steps, each gated on the last.",
    ],
    takeaway="Match the rollout to what you need to learn and what a mistake costs; decide "
             "the rollback trigger before you start.",
)

_RAG = Choice({"prompting": ("prompt", "system prompt", "prompt engineering"),
               "rag": ("retrieval", "retrieval augmented generation"),
               "fine tuning": ("fine-tuning", "finetuning", "fine tune")})
_EVAL = Choice({"online": ("a/b test", "ab test", "live"),
                "offline": ("held out", "held-out", "holdout")})

q7 = Exercise(
    key="q7",
    title="decision rules: RAG or fine-tuning, online or offline",
    parts=[
        Part("case_a", _RAG, "9d6f3c2f839e72aa", {
            "1b2c232d38129f04": "facts that change weekly would need a retrain every week, and "
                                "the model would still quote last week's policy in between. "
                                "Retrieve the current article at answer time.",
            "502ecd9867773bfc": "2,000 articles that change weekly do not fit in a prompt, "
                                "and someone would have to rewrite it every week.",
        }),
        Part("case_b", _RAG, "631a44ce9b0b3129", {
            "5eaee4fae98b3f2c": "tone and format are behaviour, not facts to look up; "
                                "retrieval cannot teach them.",
            "0844b1dc9ba17c33": "prompting first is the right habit, and here it was done: a "
                                "month of it left the tone drifting, 1 answer in 8 off-format "
                                "and 1,200 extra tokens per call. What does the team have "
                                "that prompting cannot use?",
        }),
        Part("case_c", _EVAL, "2b61f79354d40b44", {
            "3db1f3e607b70969": "the logged clicks only cover what the old ranker showed; a "
                                "new ranker's top results may never have been shown. Only "
                                "real users can judge them.",
        }),
        Part("case_d", _EVAL, "0679f01f76d293c5", {
            "c94687d26096f20f": "every night's candidate would need its own experiment. A "
                                "held-out window of recent labelled data is the gate; online "
                                "tests are for product changes.",
        }),
    ],
    hints=[
        "Try prompting first. RAG brings knowledge in at answer time; fine-tuning changes "
        "how the model behaves, and needs examples of the behaviour you want.",
        "Offline evaluation needs labelled data that says how the new model would have done; "
        "when the new model's choices change what users see, that data does not exist yet.",
    ],
    takeaway="Rules of thumb: prompt first; changing facts, retrieve; behaviour that prompting "
             "cannot hold, with examples to learn from, fine-tune. Decisions "
             "that change what users see, test online; routine refreshes, gate offline.",
)

q8 = Exercise(
    key="q8",
    title="a review band the team can keep up with",
    parts=[
        Part("review_threshold", Number(places=2, low=0.0, high=1.0,
                                        unit="a threshold between 0 and 1"),
             "4a23f0fd8f8a5c55", {
                 "245639d794410f64": "at 0.50 over a thousand cases a day reach a team that "
                                     "can review 300: most are released unreviewed.",
                 "424392e66784e77c": "a wider band only sends more cases into the overflow.",
                 "5478a7d44704a77f": "at the auto-block threshold there is no review band at "
                                     "all: the team sits idle while borderline fraud goes "
                                     "through.",
                 "66360d425ed3dff0": "close, but at 0.75 about a dozen cases a day still "
                                     "overflow. Go one step higher.",
             }, wrong="the lowest threshold (in 0.01 steps) whose queue arrivals fit within "
                      "300 reviews a day."),
        Part("fraud_stopped_per_day", Number(places=0, low=0.0, high=1e5,
                                             unit="frauds per day"), "ff2eaaf18b2e9696", {
            "b702ba9c3e8d8b9c": "that is fraud stopped at the starting threshold 0.50. Give it "
                                "at your threshold.",
        }, wrong="the frauds stopped per day by rules, auto-block and review together, at "
                 "your threshold."),
    ],
    hints=[
        "Watch the right-hand chart: where does the arrivals curve cross the capacity line?",
        "Loop over thresholds with review.compute(review_threshold=t) and compare "
        "queue_arrivals_per_day with 300.",
    ],
    takeaway="A review band is sized by the team's capacity, not by the model alone: past "
             "capacity, a wider band only adds to the overflow.",
)

# The capstone keeps its exercises in a file of its own.
from course.m4.launch_exercises import q9, q10, q11  # noqa: E402

ALL = register("m4", [q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11])


def progress() -> None:
    """Print this session's progress through Module 4's exercises."""
    _progress(ALL, "Module 4, deployment judgment")
