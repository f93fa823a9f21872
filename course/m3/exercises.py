"""Module 3's graded exercises, declared as data (see :mod:`course.exercises`).

tests/test_m3_exercises.py recomputes every right answer and named misconception
independently and proves each digest here recognises it.
"""

from __future__ import annotations

from course.exercises import Choice, Exercise, Number, Part, register
from course.exercises import progress as _progress

MS = Number(places=0, low=0.0, high=60_000.0, unit="milliseconds")
YES_NO = Choice({"yes": ("meets", "met", "true"),
                 "no": ("breaks", "broken", "false", "not met")})

q1 = Exercise(
    key="q1",
    title="percentiles from a latency log",
    parts=[
        Part("p50_ms", MS, "e47f946d4591e792", {
            "8e35e04becdc02ee": "that is the mean. The median (p50) is the middle message: half "
                                "are faster. In a skewed distribution the mean sits above it.",
        }, wrong="numpy.percentile(latency, 50), or the Series' .quantile(0.5)."),
        Part("p95_ms", MS, "ce6996228a5f1325",
             wrong="numpy.percentile(latency, 95), or .quantile(0.95)."),
        Part("p99_ms", MS, "58a7c4348ca86aa0", {
            "bf75d14789c83077": "that is the mean. An SLA on p99 asks about the slowest 1% of "
                                "messages, which the mean hides.",
            "acdc0cd2b6249a7f": "that is the single slowest message (p100). p99 is the time 99% "
                                "of messages beat.",
            "1b455740b6ae3f69": "that is p95. The SLA is written at p99.",
        }, wrong="numpy.percentile(latency, 99), or .quantile(0.99)."),
        Part("meets_sla", YES_NO, "6d085123a5ee9d8a", {
            "0c44de95d0a9796b": "some messages are slower than 1,200 ms, but the SLA allows "
                                "1% of them to be. Compare p99 with 1,200 ms.",
        }, wrong="answer \"yes\" if p99 <= 1,200 ms, otherwise \"no\"."),
    ],
    hints=[
        "Percentiles come straight from the latency column: log['latency_ms'].quantile(0.99).",
        "An SLA at p99 allows 1 message in 100 to be slower than the limit.",
    ],
    takeaway="Averages describe the typical message; users remember the slow ones. Write "
             "SLAs, and read dashboards, at the tail.",
)

q2 = Exercise(
    key="q2",
    title="adding a 300 ms safety filter",
    parts=[
        Part("p99_with_filter_ms", MS, "2e613010f1ae58f8", {
            "a027c81fa75ada30": "adding 300 ms to the old p99 assumes every message's filter "
                                "takes exactly 300 ms. It does not: add the measured filter "
                                "time to each message, then take p99.",
            "cf94d3f4a8494b2b": "adding the two p99s assumes the slowest model responses also "
                                "get the slowest filter runs. They are different messages: "
                                "add per message, then take p99.",
        }, wrong="add filter[i] to latency[i] for every message, then take the 99th "
                 "percentile of the sums."),
        Part("still_meets_sla", YES_NO, "138905268196bd39", {
            "c0a6734810059627": "compare the new p99 with the 1,200 ms SLA.",
        }, wrong="answer \"yes\" or \"no\"."),
    ],
    hints=[
        "The filter runs on every message after the model answers, so each message waits "
        "for both.",
        "total = log['latency_ms'].to_numpy() + filter_ms; then numpy.percentile(total, 99).",
    ],
    takeaway="Latency adds per request, not per percentile. A fixed-looking 300 ms step can "
             "push a flow that met its SLA over the line.",
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
        }, wrong="filter for safety_filter, quality >= 80 and p99_ms <= 1200, then take the "
                 "lowest cost_per_1k."),
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
        "Filter the table on all three requirements at once, then sort by cost_per_1k.",
        "configs[configs['safety_filter'] & (configs['quality'] >= 80) & "
        "(configs['p99_ms'] <= 1200)].sort_values('cost_per_1k').head(1)",
    ],
    takeaway="'Make it faster' becomes an engineering statement once it names the percentile, "
             "the budget and the quality floor, and the configuration that meets all three.",
)

