"""Module 1's graded exercises, declared as data (see :mod:`course.exercises`).

Each exercise stores digests of the right answer and of the wrong answers that come from a
known misconception, with a message about the mistake. tests/test_m1_exercises.py recomputes
every right and misconceived value independently (scikit-learn, pandas) and proves that each
digest here recognises it, so a digest cannot drift from the data silently.

In a notebook::

    from course.m1 import exercises as ex
    ex.q1.check(precision=precision, recall=recall)
    ex.q1.hint()
"""

from __future__ import annotations

from course.exercises import Choice, Exercise, Number, Part, register
from course.exercises import progress as _progress

FRACTION = Number(places=3, low=0.0, high=1.0, unit="a fraction between 0 and 1")
THRESHOLD = Number(places=2, low=0.0, high=1.0, unit="a threshold between 0 and 1")
DOLLARS_PER_DAY = Number(places=0, low=-1e7, high=1e7, unit="dollars per day")
ORDERS_PER_DAY = Number(places=1, low=0.0, high=1e5, unit="orders per day")
DEPTH = Number(places=0, low=1, high=12, unit="a tree depth from 1 to 12")

q1 = Exercise(
    key="q1",
    title="precision and recall from Ledgerly's week",
    parts=[
        Part("precision", FRACTION, "58ef15eb6130215f", {
            "20ec371d00700d64": "that is the share of all fraud that was flagged, which is "
                                "recall. Precision starts from the flagged transactions: "
                                "what share of them were fraud?",
            "69bdff47acceec42": "that is accuracy, the share of all decisions that were right. "
                                "With 1% fraud, accuracy is high even for a useless model; "
                                "precision only looks at flagged transactions.",
        }, wrong="check which cells of the confusion matrix you divided.",
            close=(2, "8221ac6fefdfc8f2")),
        Part("recall", FRACTION, "944fdca92e377a78", {
            "5dd0ac54fa38c220": "that is the share of flagged transactions that were fraud, "
                                "which is precision. Recall starts from the fraud: what share "
                                "of it did the model flag?",
            "775c4af000394c14": "that is the share of good customers the model let through "
                                "(specificity). Recall is about the fraud cases.",
        }, wrong="check which cells of the confusion matrix you divided.",
            close=(2, "5a4a1a320bb704e9")),
    ],
    hints=[
        "Both metrics have the same numerator: fraud that was flagged (true positives).",
        "Precision divides by everything flagged (tp + fp); recall divides by all actual "
        "fraud (tp + fn).",
        "Use scenarios.confusion_counts(week['is_fraud'], week['flagged']) and do the two "
        "divisions in code rather than by hand.",
    ],
    takeaway="Most of what Ledgerly flags is a good customer, yet it still misses over a "
             "third of the fraud: precision and recall tell two different money stories.",
)

_MISTAKE = Choice({
    "false positives": ("false positive", "fp", "good payments flagged", "flagged good payments",
                        "good customers flagged", "flags on good customers"),
    "false negatives": ("false negative", "fn", "missed fraud", "fraud let through",
                        "fraud missed"),
    "blocked customers": ("blocked good customers", "good customers blocked", "blocks",
                          "declined customers"),
    "neither": ("none", "no more of either"),
})

