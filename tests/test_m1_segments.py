"""The segments model: pooled rates against pandas, the weighting against numpy, the teaching point."""

import numpy as np
import pytest

from course.m1 import segments
from course.m1.scenarios import PARSELY_SOURCES, parsely_documents

DOCUMENTS = parsely_documents()
BY_SOURCE = DOCUMENTS.groupby("source")[["fields", "field_errors"]].sum()
RATES = BY_SOURCE["field_errors"] / BY_SOURCE["fields"]
DATA_FAX_SHARE = float((DOCUMENTS["source"] == "fax").mean())
DATA_FAX_RATE = float(RATES["fax"])


def test_measured_figures_match_pandas():
    stats = segments.measured()
    assert stats.sources == tuple(PARSELY_SOURCES)
    shares = DOCUMENTS["source"].value_counts(normalize=True)
    fields = DOCUMENTS.groupby("source")["fields"].mean()
    for i, name in enumerate(stats.sources):
        assert stats.share[i] == pytest.approx(shares[name], rel=1e-12)
        assert stats.error_rate[i] == pytest.approx(RATES[name], rel=1e-12)
        assert stats.fields_per_invoice[i] == pytest.approx(fields[name], rel=1e-12)


def test_at_the_data_own_fax_figures_the_overall_is_the_pooled_rate():
    pooled = DOCUMENTS["field_errors"].sum() / DOCUMENTS["fields"].sum()
    result = segments.compute(DATA_FAX_SHARE, DATA_FAX_RATE)
    assert result.overall_rate == pytest.approx(pooled, rel=1e-12)
    for i, name in enumerate(result.sources):
        assert result.error_rate[i] == pytest.approx(RATES[name], rel=1e-12)
        assert result.share[i] == pytest.approx((DOCUMENTS["source"] == name).mean(), rel=1e-12)
    # Each source's share of wrong fields, straight from the data.
    errors = BY_SOURCE["field_errors"] / BY_SOURCE["field_errors"].sum()
    for i, name in enumerate(result.sources):
        assert result.error_share[i] == pytest.approx(errors[name], rel=1e-12)


@pytest.mark.parametrize("fax_share,fax_error_rate", [(0.0, 0.19), (0.06, 0.19), (0.2, 0.3),
                                                      (0.5, 0.05), (1.0, 0.4)])
def test_overall_is_the_fields_weighted_mean_of_source_rates(fax_share, fax_error_rate):
    result = segments.compute(fax_share, fax_error_rate)
    weights = result.share * result.fields_per_invoice
    assert result.overall_rate == pytest.approx(
        np.average(result.error_rate, weights=weights), rel=1e-12)
    assert result.share.sum() == pytest.approx(1.0, rel=1e-12)
    fax = result.sources.index("fax")
    assert result.share[fax] == fax_share and result.error_rate[fax] == fax_error_rate
    others = [i for i in range(len(result.sources)) if i != fax]
    measured = segments.measured()
    # The other sources keep their measured rates and their shares relative to each other.
    np.testing.assert_allclose(result.error_rate[others], measured.error_rate[others],
                               rtol=1e-12)
    if fax_share < 1:
        np.testing.assert_allclose(result.share[others] / result.share[others].sum(),
                                   measured.share[others] / measured.share[others].sum(),
                                   rtol=1e-12)


def test_the_average_hides_fax_at_the_defaults():
    result = segments.compute()
    assert result.meets_promise and result.overall_rate < 0.05
    assert result.failing == ("fax",)
    assert result.failing_invoices_per_month == pytest.approx(0.06 * 40_000)
    text = segments.reading_detail(result)
    assert text.startswith(f"overall {100 * result.overall_rate:.1f}% of fields wrong meets "
                           "the 5% promise, but fax (6% of invoices, about 2,400 a month) is "
                           "at 19.0%: the average hides it")


def test_a_large_fax_share_breaks_the_promise():
    result = segments.compute(fax_share=0.3, fax_error_rate=0.19)
    assert not result.meets_promise and result.overall_rate > 0.05
    assert "breaks the 5% promise" in segments.reading_detail(result)


def test_breaking_fax_share_is_where_the_overall_crosses_the_promise():
    result = segments.compute()
    s = result.breaking_fax_share
    assert 0.06 < s < 0.3
    assert segments.compute(s, 0.19).overall_rate == pytest.approx(0.05, rel=1e-9)
    assert segments.compute(s - 0.01, 0.19).meets_promise
    assert not segments.compute(s + 0.01, 0.19).meets_promise
    # A fax rate under the promise can never push the average over it.
    assert np.isnan(segments.compute(0.06, 0.04).breaking_fax_share)


def test_when_every_source_meets_the_promise():
    result = segments.compute(fax_error_rate=0.03)
    assert result.failing == () and result.failing_invoices_per_month == 0
    assert "so does every source" in segments.reading_detail(result)


def test_a_source_with_no_invoices_fails_nobody():
    result = segments.compute(fax_share=0.0, fax_error_rate=0.3)
    assert result.failing == () and result.meets_promise


def test_a_stricter_promise_fails_more_sources():
    result = segments.compute(promise=0.03)
    assert set(result.failing) == {"phone photo", "flatbed scan", "fax"}
    assert result.failing_invoices_per_month == pytest.approx(
        40_000 * sum(result.share[result.sources.index(n)] for n in result.failing))


@pytest.mark.parametrize("bad", [dict(fax_share=-0.1), dict(fax_share=1.2),
                                 dict(fax_error_rate=1.5), dict(promise=0)])
def test_invalid_settings_raise(bad):
    with pytest.raises(ValueError):
        segments.compute(**bad)


def test_arrays_are_read_only():
    result = segments.compute()
    with pytest.raises(ValueError):
        result.error_rate[0] = 0
