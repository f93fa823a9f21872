"""Module 4's capstone exercises (notebook 04, the launch review), declared as data (see
:mod:`course.exercises`).

tests/test_m4_launch.py recomputes every right answer and named misconception independently
(a plain loop over the latency simulation, scipy's Spearman and Pearson correlations, a loop
over the failure modes) and proves each digest here recognises it.
"""

from __future__ import annotations

from course.exercises import Choice, Exercise, Number, Part, register

q9 = Exercise(
    key="q9",
    title="'make it faster' as an engineering statement",
    parts=[
        Part("config", Choice({k: () for k in "ABCDE"}), "53e6eb9996acf272", {
            "f1864421e223dfa1": "A raises quality, but its p99 is further from the target "
                                "than today's. The ask was speed; quality gains do not pay "
                                "for a missed target.",
            "3de3abe6c72e9b67": "C's median looks fast and it is the cheapest medium option, "
                                "but its p99 misses the 1,000 ms target: batching makes the "
                                "tail wait for the batch.",
            "d49544e47e25222a": "D is fastest and cheapest, but the small model gives up "
                                "eleven quality points: far more than speed needs to cost.",
            "ac553f0cb7a6f041": "E meets the target at the same quality price as another "
                                "candidate, but costs about $300 a month more: the tie goes "
                                "to the cheaper one.",
        }, wrong="among candidates whose p99 meets 1,000 ms, the one that gives up the least "
                 "quality; if two tie, the cheaper."),
        Part("p99_ms", Number(places=0, low=0, high=60_000, unit="milliseconds"),
             "49deeb19752f420a", {
                 "e00d39b44206368b": "that is the median (p50). The target is on the tail.",
                 "2d912207aa246d78": "that is today's p99; give your candidate's.",
             }, wrong="latency.compute(**settings).p99_ms for your candidate."),
        Part("quality", Number(places=1, low=0, high=100, unit="a quality score (0-100)"),
             "472d980954ad8161", {
                 "37d29f3753b55bb1": "that is today's quality. Quantized weights cost the "
                                     "medium model some quality: read your candidate's.",
                 "d31c69fb1d63c860": "that is the small model's quality.",
             }, wrong="latency.compute(**settings).quality for your candidate."),
    ],
    hints=[
        "First cross out every candidate whose p99 is over 1,000 ms. Then compare quality.",
        "Two candidates meet the target at the same quality; compare their monthly cost.",
    ],
    takeaway="'Make it faster' becomes: p99 from today's figure to yours, by which levers, "
             "for how many quality points and how many dollars a month.",
)

_METRIC = Choice({
    "resolved_without_recontact": ("resolved without recontact", "resolved",
                                   "recontact", "resolution"),
    "rubric_score": ("rubric", "rubric score", "offline rubric"),
    "thumbs_up_rate": ("thumbs up", "thumbs up rate", "thumbs"),
    "deflection_rate": ("deflection", "deflection rate"),
})

q10 = Exercise(
    key="q10",
    title="which metric reflects user value",
    parts=[
        Part("metric", _METRIC, "fe3329ca7d24d5c1", {
            "77c8697ad2bad5c8": "deflection rose in the experiments that hurt retention: a bot "
                                "that keeps customers from a human 'deflects' more and helps "
                                "less. Look at the sign.",
            "57d91f8ee7abb985": "thumbs-up barely tracks retention across experiments (one "
                                "launch-week spike dominates it): people rate the chat, not "
                                "whether their problem went away.",
            "8993729892cb040e": "the rubric score moves with retention, but loosely: a "
                                "well-written answer can still leave the problem unsolved.",
        }, wrong="the metric whose changes rank the experiments most like their retention "
                 "changes did."),
        Part("rho", Number(places=2, low=-1, high=1, unit="a correlation between -1 and 1"),
             "9b0571dfcf0fa135", {
                 "5a90f977e6a14653": "that is Pearson's correlation; the review asks for the "
                                     "rank (Spearman) correlation, which one odd experiment "
                                     "cannot swing.",
                 "cbc95df379c6d0d3": "that is the rubric score's rank correlation.",
                 "46568ef978a55a9c": "that is deflection's: negative, it moves against "
                                     "retention.",
             }, wrong="evidence[metric].corr(evidence['retention_90d'], method='spearman')"),
    ],
    hints=[
        "A metric reflects user value when experiments that moved it up also moved retention "
        "up, and by a similar rank.",
        "Compute the Spearman correlation with retention_90d for each of the four metrics, as "
        "in the worked example, and compare the signs as well as the sizes.",
    ],
    takeaway="'How do you know the metric reflects user value?' has an answer: across past "
             "experiments, does moving it move the outcome you care about? Deflection and "
             "thumbs-up are easy to move and easy to fool.",
)

_MODE = Choice({
    "stale help-centre index": ("stale index", "stale help center index",
                                "help centre index", "help center index"),
    "hallucinated refund promise": ("hallucinated refund", "hallucination", "refund promise"),
    "latency spike": ("latency",),
    "intent drift after a launch": ("intent drift", "drift"),
})

q11 = Exercise(
    key="q11",
    title="the biggest gap in today's monitoring",
    parts=[
        Part("biggest_gap", _MODE, "6fb34ae75513370d", {
            "61a22cd9f8ea2404": "latency spikes are the most frequent and the most visible, "
                                "and that is why they are caught in minutes: little harm "
                                "piles up.",
            "216cf272ea043107": "a false refund promise is the scariest answer, but it is "
                                "rare, touches few chats and the daily review catches it.",
            "7b2755dd631d84ca": "intent drift takes longest to notice, but it happens about "
                                "once a quarter; multiply all three columns.",
        }, wrong="incidents a quarter x conversations an hour x hours to notice; the "
                 "largest product is the biggest gap."),
        Part("spoiled_per_quarter", Number(places=0, low=0, high=1e8,
                                           unit="conversations per quarter"),
             "f1da3b136e6c2521", {
                 "00017f12900590ac": "that is the intent drift's exposure.",
                 "71446a993f106ed3": "that leaves out how long each incident lasts before "
                                     "anyone notices: multiply by the hours to notice.",
             }, wrong="incidents_per_quarter x conversations_per_hour x hours_to_notice for "
                      "your failure mode."),
    ],
    hints=[
        "Harm piles up while nobody knows: frequency x breadth x time to notice.",
        "Compute the product for every row, as in the worked example, and take the largest.",
    ],
    takeaway="The biggest gap is rarely the scariest failure; it is the one that runs longest "
             "unseen. A freshness check on the nightly re-index is worth more than another "
             "latency alert.",
)

LAUNCH = register("m4", [q9, q10, q11])


def progress() -> None:
    """Print this session's progress through Module 4's exercises, this lesson's included."""
    from course.m4.exercises import progress as module_progress

    module_progress()