q2 = Exercise(
    key="q2",
    title="a bigger review team: the threshold and the mistake it buys",
    parts=[
        Part("new_threshold", THRESHOLD, "7fd79de3bfc50849", {
            "6409543d337cc60b": "that is the cheapest threshold for today's team of 300. With "
                                "ten times the reviewers, a flag on a good customer usually "
                                "means a $5 review instead of a $30 block.",
            "76192c2023bce932": "that would be cheapest with unlimited reviewers. 3,000 a day "
                                "is a lot, but the lowest thresholds flag more than that.",
            "25e1008d3fc42269": "that is where F1 peaks. F1 prices both errors alike; "
                                "Ledgerly's costs do not. Look at the cost curve instead.",
            "2e82cb20e496cfca": "0.5 is a habit, not a decision: nothing about Ledgerly's "
                                "costs makes it special.",
        }, wrong="not the cheapest threshold for these costs and this review capacity."),
        Part("more_of", _MISTAKE, "a1111390dc94ed85", {
            "f4f43f12b6afb389": "a lower threshold flags more payments, so it lets less fraud "
                                "through, not more. Compare fraud missed at the two "
                                "thresholds.",
            "510d71ef162bc465": "flags and blocks are different counts. With 3,000 reviews a "
                                "day, look at how many flagged payments still go unreviewed "
                                "(and so get blocked) at the new threshold.",
            "ee29a07160a44cdf": "the model is the same, so its mistakes do not disappear. "
                                "Count each kind of mistake at today's threshold and at the "
                                "new one.",
        }, wrong="pick one of the four options."),
    ],
    hints=[
        "Set every control of the explorer to the numbers in the question, not only the costs.",
        "The review team's capacity changes what a flag on a good customer costs: within "
        "capacity a $5 review, past it a $30 block. Cheaper flags pull the cheapest threshold "
        "one way; which way, and which kind of mistake grows?",
        "Repeat the worked example's call with review_capacity=3_000, then read the outcome "
        "at the old and the new cheapest threshold: flags on good customers are "
        "flagged x (1 - precision), fraud missed and blocks are printed.",
    ],
    takeaway="The best threshold is a business setting: it moves with error costs, the base "
             "rate and how many cases people can review. A bigger team buys more flags on good "
             "customers, each now a $5 review instead of a $30 block, and less fraud let "
             "through.",
)

q3 = Exercise(
    key="q3",
    title="does a 5-point F1 drop block the launch?",
    parts=[
        Part("block", Choice({"A": ("candidate a",), "B": ("candidate b",),
                              "both": ("a and b", "b and a"), "neither": ("none",)}),
             "3ab42dc874ed229f", {
                 "bcb6cc1fc673737e": "both candidates lost about 5 F1 points, but F1 weighs "
                                     "a missed fraud and a blocked customer the same. Price "
                                     "each candidate's errors before deciding.",
                 "dd35c45e887bf8b7": "a 5-point drop can be harmless or expensive; which side "
                                     "moved decides it. Compare each candidate's daily cost "
                                     "with v2's.",
                 "313b8da2d7d96c55": "candidate A blocks more good customers, but each one "
                                     "costs far less than a missed fraud. Compare daily costs.",
             }, wrong="compare each candidate's daily cost with v2's."),
        Part("extra_cost_b", DOLLARS_PER_DAY, "e5e20fbfeb202a9a", {
            "aa9962b6b49f58dd": "you counted only the extra fraud that gets through. Candidate "
                                "B also blocks fewer good customers, which saves money.",
            "29dbe1b279cf4c0d": "the two error costs look swapped: a missed fraud costs $400, "
                                "a blocked good customer $30.",
            "9f4e7af29287269f": "the sign is the wrong way round: the question asks how much "
                                "more candidate B costs than v2.",
        }, wrong="not candidate B's daily cost minus v2's; check the precision and recall "
                 "you gave the helper for each model."),
    ],
    hints=[
        "F1 treats both error types as equally bad. Ledgerly does not: a missed fraud costs "
        "about 13 times a blocked good customer.",
        "Per day: fraud caught = 500 x recall; fraud missed = 500 - caught; good customers "
        "blocked = caught x (1 / precision - 1). The helper shown above does this sum.",
        "cost_b = scenarios.ledgerly_daily_cost(precision=0.70, recall=0.52); "
        "extra_cost_b = cost_b - cost_v2. Block a candidate whose cost is above v2's.",
    ],
    takeaway="Same F1 drop, opposite verdicts: ask which side moved and what each error costs.",
)

q4 = Exercise(
    key="q4",
    title="which metric to report at a 0.5% base rate",
    parts=[
        Part("metric", Choice({
            "accuracy": (),
            "roc auc": ("roc", "auc", "auroc", "roc auc score"),
            "average precision": ("ap", "pr auc", "auprc", "aupr", "auc pr",
                                  "area under the precision recall curve",
                                  "area under the pr curve", "precision recall auc"),
        }), "cb266e7547999194", {
            "085e8e7ab745d9b8": "a model that flags nothing is 99.5% accurate here. Accuracy "
                                "hides exactly the cases the product exists for.",
            "43573d44b48b8b94": "ROC-AUC is the right number for 'does the model rank as well "
                                "here as at home?', because it ignores the fraud rate. The "
                                "review asks what this market's flags will be like, and "
                                "that depends on the fraud rate.",
        }, wrong="pick one of the three metrics."),
        Part("coin_flip_ap", FRACTION, "dbede07fe6112e3c", {
            "3735f4482a3e6299": "0.5 is the chance level of ROC-AUC. A model with no skill "
                                "flags fraud at the rate it occurs, so its precision is...",
        }, wrong="think about the precision of a model that flags at random."),
    ],
    hints=[
        "Move the explorer's fraud rate down to 0.5% and watch which number stays flattering.",
        "A random model's precision equals the share of positives at every threshold.",
    ],
    takeaway="Report the metric that feels the product's pain: at a low base rate, average "
             "precision next to the base rate it should beat.",
)

