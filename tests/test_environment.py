"""The environment is described once per tool, and the descriptions agree."""

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pins(lines):
    out = {}
    for line in lines:
        m = re.fullmatch(r"\s*-?\s*([A-Za-z0-9_.\-]+)==([^\s#;]+)\s*", line)
        if m:
            out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def project_pins():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return pins(data["project"]["dependencies"])


def test_every_runtime_dependency_is_pinned():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extras = data["project"]["optional-dependencies"]
    deps = data["project"]["dependencies"] + extras["dev"] + extras["hub"]
    assert all("==" in d for d in deps), deps


def test_environment_yml_lists_the_same_pins_as_pyproject():
    yml = (ROOT / "environment.yml").read_text().splitlines()
    assert pins(yml) == project_pins()
    assert any(line.strip() == "- -e ." for line in yml), "environment.yml must install course/"


def test_constraints_agree_with_pyproject():
    constraints = pins((ROOT / "constraints.txt").read_text().splitlines())
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    wanted = {**project_pins(), **pins(extras["dev"]), **pins(extras["hub"])}
    for name, pinned in wanted.items():
        assert constraints.get(name) == pinned, name


def test_requires_python_admits_every_python_a_hub_or_learner_has():
    from packaging.specifiers import SpecifierSet

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    spec = SpecifierSet(data["project"]["requires-python"])
    # 3.11.2 is Debian 12's system Python, which a hub's shared environment is built from.
    for supported in ("3.11.2", "3.12.1", "3.13.0"):
        assert supported in spec, supported
    assert "3.10.13" not in spec


def test_the_running_environment_matches_the_pins():
    for name, pinned in project_pins().items():
        assert version(name) == pinned, name


def test_nbgrader_is_quiet_with_this_sqlalchemy():
    major, minor = (int(x) for x in version("sqlalchemy").split(".")[:2])
    assert (major, minor) < (2, 1), "SQLAlchemy 2.1 makes nbgrader warn on every autograde"
