#!/usr/bin/env bash
# Build a virtual environment for the course from a given Python, with the pinned set.
#
#   scripts/install_env.sh [--editable] PYTHON VENV [EXTRAS]
#
#   scripts/install_env.sh --editable python3 .venv dev         # what `make lab/test` do
#   scripts/install_env.sh /usr/bin/python3 /opt/pm-course/env hub  # a hub's shared environment
#
# constraints.txt pins every package exactly (CONSTRAINTS=FILE overrides it, for tests), so pip
# has nothing to search: a pin that does not exist, or needs a newer Python than PYTHON, fails in
# seconds. PIP_INSTALL_TIMEOUT (default 900 s) is a last guard against a resolver that searches
# anyway; either way the script ends with one sentence saying what failed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PIP_VERSION=26.3   # any pip >= 23 works; one version everywhere keeps the output comparable

EDITABLE=""
if [[ "${1:-}" == "--editable" ]]; then
    EDITABLE="-e"
    shift
fi
if [[ $# -lt 2 ]]; then
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
PYTHON="$1"
VENV="$2"
EXTRAS="${3:-}"
CONSTRAINTS="${CONSTRAINTS:-$ROOT/constraints.txt}"
TIMEOUT="${PIP_INSTALL_TIMEOUT:-900}"

pyver="$("$PYTHON" -c 'import platform; print(platform.python_version())')" || {
    echo "install_env: cannot run $PYTHON" >&2
    exit 1
}

fail() {
    echo >&2
    echo "install_env: FAILED on Python $pyver ($PYTHON): $1" >&2
    exit 1
}

if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON" -m venv "$VENV" || fail "could not create the venv $VENV (Debian: apt-get install python3-venv)"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pip==$PIP_VERSION" \
    || fail "could not install pip $PIP_VERSION into $VENV"

target="$ROOT"
[[ -n "$EXTRAS" ]] && target="$ROOT[$EXTRAS]"
status=0
timeout --kill-after=10 "$TIMEOUT" \
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c "$CONSTRAINTS" $EDITABLE "$target" || status=$?
if [[ $status -eq 124 || $status -eq 137 ]]; then
    fail "pip was still resolving after ${TIMEOUT} s; a package is missing from $CONSTRAINTS (pin it)"
elif [[ $status -ne 0 ]]; then
    # pip's quiet output hides which pin failed: try each pin alone, without dependencies,
    # which stops at the first one that has no installable version for this Python.
    echo "install_env: checking each pin in $CONSTRAINTS on Python $pyver ..." >&2
    "$VENV/bin/python" -m pip install --dry-run --no-deps --ignore-installed --quiet \
        --disable-pip-version-check -r "$CONSTRAINTS" 2>&1 \
        | "$VENV/bin/python" -c '
import re, sys
text = sys.stdin.read()
for name, version in re.findall(r"No matching distribution found for (\S+?)==(\S+)", text):
    why = re.search(rf"(?:^|; )({re.escape(version)} Requires-Python [^;\n]+)", text, re.M)
    print(f"ERROR: {name}=={version} cannot install:",
          why.group(1) if why else "no such version", file=sys.stderr)
' || true
    fail "a pin in $CONSTRAINTS does not install here: a version that does not exist, or one whose Requires-Python excludes $pyver (see the ERROR lines above)"
fi
"$VENV/bin/python" -m pip check >/dev/null || fail "pip check reports broken requirements"
echo "install_env: $VENV ready (Python $pyver${EXTRAS:+, extras $EXTRAS})"