_PLAN = Choice({
    "training": ("training error", "train"),
    "random split": ("random", "random split error"),
    "backtest": ("backtest mean", "backtest error", "rolling origin", "rolling origin backtest"),
    "best final period": ("lowest final period error", "best holdout",
                          "best of the final period"),
    "final period": ("final period error", "sealed final period", "holdout", "time holdout",
                     "final test"),
})

q5 = Exercise(
    key="q5",
    title="choose the depth, then score it honestly",
    parts=[
        Part("ship_depth", DEPTH, "bc6f58b38277dd49", {
            "e1b458fed3f5f068": "that is the depth the final period prefers. Choosing it there "
                                "spends the period you meant to report: choose on the "
                                "backtest, which ends before it.",
            "13573683b66a9b99": "that is the depth the random split prefers. It tests on days "
                                "sitting between training days; choose on the backtest.",
            "c6b4ce0ca0e28fda": "that is the depth the explorer's random split prefers. Choose "
                                "on the backtest, which only ever tests on later days.",
            "cabd8c4b95c8319c": "the deepest tree has the lowest training error, which only "
                                "measures memory. Choose on the backtest.",
        }, wrong="use the depth with the lowest mean error in the backtest table."),
        Part("honest_mae", ORDERS_PER_DAY, "b07799661970b33e", {
            "407012f7a5eae086": "that is the chosen depth's mean backtest error. The question "
                                "asks for its error on the sealed final period.",
            "5fd1ec3fef9ef25f": "that is the lowest final-period error of any depth: the best of "
                                "twelve tries, found by looking. Score the depth you chose.",
            "b3aa4c655e1e53e0": "that is the random split's score. It tests the model on days "
                                "sitting between days it trained on.",
            "69690f426de9ed52": "that is the training error: the model scored on days it "
                                "learned from. Score it on the final period.",
        }, wrong="train on every day before 2025-09-01 and score September to December 2025, "
                 "at the depth you chose."),
        Part("plan_number", _PLAN, "c792577424680f1c", {
            "4bfeea5faa2ca299": "the backtest chose the depth, so it flatters that depth, and "
                                "only one of its three folds holds a December peak.",
            "e95ef08c8cb85b2b": "the lowest of twelve errors is low partly by luck, and you "
                                "could only find it by looking at the period you report on.",
            "093572d89e606d62": "the random split tests on days between training days; "
                                "production never gets such easy questions.",
            "5650ad21e2f658f7": "training error measures memory, not forecasting.",
        }, wrong="pick one of the five options."),
    ],
    hints=[
        "Two jobs, two periods: choose on data before the final period, report on the final "
        "period, which was not used to choose anything.",
        "The backtest table's mean column ranks the depths. The final period holds the peak "
        "season the operations lead is planning for.",
        "honest_mae = capacity.fit_and_score(final_train, final_period, max_depth=ship_depth), "
        "with ship_depth the row of the lowest backtest mean.",
    ],
    takeaway="Choose with a backtest, report on a period that chose nothing: the lowest of "
             "many errors found by looking is a flattering number, and a random split is "
             "worse still.",
)

_DRIFT = Choice({"data drift": ("data", "covariate drift", "covariate shift", "input drift"),
                 "concept drift": ("concept",)})
_NOT_DATA = ("the inputs look as they always did; what changed is what they mean for the "
             "outcome.")
_NOT_CONCEPT = ("the rule linking inputs to outcome still holds; the inputs moved into a "
                "range or mix the model saw little of.")

