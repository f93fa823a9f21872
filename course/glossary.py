"""The course's glossary: every technical term it uses, in a sentence or two a PM can act on.

The glossary is data (``TERMS``); ``render_markdown()`` turns it into ``glossary.md``, which
``scripts/make_release.py`` writes into every module folder of ``source/`` (nbgrader copies it
into ``release/`` with the notebooks, so it reaches learners through the exchange, a git clone
or nbgitpuller alike). tests/test_glossary.py fails when a written file differs from this one.

Linking to a term from a notebook (module engineers): the anchor of a term is
``anchor(term)``, e.g. ``anchor("PSI") == "psi"`` and ``anchor("p50 / p95 / p99") ==
"p50-p95-p99"``, so a markdown cell links with ``[PSI](glossary.md#psi)``. ``link(term)``
returns that markdown. Anchors are stable: they depend on the term's name only, never on the
order of the glossary, and each entry carries an explicit ``<a id="..."></a>``.

Other names get anchors too: every name in a term's ``also`` is rendered as its own
``<a id>`` just above the entry (``anchors(term)``), so ``[p99](glossary.md#p99)`` and
``[prevalence](glossary.md#prevalence)`` land on "p50 / p95 / p99" and "Base rate". JupyterLab's
markdown viewer keeps these ids (as ``data-jupyter-id``) and scrolls to them when a notebook link
carries the fragment; tests/test_glossary_browser.py checks that in a real browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One glossary entry: the name learners see, its definition, and other names for it."""

    name: str
    definition: str
    also: tuple[str, ...] = ()


def anchor(term: str) -> str:
    """The stable anchor of a term: lower case, runs of anything but letters and digits
    become one hyphen (``"Cohen's kappa"`` -> ``"cohen-s-kappa"``, ``"ROC-AUC"`` ->
    ``"roc-auc"``). Accepts a term's name or any of its other names."""
    found = _BY_NAME.get(term.lower())
    name = found.name if found else term
    return _slug(name)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def anchors(term: str) -> list[str]:
    """Every anchor an entry answers to: its own (``anchor(term)``) first, then one per other
    name that slugs differently (``anchors("Canary") == ["canary", "canary-release",
    "staged-rollout"]``)."""
    found = _BY_NAME.get(term.lower())
    if found is None:
        raise KeyError(f"{term!r} is not in the glossary")
    out: list[str] = []
    for name in (found.name, *found.also):
        slug = _slug(name)
        if slug and slug not in out:
            out.append(slug)
    return out


def link(term: str, text: str | None = None) -> str:
    """Markdown that links ``text`` (default: the term) to its entry, from a notebook in the
    same folder as ``glossary.md``."""
    if term.lower() not in _BY_NAME:
        raise KeyError(f"{term!r} is not in the glossary")
    return f"[{text or term}](glossary.md#{anchor(term)})"