q4 = Exercise(
    key="q4",
    title="a cascade threshold for a monthly budget",
    parts=[
        Part("threshold", Number(places=2, low=0.0, high=1.0, unit="a threshold between 0 "
                                 "and 1"), "44bcdee9e2b9d82e", {
            "1a6cd0988ba598a7": "escalating everything gives the best quality but pays for both "
                                "models on every message: far over budget.",
            "ebf1155f45d4a336": "threshold 0 never escalates: cheapest, but it leaves quality "
                                "on the table that the budget could buy.",
            "7d8dbf7eec38d37b": "that is the explorer's starting point; at $3,000 a month it is "
                                "over budget. Set the budget control first.",
        }, wrong="the highest threshold whose monthly cost stays within $3,000 (quality rises "
                 "with the threshold)."),
        Part("quality", Number(places=3, low=0.0, high=1.0, unit="a fraction between 0 and 1"),
             "33646c530d774a58", {
                 "77ce829c8b971d9a": "that is the quality with everything escalated. Give the "
                                     "quality at your threshold.",
                 "16ae77ecdcad99ac": "that is the quality at the starting threshold 0.70, which "
                                     "is over this budget.",
             }, wrong="cascade.compute(your_threshold).quality"),
        Part("meets_sla", Choice({"yes": ("meets", "met", "true"),
                                  "no": ("breaks", "broken", "false", "not met")}),
             "e2db79c9b0ee6c33", {
                 "2d99fa8dca67dd29": "check p99 at your threshold: every escalated message "
                                     "waits for the small model and then the large one.",
             }, wrong="compare p99_ms at your threshold with 1,200 ms."),
    ],
    hints=[
        "Quality, cost and p99 all rise with the threshold; the budget caps how high you can go.",
        "cascade.best_threshold_within(3000) finds it on the grid; check it with compute().",
        "compute(threshold).p99_ms tells you about the SLA.",
    ],
    takeaway="One confidence threshold sets cost, latency and quality together. A cascade "
             "that fits the budget can still break the SLA: escalations pay for two models.",
)

q5 = Exercise(
    key="q5",
    title="an embedding-cache TTL from the retraining cadence",
    parts=[
        Part("ttl_days", Number(places=0, low=1, high=365, unit="days"), "a1423e4743d05402", {
            "47411ba58a28003f": "30 days is the cheapest to run, but after each retrain the "
                                "cache keeps serving embeddings from the old model.",
            "082bbc45a08ede46": "a daily flush never serves stale embeddings, but nine days in "
                                "ten it recomputes embeddings that have not changed.",
            "a3e7e2031eef5193": "7 days was the old cadence. Follow the new one.",
        }, wrong="the longest TTL that never serves an embedding from before the last retrain."),
        Part("monthly_cost", Number(places=0, low=0.0, high=1e6, unit="dollars per month"),
             "c30bedc884ef83a8", {
                 "61a8b7fd858b5dad": "that is the cost at a 30-day TTL. Give the cost at "
                                     "yours.",
                 "eb39bf6350335aa2": "that is the cost at a 1-day TTL. Give the cost at yours.",
             }, wrong="cache.cache_tradeoff(your_ttl, retrain_every_days=10)"
                      ".monthly_recompute_cost"),
        Part("stale_share_at_30", Number(places=3, low=0.0, high=1.0,
                                         unit="a fraction between 0 and 1"),
             "8c5ce65aa103cd6f", {
                 "284568b902d60d33": "a 30-day TTL outlives two retrains in every cache "
                                     "lifetime, so most hits are stale.",
                 "755ad606ab54c907": "that is the stale share with a 7-day cadence. Pass "
                                     "retrain_every_days=10.",
             }, wrong="cache.cache_tradeoff(30, retrain_every_days=10).stale_share"),
    ],
    hints=[
        "An embedding is stale once the model that computed it has been retrained.",
        "Compare cache_tradeoff(ttl, retrain_every_days=10) for ttl in 1, 5, 10, 20, 30: "
        "stale_share and monthly_recompute_cost.",
    ],
    takeaway="Let the cache's lifetime follow the model's: flush on retrain. Shorter pays to "
             "recompute what has not changed; longer serves answers from a model you retired.",
)

q6 = Exercise(
    key="q6",
    title="PSI with stated binning",
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
    ],
    hints=[
        "monitoring.quantile_edges(reference) gives the bin edges; monitoring.binned_shares "
        "gives each window's share per bin.",
        "monitoring.psi(reference, current) applies the whole convention; check it against "
        "your own sum.",
    ],
    takeaway="A drift number means nothing without its convention: bins, log base, which "
             "window is the reference, and the threshold.",
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
    takeaway="Where and when a model runs is a product decision with costs: latency, "
             "freshness, privacy, offline use, and being able to say which model decided.",
)

ALL = register("m3", [q1, q2, q3, q4, q5, q6, q7, q8])


def progress() -> None:
    """Print this session's progress through Module 3's exercises."""
    _progress(ALL, "Module 3, system awareness")
