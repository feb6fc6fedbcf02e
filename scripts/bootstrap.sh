#!/usr/bin/env bash
# Installs what the suite needs on a fresh machine, and nothing when it is already there:
# Debian's Chromium (Playwright cannot download browsers here) and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "bootstrap: installing Debian chromium (apt-get) ..." >&2
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
  [ -x "$chromium" ] || { echo "bootstrap: chromium still missing at $chromium" >&2; exit 1; }
fi

# node_modules/.package-lock.json is npm's record of the last install; reinstall when the lock file is newer.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: installing npm dependencies (npm ci) ..." >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
