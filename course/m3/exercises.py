"""Module 3's graded exercises, declared as data (see :mod:`course.exercises`).

tests/test_m3_exercises.py recomputes every right answer and named misconception
independently and proves each digest here recognises it.
"""

from __future__ import annotations

from course.exercises import Choice, Exercise, Number, Part, register
from course.exercises import progress as _progress

MS = Number(places=0, low=0.0, high=60_000.0, unit="milliseconds")
SLA_VERDICT = Choice({
    "meets": ("met", "meets the sla", "yes"),
    "does not meet": ("not met", "breaks", "misses", "no", "does not meet the sla",
                      "doesn't meet"),
    "cannot tell yet": ("cannot tell", "can't tell yet", "can't tell", "not sure yet",
                        "collect more traffic", "unclear", "undecided"),
})

q1 = Exercise(
    key="q1",
    title="does yesterday meet the SLA?",
    parts=[
        Part("p99_ms", MS, "58a7c4348ca86aa0", {
            "bf75d14789c83077": "that is the mean. An SLA on p99 asks about the slowest 1% of "
                                "messages, which the mean hides.",
            "acdc0cd2b6249a7f": "that is the single slowest message (p100). p99 is the time 99% "
                                "of messages beat.",
            "1b455740b6ae3f69": "that is p95. The SLA is written at p99.",
        }, wrong="p99 is the time that 99% of the day's messages beat; read it off the "
                 "latency_ms column as the worked example does for billing."),
        Part("p99_upper_ms", MS, "0be34741f4cc3cd8", {
            "48bb81c169ff6909": "that is the interval's lower end. The upper end is the "
                                "second of the two numbers.",
            "2a9ead1260f5b279": "that is the interval of p95. The SLA is on p99: ask for the "
                                "99th percentile.",
            "813c0fe1dac1ac16": "that is the p99 itself. The interval's upper end lies above "
                                "it.",
        }, wrong="run the worked example's interval call on every message of the day (not "
                 "only billing), with the default 2,000 resamples and seed."),
        Part("sla_verdict", SLA_VERDICT, "8dc4ee13adbe9639", {
            "9519a1ad22d99db0": "the day's p99 is under 1,200 ms, but another day of the same "
                                "system could land above it: compare the whole interval "
                                "with the SLA, not just the point.",
            "447ddc8f19760915": "the interval reaches above 1,200 ms, but its lower part is "
                                "well under it: the evidence does not show a miss either.",
        }, wrong="\"meets\", \"does not meet\" or \"cannot tell yet\", from where the "
                 "interval lies against 1,200 ms."),
    ],
    hints=[
        "p99 is one number from one day; the bootstrap interval says how far another day "
        "could land from it.",
        "The worked example's two calls work on any column of latencies: swap the billing "
        "messages for log[\"latency_ms\"].",
        "Compare both ends of the interval with 1,200 ms: below, above, or one on each side?",
    ],
    takeaway="Averages describe the typical message; users remember the slow ones. And a "
             "tail estimate from one day carries its own uncertainty: near the line, the "
             "honest answer is 'cannot tell yet', and more traffic settles it.",
)

