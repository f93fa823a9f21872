"""Print nbgitpuller links that hand out the course on a JupyterHub, ungraded and self-paced.

    python scripts/nbgitpuller_links.py --hub https://hub.example.org \\
        [--repo https://github.com/OWNER/pm-ml-judgment] [--branch main] [--markdown]

Clicking a link logs the learner in, pulls the repository into ~/pm-ml-judgment (merging
without overwriting the learner's own changes), and opens the target: START_HERE.ipynb first,
then the first notebook of each module. The hub's shared environment must have nbgitpuller
(the `hub` extra) and the course package, which hub/setup.sh installs. For graded cohorts use
the nbgrader exchange instead (`make hub-release A=...`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]


def _default_repo() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "remote", "get-url", "origin"],
                             capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out or None


def targets(root: Path = ROOT) -> list[tuple[str, str]]:
    """(title, path inside the repository) for START_HERE and each module's first notebook."""
    out = [("Start here", "START_HERE.ipynb")]
    for module in sorted(p for p in (root / "release").glob("m[0-9]_*") if p.is_dir()):
        first = sorted(module.glob("*.ipynb"))[0]
        out.append((module.name, f"release/{module.name}/{first.name}"))
    return out


def link(hub: str, repo: str, branch: str, path: str, folder: str) -> str:
    """One nbgitpuller link: /hub/user-redirect/git-pull?repo=...&urlpath=lab/tree/..."""
    query = urlencode({
        "repo": repo,
        "branch": branch,
        "targetpath": folder,
        "urlpath": f"lab/tree/{folder}/{path}",
    })
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", required=True, help="the hub's public URL")
    parser.add_argument("--repo", default=_default_repo(), help="git URL learners pull")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--folder", default="pm-ml-judgment", help="folder in the learner's home")
    parser.add_argument("--markdown", action="store_true", help="a Markdown list")
    args = parser.parse_args(argv)
    if not args.hub or not args.repo:
        parser.error("--hub and --repo are needed (no git remote 'origin' to default --repo to)")
    for title, path in targets():
        url = link(args.hub, args.repo, args.branch, path, args.folder)
        print(f"- [{title}]({url})" if args.markdown else f"{title}\t{url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