TERMS: tuple[Term, ...] = (
    # -- judging a classifier ----------------------------------------------------------------
    Term("Classifier", "A model that puts each case into one of a few classes (fraud or not, "
         "spam or not), usually by giving it a score and comparing the score with a "
         "threshold.", also=("classification model",)),
    Term("Threshold", "The score at or above which the model's answer becomes an action "
         "(flag, block, escalate). Moving it trades one kind of mistake for the other; the "
         "model itself does not change."),
    Term("Precision", "Of the cases the model flags, the share that really are what it "
         "looks for. Low precision means your reviewers or customers pay for false alarms."),
    Term("Recall", "Of all the cases that really are what the model looks for, the share it "
         "flags. Low recall means the problem gets through unnoticed.",
         also=("sensitivity", "true positive rate")),
    Term("F1", "One number that averages precision and recall (their harmonic mean). Handy "
         "for comparing models, but it treats both mistakes as equally costly, which they "
         "rarely are.", also=("F1 score",)),
    Term("False positive", "A case flagged that should not have been: a good customer "
         "blocked, a fine message sent to review."),
    Term("False negative", "A case the model let through that it should have caught: a fraud "
         "missed, a toxic comment published."),
    Term("Confusion matrix", "The four counts of a yes/no model at one threshold: caught, "
         "missed, false alarms and correctly left alone. Multiply each by its cost to read it "
         "as money."),
    Term("Base rate", "How common the thing you look for is among all cases (1% of payments "
         "are fraud). The rarer it is, the more false alarms each real catch comes with.",
         also=("prevalence",)),
    Term("ROC-AUC", "How well the model ranks a real case above a harmless one, from 0.5 "
         "(coin flip) to 1. It does not change with the base rate, so it can look great while "
         "most flags are false alarms.", also=("AUC", "ROC curve")),
    Term("PR-AUC", "The area under the precision-recall curve, also called average precision. "
         "Unlike ROC-AUC it falls as the base rate falls, so it shows what reviewers will "
         "actually see when the event is rare.", also=("average precision", "AP")),
    Term("Precision-recall curve", "Precision plotted against recall as the threshold "
         "moves, one point per threshold. It shows how many false alarms each extra catch "
         "costs; the area under it is PR-AUC.", also=("PR curve",)),
    Term("Calibration", "Whether a score of 0.8 really means 8 in 10 such cases are positive. "
         "A calibrated score can be read as a probability and used to price decisions."),
    Term("Reliability diagram", "A chart of what the scores claim (the average score in "
         "each bin) against what happened (the real share of positives in that bin). A "
         "calibrated model's points sit on the diagonal.",
         also=("calibration curve", "calibration plot")),
    Term("Wilson interval", "A range of plausible true rates for a share measured on few "
         "cases (3 frauds among 40 applications). Unlike the textbook plus-or-minus formula, "
         "it stays sensible for small counts and for rates near 0 or 1."),
    Term("Error rate", "The share of cases on which the model is wrong. Like any rate measured "
         "on a sample, it is only as trustworthy as the way the sample was picked."),
    Term("Segment", "A slice of users or cases (a region, a device, an invoice source). An "
         "average can meet a promise while one segment badly misses it."),
    # -- validation ----------------------------------------------------------------------------
    Term("Overfitting", "A model that memorised its training data instead of learning what "
         "carries over: excellent on the past, worse on anything new."),
    Term("Training error", "How wrong the model is on the very data it learned from. It is "
         "nearly always better than on new data; a big gap between the two is the sign of "
         "overfitting."),
    Term("Mean absolute error", "The average size of a numeric model's misses, ignoring "
         "their direction, in the quantity's own units (delivery times off by 4 minutes on "
         "average).", also=("MAE",)),
    Term("Holdout", "Data kept aside and never used for training, to estimate how the model "
         "will do on new cases. For anything that changes over time it must come from a later "
         "period than the training data.", also=("holdout set", "validation set")),
    Term("Time-based split", "Training on the past and testing on a later period, the way the "
         "model will be used. A random split mixes future days into training and flatters the "
         "model.", also=("time holdout", "time-based holdout", "random split")),
    Term("Rolling-origin backtest", "Testing a model the way it will be used, several "
         "times over: train on everything up to a date, test on the period after it, move the "
         "date forward and repeat. It shows whether performance holds up period after "
         "period.", also=("backtest", "rolling-origin evaluation")),
    Term("Cross-validation", "Repeating training and testing on several different splits and "
         "averaging, to get a steadier estimate. It still needs time-ordered splits when the "
         "data has a time order."),
    # -- drift -----------------------------------------------------------------------------------
    Term("Drift", "A change over time in the data a model sees, or in what that data means, "
         "so that yesterday's measured performance no longer describes today. Data drift, "
         "concept drift and prediction drift are its three kinds."),
    Term("Data drift", "The inputs change (bigger baskets, new devices) while what they mean "
         "stays the same. Monitors can see it without waiting for labels.",
         also=("input drift", "covariate shift")),
    Term("Concept drift", "What the inputs mean changes (the same basket now predicts "
         "something else). The inputs can look unchanged, so only fresh labels reveal it."),
    Term("Prediction drift", "The model's own scores change their distribution. It needs no "
         "labels and often warns earlier than performance can."),
    Term("Label delay", "The time before the true outcome of a case is known (a chargeback "
         "after 30 days). Until then, performance cannot be measured on recent cases.",
         also=("late labels",)),
    Term("Label decay", "The labels a model is retrained or judged on quietly stop matching "
         "reality, for example when outcomes start arriving later than the labelling rule "
         "waits. The model keeps learning from wrong answers and slowly gets worse.",
         also=("stale labels",)),
    Term("PSI", "Population stability index: how much a distribution has moved from a "
         "reference, summed over buckets. By convention below 0.1 is no change, 0.1 to 0.25 a "
         "change, above 0.25 a major change.", also=("population stability index",)),
    Term("KS test", "The Kolmogorov-Smirnov test: the largest gap between two cumulative "
         "distributions, with a p-value. With many cases it flags even tiny, harmless shifts.",
         also=("Kolmogorov-Smirnov", "Kolmogorov-Smirnov test", "KS")),
    Term("p-value", "How surprising the data would be if nothing had changed. A small p-value "
         "(under 0.05 by convention) says a difference is probably real, not that it is big "
         "or matters."),
    Term("Wasserstein distance", "How far, in the data's own units, one distribution would "
         "have to move to become the other. Easy to read: 0.3 sd means amounts moved about a "
         "third of their usual spread.", also=("Wasserstein", "earth mover's distance")),
    Term("Jensen-Shannon divergence", "A symmetric measure of how different two "
         "distributions are, 0 when they are identical. Its square root, the Jensen-Shannon "
         "distance (what scipy and Evidently report), tops out at 1 in base-2 logs and about "
         "0.83 in natural logs, so always check which base a threshold assumes.",
         also=("Jensen-Shannon", "Jensen-Shannon distance", "JS")),
    Term("Standard deviation", "The usual spread of a quantity around its average. The course "
         "measures shifts in it: '1 sd' means moved by one usual spread.", also=("sd",)),
    Term("Log-normal", "A lopsided shape common for latencies and amounts: most values are "
         "modest and a long tail is much larger. Its logarithm follows the familiar bell "
         "curve.", also=("lognormal",)),
    Term("Bootstrap", "Measuring how much a number could vary by recomputing it on many "
         "resamples of the data (drawn with replacement) and looking at their spread. It works "
         "for awkward numbers such as a p99, where no simple formula exists.",
         also=("bootstrapping",)),
    Term("Confidence interval", "A range of values that fits the data, given how much it "
         "could vary by chance; a 95% interval is built so that 95 in 100 such ranges contain "
         "the true value. A wide interval says: collect more before deciding."),
    # -- data --------------------------------------------------------------------------------
    Term("Feature", "One input the model uses to make a prediction (basket size, account "
         "age, refunds last month). It must be computable at prediction time from what is "
         "known then.", also=("input feature",)),
    Term("Label", "The true outcome a model learns from and is judged against (fraud or not, "
         "cancelled or not). Labels often arrive late, cost money to collect, and can be "
         "wrong.", also=("labels", "labelled data", "ground truth")),
    Term("Chargeback", "A card payment reversed by the cardholder's bank after a dispute, "
         "often weeks later. For a payment-fraud model it is the label, so labels arrive "
         "late.", also=("chargebacks",)),
    Term("Churn", "Customers leaving: cancelling, or simply not coming back. A churn model "
         "scores who is likely to leave so the team can act before they do."),
    Term("groupby", "The pandas operation that splits a table into groups (per customer, per "
         "merchant) and computes something for each. Run over the whole table, it lets each "
         "row see its group's future: a classic source of leakage.", also=("group by",)),
    Term("Leakage", "A feature that contains information the model will not have when it is "
         "used (often the future, through a groupby over the whole table). It makes offline "
         "scores too good to be true.", also=("data leakage", "target leakage")),
    Term("Point-in-time", "Computing each feature only from data available at the moment of "
         "the prediction. It is how a feature store avoids leakage.",
         also=("point in time", "point-in-time correct")),
    Term("Imputation", "Filling in missing values (with a default, an average, a guess). A "
         "default like 0 or -1 can masquerade as real data and mislead the model.", also=("imputer",)),
    Term("Scaler", "A preprocessing step that rescales a numeric feature (for example to "
         "average 0 and spread 1). Its averages must be learned from training data only; "
         "fitted on everything, it leaks the test set into training."),
    Term("Pipeline", "The fixed sequence of steps that turns raw data into a prediction "
         "(fill gaps, rescale, score). Bundling them means training and production run the "
         "same steps, fitted on training data only.", also=("preprocessing pipeline",)),
    Term("Null rate", "The share of a column's values that are missing. A sudden jump usually "
         "means something upstream broke, not that customers changed.",
         also=("null rates", "missing rate")),
    Term("Feature store", "A shared system that computes and serves model features, for "
         "training and for production, ideally the same way in both."),
    Term("Cohen's kappa", "Agreement between two labellers beyond what chance would give, "
         "from 0 (chance) to 1 (perfect). Raw agreement looks high when one label is rare; "
         "kappa does not.", also=("kappa",)),
    Term("Raw agreement", "The share of cases on which two labellers give the same label. It "
         "looks high whenever one label is rare, because both mostly say no; Cohen's kappa "
         "corrects for that."),
    Term("Random sample", "Cases picked purely by chance, each with the same chance of being "
         "chosen. It is what lets a few hundred cases stand for everyone.",
         also=("simple random sample", "random sampling")),
    Term("Stratified sample", "A sample drawn at random within each group (platform, region) "
         "in the proportions you care about, so no group is missed or over-weighted.",
         also=("stratified sampling",)),
    Term("Convenience sample", "The cases that were easy to get (your own team's phones, one "
         "country). Cheap, but it can miss exactly the users where the model fails."),
    # -- systems ----------------------------------------------------------------------------------
    Term("Latency", "How long a customer waits for an answer. It is a distribution, not one "
         "number: most requests are quick, a few are slow."),
    Term("p50 / p95 / p99", "Percentiles of latency: half of requests finish within the p50, "
         "95 in 100 within the p95, 99 in 100 within the p99. The tail (p99) is what angry "
         "customers feel; the mean hides it.", also=("p50", "p95", "p99", "percentile")),
    Term("SLA", "Service level agreement: the promise made about a service, such as 'p99 "
         "latency under 1,200 ms'. Breaking it has a contractual or reputational cost.",
         also=("service level agreement",)),
    Term("Quantization", "Storing a model's weights with fewer bits (8-bit integers instead of "
         "32-bit floats). Faster and cheaper to serve, usually slightly less accurate.",
         also=("int8", "quantized")),
    Term("Batching", "Grouping several requests into one model call. Cheaper per request, but "
         "each request waits for its batch to fill.", also=("batch size",)),
    Term("Cascade", "Routing: a small cheap model answers what it is sure about and passes the "
         "rest to a bigger, costlier one. One confidence threshold sets cost, quality and "
         "latency together."),
    Term("Cache", "Keeping answers (or embeddings) already computed, to reuse them instantly. "
         "The catch: a cached answer can be out of date."),
    Term("TTL", "Time to live: how long a cached item is kept before it is recomputed. Longer "
         "is cheaper; longer than the model's retraining cadence serves stale results.",
         also=("time to live",)),
    Term("Edge deployment", "Running the model on the customer's own device instead of your "
         "servers. It works offline and keeps data on the device, but the model must be small "
         "and updates ship slowly.", also=("edge", "on-device")),
    Term("Embedding", "A list of numbers a model computes to represent a text or item, so "
         "that similar things get similar numbers. Retraining the model changes them."),
    Term("Batch vs real time", "Scoring on a schedule (every night) against scoring the moment "
         "a request arrives. Batch is cheaper and simpler; real time is needed when the answer "
         "must reflect what just happened.", also=("batch scoring", "real-time scoring", "batch inference",
               "real-time inference")),
    Term("Freshness", "How old the newest data from a source is, against how often it is "
         "supposed to arrive (a nightly feed that is 50 hours old is stale).",
         also=("data freshness", "freshness check")),
    Term("Heartbeat", "A regular signal that a job or feed is alive, such as the time of its "
         "last update. One heartbeat for everything stays green while a single source has "
         "stopped."),
    Term("Row-count check", "Comparing how many rows arrived from each source (and slice) "
         "with the usual volume. It catches feeds that stop or half-load, which drift tests "
         "on the rows that did arrive cannot see.", also=("row counts",)),
    Term("Infrastructure staleness", "The model is fine but something it depends on stopped "
         "updating: a failed refresh job, an old index or feature table, a new version that "
         "never deployed. Outputs look normal and are simply out of date.",
         also=("stale infrastructure",)),
    Term("Model versioning", "Recording which model, trained on which data, served each "
         "prediction, so results can be explained and a bad version rolled back."),
    # -- deployment ----------------------------------------------------------------------------
    Term("A/B test", "An experiment that sends users at random to the current version (A) or "
         "the new one (B) and compares an outcome. Randomisation is what lets you credit the "
         "difference to the change.", also=("A/B testing", "experiment")),
    Term("Randomisation unit", "What an experiment assigns to a version at random: customers, "
         "sessions, conversations. Choose the unit that must see one version consistently, "
         "and count the sample size in that unit.",
         also=("randomization unit", "unit of randomisation")),
    Term("Guardrail metric", "A metric that must not get worse while the experiment's main "
         "metric improves (complaints, latency, refunds). A win that breaks a guardrail is not "
         "a win.", also=("guardrail", "guardrail metrics")),
    Term("Sample ratio mismatch", "An experiment's arms end up with a different split of "
         "users than planned (52/48 on a 50/50 design), by more than chance explains. It "
         "means assignment or logging is broken, so the result cannot be trusted.",
         also=("SRM",)),
    Term("Multiple testing", "Looking at many metrics or segments in one experiment: each "
         "has its own chance of a false win, so some will win by luck. Name the primary "
         "metric in advance, or demand stronger evidence from the rest.",
         also=("multiple comparisons",)),
    Term("Power", "The chance that an experiment detects a real effect of a given size. "
         "Underpowered tests mostly come back 'no difference' even when the change works.",
         also=("statistical power",)),
    Term("MDE", "Minimum detectable effect: the smallest real lift an experiment of a given "
         "size can reliably detect (usually with 80% power).",
         also=("minimum detectable effect",)),
    Term("Sample size", "How many users or inputs an experiment needs per arm to reach its "
         "power for a given effect. Halving the effect roughly quadruples it."),
    Term("False positive rate", "How often a test declares a winner when there is no real "
         "difference. At a 5% significance level, 1 test in 20 'wins' by chance.",
         also=("significance level", "alpha")),
    Term("Peeking", "Checking an experiment's results repeatedly and stopping at the first "
         "significant one. It raises power only by raising false positives: many 'wins' are "
         "noise.", also=("optional stopping",)),
    Term("Paired design", "Both versions answer the same inputs and are compared input by "
         "input, which cancels the differences between inputs and needs fewer of them."),
    Term("Non-deterministic output", "A model that can answer the same input differently each "
         "time (an LLM sampling its words). Tests must average over repeated runs.",
         also=("non-deterministic",)),
    Term("Retraining", "Training the model again on newer data. It can fix drift, but a new "
         "model can also be worse: it should pass a validation gate first."),
    Term("Validation gate", "An automatic check that a newly trained model beats the current "
         "one on recent held-out data before it is deployed.", also=("gate",)),
    Term("Rollback", "Returning to the previous model version when the new one misbehaves. "
         "Fast rollback needs the old version kept ready and a trigger agreed in advance."),
    Term("Rollback trigger", "The metric and the level at which the team rolls back without "
         "debate (say, complaints doubling within an hour)."),
    Term("Shadow deployment", "Running a new model on real traffic without acting on its "
         "answers, to compare it with the live one at no risk to users.", also=("shadow",)),
    Term("Canary", "Releasing a new model to a small share of traffic first, watching its "
         "metrics, then widening. Limits the damage if something is wrong.",
         also=("canary release", "staged rollout")),
    Term("Online vs offline evaluation", "Offline: scoring a model on stored data. Online: "
         "measuring what it does to real users. A model can win offline and lose online.",
         also=("online evaluation", "offline evaluation")),
    Term("Human in the loop", "People review the cases the model is unsure about. Only works "
         "within the team's review capacity; the overflow goes unreviewed.",
         also=("human review", "review queue")),
    Term("Review capacity", "How many cases the human team can review per day. A threshold "
         "that sends more than that is a plan on paper only."),
    Term("Feedback loop", "When the model's own decisions shape the data it is retrained on "
         "(users only click what they are shown), so it keeps confirming itself."),
    Term("Exploration", "Deliberately showing some options the model would not pick, to keep "
         "learning about them. It costs a little now and prevents a feedback loop."),
    Term("Cold start", "A new user or item with no history, about which the model can only "
         "guess."),
    Term("Incident", "A production problem that hurts users or the business, handled by "
         "triage: how bad, how many affected, roll back or fix forward."),
    # -- models -----------------------------------------------------------------------------------
    Term("Gradient boosted trees", "Many small decision trees added one after another, each "
         "fixing the last ones' mistakes. Strong on table-shaped data, fast, fairly "
         "explainable.", also=("boosted trees",)),
    Term("Rules", "Hand-written if-then conditions (if the amount is large and the device is "
         "new, send to review). No training data and fully explainable, but they only catch "
         "the patterns someone thought to write down.",
         also=("rule-based system", "business rules")),
    Term("Decision tree", "A model that asks a chain of yes/no questions about the features "
         "(is the amount over 500?) and ends in a prediction. A single deep tree easily "
         "memorises its training data."),
    Term("Sequence model", "A model that reads its inputs in order (a customer's last 50 "
         "events, the words of a sentence) and learns from the order itself. It needs far "
         "more labelled data and compute than trees.", also=("sequence models",)),
    Term("Transformer", "The neural-network design behind today's LLMs: it weighs every part "
         "of its input against every other part to decide what matters. Powerful on text and "
         "sequences, costly to train and to serve.", also=("transformers",)),
    Term("LLM", "Large language model: a very large model trained on text that can answer in "
         "words. Flexible, but slow and costly per call, and its answers vary from run to "
         "run.", also=("large language model",)),
    Term("RAG", "Retrieval-augmented generation: the LLM is given relevant documents found at "
         "question time, so it can answer from current facts without being retrained.",
         also=("retrieval-augmented generation",)),
    Term("Fine-tuning", "Training an existing model further on your own examples, to change "
         "how it behaves or writes. It does not keep facts up to date the way RAG does.",
         also=("fine tuning", "fine-tuned", "fine-tuned LLM")),
)

