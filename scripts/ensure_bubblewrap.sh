#!/usr/bin/env bash
# Cohort grading runs every learner's notebook inside Debian's bubblewrap sandbox
# (course/grading/sandbox.py). Install it when it is missing, as ensure_chromium.sh does.
set -euo pipefail
if command -v bwrap >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q bubblewrap
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -q
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q bubblewrap
else
  echo "Grading needs Debian's bubblewrap (bwrap) to sandbox learner code." >&2
  echo "Install it (apt-get install bubblewrap) and run make test again." >&2
  exit 1
fi
