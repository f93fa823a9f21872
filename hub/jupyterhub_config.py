"""JupyterHub for one bootcamp on one machine, in the style of The Littlest JupyterHub.

hub/setup.sh lays everything out under one prefix (default /opt/pm-course) and starts the hub
with `jupyterhub -f <prefix>/jupyterhub_config.py`; every setting below is read from there:

    <prefix>/env/                       the shared environment (the course, nbgrader, JupyterHub,
                                        the idle culler, nbgitpuller), built from /usr/bin/python3
                                        so that every user may run it; owned by root, read-only
    <prefix>/learner-jupyter-config/    first on learners' JUPYTER_CONFIG_PATH: no formgrader,
                                        create-assignment or course list, no news toast
    <prefix>/env/etc/jupyter/nbgrader_config.py   course id and exchange root, for everyone
    <prefix>/instructors, <prefix>/learners       one user name a line (system users)
    <prefix>/state/                     the hub's database and cookie secret (root only)

The same figures sized the Kubernetes values (hub/k8s/values.yaml): measured on this course,
the hub uses about 126 MiB and the proxy 60 MiB; each learner's server 150-180 MiB, plus
about 200-230 MiB for every notebook whose kernel is running.

Environment variables (for a test or a second hub on the same machine; setup.sh sets none):
COURSE_HUB_PREFIX, COURSE_HUB_BIND_URL (default http://127.0.0.1:8000: put TLS in front, see
README "Host a bootcamp"), COURSE_HUB_SPAWNER (local or systemd), COURSE_HUB_HUB_PORT.
"""

import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (injected by JupyterHub)

PREFIX = Path(os.environ.get("COURSE_HUB_PREFIX", Path(__file__).resolve().parent))
ENV = PREFIX / "env"
STATE = PREFIX / "state"
LEARNER_CONFIG = PREFIX / "learner-jupyter-config"


def _names(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {w for line in path.read_text().splitlines() if (w := line.split("#")[0].strip())}


INSTRUCTORS = _names(PREFIX / "instructors")
LEARNERS = _names(PREFIX / "learners")

# --- network -------------------------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("COURSE_HUB_BIND_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("COURSE_HUB_HUB_PORT", "8081"))
# configurable-http-proxy from npm (hub/ensure_proxy.sh); the hub starts and stops it.
c.ConfigurableHTTPProxy.command = [shutil.which("configurable-http-proxy") or
                                   "configurable-http-proxy"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % (int(os.environ.get(
    "COURSE_HUB_PROXY_API_PORT", "8001")))
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")

# --- who may log in ------------------------------------------------------------------------
# PAM: the learners and instructors are system users of this machine (setup.sh creates them;
# the platform engineer sets their passwords). For a cohort without system passwords use
# NativeAuthenticator (sign-up with approval) or OAuthenticator (GitHub, Google, your SSO):
# pip install it into <prefix>/env with a pinned version and set authenticator_class here;
# the users must still exist as system users for LocalProcessSpawner/SystemdSpawner.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = INSTRUCTORS | LEARNERS
c.Authenticator.admin_users = set()  # the platform engineer administers the machine, not the hub
c.PAMAuthenticator.open_sessions = False

# Roles: instructors may see who is running and open learners' servers (to help with a stuck
# kernel); learners get the default `user` role only.
c.JupyterHub.load_groups = {
    "instructors": {"users": sorted(INSTRUCTORS)},
    "learners": {"users": sorted(LEARNERS)},
}
c.JupyterHub.load_roles = [
    {
        "name": "instructor",
        "groups": ["instructors"],
        "scopes": ["self", "list:users", "read:users", "read:servers",
                   "access:servers!group=learners"],
    },
    {
        "name": "idle-culler",
        "services": ["idle-culler"],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    },
]

# --- single-user servers -------------------------------------------------------------------
if os.environ.get("COURSE_HUB_SPAWNER", "local") == "systemd":
    # Enforces mem_limit/cpu_limit with cgroups (pip install jupyterhub-systemdspawner==1.0.2
    # into <prefix>/env; not part of the tested pins).
    c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
    c.SystemdSpawner.unit_name_template = "jupyter-{USERNAME}"
    c.SystemdSpawner.isolate_tmp = True
    c.SystemdSpawner.isolate_devices = True
else:
    # LocalProcessSpawner: the server runs as the learner's own system user. It cannot
    # enforce mem_limit (it passes it on as MEM_LIMIT); size the machine instead (README).
    c.JupyterHub.spawner_class = "localprocess"

c.Spawner.cmd = [str(ENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
# From the measured figures: a server (~180 MiB) and two running kernels (~230 MiB each) fit
# in the guarantee; the limit leaves room for four. Kernels idle for 20 minutes are culled.
c.Spawner.mem_guarantee = "640M"
c.Spawner.mem_limit = "1G"
c.Spawner.cpu_limit = 1.0
c.Spawner.args = [
    "--MappingKernelManager.cull_idle_timeout=1200",
    "--MappingKernelManager.cull_interval=120",
    "--MappingKernelManager.cull_connected=True",
    "--MappingKernelManager.cull_busy=False",
]

BASE_PATH = f"{ENV / 'bin'}:/usr/local/bin:/usr/bin:/bin"


def pre_spawn_hook(spawner):
    """Learners get the learner-only Jupyter config first on JUPYTER_CONFIG_PATH."""
    name = spawner.user.name
    env = {"PATH": BASE_PATH, "VIRTUAL_ENV": str(ENV)}
    if name not in INSTRUCTORS:
        env["JUPYTER_CONFIG_PATH"] = str(LEARNER_CONFIG)
    spawner.environment.update(env)


c.Spawner.pre_spawn_hook = pre_spawn_hook

# --- services --------------------------------------------------------------------------------
# Stop servers idle for an hour (each one holds 150-180 MiB plus its kernels).
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                    "--timeout=3600", "--cull-every=300", "--concurrency=5"],
    },
]
# A service token for scripts that drive the hub's REST API (tests/test_hub.py uses one).
if os.environ.get("COURSE_HUB_ADMIN_TOKEN"):
    c.JupyterHub.services.append(
        {"name": "course-admin", "api_token": os.environ["COURSE_HUB_ADMIN_TOKEN"]})
    c.JupyterHub.load_roles.append(
        {"name": "course-admin", "services": ["course-admin"], "scopes": ["admin:users",
         "admin:servers", "tokens", "access:servers", "list:users", "read:users"]})

# The formgrader is blank inside JupyterLab on JupyterHub >= 4.1 (frame-ancestors):
# instructors open it in its own tab, /user/<instructor>/formgrader.