q2 = Exercise(
    key="q2",
    title="can the safety filter ship?",
    parts=[
        Part("p99_with_filter_ms", MS, "77b0ddce58a190aa", {
            "e5b8d388bc65ddbb": "adding 300 ms to the old p99 assumes every message's filter "
                                "takes exactly 300 ms. It does not: add the measured filter "
                                "time to each message, then take p99.",
            "cbf8c618926a42d4": "adding the filter's mean to the model's p99 assumes the "
                                "filter takes the same time on every message. Add per "
                                "message, then take p99.",
            "12693e9dba8e77b6": "that is engineering's estimate: the two p99s added. The "
                                "slowest model replies and the slowest filter runs are "
                                "different messages: add per message, then take p99.",
            "1c3a9fa866e8b6c6": "that is the model's p99 without the filter. Every reply now "
                                "waits for the filter too.",
        }, wrong="add each message's filter time to its model time (the worked example with "
                 "three messages), then take the 99th percentile of the totals."),
        Part("estimate", Choice({
            "too high": ("overstated", "too pessimistic", "pessimistic", "overestimate",
                         "overestimated", "too big"),
            "about right": ("right", "correct", "fine", "accurate"),
            "too low": ("understated", "too optimistic", "optimistic", "underestimate",
                        "underestimated"),
        }), "22581909102dfb75", {
            "4da1aa08c95c774d": "compare engineering's number with the p99 of the per-message "
                                "totals: the gap is far bigger than the uncertainty of a "
                                "p99.",
            "e775edd1126e4215": "adding the two p99s assumes the slowest model replies also "
                                "meet the slowest filter runs. Does that make the sum too "
                                "small or too big?",
        }),
        Part("decision", Choice({
            "ship the filter now": ("ship", "ship now", "ship the filter", "ship it"),
            "hold the filter": ("hold", "hold it", "buy latency back first",
                                "hold the filter until latency is bought back"),
            "collect more traffic first": ("collect more traffic", "wait",
                                           "wait for more traffic"),
        }), "3cefe25eff011f93", {
            "b2b62840394f07bf": "holding follows engineering's estimate. Decide from the p99 "
                                "of the per-message totals and its interval.",
            "d43b1c2ef10df72f": "more traffic helps when the interval straddles 1,200 ms. "
                                "Compute the interval of the totals: where does it lie?",
        }),
    ],
    hints=[
        "The filter runs on every message after the model answers, so each message waits "
        "for both: its own model time plus its own filter time.",
        "Fill in `total` as the three-message example does, with fast_log's latency_ms (as "
        "an array) and filter_ms; then take its p99 and its interval, as in q1.",
        "total = fast_log[\"latency_ms\"].to_numpy() + filter_ms; then "
        "np.percentile(total, 99) and latency.percentile_interval(samples_ms=total, q=99).",
    ],
    takeaway="Latency adds per request, not per percentile: the sum of two p99s counts two "
             "unlucky draws that rarely meet. Measure the whole flow's tail, with its "
             "interval, before you hold back a feature.",
)

q3 = Exercise(
    key="q3",
    title="the cheapest configuration that holds the line",
    parts=[
        Part("model_size", Choice({"small": (), "medium": ("mid", "mid size"),
                                   "large": ("frontier",)}), "b16e7a2269d2545e", {
            "f87c66f5f53cb91a": "the small model is cheapest, but no small configuration "
                                "reaches the quality floor of 80.",
            "84342c44529f4602": "the large model clears the quality floor easily but costs "
                                "far more; is there a cheaper size that also clears it?",
        }, wrong="the size of the cheapest configuration that meets all three requirements "
                 "at once: the filter, the quality floor and the SLA's percentile."),
        Part("cost_per_1k", Number(places=3, low=0.0, high=100.0,
                                   unit="dollars per 1,000 messages"), "22da89f5b31d217c", {
            "4c607b1970bfdc1a": "that configuration meets the limit at p50, not p99. The SLA "
                                "is on the tail.",
            "a646d96e11238b6d": "that configuration misses the quality floor of 80.",
            "e546cadbe9163334": "that configuration has the safety filter off; legal requires "
                                "it on, and the filter's 300 ms change which configurations "
                                "meet p99.",
        }, wrong="the cost_per_1k of the cheapest row that meets all three requirements."),
    ],
    hints=[
        "All three requirements at once: the filter on, quality at least 80, and the "
        "percentile the SLA names at most 1,200 ms. Then the cheapest row.",
        "The SLA names p99, so sla_column = \"p99_ms\"; run the cell and read the first "
        "row's model_size and cost_per_1k.",
    ],
    takeaway="'Make it faster' becomes an engineering statement once it names the percentile, "
             "the budget and the quality floor, and the configuration that meets all three.",
)

