"""Notebooks: clean, executable top to bottom, and release/ generated from source/ in sync."""

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import make_release  # noqa: E402

SOURCE = sorted((ROOT / "source").glob("m[0-9]_*/*.ipynb"))
RELEASE = sorted((ROOT / "release").glob("m[0-9]_*/*.ipynb"))
COMMITTED = SOURCE + RELEASE + [ROOT / "START_HERE.ipynb"]


def ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_there_are_notebooks_to_test():
    assert len(SOURCE) >= 4 and len(RELEASE) == len(SOURCE)


@pytest.mark.parametrize("path", COMMITTED, ids=ids(COMMITTED))
def test_committed_notebooks_are_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    nbformat.validate(nbformat.from_dict(nb))
    for cell in nb["cells"]:
        assert not cell.get("outputs"), f"{cell.get('id')} has outputs"
        assert cell.get("execution_count") is None, f"{cell.get('id')} has an execution count"
    assert set(nb["metadata"]) <= {"kernelspec", "language_info"}


@pytest.mark.parametrize("path", SOURCE, ids=ids(SOURCE))
def test_source_notebook_runs_top_to_bottom_without_errors_or_stderr(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            # nbgrader scores a test cell 0 if it writes to stderr (warnings included), so
            # no cell of a solved notebook may write there.
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"{cell.id} wrote to stderr: {out.text[:500]}")


BLANK = RELEASE + [ROOT / "START_HERE.ipynb"]


@pytest.mark.parametrize("path", BLANK, ids=ids(BLANK))
def test_released_notebook_runs_all_with_every_answer_blank(path):
    """A learner's Run All on an untouched notebook reaches the end: a blank answer prints a
    calm "not attempted yet" and never raises."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, f"{errors[0].ename}: {errors[0].evalue}"
    checks = [c for c in nb.cells if c.cell_type == "code" and ".check(" in c.source]
    for cell in checks:
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert "not attempted yet" in text, f"{cell.source[:60]!r} printed {text[:200]!r}"


def test_release_is_in_sync_with_source(tmp_path):
    make_release.generate(tmp_path)
    fresh = sorted(tmp_path.glob("m[0-9]_*/*.ipynb"))
    assert [p.relative_to(tmp_path) for p in fresh] == [
        p.relative_to(ROOT / "release") for p in RELEASE]
    for new in fresh:
        old = ROOT / "release" / new.relative_to(tmp_path)
        assert json.loads(new.read_text()) == json.loads(old.read_text()), (
            f"{old.relative_to(ROOT)} is out of date: run `make release`")


def _solution_lines(nb):
    lines = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if "### BEGIN SOLUTION" in line or "### BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "### END SOLUTION" in line or "### END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 12:
                lines.append(line.strip())
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution") and \
                cell.cell_type == "markdown":
            lines += [x.strip() for x in cell.source.splitlines() if len(x.strip()) > 40]
    return lines


def _public_lines(nb):
    """Lines of the source notebook outside solution and hidden-test regions."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        inside = False
        for line in cell.source.splitlines():
            if "### BEGIN SOLUTION" in line or "### BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "### END SOLUTION" in line or "### END HIDDEN TESTS" in line:
                inside = False
            elif not inside:
                yield line


@pytest.mark.parametrize("path", SOURCE, ids=ids(SOURCE))
def test_release_carries_no_solution_or_hidden_test(path):
    released = (ROOT / "release" / path.relative_to(ROOT / "source")).read_text()
    assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released
    text = "\n".join(c.source for c in nbformat.reads(released, as_version=4).cells)
    source = nbformat.read(path, as_version=4)
    # A line the prompt itself shows (e.g. a function signature) is not a leak.
    public = "\n".join(_public_lines(source))
    for line in _solution_lines(source):
        if line not in public:
            assert line not in text, f"solution or hidden test line leaked: {line!r}"


@pytest.mark.parametrize("path", RELEASE, ids=ids(RELEASE))
def test_first_explorer_comes_before_the_first_graded_cell(path):
    """The first thing a learner does is play with an explorer, not answer a question."""
    cells = nbformat.read(path, as_version=4).cells
    graded = [i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("grade")]
    explorers = [i for i, c in enumerate(cells)
                 if c.cell_type == "code" and re.search(r"explorers\.\w+_explorer\(", c.source)]
    assert graded, "no graded cells"
    if explorers:
        assert explorers[0] < graded[0]


MODULES = sorted({p.parent.name for p in SOURCE})


@pytest.mark.parametrize("module", MODULES)
def test_every_explorer_and_exercise_is_used_in_a_notebook(module):
    import importlib

    package = f"course.{module.split('_')[0]}"
    explorers = importlib.import_module(f"{package}.explorers").EXPLORERS
    exercises = importlib.import_module(f"{package}.exercises").ALL
    text = "\n".join(p.read_text() for p in SOURCE if p.parent.name == module)
    for name in explorers:
        assert f"explorers.{name}_explorer()" in text, name
    for ex in exercises:
        assert f"{ex.key}.check(" in text, ex.key
        assert f'\\"{ex.key}_tests\\"' in text or f'"{ex.key}_tests"' in text, ex.key


