#!/usr/bin/env bash
# The browser tests drive Debian's chromium (Playwright's own browser download cannot work
# on machines without general internet access). Install it when it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -q
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
else
  echo "The browser tests need Debian's chromium at /usr/bin/chromium." >&2
  echo "Install it (apt-get install chromium) and run make test again." >&2
  exit 1
fi