q4 = Exercise(
    key="q4",
    title="a cascade for a monthly budget, or not",
    parts=[
        Part("threshold", Number(places=2, low=0.0, high=1.0, unit="a threshold between 0 "
                                 "and 1"), "44bcdee9e2b9d82e", {
            "1a6cd0988ba598a7": "escalating everything gives the best quality but pays for both "
                                "models on every message: far over budget.",
            "ebf1155f45d4a336": "threshold 0 never escalates: cheapest, but it leaves quality "
                                "on the table that the budget could buy.",
            "7d8dbf7eec38d37b": "that is the explorer's starting point, set for a different "
                                "budget; at $3,000 a month it is over. Set the budget first.",
        }, wrong="the highest threshold on the 0.01 grid whose monthly cost stays within "
                 "$3,000 (quality rises with the threshold)."),
        Part("quality", Number(places=3, low=0.0, high=1.0, unit="a fraction between 0 and 1"),
             "33646c530d774a58", {
                 "77ce829c8b971d9a": "that is the quality with everything escalated. Give the "
                                     "quality at your threshold.",
                 "16ae77ecdcad99ac": "that is the quality at the starting threshold 0.70, which "
                                     "is over this budget.",
             }, wrong="the share of messages answered well at your threshold, as a fraction "
                      "(0.85 for 85%)."),
        Part("deploy", Choice({
            "the cascade": ("cascade", "the cascade at that threshold"),
            "the medium model alone": ("medium", "medium model", "the medium model",
                                       "medium alone", "medium model alone"),
            "the large model alone": ("large", "large model", "the large model",
                                      "large alone", "large model alone"),
            "the small model alone": ("small", "small model", "the small model",
                                      "small alone", "small model alone"),
        }), "72c850d1fe35e5d3", {
            "984a9930d41ef52a": "the cascade fits the budget, but compare it row by row with "
                                "the single models: one of them is cheaper, answers more "
                                "messages well and meets the SLA.",
            "51e766bd3d94071f": "the large model answers the most messages well, but check its "
                                "monthly cost against $3,000 and its p99 against 1,200 ms.",
            "07038a5d83ade29b": "the small model is cheapest and fastest, but the goal is the "
                                "most messages answered well that the budget and the SLA "
                                "allow. Is there a better option within both?",
        }),
    ],
    hints=[
        "Quality, cost and p99 all rise with the threshold; the budget caps how high you can "
        "go. The worked example finds that cap for another budget.",
        "For the decision, put the cascade at your threshold next to the three single-model "
        "rows and check each against all three goals: within $3,000, p99 within 1,200 ms, "
        "most messages answered well.",
        "cascade.best_threshold_within(budget_per_month=3000), then "
        "cascade.compute(threshold, budget_per_month=3000).quality and .p99_ms, against "
        "cascade.single_models().",
    ],
    takeaway="A cascade is one design among several: at this budget the middle-sized model "
             "alone beats it on cost, quality and tail latency. Put the simple alternative in "
             "the same table before you build the clever one.",
)

q5 = Exercise(
    key="q5",
    title="an embedding-cache TTL from the retraining cadence",
    parts=[
        Part("stale_share_at_30", Number(places=3, low=0.0, high=1.0,
                                         unit="a fraction between 0 and 1"),
             "8c5ce65aa103cd6f", {
                 "284568b902d60d33": "a 30-day TTL outlives two retrains in every cache "
                                     "lifetime, so most hits are stale.",
                 "755ad606ab54c907": "that is the stale share with the old 7-day cadence. "
                                     "The model is now retrained every 10 days.",
             }, wrong="the share of cache hits served from embeddings made before the last "
                      "retrain, with a 30-day TTL and a 10-day retraining cadence.",
             close=(2, "38750cf6e9583f61")),
        Part("monthly_saving", Number(places=0, low=-1e6, high=1e6, unit="dollars per month"),
             "0272e356e59065ab", {
                 "29c32e5ad141052e": "that is what the 30-day TTL costs, not what it saves. "
                                     "Subtract it from the cost of recomputing every 10 "
                                     "days.",
                 "8c19cd6ae0fd44b6": "that is the cost of recomputing every 10 days. The "
                                     "saving is the difference from the 30-day TTL's cost.",
                 "1b54fa47703f44ec": "that compares with a daily flush. Compare with "
                                     "recomputing every 10 days, the rhythm of the retrains.",
                 "6573135c541ce86c": "that uses the old 7-day cadence. The model is now "
                                     "retrained every 10 days.",
             }, wrong="monthly recompute cost at the retraining rhythm (every 10 days) minus "
                      "the monthly recompute cost at a 30-day TTL."),
        Part("decision", Choice({
            "recompute on every retrain": (
                "flush on retrain", "flush on every retrain", "recompute on retrain",
                "10 day ttl", "ttl of 10 days", "ttl equal to the cadence",
                "key by model version", "version keyed cache", "version the cache keys",
                "invalidate on retrain"),
            "30-day ttl": ("30 day ttl", "ttl of 30 days", "take the saving",
                           "finance's proposal"),
            "daily ttl": ("1 day ttl", "ttl of 1 day", "flush daily", "recompute daily"),
        }), "02eea4be15101af2", {
            "ee60b8844b5ebe29": "the saving is real, but look at what it buys: after each "
                                "retrain, how many cache hits are matched against embeddings "
                                "the current model would not produce?",
            "8fff552ee8e74e45": "a daily flush never serves stale embeddings, but nine days in "
                                "ten it pays to recompute embeddings that have not changed.",
        }),
    ],
    hints=[
        "An embedding is stale once the model that computed it has been retrained.",
        "Both numbers come from the worked example's call: once for finance's TTL and once "
        "for the retrain rhythm, both with the new cadence. The saving is a difference of "
        "two monthly costs.",
        "stale_share_at_30 = cache.cache_tradeoff(ttl_days=30, retrain_every_days=10)"
        ".stale_share; the saving is the 10-day TTL's monthly_recompute_cost minus the "
        "30-day TTL's.",
    ],
    takeaway="Let the cache's lifetime follow the model's: recompute on retrain (a TTL equal "
             "to the cadence, or keys that carry the model version). Shorter pays to recompute "
             "what has not changed; longer serves answers from a model you retired.",
)