_BY_NAME: dict[str, Term] = {}
for _term in TERMS:
    for _name in (_term.name, *_term.also):
        _BY_NAME.setdefault(_name.lower(), _term)


def render_markdown() -> str:
    """The glossary as markdown: a heading per term (alphabetical), each with an explicit
    ``<a id>`` anchor per name (its own first), its definition and its other names."""
    lines = ["# Glossary", "",
             "Every technical term the course uses, in plain words. Notebooks link here at "
             "a term's first use. (Generated from `course/glossary.py` by "
             "`scripts/make_release.py`; edit that file, not this one.)", ""]
    letters = sorted({t.name[0].upper() for t in TERMS})
    lines += ["Jump to: " + " · ".join(
        f"[{letter}](#{anchor(first.name)})" for letter in letters
        for first in [min((t for t in TERMS if t.name[0].upper() == letter),
                          key=lambda t: t.name.lower())]), ""]
    for term in sorted(TERMS, key=lambda t: t.name.lower()):
        # One HTML block of anchors (no blank line between them), then the heading.
        lines += [*(f'<a id="{a}"></a>' for a in anchors(term.name)), "", f"### {term.name}", "",
                  term.definition, ""]
        if term.also:
            lines += [f"*Also called:* {', '.join(term.also)}.", ""]
    return "\n".join(lines).rstrip() + "\n"
