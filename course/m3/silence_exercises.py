"""Module 3's exercises on monitoring that notices silence and slices (notebook 05), declared
as data (see :mod:`course.exercises`).

tests/test_m3_silence_exercises.py recomputes every right answer and named misconception from
``course.m3.silence`` and an independent evaluation, and proves each digest here recognises it.
"""

from __future__ import annotations

from course.exercises import Choice, Exercise, Number, Part, register

_GRAIN = Choice({"global": ("all data", "overall", "whole dashboard"),
                 "per source": ("source", "by source", "each source"),
                 "per merchant": ("merchant", "by merchant", "each merchant"),
                 "per app version": ("app version", "version", "by app version",
                                     "each app version")})
_OWNER = Choice({"mobile app team": ("mobile team", "app team", "mobile"),
                 "ML team": ("ml", "data science", "data science team", "ml platform"),
                 "data engineering": ("data engineering on call", "pipeline team",
                                      "data eng")})

q12 = Exercise(
    key="q12",
    title="design the monitors: what, at which grain, to whom",
    parts=[
        Part("freshness_grain", _GRAIN, "0471cc41f9a1db7f", {
            "0e95adef0a552b66": "one global freshness check asks 'did anything arrive "
                                "lately?'. The payment streams answer yes every hour, so the "
                                "stopped nightly job and the model that never deployed stay "
                                "green.",
            "222c116705eeba53": "a merchant's newest data is its latest payment, which keeps "
                                "arriving while its profile is days old: a per-merchant check "
                                "never sees the job or the deploy stop.",
        }, wrong="freshness is a question about each feed's own schedule; which grain puts "
                 "the nightly job and the weekly deploy in groups of their own?"),
        Part("row_count_grain", _GRAIN, "bb21cde1f0530054", {
            "1434739e62bad3dd": "Harbor Tea is 6% of payments: when it goes silent, the "
                                "global count dips 6%, inside a normal hour's noise.",
            "08d71a5e1e50db36": "the payments source is every merchant together, so one "
                                "merchant's silence is a small dent in it, as in the global "
                                "count.",
            "8e473fd9a292e0bd": "every app version carries every merchant's payments, so a "
                                "silent merchant dents each version by a few percent.",
        }, wrong="which grain gives a silent or shrinking merchant a group of its own?"),
        Part("drift_grain", _GRAIN, "48696c90f6154ea3", {
            "d529a6b97eb7bdb4": "app 5.3 is 8% of payments: its broken values move the "
                                "global PSI to about 0.05, under the 0.1 line, every day.",
            "361360590ca271db": "each merchant mixes all app versions, so 5.3's broken "
                                "values are diluted in every merchant too: each merchant's "
                                "PSI stays under 0.1.",
            "36d42bcb996db6f6": "the device-signal source is all app versions together: "
                                "the same dilution as the global view.",
        }, wrong="the broken values come from one app release; which grain isolates it?"),
        Part("drift_page_goes_to", _OWNER, "f540a2378a578413", {
            "cdc34e9a4a15c7f6": "retraining on these days would teach the model that every "
                                "5.3 device is brand new. The data is wrong, not the model: "
                                "fix it where it is produced.",
            "ece6cacaf4af5453": "the pipeline delivered exactly what the app sent; nothing "
                                "in it is broken. Send the page to whoever can change what "
                                "the app sends.",
        }, wrong="who can fix a field that one app release fills with a default?"),
    ],
    hints=[
        "For each incident, ask which group would hold the broken data on its own. A 6% "
        "merchant is a dent in a total and a cliff in its own group.",
        "Try one grain at a time in evaluate_plan(freshness_grain=..., row_count_grain=..., "
        "drift_grain=...) and read .table(): which incidents does each change catch?",
        "Only one mix catches all six. The owner of a page is whoever can fix the cause.",
    ],
    takeaway="Watch each signal at the grain where its failure is whole: freshness per "
             "source (each feed against its own schedule), counts per merchant, drift per "
             "release. And page whoever can fix the cause, not whoever owns the model.",
)

q13 = Exercise(
    key="q13",
    title="tune the alerts to the on-call budget",
    parts=[
        Part("freshness_slack_hours", Number(places=0, low=0, high=48, unit="hours"),
             "610bce3b8f82b4b7", {
                 "bbd335315d3aca5b": "at 1 hour the nightly job's normal late runs page "
                                     "someone four times in three weeks: more than the budget "
                                     "of one every two weeks.",
                 "d0aad1914da1688d": "6 hours is quiet, but the six-hour device-feed outage "
                                     "ends before a 6-hour slack fires: it goes unnoticed.",
                 "9de5036e80508e2d": "a day of slack misses the device-feed outage and lets "
                                     "the profiles go stale for more than a day before "
                                     "anyone hears.",
             }, wrong="the lowest slack on the grid whose false pages stay at or under 0.5 "
                      "a week and that misses no incident."),
        Part("row_drop_pct", Number(places=0, low=1, high=99, unit="a percentage, e.g. 40"),
             "12d3027081b9637b", {
                 "fff3b72f900abf12": "30% costs one false page a week; the budget is one every "
                                     "two weeks (0.5 a week).",
                 "715a9b731c5a5a82": "20% pages on ordinary quiet hours at small merchants, "
                                     "eight times a week: on-call will mute it.",
                 "3e756a08f4456665": "10% pages dozens of times a week: a monitor nobody "
                                     "reads is no monitor.",
                 "b0e0935bfeb1510f": "50% is quiet and catches everything here, but the "
                                     "budget buys a more sensitive threshold for partial "
                                     "outages smaller than these.",
                 "c32a2f8b7cda21ce": "at 70% Fernway's two-thirds drop never pages.",
                 "78b270627346174d": "at 90% only a merchant that goes fully silent pages; "
                                     "Fernway's two-thirds drop never does.",
             }, wrong="the lowest drop threshold on the grid whose false pages stay at or under "
                      "0.5 a week and that misses no incident."),
        Part("stale_profiles_hours_late", Number(places=0, low=0, high=500, unit="hours"),
             "b3ed717d30ef1608", {
                 "7a11617041bbf5b2": "that is the slack alone. The clock starts at the job's "
                                     "last successful run, which itself finished hours after "
                                     "03:00, and the check runs on the hour.",
                 "f27c5c033339b332": "that is the schedule plus the slack, counted from the "
                                     "last run. The question counts from when the missed run "
                                     "was due (day 12, 03:00).",
                 "b2492fa8c2b4b3a4": "that is the delay at a 6-hour slack; give it at yours.",
             }, wrong="read 'hours late' for profiles stale in the table of your design."),
    ],
    hints=[
        "sweep(setting, values, ...) gives one row per value: read that monitor's false pages "
        "a week and the 'missed' column.",
        "The rule: the lowest value whose false pages a week are at most 0.5 and that misses "
        "nothing. Then evaluate your whole design and read its table.",
    ],
    takeaway="A threshold is a budget decision: as sensitive as on-call will tolerate, never "
             "so loose that a known failure slips through. Say the price in pages a week and "
             "the catch in hours.",
)

SILENCE = register("m3", [q12, q13])


def progress() -> None:
    """Print this session's progress through Module 3's exercises, this lesson's included."""
    from course.m3.exercises import progress as module_progress

    module_progress()
