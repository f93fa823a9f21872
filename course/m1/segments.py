"""Segments: an overall error rate that meets the promise while one kind of invoice fails it.

Parsely (fictional) reads fields off the invoices its customers upload and promises that no
more than ``promise`` (5%) of fields come out wrong. Its evaluation set
(``scenarios.parsely_documents()``) records, per invoice, its source (phone photo, pdf
export, flatbed scan, fax), how many fields it has and how many the model got wrong.

The model here, stated once so the explorer, the tests and the lesson agree:

1. Each source's *field error rate* is measured once from the evaluation set:
   wrong fields / fields, pooled over the source's invoices. So is its mean number of fields
   per invoice and its share of invoices.
2. The learner overrides two numbers for fax: its share of invoices (``fax_share``) and its
   field error rate (``fax_error_rate``). The other sources keep their measured rates and
   their measured shares *relative to each other*, rescaled so that all shares sum to 1.
3. The overall rate is what a single dashboard number would show: all wrong fields over all
   fields, i.e. the source rates averaged with weights share x fields per invoice. With the
   measured fax share and rate this is exactly the pooled rate of the evaluation set.
4. A source *fails* when its rate is above ``promise`` and it has any invoices. Invoices
   per month from failing sources are their share of ``INVOICES_PER_MONTH`` (40,000).

The measured figures are cached, so a call is a few array operations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from course.m1.scenarios import PARSELY_SOURCES, parsely_documents
from course.style import count, pct

#: Invoices Parsely reads in a month, to turn shares into counts.
INVOICES_PER_MONTH = 40_000
#: The source whose share and error rate the learner controls.
FAX = "fax"


@dataclass(frozen=True)
class SourceStats:
    """Per-source figures measured from the evaluation set, in ``sources`` order.

    ``share``: share of invoices (0-1); ``fields_per_invoice``: mean fields on an invoice;
    ``error_rate``: wrong fields / fields (0-1); ``invoices``: invoices in the set.
    """

    sources: tuple[str, ...]
    share: np.ndarray
    fields_per_invoice: np.ndarray
    error_rate: np.ndarray
    invoices: np.ndarray


@lru_cache(maxsize=1)
def measured() -> SourceStats:
    """Share, mean fields per invoice and field error rate of each source in Parsely's set."""
    documents = parsely_documents()
    sources = tuple(PARSELY_SOURCES)
    grouped = documents.groupby("source")[["fields", "field_errors"]]
    sums = grouped.sum().reindex(list(sources))
    invoices = grouped.size().reindex(list(sources)).to_numpy(dtype=float)
    stats = SourceStats(
        sources=sources,
        share=invoices / invoices.sum(),
        fields_per_invoice=sums["fields"].to_numpy(dtype=float) / invoices,
        error_rate=(sums["field_errors"] / sums["fields"]).to_numpy(dtype=float),
        invoices=invoices,
    )
    for array in (stats.share, stats.fields_per_invoice, stats.error_rate, stats.invoices):
        array.flags.writeable = False
    return stats


@dataclass(frozen=True, eq=False)
class SegmentsResult:
    """Field error rates per source and overall, for one fax share and fax error rate.

    Arrays are aligned with ``sources``. ``share``: share of invoices; ``error_rate``: share
    of fields wrong; ``error_share``: share of all wrong fields that come from the source;
    ``invoices_per_month``: invoices a month from the source. ``failing`` lists the sources
    above ``promise``; ``failing_invoices_per_month`` is how many invoices a month they send.
    ``breaking_fax_share`` is the fax share at which the overall rate would reach the
    promise with this fax error rate (nan if no fax share between 0 and 1 does that).
    """

    fax_share: float
    fax_error_rate: float
    promise: float
    sources: tuple[str, ...]
    share: np.ndarray
    fields_per_invoice: np.ndarray
    error_rate: np.ndarray
    error_share: np.ndarray
    invoices_per_month: np.ndarray
    overall_rate: float
    meets_promise: bool
    failing: tuple[str, ...]
    failing_invoices_per_month: float
    breaking_fax_share: float


def _breaking_fax_share(stats: SourceStats, others: np.ndarray, fax: int,
                        fax_error_rate: float, promise: float) -> float:
    """Fax share at which the overall rate equals ``promise`` (nan if none in 0-1)."""
    weights = stats.share[others] * stats.fields_per_invoice[others]
    fields_other = weights.sum() / stats.share[others].sum()     # fields per non-fax invoice
    rate_other = float(np.sum(weights * stats.error_rate[others]) / weights.sum())
    fields_fax = stats.fields_per_invoice[fax]
    # s f_fax (r_fax - P) = (1 - s) f_other (P - r_other), solved for s.
    above, below = fields_fax * (fax_error_rate - promise), fields_other * (promise - rate_other)
    if above <= 0 or below <= 0:
        return math.nan
    return float(below / (above + below))


