"""hub/: the single-machine config, the Kubernetes values and image agree; the learner lock-down,
the exchange copy of START_HERE and the nbgitpuller links are what they claim (no root needed;
tests/test_hub.py runs the real hub)."""

from __future__ import annotations

import json
import re
import sys
import types
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
HUB = ROOT / "hub"
sys.path.insert(0, str(ROOT / "scripts"))
import make_release  # noqa: E402
import nbgitpuller_links  # noqa: E402

LEARNER_PLUGINS_OFF = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                       "@jupyter/nbgrader:course-list"}


@pytest.fixture
def hub_config(tmp_path, monkeypatch):
    """hub/jupyterhub_config.py loaded as JupyterHub would, with a roster under tmp_path."""
    (tmp_path / "instructors").write_text("ada\n")
    (tmp_path / "learners").write_text("ben  # a comment\ncleo\n")
    monkeypatch.setenv("COURSE_HUB_PREFIX", str(tmp_path))
    c = Config()
    exec(compile((HUB / "jupyterhub_config.py").read_text(), "jupyterhub_config.py", "exec"),
         {"get_config": lambda: c, "__file__": str(HUB / "jupyterhub_config.py")})
    return c


@pytest.fixture
def values():
    return yaml.safe_load((HUB / "k8s" / "values.yaml").read_text())


def _spawn_env(c, name):
    spawner = types.SimpleNamespace(user=types.SimpleNamespace(name=name), environment={})
    c.Spawner.pre_spawn_hook(spawner)
    return spawner.environment


def test_roles_and_the_learner_lock_down_on_one_machine(hub_config, tmp_path):
    c = hub_config
    assert c.Authenticator.allowed_users == {"ada", "ben", "cleo"}
    assert c.JupyterHub.load_groups["instructors"]["users"] == ["ada"]
    assert _spawn_env(c, "ben")["JUPYTER_CONFIG_PATH"] == str(tmp_path / "learner-jupyter-config")
    assert "JUPYTER_CONFIG_PATH" not in _spawn_env(c, "ada")
    assert _spawn_env(c, "ada")["PATH"].startswith(str(tmp_path / "env" / "bin"))
    culler = c.JupyterHub.services[0]
    assert culler["name"] == "idle-culler" and "jupyterhub_idle_culler" in culler["command"]


def test_learner_config_turns_off_the_instructor_tools_and_the_news():
    server = json.loads((HUB / "learner-jupyter-config" / "jupyter_server_config.json")
                        .read_text())["ServerApp"]["jpserver_extensions"]
    assert server["nbgrader.server_extensions.formgrader"] is False
    page = json.loads((HUB / "learner-jupyter-config/labconfig/page_config.json").read_text())
    assert {k for k, v in page["disabledExtensions"].items() if v} == LEARNER_PLUGINS_OFF
    news = json.loads((HUB / "learner-jupyter-config/labconfig/default_setting_overrides.json")
                      .read_text())["@jupyterlab/apputils-extension:notification"]
    assert news == {"fetchNews": "false", "checkForUpdates": False}


def _memory(text: str) -> int:
    m = re.fullmatch(r"(\d+)([MG])", str(text))
    return int(m.group(1)) * (1024 if m.group(2) == "G" else 1)


def test_kubernetes_values_agree_with_the_single_machine_config(hub_config, values):
    c, single = hub_config, values["singleuser"]
    assert _memory(single["memory"]["limit"]) == _memory(c.Spawner.mem_limit)
    assert _memory(single["memory"]["guarantee"]) == _memory(c.Spawner.mem_guarantee)
    # Measured: a server ~180 MiB and a kernel ~230 MiB; the guarantee holds two kernels.
    assert _memory(c.Spawner.mem_guarantee) >= 180 + 2 * 230
    assert single["cpu"]["limit"] == c.Spawner.cpu_limit
    # Kernel culling: the same settings as the spawner's arguments.
    kernels = single["extraFiles"]["kernel-culling"]["data"]["MappingKernelManager"]
    args = {a.split("=")[0].split(".")[1]: a.split("=")[1] for a in c.Spawner.args}
    assert {k: str(v).lower() for k, v in kernels.items()} == {k: v.lower() for k, v in args.items()}
    # Server culling: jupyterhub-idle-culler with the same timeout and period.
    command = " ".join(c.JupyterHub.services[0]["command"])
    assert f"--timeout={values['cull']['timeout']}" in command
    assert f"--cull-every={values['cull']['every']}" in command
    # The same learner lock-down: the same folder, set for everyone but instructors.
    extra = values["hub"]["extraConfig"]["course-roles"]
    assert '"/opt/pm-course/learner-jupyter-config"' in extra
    assert "not in INSTRUCTORS" in extra
    assert values["hub"]["loadRoles"]["instructor"]["scopes"] == next(
        r["scopes"] for r in c.JupyterHub.load_roles if r["name"] == "instructor")
    assert single["extraEnv"]["PATH"].startswith("/opt/pm-course/env/bin")


def test_the_image_installs_what_setup_installs():
    docker = (HUB / "k8s" / "Dockerfile").read_text()
    setup = (HUB / "setup.sh").read_text()
    # The same packages: install_env.sh from Debian 12's python3 with the hub extra.
    assert "FROM debian:bookworm" in docker
    assert re.search(r"install_env\.sh /usr/bin/python3 \S+/env hub", docker)
    assert re.search(r"install_env\.sh\" /usr/bin/python3 \"\$PREFIX/env\" hub", setup)
    # The same learner config and global nbgrader config.
    for piece in ("hub/learner-jupyter-config", "hub/nbgrader_global_config.py"):
        assert piece in docker and piece.split("/", 1)[1] in setup, piece
    assert "/opt/pm-course/learner-jupyter-config" in docker


def test_start_here_travels_with_each_module_and_its_links_resolve(tmp_path):
    nb = make_release.start_here_for_exchange()
    text = "\n".join(c["source"] for c in nb["cells"])
    links = re.findall(r"\]\((\.\./m\d_[a-z_]+/[^)]+\.ipynb)\)", text)
    assert len(links) == len(list((ROOT / "release").glob("m[0-9]_*/*.ipynb")))
    assert "](release/" not in text
    for link in links:  # from ~/<module>/START_HERE.ipynb to ~/<other module>/<notebook>
        assert (ROOT / "release" / "m1_model_literacy" / link).resolve().is_file(), link


def test_nbgitpuller_links_pull_the_repository_and_open_each_module():
    lines = []
    for title, path in nbgitpuller_links.targets():
        url = nbgitpuller_links.link("https://hub.example.org/", "https://git.example.org/c.git",
                                     "main", path, "pm-ml-judgment")
        lines.append((title, urlparse(url), path))
    assert lines[0][0] == "Start here"
    assert len(lines) == 1 + len(list((ROOT / "release").glob("m[0-9]_*")))
    for _title, url, path in lines:
        assert url.path == "/hub/user-redirect/git-pull"
        q = parse_qs(url.query)
        assert q["repo"] == ["https://git.example.org/c.git"] and q["branch"] == ["main"]
        assert q["urlpath"] == [f"lab/tree/pm-ml-judgment/{path}"]
        assert (ROOT / path).is_file(), path