MARKDOWN_NOTEBOOKS = SOURCE + [ROOT / "START_HERE.ipynb"]


def _unescaped_dollars(paragraph: str) -> int:
    """How many `$` in a markdown paragraph JupyterLab could read as maths delimiters.

    `\\$` is a literal dollar; dollars inside inline code (`...`) or code fences are literal too.
    """
    text = re.sub(r"```.*?```", "", paragraph, flags=re.S)
    text = re.sub(r"`[^`]*`", "", text)
    return len(re.findall(r"(?<!\\)\$", text))


def test_dollar_rule_sees_what_jupyterlab_would_typeset():
    assert _unescaped_dollars("about $30 and $400 a day") == 2
    assert _unescaped_dollars(r"about \$30 and \$400 a day") == 0
    assert _unescaped_dollars("cost `$x` and `$y`") == 0


@pytest.mark.parametrize("path", MARKDOWN_NOTEBOOKS, ids=ids(MARKDOWN_NOTEBOOKS))
def test_no_markdown_paragraph_is_typeset_as_maths_by_accident(path):
    nb = nbformat.read(path, as_version=4)
    bad = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for paragraph in re.split(r"\n\s*\n", cell.source):
            if _unescaped_dollars(paragraph) >= 2:
                bad.append(paragraph[:120])
    assert not bad, "escape dollar amounts as \\$ in: " + " | ".join(bad)


# --------------------------------------------------------------------------- every notebook

def _module_key(path: Path) -> str:
    return path.parent.name.split("_")[0]


@pytest.mark.parametrize("path", SOURCE, ids=ids(SOURCE))
def test_headings_state_the_points_the_grader_gives(path):
    nb = nbformat.read(path, as_version=4).cells
    pts = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
           for c in nb if c.metadata.get("nbgrader", {}).get("grade")}
    for c in nb:
        found = re.match(r"## (?:Exercise (q\d+)|Written answer (w\d+)) \((\d+) points",
                         c.source)
        if found and c.cell_type == "markdown":
            key = found.group(1) and f"{found.group(1)}_tests" or f"{found.group(2)}_answer"
            assert pts[key] == int(found.group(3)), (key, pts[key], found.group(3))


@pytest.mark.parametrize("path", SOURCE, ids=ids(SOURCE))
def test_check_and_report_name_the_same_answers_as_the_answer_cell(path):
    """The visible check, the hidden report and the answer cell agree on every part."""
    from course.exercises import exercise

    nb = nbformat.read(path, as_version=4).cells
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb}
    keys = [g.removesuffix("_tests") for g in by_id if g and g.endswith("_tests")]
    assert keys, "no graded exercise"
    for key in keys:
        names = [p.name for p in exercise(_module_key(path), key).parts]
        call = ", ".join(f"{n}={n}" for n in names)
        flat = re.sub(r"\s+", " ", by_id[f"{key}_tests"].source)
        assert f"{key}.check({call})" in flat and f"_{key}.report({call})" in flat, key
        for n in names:
            assert re.search(rf"^(def )?{n}\b", by_id[f"{key}_answer"].source, re.M), n


@pytest.mark.parametrize("path", SOURCE, ids=ids(SOURCE))
def test_glossary_links_use_the_anchor_rule(path):
    """[term](glossary.md#anchor): anchor = lower case, runs of non-alphanumerics -> '-'."""
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                     if c.cell_type == "markdown")
    links = re.findall(r"\]\(glossary\.md#([^)]*)\)", text)
    assert links, "no glossary links"
    for anchor in links:
        assert anchor == re.sub(r"[^a-z0-9]+", "-", anchor.lower()).strip("-"), anchor


@pytest.mark.parametrize("path", SOURCE, ids=ids(SOURCE))
def test_written_answers_have_their_own_rubric_and_scored_samples(path):
    """Two instructors score the same answer the same way: a rubric written for this
    scenario (levels 1-4 on the three dimensions), a justification rule, and scored samples
    at levels 2, 3 and 4 in the solution (stripped from release/)."""
    nb = nbformat.read(path, as_version=4).cells
    for i, c in enumerate(nb):
        meta = c.metadata.get("nbgrader", {})
        if not (meta.get("grade") and c.cell_type == "markdown"):
            continue
        prompt = "\n".join(x.source for x in nb[max(0, i - 3):i] if x.cell_type == "markdown")
        assert re.search(r"below 3", prompt) and "justification" in prompt, meta["grade_id"]
        for dimension in ("Problem decomposition", "Trade-off articulation",
                          "Collaboration realism"):
            assert dimension.lower() in prompt.lower(), (meta["grade_id"], dimension)
        for level in (2, 3, 4):
            assert re.search(rf"[Ss]ample (answer )?at level {level}|[Ll]evel {level} sample",
                             c.source), (meta["grade_id"], level)
