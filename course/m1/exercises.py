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
        Part("precision", FRACTION, "b34ce758ea69b774", {
            "40010f832cda759f": "that is the share of all fraud that was flagged, which is "
                                "recall. Precision starts from the flagged transactions: "
                                "what share of them were fraud?",
            "94a00c685f832a61": "that is accuracy, the share of all decisions that were right. "
                                "With 2% fraud, accuracy is high even for a useless model; "
                                "precision only looks at flagged transactions.",
        }, wrong="check which cells of the confusion matrix you divided."),
        Part("recall", FRACTION, "f6de4246719de931", {
            "227cc20e34784f5f": "that is the share of flagged transactions that were fraud, "
                                "which is precision. Recall starts from the fraud: what share "
                                "of it did the model flag?",
            "137a89ac4e9fb146": "that is the share of good customers the model let through "
                                "(specificity). Recall is about the fraud cases.",
        }, wrong="check which cells of the confusion matrix you divided."),
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

q2 = Exercise(
    key="q2",
    title="the cheapest threshold under a review capacity",
    parts=[
        Part("cheapest_threshold", THRESHOLD, "0490e074cffbed6f", {
            "fdfe291170f744cf": "that is the cheapest threshold for today's team of 300. With "
                                "ten times the reviewers, a flag on a good customer usually "
                                "means a $5 review instead of a $30 block.",
            "0e99bda0db2d2d11": "that would be cheapest with unlimited reviewers. 3,000 a day "
                                "is a lot, but the lowest thresholds flag more than that.",
            "a256512f815cea59": "that is where F1 peaks. F1 prices both errors alike; "
                                "Ledgerly's costs do not. Look at the cost curve instead.",
            "5638dcdb30e7dccd": "0.5 is a habit, not a decision: nothing about Ledgerly's "
                                "costs makes it special.",
        }, wrong="not the cheapest threshold for these costs and this review capacity."),
    ],
    hints=[
        "Set every control of the explorer to the numbers in the question, not only the costs.",
        "The review team's capacity changes what a flag costs: past capacity, a flagged good "
        "customer is blocked instead of reviewed.",
        "threshold.compute(...) returns cheapest_threshold for the settings you pass; pass "
        "all of them.",
    ],
    takeaway="The best threshold is a business setting: it moves with error costs, the base "
             "rate and how many cases people can review.",
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
                                     "moved decides it. Compute each candidate's daily cost.",
                 "313b8da2d7d96c55": "candidate A blocks more good customers, but each one "
                                     "costs far less than a missed fraud. Compare daily costs.",
             }, wrong="compare each candidate's daily cost with the current model's."),
        Part("extra_cost_b", DOLLARS_PER_DAY, "e5e20fbfeb202a9a", {
            "aa9962b6b49f58dd": "you counted only the extra fraud that gets through. Candidate "
                                "B also blocks fewer good customers, which saves money.",
            "29dbe1b279cf4c0d": "the two error costs look swapped: a missed fraud costs $400, "
                                "a blocked good customer $30.",
        }, wrong="compute each model's daily cost (missed fraud x $400 + blocked good "
                 "customers x $30) and subtract the current model's from candidate B's."),
    ],
    hints=[
        "F1 treats both error types as equally bad. Ledgerly does not: a missed fraud costs "
        "about 13 times a blocked good customer.",
        "Per day: fraud caught = 500 x recall; fraud missed = 500 - caught; good customers "
        "blocked = caught x (1 / precision - 1).",
        "Daily cost = missed x 400 + blocked x 30. Compute it for the current model and for "
        "B; extra_cost_b is B's minus the current model's.",
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
            "average precision": ("ap", "pr auc", "auprc", "area under the precision recall "
                                  "curve", "precision recall auc", "area under the pr curve"),
        }), "cb266e7547999194", {
            "085e8e7ab745d9b8": "a model that flags nothing is 99.5% accurate here. Accuracy "
                                "hides exactly the cases the product exists for.",
            "43573d44b48b8b94": "ROC-AUC did not move when the fraud rate fell in the explorer: "
                                "it ignores how many good customers stand behind each flag.",
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

q5 = Exercise(
    key="q5",
    title="an honest score from a time-based holdout",
    parts=[
        Part("honest_mae", ORDERS_PER_DAY, "63ac7454d6dd8206", {
            "b754f5b68b5931cf": "that is the random split's score. It tests the model on days "
                                "sitting between days it trained on; split on the date.",
            "6b076f99084d12bb": "that is the training error: the model scored on days it "
                                "learned from. Score it on the later period.",
        }, wrong="train on days before 2025-09-01, score on 2025-09-01 onwards, with "
                 "max_depth=8."),
        Part("ship_depth", DEPTH, "e1b458fed3f5f068", {
            "13573683b66a9b99": "that is the depth the random split prefers. Judge depths by "
                                "the time-based holdout you just built.",
            "cabd8c4b95c8319c": "the deepest tree has the lowest training error, which only "
                                "measures memory. Judge by the holdout error.",
        }, wrong="use the depth with the lowest time-holdout error."),
    ],
    hints=[
        "A time-based holdout keeps the future out of training: split on the date, not at "
        "random.",
        "train = demand[demand['date'] < '2025-09-01']; test = the rest. Then "
        "capacity.fit_and_score(train, test, max_depth=8).",
        "For ship_depth, the explorer's reading names the depth each validation scheme would "
        "pick; you want the one that held out the future.",
    ],
    takeaway="A random split lets the model peek at neighbouring days, including the spike "
             "era; only a holdout in the future, with a peak season in it, tells you what "
             "production will see.",
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
        Part("fax_error_rate", FRACTION, "82764dda3d814d86", {
            "73e145a8e615e389": "that is the rate over all sources. Filter to fax documents "
                                "first.",
        }, wrong="sum field_errors and fields over fax documents and divide."),
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
            "gradient boosted trees": ("gbt", "gbm", "gradient boosting", "boosted trees",
                                       "xgboost", "lightgbm",
                                       "gradient boosted decision trees"),
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

ALL = register("m1", [q1, q2, q3, q4, q5, q6, q7, q8])


def progress() -> None:
    """Print this session's progress through Module 1's exercises."""
    _progress(ALL, "Module 1, model literacy")
