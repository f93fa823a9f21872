#!/usr/bin/env bash
# Build the course's JupyterHub on a fresh Debian 12 machine, as root, from this checkout.
#
#   INSTRUCTORS="ada" LEARNERS="ben cleo dev" bash hub/setup.sh
#
# Lays out (see hub/jupyterhub_config.py for what each piece is):
#   $COURSE_HUB_PREFIX (default /opt/pm-course): env/ (the shared environment, from
#       /usr/bin/python3, with the pinned set and the hub extra), jupyterhub_config.py,
#       learner-jupyter-config/, instructors, learners, state/
#   $COURSE_HUB_EXCHANGE (default /srv/nbgrader/exchange): the nbgrader exchange, world-writable
#   a system user per instructor and learner (created when missing; homes private, 0700), and
#   for each instructor a clone of this repository in ~/pm-ml-judgment, their course directory
#   (~/.jupyter/nbgrader_config.py points the formgrader at it)
#   /etc/profile.d/pm-course.sh ($COURSE_HUB_PROFILE): the environment on login shells' PATH
#   a systemd unit pm-course-hub.service, enabled and started (COURSE_HUB_START=none skips it)
#
# Safe to run again: it adds users and reinstalls the environment from the pins; it never
# deletes a home directory or the exchange. Set passwords afterwards (`passwd ben`) for PAM.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="${COURSE_HUB_PREFIX:-/opt/pm-course}"
EXCHANGE="${COURSE_HUB_EXCHANGE:-/srv/nbgrader/exchange}"
START="${COURSE_HUB_START:-systemd}"
INSTRUCTORS="${INSTRUCTORS:-}"
LEARNERS="${LEARNERS:-}"
COURSE_DIR_NAME=pm-ml-judgment
step() { echo "== $*"; }

[[ $(id -u) -eq 0 ]] || { echo "run as root (it creates users and a system service)"; exit 1; }
[[ -n "$INSTRUCTORS" ]] || { echo "set INSTRUCTORS (and LEARNERS): user names, space-separated"; exit 2; }

step "Debian packages"
missing=()
/usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
for cmd in git make; do command -v "$cmd" >/dev/null || missing+=("$cmd"); done
# bwrap: the cohort grader sandboxes learner code (as the instructor, in a user namespace).
command -v bwrap >/dev/null || missing+=(bubblewrap)
if ((${#missing[@]})); then
    apt-get update -q && apt-get install -y -q "${missing[@]}"
fi
bash "$REPO/hub/ensure_proxy.sh"

step "shared environment $PREFIX/env (from /usr/bin/python3)"
mkdir -p "$PREFIX"
chmod 755 "$PREFIX"
bash "$REPO/scripts/install_env.sh" /usr/bin/python3 "$PREFIX/env" hub
mkdir -p "$PREFIX/env/etc/jupyter"
sed "s|@EXCHANGE@|$EXCHANGE|" "$REPO/hub/nbgrader_global_config.py" \
    > "$PREFIX/env/etc/jupyter/nbgrader_config.py"
chmod -R a+rX,go-w "$PREFIX/env"
# Hub terminals get the environment from the spawner; an instructor who logs in over ssh
# gets it from their login shell.
echo "export PATH=\"$PREFIX/env/bin:\$PATH\"" > "${COURSE_HUB_PROFILE:-/etc/profile.d/pm-course.sh}"

step "hub configuration"
install -m 644 "$REPO/hub/jupyterhub_config.py" "$PREFIX/jupyterhub_config.py"
rm -rf "$PREFIX/learner-jupyter-config"
cp -r "$REPO/hub/learner-jupyter-config" "$PREFIX/learner-jupyter-config"
chmod -R a+rX,go-w "$PREFIX/learner-jupyter-config"
mkdir -p "$PREFIX/state"
chmod 700 "$PREFIX/state"

step "nbgrader exchange $EXCHANGE"
mkdir -p "$EXCHANGE"
chmod 1777 "$EXCHANGE"   # world-writable (nbgrader needs it), sticky: no one removes others' files

step "users"
add_user() {
    id -u "$1" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$1"
    chmod 700 "$(getent passwd "$1" | cut -d: -f6)"
}
: > "$PREFIX/instructors"
: > "$PREFIX/learners"
for u in $INSTRUCTORS; do add_user "$u"; echo "$u" >> "$PREFIX/instructors"; done
for u in $LEARNERS; do add_user "$u"; echo "$u" >> "$PREFIX/learners"; done
chmod 644 "$PREFIX/instructors" "$PREFIX/learners"

step "instructors' course directories"
for u in $INSTRUCTORS; do
    home="$(getent passwd "$u" | cut -d: -f6)"
    course="$home/$COURSE_DIR_NAME"
    if [[ ! -d "$course" ]]; then
        git -c safe.directory='*' clone --quiet --no-hardlinks "$REPO" "$course"
    fi
    mkdir -p "$home/.jupyter"
    cat > "$home/.jupyter/nbgrader_config.py" <<EOF
# Written by hub/setup.sh: this instructor's course directory, for nbgrader and the formgrader.
c = get_config()  # noqa: F821
c.CourseDirectory.root = "$course"
EOF
    chown -R "$u:" "$course" "$home/.jupyter"
done

if [[ "$START" == systemd ]]; then
    step "systemd unit pm-course-hub.service"
    cat > /etc/systemd/system/pm-course-hub.service <<EOF
[Unit]
Description=JupyterHub for the pm-ml-judgment course
After=network.target

[Service]
User=root
WorkingDirectory=$PREFIX/state
Environment=PATH=$PREFIX/env/bin:/usr/local/bin:/usr/bin:/bin
ExecStart=$PREFIX/env/bin/jupyterhub -f $PREFIX/jupyterhub_config.py
Restart=on-failure

[Install]
WantedBy=multi-user.target
EOF
    systemctl daemon-reload
    systemctl enable --now pm-course-hub.service
    echo "hub running: systemctl status pm-course-hub (listens on http://127.0.0.1:8000)"
else
    echo "start it with: cd $PREFIX/state && PATH=$PREFIX/env/bin:\$PATH" \
         "$PREFIX/env/bin/jupyterhub -f $PREFIX/jupyterhub_config.py"
fi