q6 = Exercise(
    key="q6",
    title="concept drift or data drift?",
    parts=[
        Part("case_a", _DRIFT, "706477bbfcad0724", {"7950f36cead298f5": _NOT_CONCEPT}),
        Part("case_b", _DRIFT, "217ec8a4789c0476", {"261df57bcd5a627f": _NOT_DATA}),
        Part("case_c", _DRIFT, "e94894e315d74c02", {"90a61ac809174944": _NOT_DATA}),
        Part("case_d", _DRIFT, "16830fdd80bbea18", {"d5ccb81d1efe1b10": _NOT_CONCEPT}),
    ],
    hints=[
        "Ask of each case: if I fed the model last year's inputs, would the right answers "
        "still be last year's answers?",
        "If yes, only the inputs moved (data drift). If no, the relation moved (concept drift).",
    ],
    group_feedback="not every case is right yet (this message does not say which, so "
                   "that the cases cannot be flipped one by one). For each case ask: with "
                   "last year's inputs, would the right answers still be last year's answers?",
    takeaway="Data drift can be seen without labels; concept drift usually needs labels, "
             "which arrive late. That is why they need different monitoring.",
)

q7 = Exercise(
    key="q7",
    title="the segment the average hides",
    parts=[
        Part("failing_source", Choice({
            "phone photo": ("photo", "phone"), "pdf export": ("pdf",),
            "flatbed scan": ("scan", "flatbed"), "fax": (), "none": ("no source", "nothing"),
        }), "0a4657826267726a", {
            "4e8cb5eb42f2e763": "the overall rate meets the promise, but the promise is made to "
                                "every customer. Compute the rate per source.",
            "5dabb83a059c04c0": "phone photos produce the most errors in total because they are "
                                "the most documents. Compare rates, not counts.",
        }, wrong="compute field errors divided by fields for each source."),
        Part("fax_error_rate", FRACTION, "7de40ccf5136686a", {
            "73e145a8e615e389": "that is the rate over all sources. Filter to fax documents "
                                "first.",
            "208fd914449583ad": "that is the average of each fax invoice's own rate, which "
                                "counts an 8-field invoice as much as a 24-field one. The "
                                "promise is about fields: pool the fields of all fax invoices.",
        }, wrong="not the share of fax fields that came out wrong."),
    ],
    hints=[
        "Group the documents by source and sum fields and field_errors in each group.",
        "documents.groupby('source')[['fields', 'field_errors']].sum(), then divide the "
        "columns.",
    ],
    takeaway="An average is a weighted vote: a small segment that fails badly barely moves it. "
             "Slice before you sign off.",
)

q8 = Exercise(
    key="q8",
    title="an architecture for a latency and data budget",
    parts=[
        Part("architecture", Choice({
            "rules": ("rule based", "heuristics"),
            "gradient boosted trees": ("gbt", "gbm", "gbdt", "gradient boosting", "boosted trees",
                                       "gradient boosted decision trees",
                                       "boosted decision trees", "xgboost", "lightgbm"),
            "sequence model": ("rnn", "lstm", "transformer"),
            "fine tuned llm": ("llm", "fine tuned large language model", "finetuned llm"),
        }), "6103a90d9d9ce2c0", {
            "231aef252a82817d": "it would likely be accurate, but its latency alone blows the "
                                "checkout budget many times over, and each call costs money.",
            "ac01c4f98cad1e15": "rules are a fine first step, but the table shows they cannot "
                                "reach the recall target on patterns this varied.",
            "a652cbbc7f1fa391": "the inputs are a fixed set of columns, not a sequence, and the "
                                "data budget is below what such a model needs.",
        }, wrong="check each option against the latency budget, the labelled data and the "
                 "need to explain a decision."),
    ],
    hints=[
        "Strike out every option whose p99 latency is over the budget.",
        "Of what remains, which can reach the quality target with the labelled data at hand, "
        "and explain a decline to a merchant?",
    ],
    takeaway="Equal accuracy is not an equal product: the budget for latency, data and "
             "explanation picks the architecture.",
)

# Lessons added to the module keep their exercises in files of their own.
from course.m1.calibration_exercises import q9, q10  # noqa: E402

ALL = register("m1", [q1, q2, q3, q4, q5, q6, q7, q8, q9, q10])


def progress() -> None:
    """Print this session's progress through Module 1's exercises."""
    _progress(ALL, "Module 1, model literacy")
