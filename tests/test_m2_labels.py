"""Label consistency: kappa against scikit-learn and the 2x2 table, and the teaching point."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.tree import DecisionTreeClassifier

from course.m2 import labels

REGIONS = ["north", "south", "west"]


def _kappa_from_table(a, b):
    """Cohen's kappa from the 2x2 table: (p_o - p_e) / (1 - p_e)."""
    a, b = np.asarray(a), np.asarray(b)
    n = a.size
    both_yes = np.sum((a == 1) & (b == 1)) / n
    both_no = np.sum((a == 0) & (b == 0)) / n
    p_o = both_yes + both_no
    p_e = a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean())
    return (p_o - p_e) / (1 - p_e)


def test_audit_table_shape():
    df = labels.murmur_audit()
    for column in ("item_id", "region", "vendor_label", "audit_label"):
        assert column in df.columns
    assert df["item_id"].is_unique
    assert df["region"].value_counts().to_dict() == {r: 600 for r in REGIONS}
    assert set(df["vendor_label"].unique()) <= {0, 1}
    assert 0.08 <= df["audit_label"].mean() <= 0.12
    assert labels.murmur_audit().equals(df)               # seeded


def test_divergence_only_changes_the_south_vendor():
    base = labels.murmur_audit(divergence=0.0)
    far = labels.murmur_audit(divergence=1.0)
    south = base["region"] == "south"
    pd.testing.assert_frame_equal(base.drop(columns="vendor_label"),
                                  far.drop(columns="vendor_label"))
    pd.testing.assert_series_equal(base.loc[~south, "vendor_label"],
                                   far.loc[~south, "vendor_label"])
    assert (base.loc[south, "vendor_label"] != far.loc[south, "vendor_label"]).sum() > 20


@pytest.mark.parametrize("divergence", [0.0, 0.6, 1.0])
def test_per_region_numbers_match_sklearn_and_the_table(divergence):
    df = labels.murmur_audit(divergence=divergence)
    result = labels.compute(divergence)
    for region in REGIONS:
        rows = df[df["region"] == region]
        vendor, audit = rows["vendor_label"], rows["audit_label"]
        assert result.kappa[region] == pytest.approx(cohen_kappa_score(vendor, audit), abs=1e-12)
        assert result.kappa[region] == pytest.approx(_kappa_from_table(vendor, audit),
                                                     abs=1e-12)
        assert result.agreement[region] == pytest.approx((vendor == audit).mean(), abs=1e-12)
        assert result.vendor_rate[region] == pytest.approx(vendor.mean(), abs=1e-12)
        assert result.audit_rate[region] == pytest.approx(audit.mean(), abs=1e-12)


def test_same_guideline_gives_similar_kappas():
    result = labels.compute(0.0)
    assert max(result.kappa.values()) - min(result.kappa.values()) < 0.1
    assert min(result.kappa.values()) > 0.75
    assert max(result.model_error.values()) < 0.05


def test_teaching_point_at_the_default():
    result = labels.compute(0.6)
    assert result.lowest_kappa_region == "south"
    others = [result.kappa[r] for r in ("north", "west")]
    assert result.kappa["south"] < min(others) - 0.2
    # Raw agreement stays high everywhere, the diverging region included.
    assert min(result.agreement.values()) > 0.85
    assert result.agreement["south"] > 0.85
    # The diverging vendor labels far more comments toxic than the audit does.
    assert result.vendor_rate["south"] > result.audit_rate["south"] + 0.03
    # A model trained on pooled vendor labels inherits the guideline where it applies.
    assert result.model_error["south"] > 1.5 * max(result.model_error[r] for r in ("north", "west"))
    assert result.model_flag_rate["south"] > result.audit_rate["south"] + 0.02


def test_kappa_falls_as_the_guideline_diverges():
    south = [labels.compute(d).kappa["south"] for d in np.round(np.arange(0, 1.01, 0.2), 1)]
    assert np.all(np.diff(south) < 0)
    assert labels.compute(1.0).agreement["south"] > 0.85


def test_model_error_matches_an_independent_refit():
    df = labels.murmur_audit(divergence=0.6)
    inputs = np.column_stack([df["severity_score"], df["sarcasm_score"]]
                             + [(df["region"] == r).astype(float) for r in REGIONS])
    tree = DecisionTreeClassifier(max_depth=4, min_samples_leaf=10, random_state=0)
    predicted = cross_val_predict(tree, inputs, df["vendor_label"],
                                  cv=KFold(5, shuffle=True, random_state=0))
    result = labels.compute(0.6)
    for region in REGIONS:
        rows = (df["region"] == region).to_numpy()
        wrong = np.mean(predicted[rows] != df["audit_label"].to_numpy()[rows])
        assert result.model_error[region] == pytest.approx(wrong, abs=1e-12)
        assert result.model_flag_rate[region] == pytest.approx(predicted[rows].mean(), abs=1e-12)


def test_reading_states_the_result_numbers():
    result = labels.compute(0.6)
    text = labels.reading(result)
    for piece in ("south", f"kappa {result.kappa['south']:.2f}",
                  f"{100 * result.agreement['south']:.0f}%",
                  f"{100 * result.vendor_rate['south']:.0f}% toxic",
                  f"{100 * result.audit_rate['south']:.0f}% in the audit"):
        assert piece in text
    assert "about equally" in labels.reading(labels.compute(0.0))


@pytest.mark.parametrize("bad", [-0.1, 1.2])
def test_invalid_divergence_raises(bad):
    with pytest.raises(ValueError):
        labels.compute(bad)
    with pytest.raises(ValueError):
        labels.murmur_audit(divergence=bad)


def test_results_are_read_only():
    result = labels.compute(0.3)
    with pytest.raises(TypeError):
        result.kappa["south"] = 1.0