q6 = Exercise(
    key="q6",
    title="a drift alarm after a release",
    parts=[
        Part("psi_value", Number(places=3, low=0.0, high=100.0, unit="a PSI value"),
             "62cc0a92f9717dd5", {
                 "0a5a105e1495bb5b": "those are equal-width bins. The stated convention is ten "
                                     "bins at the deciles of the reference window.",
                 "9f5e32eae5f64a56": "that looks like a base-10 logarithm. PSI uses the "
                                     "natural log, which the 0.1 and 0.25 thresholds assume.",
             }, wrong="use ten bins at the reference deciles (outer bins open), floor shares "
                      "at 0.0001, and sum (current - reference) x ln(current / reference)."),
        Part("verdict", Choice({"no change": ("stable", "none"), "changed": ("moderate",),
                                "major change": ("major",)}), "d68c20d7c46c4412", {
            "50ba00abef3083f6": "compare your PSI with the thresholds: below 0.1 is no change, "
                                "0.1 to 0.25 changed, 0.25 and above a major change.",
            "27fd841d4bb766f0": "compare your PSI with the thresholds: 0.25 and above is major.",
        }, wrong="below 0.1: \"no change\"; 0.1 to 0.25: \"changed\"; from 0.25: "
                 "\"major change\"."),
        Part("action", Choice({
            "label a sample and measure": (
                "label and measure", "label a sample", "measure on dictated messages",
                "evaluate on dictated messages", "label dictated messages and measure"),
            "retrain now": ("retrain", "retrain the model"),
            "no action": ("ignore", "nothing", "do nothing", "ignore it"),
        }), "0bb79c2ba76a5d7a", {
            "31c192a515d0ec0b": "retrain on what? No dictated message has a label yet, and "
                                "nobody knows whether the model handles them worse.",
            "a6b6ae017097c56b": "the release explains why the inputs moved, not whether the "
                                "model still reads the new messages well: it has never seen "
                                "a dictated one.",
        }),
    ],
    hints=[
        "The convention is in the table: ten bins at the reference's deciles, natural log. "
        "The worked example applies it to Ledgerly's amounts.",
        "A drift statistic says the inputs moved. Before acting, ask what you know about the "
        "model on the new kind of input.",
        "psi_value = monitoring.psi(reference=reference, current=current); then read the "
        "thresholds in the table.",
    ],
    takeaway="A drift number means nothing without its convention: bins, log base, which "
             "window is the reference, and the threshold. And an explained shift is still a "
             "question about the model: measure it on the new inputs before you act.",
)

_KIND = Choice({"data drift": ("input drift", "covariate drift"),
                "concept drift": ("concept",),
                "no meaningful drift": ("none", "no drift", "noise")})

