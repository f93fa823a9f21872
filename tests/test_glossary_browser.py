"""A glossary link clicked in a notebook opens the glossary at the term, in a real JupyterLab.

JupyterLab's markdown viewer does not keep ``id`` attributes as they are: its sanitiser turns
``<a id="psi">`` into ``<a data-jupyter-id="psi">`` and its fragment handling looks for that.
This test proves the rendering in course/glossary.py lands where a learner expects: it serves a
folder with the generated glossary and a notebook of links (one per kind: an entry's own
anchor, an anchor of one of its other names), clicks each link and reads which heading sits at
the top of the glossary's view. A link to an anchor that does not exist is the control: the
view stays at the top, so the check would fail for a link that JupyterLab could not follow.
"""

from __future__ import annotations

import contextlib
import os
import shutil

import nbformat
import pytest
from browser_support import CHROMIUM, REPO, chromium_page, lab_server

pytestmark = pytest.mark.browser

# The control comes first, while the glossary is not open yet (so "at the top" means unmoved).
LINKS = [("no-such-term", None), ("psi", "PSI"), ("p99", "p50 / p95 / p99")]

# Which heading sits at the top of the open glossary view, and where the anchor is.
WHERE = """(anchor) => {
  const views = [...document.querySelectorAll('.jp-MarkdownViewer .jp-RenderedMarkdown')]
    .filter(v => v.offsetParent !== null);
  if (views.length !== 1) return null;
  const view = views[0];
  const top = view.getBoundingClientRect().top;
  const heads = [...view.querySelectorAll('h1, h3')]
    .map(h => [h.textContent.replace('\\u00b6', '').trim(), h.getBoundingClientRect().top - top])
    .filter(([, y]) => y > -5);
  const target = view.querySelector(`[id="${anchor}"], [data-jupyter-id="${anchor}"]`);
  return {first: heads.length ? heads[0][0] : null, firstY: heads.length ? heads[0][1] : null,
          scrollTop: view.scrollTop, found: !!target,
          targetY: target ? target.getBoundingClientRect().top - top : null};
}"""


@pytest.fixture
def served(tmp_path):
    root = tmp_path / "root"
    (root / "m").mkdir(parents=True)
    shutil.copy(REPO / "release" / "m1_model_literacy" / "glossary.md", root / "m")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"Look up [link {i}](glossary.md#{anchor}).")
                for i, (anchor, _) in enumerate(LINKS)]
    nbformat.write(nb, root / "m" / "links.ipynb")
    with lab_server(root, tmp_path / "lab") as server:
        yield server


def test_a_glossary_link_opens_the_glossary_at_its_term(served, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: run `make chromium`"
    with chromium_page() as (page, blocked, errors):
        page.goto(served.url("/lab/tree/m/links.ipynb"))
        page.wait_for_selector(".jp-MarkdownOutput a[href*='glossary.md']", timeout=90_000)
        seen = {}
        for i, (anchor, heading) in enumerate(LINKS):
            page.locator(".lm-TabBar-tab", has_text="links.ipynb").click()
            page.locator(".jp-MarkdownOutput").get_by_role("link", name=f"link {i}").click()
            page.wait_for_selector(".jp-MarkdownViewer h3", timeout=30_000)
            if heading is None:
                page.wait_for_timeout(1500)     # give a wrong scroll every chance to happen
                where = page.evaluate(WHERE, anchor)
            else:
                with contextlib.suppress(PlaywrightTimeout):   # the asserts below explain
                    page.wait_for_function(
                        f"(a) => {{ const w = ({WHERE})(a); return w && w.first === {heading!r}"
                        " && w.firstY < 120; }", arg=anchor, timeout=15_000)
                where = page.evaluate(WHERE, anchor)
            seen[anchor] = where
            page.screenshot(path=str(tmp_path / f"glossary-{anchor}.png"))
        assert not blocked, f"requests to other hosts were attempted: {blocked}"
    for anchor, heading in LINKS:
        where = seen[anchor]
        if heading is None:   # the control: nothing to land on, the view stays at the top
            assert where["found"] is False and where["scrollTop"] == 0, where
            assert where["first"] == "Glossary", where
        else:                 # the anchor is kept and the term's heading is at the top
            assert where["found"], f"#{anchor} is not in the rendered glossary: {where}"
            assert abs(where["targetY"]) < 40 and where["first"] == heading, \
                f"#{anchor} did not bring {heading!r} to the top: {where}"
