"""Seeded synthetic data for Module 1's fictional companies.

Nothing is downloaded: every table is generated here from an explicit seed, so a learner,
a test and the grader all see the same numbers.

- Ledgerly, a payments company, scores card transactions for fraud.
- Pantry Dash, a grocery-delivery company, forecasts daily orders; its history contains a
  demand-spike era (a sudden, temporary surge that the features do not explain).
- Parsely, an invoice-reading service, extracts fields from documents of several sources.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LEDGERLY_SEED = 7
PANTRY_DASH_SEED = 11
PARSELY_SEED = 167

# Class-conditional score distributions of Ledgerly's fraud model (Beta shapes). With these
# the model's ROC-AUC is about 0.92 at any base rate, while its average precision falls from
# about 0.92 at 50% fraud to about 0.15 at 0.5% fraud.
_FRAUD_BETA = (4.0, 3.0)
_LEGIT_BETA = (1.5, 5.0)


@dataclass(frozen=True)
class ScoreSample:
    """Model scores (0-1) of labelled historical transactions, kept per class.

    Keeping the classes apart lets an explorer change the base rate without resampling: a
    metric at prevalence ``p`` weights each fraud row by ``p / n_fraud`` and each legitimate
    row by ``(1 - p) / n_legit``.
    """

    fraud: np.ndarray
    legit: np.ndarray

    def labelled(self, prevalence: float | None = None):
        """Return ``(y_true, scores, sample_weight)``; weights are None when prevalence is None."""
        y = np.r_[np.ones(self.fraud.size, dtype=int), np.zeros(self.legit.size, dtype=int)]
        s = np.r_[self.fraud, self.legit]
        if prevalence is None:
            return y, s, None
        w = np.where(y == 1, prevalence / self.fraud.size, (1 - prevalence) / self.legit.size)
        return y, s, w


def ledgerly_scores(seed: int = LEDGERLY_SEED, n_fraud: int = 4_000,
                    n_legit: int = 60_000) -> ScoreSample:
    """Scores of Ledgerly's fraud model on labelled history (class-conditional samples)."""
    rng = np.random.default_rng(seed)
    return ScoreSample(fraud=rng.beta(*_FRAUD_BETA, n_fraud), legit=rng.beta(*_LEGIT_BETA, n_legit))


#: Ledgerly's traffic in the scenario: payments a day and the share that is fraud.
LEDGERLY_PAYMENTS_PER_DAY = 50_000
LEDGERLY_PREVALENCE = 0.01


def ledgerly_week(seed: int = LEDGERLY_SEED + 1, n: int = 7 * LEDGERLY_PAYMENTS_PER_DAY,
                  prevalence: float = LEDGERLY_PREVALENCE,
                  threshold: float = 0.5) -> pd.DataFrame:
    """One week of Ledgerly's scored transactions with labels that arrived later.

    By default the week matches the scenario the explorer models: seven days of 50,000
    payments, 1% of them fraud, scored by the same model (the same score distributions as
    ``ledgerly_scores``). It is a fresh sample, so its rates agree with the explorer's to
    about two decimals, not to the last digit. Columns: ``transaction_id``, ``score`` (0-1), ``flagged`` (score >= threshold),
    ``is_fraud`` (the chargeback label).
    """
    rng = np.random.default_rng(seed)
    is_fraud = rng.random(n) < prevalence
    score = np.where(is_fraud, rng.beta(*_FRAUD_BETA, n), rng.beta(*_LEGIT_BETA, n))
    return pd.DataFrame({
        "transaction_id": np.arange(1, n + 1),
        "score": score.round(4),
        "flagged": score.round(4) >= threshold,
        "is_fraud": is_fraud,
    })


def confusion_counts(actual, predicted) -> dict:
    """Counts of a binary confusion matrix as a dict: ``tp``, ``fp``, ``fn``, ``tn``."""
    a = np.asarray(actual, dtype=bool)
    p = np.asarray(predicted, dtype=bool)
    return {"tp": int(np.sum(a & p)), "fp": int(np.sum(~a & p)),
            "fn": int(np.sum(a & ~p)), "tn": int(np.sum(~a & ~p))}


