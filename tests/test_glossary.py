"""The glossary: every term the course relies on, stable anchors, generated files in sync."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from course import glossary

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import make_release  # noqa: E402

MODULES = make_release.modules(ROOT)

#: Terms the course uses that a learner must be able to look up (issue 8, section 4).
REQUIRED = ["precision", "recall", "F1", "threshold", "base rate", "prevalence", "ROC-AUC",
            "PR-AUC", "average precision", "calibration", "overfitting", "holdout",
            "data drift", "concept drift", "leakage", "point-in-time", "imputation",
            "Cohen's kappa", "stratified sample", "p50", "p95", "p99", "SLA", "quantization",
            "cascade", "TTL", "PSI", "KS test", "Wasserstein", "Jensen-Shannon",
            "prediction drift", "label delay", "A/B test", "power", "MDE", "peeking",
            "canary", "shadow", "rollback", "feedback loop", "RAG", "fine-tuning",
            "validation gate", "exploration", "p-value", "sd", "embedding", "LLM"]


@pytest.mark.parametrize("term", REQUIRED)
def test_every_required_term_has_an_entry(term):
    assert glossary.link(term).startswith(f"[{term}](glossary.md#")


def test_anchors_are_stable_unique_and_documented():
    assert glossary.anchor("PSI") == "psi"
    assert glossary.anchor("p50 / p95 / p99") == "p50-p95-p99"
    assert glossary.anchor("p99") == "p50-p95-p99"               # other names find the entry
    assert glossary.anchor("Cohen's kappa") == "cohen-s-kappa"
    assert glossary.anchor("prevalence") == glossary.anchor("Base rate") == "base-rate"
    assert glossary.link("PSI") == "[PSI](glossary.md#psi)"
    anchors = [glossary.anchor(t.name) for t in glossary.TERMS]
    assert len(anchors) == len(set(anchors))
    names = [n.lower() for t in glossary.TERMS for n in (t.name, *t.also)]
    assert len(names) == len(set(names)), "a name belongs to two entries"
    with pytest.raises(KeyError):
        glossary.link("blockchain")


def test_definitions_are_short_plain_sentences():
    for term in glossary.TERMS:
        sentences = re.split(r"(?<=[.!?])\s+", term.definition.strip())
        assert term.definition.endswith("."), term.name
        assert 1 <= len(sentences) <= 3 and len(term.definition) <= 320, term.name


def test_markdown_has_an_explicit_anchor_and_heading_per_term():
    text = glossary.render_markdown()
    for term in glossary.TERMS:
        a = glossary.anchor(term.name)
        assert f'<a id="{a}"></a>\n\n### {term.name}\n\n{term.definition}' in text
    for target in re.findall(r"\]\(#([^)]+)\)", text):      # the letter index
        assert f'<a id="{target}"></a>' in text


@pytest.mark.parametrize("folder", ["source", "release"])
@pytest.mark.parametrize("module", MODULES)
def test_generated_glossaries_are_in_sync(folder, module):
    path = ROOT / folder / module / "glossary.md"
    assert path.is_file(), f"{path} is missing: run `make release`"
    assert path.read_text(encoding="utf-8") == glossary.render_markdown(), \
        f"{path} is out of date: run `make release`"


def test_write_glossaries_writes_only_what_changed(tmp_path):
    (tmp_path / "source" / "m1_x").mkdir(parents=True)
    (tmp_path / "source" / "m2_y").mkdir(parents=True)
    (tmp_path / "source" / "m2_y" / "glossary.md").write_text(glossary.render_markdown())
    written = make_release.write_glossaries(tmp_path)
    assert written == [tmp_path / "source" / "m1_x" / "glossary.md"]
    assert make_release.write_glossaries(tmp_path) == []


def test_start_here_links_the_glossary():
    nb = json.loads((ROOT / "START_HERE.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "## Glossary" in text
    links = re.findall(r"\]\(([^)#]*glossary\.md)(?:#[^)]*)?\)", text)
    assert links and all((ROOT / link).is_file() for link in links)
