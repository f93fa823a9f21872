"""Generate release/ from source/ with nbgrader (the only way release/ is ever written).

    python scripts/make_release.py release      # rewrite release/ in the repository
    python scripts/make_release.py OUT_DIR      # write the release into another folder
    python scripts/make_release.py exchange MODULE [--course-dir DIR]
                                                # on a hub: generate MODULE in the course
                                                # directory (its gradebook), add START_HERE,
                                                # release it to the nbgrader exchange

nbgrader runs in a throwaway course directory (a copy of source/ and nbgrader_config.py), so
no gradebook.db is left in the repository. Each module folder source/mN_* becomes one
assignment.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def modules(root: Path = ROOT) -> list[str]:
    return sorted(p.name for p in (root / "source").glob("m[0-9]_*") if p.is_dir())


def write_glossaries(root: Path = ROOT) -> list[Path]:
    """Write ``glossary.md`` (from ``course/glossary.py``) into every ``source/<module>/``.

    nbgrader copies an assignment's other files into its release, so the glossary travels with
    the notebooks (exchange, git clone, nbgitpuller) and ``[PSI](glossary.md#psi)`` works from
    any notebook. Unchanged files are left alone. Returns the files written.
    """
    sys.path.insert(0, str(root))
    from course.glossary import render_markdown

    text, written = render_markdown(), []
    for module in modules(root):
        path = root / "source" / module / "glossary.md"
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def generate(out: Path, root: Path = ROOT) -> None:
    """Write every module's released notebooks (and its other files, such as the glossary)
    into ``out/<module>/``."""
    write_glossaries(root)
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        course = Path(tmp)
        shutil.copytree(root / "source", course / "source")
        shutil.copy(root / "nbgrader_config.py", course / "nbgrader_config.py")
        for module in modules(root):
            subprocess.run(
                [str(bin_dir / "nbgrader"), "generate_assignment", module, "--force",
                 "--log-level=WARN"],
                cwd=course, env=env, check=True,
            )
        out.mkdir(parents=True, exist_ok=True)
        for module in modules(root):
            target = out / module
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(course / "release" / module, target)
            for path in target.rglob("*"):
                if path.is_file():
                    path.chmod(0o644)


def start_here_for_exchange(root: Path = ROOT) -> dict:
    """START_HERE.ipynb as a learner's copy inside a fetched module folder.

    Learners fetch each module into ~/<module>/, so the course map's links
    (release/<module>/...) become ../<module>/...; a first cell says how to fetch the rest.
    """
    nb = json.loads((root / "START_HERE.ipynb").read_text())
    for cell in nb["cells"]:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cell["source"] = re.sub(r"\]\(release/(m\d_[a-z_]+/)", r"](../\1", text)
    note = {
        "cell_type": "markdown",
        "id": "on-the-hub",
        "metadata": {},
        "source": "**On the course hub:** fetch each module from *Nbgrader > Assignment List* "
                  "(the Assignments tab). A link below opens once its module is fetched; "
                  "submit from the same list when you are done.",
    }
    nb["cells"].insert(0, note)
    return nb


def release_to_exchange(module: str, course_dir: Path) -> None:
    """Generate ``module`` in ``course_dir`` and release it, START_HERE included."""
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")

    def nbgrader(*args):
        subprocess.run([str(bin_dir / "nbgrader"), *args, "--log-level=WARN"],
                       cwd=course_dir, env=env, check=True)

    # --force: release/ is committed, and without it nbgrader skips an existing release.
    nbgrader("generate_assignment", module, "--force")
    extra = course_dir / "release" / module / "START_HERE.ipynb"
    try:
        extra.write_text(json.dumps(start_here_for_exchange(course_dir), indent=1) + "\n")
        nbgrader("release_assignment", module, "--force")
    finally:
        extra.unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["exchange"] and len(argv) in (2, 4):
        course_dir = ROOT
        if len(argv) == 4 and argv[2] == "--course-dir":
            course_dir = Path(argv[3]).resolve()
        release_to_exchange(argv[1], course_dir)
        print(f"released {argv[1]} (with START_HERE.ipynb) to the exchange")
        return 0
    if len(argv) != 1:
        print(__doc__)
        return 2
    out = ROOT / "release" if argv[0] == "release" else Path(argv[0]).resolve()
    generate(out)
    print(f"wrote {', '.join(modules())} to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