def compute(fax_share: float = 0.06, fax_error_rate: float = 0.19, *,
            promise: float = 0.05) -> SegmentsResult:
    """Overall and per-source field error rates of Parsely's invoice reader.

    Parameters (units):
        fax_share: share of invoices that arrive by fax, 0-1 (0.06 = 6%).
        fax_error_rate: share of fields the model gets wrong on fax invoices, 0-1.
        promise: the most fields Parsely promises to get wrong, 0-1 (0.05 = 5%).

    The other sources keep their measured error rates and relative shares (rescaled to
    ``1 - fax_share``); every source keeps its measured mean fields per invoice. Returns a
    ``SegmentsResult``; ``overall_rate`` is all wrong fields over all fields.
    """
    for name, value in (("fax_share", fax_share), ("fax_error_rate", fax_error_rate)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {value}")
    if not 0.0 < promise < 1.0:
        raise ValueError(f"promise must be strictly between 0 and 1, got {promise}")
    stats = measured()
    fax = stats.sources.index(FAX)
    others = np.arange(len(stats.sources)) != fax
    share = stats.share * (1 - fax_share) / stats.share[others].sum()
    share[fax] = fax_share
    error_rate = stats.error_rate.copy()
    error_rate[fax] = fax_error_rate
    fields = share * stats.fields_per_invoice               # fields per invoice, by source
    wrong = fields * error_rate                             # wrong fields per invoice, by source
    overall = float(wrong.sum() / fields.sum())
    error_share = wrong / wrong.sum() if wrong.sum() > 0 else np.zeros_like(wrong)
    invoices = share * INVOICES_PER_MONTH
    over = (error_rate > promise) & (share > 0)     # a source with no invoices fails nobody
    arrays = (share, error_rate, error_share, invoices)
    for array in arrays:
        array.flags.writeable = False
    return SegmentsResult(
        fax_share=float(fax_share),
        fax_error_rate=float(fax_error_rate),
        promise=float(promise),
        sources=stats.sources,
        share=share,
        fields_per_invoice=stats.fields_per_invoice,
        error_rate=error_rate,
        error_share=error_share,
        invoices_per_month=invoices,
        overall_rate=overall,
        meets_promise=overall <= promise,
        failing=tuple(s for s, bad in zip(stats.sources, over, strict=True) if bad),
        failing_invoices_per_month=float(invoices[over].sum()),
        breaking_fax_share=_breaking_fax_share(stats, others, fax, fax_error_rate, promise),
    )


def _about(n: float) -> str:
    """A monthly count rounded for a reading: about 2,400 (to the nearest 100 above 1,000)."""
    return count(round(n, -2) if n >= 1_000 else round(n, -1) if n >= 100 else n)


def _share(fraction: float) -> str:
    """A share of invoices: 6%, or 0.5% below 1%."""
    return pct(fraction, 0 if fraction >= 0.01 or fraction == 0 else 1)


def _failing_list(result: SegmentsResult) -> str:
    parts = []
    for name in result.failing:
        i = result.sources.index(name)
        parts.append(f"{name} ({_share(result.share[i])} of invoices, about "
                     f"{_about(result.invoices_per_month[i])} a month) is at "
                     f"{pct(result.error_rate[i])}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def reading_lead(result: SegmentsResult) -> str:
    """Which customers do not get the promised accuracy, in words."""
    promise = pct(result.promise, 0 if (100 * result.promise).is_integer() else 1)
    if not result.failing:
        return f"Every customer gets the promised accuracy (at most {promise} of fields wrong)"
    sources = " and ".join(result.failing)
    if result.meets_promise:
        return (f"The average keeps the {promise} promise, yet customers who send {sources} "
                "invoices get more wrong fields than promised")
    return f"The {promise} promise is broken, and customers who send {sources} invoices feel it most"


def reading_detail(result: SegmentsResult) -> str:
    """One line: the overall rate against the promise, and the sources the average hides."""
    head = f"overall {pct(result.overall_rate)} of fields wrong"
    promise = pct(result.promise, 0 if (100 * result.promise).is_integer() else 1)
    if not result.failing:
        return f"{head} meets the {promise} promise, and so does every source"
    if result.meets_promise:
        tail = ""
        if not math.isnan(result.breaking_fax_share) and FAX in result.failing:
            tail = (f" (at a fax share of {_share(result.breaking_fax_share)} the average "
                    "would break it too)")
        return (f"{head} meets the {promise} promise, but {_failing_list(result)}: "
                f"the average hides it{tail}")
    total = ""
    if len(result.failing) > 1:
        total = (f"; together about {_about(result.failing_invoices_per_month)} invoices a "
                 "month come from failing sources")
    return f"{head} breaks the {promise} promise: {_failing_list(result)}{total}"


def reading(result) -> str:
    """The line under the chart: the product consequence first (``reading_lead``), then the
    statistics behind it (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