def pantry_dash_demand(seed: int = PANTRY_DASH_SEED, spike: float = 1.0) -> pd.DataFrame:
    """Three years of Pantry Dash's daily orders in one city (1 Jan 2023 - 31 Dec 2025).

    Orders follow a slow trend, a weekly cycle, a December peak season and promotions. In
    the spike era (2024-03-01 to 2024-07-31) orders rise by ``spike`` x 70% for reasons the
    features do not record, then fall back. Columns: ``date``, ``day_index``, ``weekday``
    (0 = Monday), ``week_of_year``, ``month``, ``promo`` (0/1), ``temp_c``, ``orders``.
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2023-01-01", "2025-12-31", freq="D")
    n = len(dates)
    t = np.arange(n)
    weekday = dates.day_of_week.to_numpy()
    doy = dates.day_of_year.to_numpy()
    month = dates.month.to_numpy()
    promo = (rng.random(n) < 0.12).astype(int)
    temp_c = 12 + 10 * np.sin(2 * np.pi * (doy - 110) / 365.25) + rng.normal(0, 3, n)
    base = 900 + 0.25 * t
    weekly = np.array([0.95, 0.92, 0.95, 1.0, 1.12, 1.18, 1.05])[weekday]
    peak = 1 + 0.45 * np.exp(-0.5 * ((doy - 350) / 9.0) ** 2)   # December peak season
    era = (dates >= "2024-03-01") & (dates <= "2024-07-31")
    surge = 1 + spike * 0.7 * era.astype(float)
    mean = base * weekly * peak * surge * (1 + 0.25 * promo) * (1 - 0.004 * (temp_c - 12))
    orders = rng.poisson(mean)
    return pd.DataFrame({
        "date": dates,
        "day_index": t,
        "weekday": weekday,
        "week_of_year": dates.isocalendar().week.to_numpy().astype(int),
        "month": month,
        "promo": promo,
        "temp_c": temp_c.round(1),
        "orders": orders.astype(int),
    })


#: Fields per invoice run 8-24 (uniform), so the field-weighted mean of fields is
#: E[fields^2] / E[fields] = 280 / 16 = 17.5.
FAX_FIELDS_PIVOT = 17.5

PARSELY_SOURCES = {
    # source: (share of documents, field error rate over all its fields)
    "phone photo": (0.48, 0.036),
    "pdf export": (0.31, 0.020),
    "flatbed scan": (0.15, 0.041),
    "fax": (0.06, 0.190),
}


def parsely_documents(seed: int = PARSELY_SEED, n: int = 5_000) -> pd.DataFrame:
    """Parsely's evaluation set: one row per invoice read by the extraction model.

    Columns: ``document_id``, ``source`` (phone photo, pdf export, flatbed scan, fax),
    ``language`` (en, es, de), ``fields`` (fields on the invoice), ``field_errors`` (fields the
    model got wrong).
    """
    rng = np.random.default_rng(seed)
    names = list(PARSELY_SOURCES)
    shares = np.array([PARSELY_SOURCES[s][0] for s in names])
    source = rng.choice(names, size=n, p=shares / shares.sum())
    rate = np.array([PARSELY_SOURCES[s][1] for s in source])
    language = rng.choice(["en", "es", "de"], size=n, p=[0.6, 0.25, 0.15])
    fields = rng.integers(8, 25, size=n)
    # A fax of a dense invoice loses more of its small print: fax errors grow with the number
    # of fields. Scaling by FAX_FIELDS_PIVOT keeps the fax rate over all fax *fields* at the
    # table's figure, while the plain mean of per-invoice fax rates is about 1.6 points lower.
    rate = np.where(source == "fax", rate * fields / FAX_FIELDS_PIVOT, rate)
    errors = rng.binomial(fields, rate)
    return pd.DataFrame({
        "document_id": np.arange(1, n + 1),
        "source": source,
        "language": language,
        "fields": fields,
        "field_errors": errors,
    })


# Ledgerly's next model, v2 (new device and merchant features, about to replace the model
# of the week), and two retrains of it on fresher data, measured on the same labelled month
# with every flag blocked: (precision, recall). Both retrains score about 5 F1 points lower.
LEDGERLY_CANDIDATES = {"v2": (0.60, 0.70), "A": (0.51, 0.72), "B": (0.70, 0.52)}
LEDGERLY_FRAUD_PER_DAY = 500
LEDGERLY_COST_FP = 30.0    # dollars: a good customer's payment blocked (lost sale, support)
LEDGERLY_COST_FN = 400.0   # dollars: a fraudulent payment let through (chargeback)


def f1_from(precision: float, recall: float) -> float:
    """F1, the harmonic mean of precision and recall (0 when both are 0)."""
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def ledgerly_candidates() -> pd.DataFrame:
    """The candidates table learners see: precision, recall and F1 per model."""
    rows = [{"model": name, "precision": p, "recall": r, "f1": round(f1_from(p, r), 4)}
            for name, (p, r) in LEDGERLY_CANDIDATES.items()]
    return pd.DataFrame(rows).set_index("model")


def ledgerly_daily_cost(precision: float, recall: float, *,
                        fraud_per_day: float = LEDGERLY_FRAUD_PER_DAY,
                        cost_fp: float = LEDGERLY_COST_FP,
                        cost_fn: float = LEDGERLY_COST_FN) -> float:
    """Dollars a day that a model's mistakes cost Ledgerly when every flagged payment is blocked.

    Parameters (units):
        precision: share of flagged payments that are fraud, 0-1 (above 0).
        recall: share of fraudulent payments that get flagged, 0-1.
        fraud_per_day: fraudulent payments a day (500).
        cost_fp: dollars per good customer blocked (30).
        cost_fn: dollars per fraud let through (400).

    Fraud caught is ``fraud_per_day * recall``; every caught fraud comes with
    ``1 / precision - 1`` blocked good customers; the rest of the fraud gets through.
    """
    if not 0 < precision <= 1:
        raise ValueError(f"precision must be above 0 and at most 1, got {precision}")
    if not 0 <= recall <= 1:
        raise ValueError(f"recall must be between 0 and 1, got {recall}")
    caught = fraud_per_day * recall
    blocked_good = caught * (1 / precision - 1)
    return float((fraud_per_day - caught) * cost_fn + blocked_good * cost_fp)
