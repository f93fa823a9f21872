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
        block = "".join(f'<a id="{a}"></a>\n' for a in glossary.anchors(term.name))
        assert block.startswith(f'<a id="{glossary.anchor(term.name)}"></a>\n')
        assert f'{block}\n### {term.name}\n\n{term.definition}' in text
    for target in re.findall(r"\]\(#([^)]+)\)", text):      # the letter index
        assert f'<a id="{target}"></a>' in text


def test_other_names_get_their_own_anchor():
    assert glossary.anchors("Canary") == ["canary", "canary-release", "staged-rollout"]
    assert glossary.anchors("p99") == ["p50-p95-p99", "p50", "p95", "p99", "percentile"]
    # "fine tuning" slugs like the name itself: one anchor for both
    assert glossary.anchors("Fine-tuning") == ["fine-tuning", "fine-tuned", "fine-tuned-llm"]
    assert glossary.anchors("Latency") == ["latency"]
    with pytest.raises(KeyError):
        glossary.anchors("blockchain")


# -- every link from a notebook lands on an entry ---------------------------------------------
#
# JupyterLab 4 keeps an explicit ``<a id="x">`` of a markdown file (as ``data-jupyter-id``) and
# scrolls to it when a notebook link carries ``#x`` (tests/test_glossary_browser.py). Headings'
# automatic ids are not used: they keep the heading's case ("PSI"), the anchors do not.

GLOSSARY_LINK = re.compile(r"\]\(([^)\s]*glossary\.md)#([^)\s]+)\)")
ANCHOR_ID = re.compile(r'<a id="([^"]+)"></a>')


def glossary_anchors(text: str) -> list[str]:
    """Every explicit anchor id in a glossary markdown text, in order (duplicates kept)."""
    return ANCHOR_ID.findall(text)


def duplicate_anchors(text: str) -> list[str]:
    """Anchor ids that occur more than once (a link to one of them would land on the first)."""
    ids = glossary_anchors(text)
    return sorted({a for a in ids if ids.count(a) > 1})


def unresolved_links(notebooks, glossary_text: str) -> list[str]:
    """``notebook: [text](...glossary.md#anchor)`` for every link in the notebooks' markdown
    cells whose anchor is not in ``glossary_text``."""
    ids = set(glossary_anchors(glossary_text))
    bad = []
    for path in notebooks:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            source = "".join(cell["source"])
            for match in GLOSSARY_LINK.finditer(source):
                if match.group(2) not in ids:
                    bad.append(f"{Path(path).name}: #{match.group(2)}")
    return bad


LINKING_NOTEBOOKS = sorted((ROOT / "source").glob("m*/*.ipynb")) + [ROOT / "START_HERE.ipynb"]


def _notebook(path: Path, *markdown: str) -> Path:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": text} for text in markdown]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}), encoding="utf-8")
    return path


def test_notebooks_link_the_glossary():
    """The check below has links to check (the modules link terms at first use)."""
    text = "".join(p.read_text(encoding="utf-8") for p in LINKING_NOTEBOOKS)
    assert len(GLOSSARY_LINK.findall(text)) >= 100


def test_every_glossary_link_in_the_notebooks_has_an_anchor():
    missing = unresolved_links(LINKING_NOTEBOOKS, glossary.render_markdown())
    assert not missing, ("links to glossary anchors that do not exist (add the term or another "
                         "name to course/glossary.py, then `make release`):\n"
                         + "\n".join(missing))


@pytest.mark.parametrize("module", MODULES)
def test_every_anchor_in_the_written_glossary_is_unique(module):
    text = (ROOT / "source" / module / "glossary.md").read_text(encoding="utf-8")
    assert glossary_anchors(text), "no anchors found: has the rendering changed?"
    assert duplicate_anchors(text) == []


def test_the_link_check_catches_a_planted_bad_link(tmp_path):
    nb = _notebook(tmp_path / "planted.ipynb",
                   "A [PSI](glossary.md#psi) and a [p99](../m3/glossary.md#p99) resolve.",
                   "This [typo](glossary.md#psii) and this [term](glossary.md#blockchain) "
                   "do not; [a page link](glossary.md) has no anchor to check.")
    assert unresolved_links([nb], glossary.render_markdown()) == [
        "planted.ipynb: #psii", "planted.ipynb: #blockchain"]


def test_the_uniqueness_check_catches_a_planted_duplicate():
    text = glossary.render_markdown()
    planted = text + '\n<a id="psi"></a>\n\n### PSI again\n'
    assert duplicate_anchors(text) == []
    assert duplicate_anchors(planted) == ["psi"]
    # an entry's other name that slugs to another entry's anchor is caught the same way
    assert duplicate_anchors('<a id="canary"></a>\n<a id="p99"></a>\n<a id="p99"></a>') \
        == ["p99"]


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
