#!/usr/bin/env bash
# Node.js and configurable-http-proxy (npm), which JupyterHub starts as its proxy. Needs root
# to install (Debian's nodejs and npm packages, then a global npm package).
set -euo pipefail
CHP_VERSION=5.3.0
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt-get update -q && apt-get install -y -q nodejs npm
fi
if [[ "$(configurable-http-proxy --version 2>/dev/null || true)" != "$CHP_VERSION" ]]; then
    npm install --global --no-fund --no-audit "configurable-http-proxy@$CHP_VERSION"
fi
echo "configurable-http-proxy $(configurable-http-proxy --version) at $(command -v configurable-http-proxy)"