q7 = Exercise(
    key="q7",
    title="read the monitoring panels",
    parts=[
        Part("case_a", _KIND, "b9c237df66bfea41", {
            "748733a43062c28d": "no labels have arrived for 60 days, so performance cannot "
                                "show anything yet; the input and score monitors are "
                                "shouting.",
            "5a2a882ceae08378": "concept drift shows in performance once labels arrive; here "
                                "the inputs themselves moved a long way.",
        }),
        Part("case_b", _KIND, "fc4afc2952430051", {
            "a04981acc2d61601": "the input statistics are all under their thresholds; the "
                                "inputs did not move.",
            "2f42e0866bd5eafd": "inputs and scores are steady, but recall halved once labels "
                                "arrived. Something changed that inputs cannot show.",
        }),
        Part("case_c", _KIND, "f645e839c8bcbf02", {
            "a0d3f5db653932fa": "KS is below 0.05, but on 50,000 payments a test flags "
                                "differences far too small to matter; the distances (PSI, "
                                "Wasserstein, JS) are all tiny and recall held.",
        }),
        Part("first_action_a", Choice({"retrain now": ("retrain",),
                                       "find what changed upstream": (
                                           "find what changed", "check upstream",
                                           "investigate upstream"),
                                       "wait for labels": ("wait",)}), "19bd16eea4d6794d", {
            "16e798d989678e1f": "retrain on what? The labels for the new inputs are 60 days "
                                "away, and the shift may be a broken pipeline, not the world.",
            "6b858e573a7fd42e": "waiting 60 days with inputs this far off is a choice to fly "
                                "blind. The shift itself is the lead.",
        }),
    ],
    hints=[
        "Data drift: input statistics over their thresholds. Concept drift: inputs steady, "
        "performance down once labels arrive.",
        "On large samples a test's p-value flags tiny differences; Evidently's defaults switch "
        "to distances for that reason. Trust the distances and performance.",
    ],
    takeaway="Inputs, predictions and performance answer different questions on different "
             "clocks. When inputs jump, first ask what changed upstream.",
)

_WHEN = Choice({"batch": ("offline", "nightly", "scheduled"),
                "real time": ("realtime", "online", "on request", "real-time")})

q8 = Exercise(
    key="q8",
    title="where and when the model runs",
    parts=[
        Part("case_a", _WHEN, "1dbce90f7e1658bf", {
            "b42b516a906d6e1e": "nobody is waiting on this forecast: it is read once, in the "
                                "evening. Scoring every store in one nightly job is cheaper "
                                "and easier to check.",
        }),
        Part("case_b", _WHEN, "560bc87a59bfa77c", {
            "a1efae14eb6d7b9f": "the payment does not exist until the customer presses pay; "
                                "the decision has to be made then, in milliseconds.",
        }),
        Part("case_c", Choice({"edge": ("on device", "on-device", "device"),
                               "server": ("cloud", "backend")}), "61ca8d5222b46ae0", {
            "1afc3caaa67042f1": "a server round trip fails exactly where connectivity is poor, "
                                "and the audio would leave the phone.",
        }),
        Part("case_d", Choice({
            "log the model version with every prediction": (
                "log the version", "version every prediction", "log model version"),
            "keep only the latest model": ("latest only",),
            "retrain on demand": ("retrain",),
        }), "a9e44673e00dee9b", {
            "a34c7a6d4f187da6": "then the model that made the March decision is gone, and "
                                "nobody can say why it decided as it did.",
            "5eef7e3540d58caa": "a model retrained today answers today's question, not the "
                                "one asked in March.",
        }),
    ],
    hints=[
        "Batch or real time: is someone (or some process) waiting for each answer the moment "
        "the input exists?",
        "Edge or server: what happens to the feature when the network is poor, and where may "
        "the data go?",
    ],
    group_feedback="at least one case is not right yet. For each, ask who is waiting for the "
                   "answer and when the input exists (batch or real time), what happens where "
                   "the network is poor and where the data may go (edge or server), and what "
                   "the team needs to explain a past decision.",
    takeaway="Where and when a model runs is a product decision with costs: latency, "
             "freshness, privacy, offline use, and being able to say which model decided.",
)

# Lessons added to the module keep their exercises in files of their own.
from course.m3.llm_eval_exercises import q9, q10, q11  # noqa: E402
from course.m3.silence_exercises import q12, q13  # noqa: E402

ALL = register("m3", [q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13])


def progress() -> None:
    """Print this session's progress through Module 3's exercises."""
    _progress(ALL, "Module 3, system awareness")
