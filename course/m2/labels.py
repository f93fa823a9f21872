"""Label consistency: two regions, two guidelines, one metric that hides it and one that shows it.

Murmur, a social app, hides toxic comments. Each region's comments are labelled by a local
vendor: ``north``, ``south`` and ``west``. A central audit team relabels a sample of every
region's comments with the reference guideline, so each audited comment has two labels:
``vendor_label`` and ``audit_label`` (1 = toxic).

The south vendor works from an older guideline that diverges from the reference by
``divergence`` (0 = the same guideline, 1 = very different): it calls borderline sarcasm
toxic (up to every sarcastic comment at 1) and lets mild insults through (up to half of them
at 1). The other vendors differ from the audit only by everyday noise.

Because toxic comments are rare (about 9%), two labellers who both say "not toxic" almost all
the time agree on most comments whatever their guideline: raw agreement stays near or above
90% everywhere. Cohen's kappa corrects for that. With ``p_o`` the raw agreement and ``p_e``
the agreement expected by chance from each side's label rates,

    kappa = (p_o - p_e) / (1 - p_e)

0 is chance-level agreement, 1 is perfect. Kappa separates the south from the others long
before raw agreement does.

Labels also train models. A small decision tree is fitted on all regions' *vendor* labels
pooled (inputs: a text model's severity score, its sarcasm score and the region) and its
out-of-fold predictions are judged against the audit. It learns the south vendor's
guideline as if it were a fact about the south's users: it flags more of the south's
comments and is wrong more often there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.tree import DecisionTreeClassifier

from course.style import pct

MURMUR_AUDIT_SEED = 31
REGIONS = ("north", "south", "west")
#: The region whose vendor follows the diverging guideline.
DIVERGING_REGION = "south"
#: Severity (0-1, reference scale) at or above which the reference guideline says "toxic".
TOXIC_AT = 0.37
#: Model inputs: the text model's scores, then one 0/1 column per region.
FEATURES = ["severity_score", "sarcasm_score"] + [f"region_{r}" for r in REGIONS]


def murmur_audit(divergence: float = 0.6, seed: int = MURMUR_AUDIT_SEED,
                 n_per_region: int = 600) -> pd.DataFrame:
    """Murmur's label audit: ``n_per_region`` comments per region, each labelled twice.

    Columns: ``item_id``; ``region`` (north, south, west); ``vendor_label`` (0/1, the
    region's vendor); ``audit_label`` (0/1, the central audit team, reference guideline);
    the latent truth ``severity`` (0-1; the reference calls >= ``TOXIC_AT`` toxic) and
    ``sarcastic`` (borderline sarcasm, 0/1, about 12% of comments, never toxic by the
    reference); and what a text model sees, ``severity_score`` and ``sarcasm_score``.

    ``divergence`` (0-1) only changes the south vendor's labels; everything else, including
    every random draw, is the same for any ``divergence`` and a given seed.
    """
    if not 0.0 <= divergence <= 1.0:
        raise ValueError(f"divergence must be between 0 and 1, got {divergence}")
    if n_per_region < 1:
        raise ValueError(f"n_per_region must be at least 1, got {n_per_region}")
    rng = np.random.default_rng(seed)
    n = len(REGIONS) * n_per_region
    region = np.repeat(np.array(REGIONS), n_per_region)
    severity = rng.beta(1.0, 5.0, n)
    sarcastic = rng.random(n) < 0.12
    severity = np.where(sarcastic, rng.uniform(0.18, TOXIC_AT, n), severity)
    audit = severity + rng.normal(0, 0.02, n) >= TOXIC_AT
    vendor = severity + rng.normal(0, 0.03, n) >= TOXIC_AT
    flag_draw, pass_draw = rng.random(n), rng.random(n)
    severity_score = np.clip(severity + rng.normal(0, 0.04, n), 0, 1)
    sarcasm_score = np.clip(0.15 + 0.6 * sarcastic + rng.normal(0, 0.12, n), 0, 1)

    south = region == DIVERGING_REGION
    calls_sarcasm_toxic = south & sarcastic & (flag_draw < divergence)
    mild = (severity >= TOXIC_AT) & (severity < TOXIC_AT + 0.15)
    lets_insult_through = south & mild & (pass_draw < 0.5 * divergence)
    vendor = np.where(calls_sarcasm_toxic, True, np.where(lets_insult_through, False, vendor))
    return pd.DataFrame({
        "item_id": np.arange(1, n + 1),
        "region": region,
        "vendor_label": vendor.astype(np.int64),
        "audit_label": audit.astype(np.int64),
        "severity": severity.round(4),
        "sarcastic": sarcastic.astype(np.int64),
        "severity_score": severity_score.round(4),
        "sarcasm_score": sarcasm_score.round(4),
    })


def model_inputs(df: pd.DataFrame) -> np.ndarray:
    """The model's input matrix, columns ``FEATURES``."""
    regions = np.column_stack([(df["region"] == r).to_numpy(dtype=float) for r in REGIONS])
    return np.column_stack([df["severity_score"].to_numpy(dtype=float),
                            df["sarcasm_score"].to_numpy(dtype=float), regions])


def make_model() -> DecisionTreeClassifier:
    """The toxicity model: a depth-4 decision tree (10+ comments per leaf)."""
    return DecisionTreeClassifier(max_depth=4, min_samples_leaf=10, random_state=0)


#: The model is judged out of fold: each comment is scored by a model that did not train on it.
FOLDS = KFold(n_splits=5, shuffle=True, random_state=0)


def pooled_model_predictions(df: pd.DataFrame) -> np.ndarray:
    """Out-of-fold 0/1 predictions of the model trained on the pooled ``vendor_label``s."""
    return cross_val_predict(make_model(), model_inputs(df), df["vendor_label"], cv=FOLDS)


@dataclass(frozen=True, eq=False)
class LabelsResult:
    """Agreement between each region's vendor and the audit, and what a model learns.

    Every mapping is keyed by region (``regions``). ``kappa`` is Cohen's kappa of vendor
    against audit labels; ``agreement`` the share of comments they label alike (0-1);
    ``vendor_rate`` / ``audit_rate`` the share each labels toxic. ``model_error`` is the
    share of the region's comments on which the model trained on pooled vendor labels
    disagrees with the audit; ``model_flag_rate`` the share that model calls toxic.
    ``lowest_kappa_region`` is where vendor and audit agree least beyond chance.
    """

    divergence: float
    regions: tuple
    kappa: MappingProxyType
    agreement: MappingProxyType
    vendor_rate: MappingProxyType
    audit_rate: MappingProxyType
    model_error: MappingProxyType
    model_flag_rate: MappingProxyType
    lowest_kappa_region: str
    n_per_region: int


def _frozen(values: dict) -> MappingProxyType:
    return MappingProxyType({k: float(v) for k, v in values.items()})


@lru_cache(maxsize=32)
def _compute(divergence: float, seed: int) -> LabelsResult:
    df = murmur_audit(divergence=divergence, seed=seed)
    predicted = pooled_model_predictions(df)
    per_region = {k: {} for k in ("kappa", "agreement", "vendor_rate", "audit_rate",
                                  "model_error", "model_flag_rate")}
    for region in REGIONS:
        rows = (df["region"] == region).to_numpy()
        vendor = df["vendor_label"].to_numpy()[rows]
        audit = df["audit_label"].to_numpy()[rows]
        per_region["kappa"][region] = cohen_kappa_score(vendor, audit)
        per_region["agreement"][region] = np.mean(vendor == audit)
        per_region["vendor_rate"][region] = vendor.mean()
        per_region["audit_rate"][region] = audit.mean()
        per_region["model_error"][region] = np.mean(predicted[rows] != audit)
        per_region["model_flag_rate"][region] = predicted[rows].mean()
    kappa = per_region["kappa"]
    return LabelsResult(
        divergence=divergence,
        regions=REGIONS,
        **{name: _frozen(values) for name, values in per_region.items()},
        lowest_kappa_region=min(REGIONS, key=kappa.get),
        n_per_region=int(len(df) / len(REGIONS)),
    )


def compute(divergence: float, *, seed: int = MURMUR_AUDIT_SEED) -> LabelsResult:
    """Per-region agreement of vendor and audit labels when the south's guideline diverges.

    Parameters (units):
        divergence: how far the south vendor's guideline is from the reference, 0-1.
        seed: seed of ``murmur_audit`` (600 comments per region).

    Returns a ``LabelsResult``. Results are cached per (divergence, seed).
    """
    if not 0.0 <= divergence <= 1.0:
        raise ValueError(f"divergence must be between 0 and 1, got {divergence}")
    return _compute(round(float(divergence), 6), int(seed))


def _mean_of_others(values, region: str) -> float:
    return float(np.mean([v for r, v in values.items() if r != region]))


def _guideline_words(result: LabelsResult) -> str:
    """The divergence control in words: 0 = the reference guideline, 1 = very different."""
    return (f"south vendor's guideline {result.divergence:.1f} of the way from the reference "
            "to very different")


def reading_lead(result: LabelsResult) -> str:
    """Whether a model trained on these labels treats one region's comments differently."""
    low = result.lowest_kappa_region
    if _mean_of_others(result.kappa, low) - result.kappa[low] < 0.1:
        return "Every region's comments are labelled alike, so a model learns one standard"
    return (f"Comments from the {low} are labelled to another standard: a model trained on "
            f"these labels gets {pct(result.model_error[low], 0)} of them wrong against "
            f"{pct(_mean_of_others(result.model_error, low), 0)} elsewhere")


def reading_detail(result: LabelsResult) -> str:
    """One line: the region with the lowest kappa against the others, and what hides it."""
    low = result.lowest_kappa_region
    kappa = result.kappa[low]
    others = _mean_of_others(result.kappa, low)
    if others - kappa < 0.1:
        lo, hi = min(result.kappa.values()), max(result.kappa.values())
        agree = min(result.agreement.values())
        errors = result.model_error.values()
        return (f"{_guideline_words(result)}: the regions agree with the "
                f"audit about equally, kappa {lo:.2f}-{hi:.2f}, raw agreement at least "
                f"{pct(agree, 0)}; a model trained on the pooled vendor labels is wrong on "
                f"{100 * min(errors):.0f}-{pct(max(errors), 0)} of comments in every region")
    model = (f"a model trained on the pooled vendor labels is wrong on "
             f"{pct(result.model_error[low], 0)} of {low}'s comments vs "
             f"{pct(_mean_of_others(result.model_error, low), 0)} elsewhere")
    return (f"{_guideline_words(result)}: {low}: kappa {kappa:.2f} vs "
            f"{others:.2f} elsewhere, though raw agreement is {pct(result.agreement[low], 0)}; "
            f"{low}'s vendor labels {pct(result.vendor_rate[low], 0)} toxic vs "
            f"{pct(result.audit_rate[low], 0)} in the audit; {model}")


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
