#!/usr/bin/env bash
# Installs what the suite needs on a fresh machine, and nothing when it is already there:
# Debian's Chromium (Playwright cannot download browsers here), Debian's nginx and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

# Two Debian packages: chromium-headless-shell drives every run by default (about half the CPU of full
# Chromium's headless mode; config/browser.ts), chromium gives --headed and --debug a window.
# CHROMIUM_PATH, when set, names the one binary to use instead.
missing=()
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || missing+=(chromium chromium-headless-shell)
else
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/lib/chromium/chromium-headless-shell ] || missing+=(chromium-headless-shell)
fi
# nginx-light: the TLS-terminating reverse proxy of the behind-proxy deployment (`--deployment behind-proxy`,
# and the self-test's reference run behind it). Debian's package starts no service where policy-rc.d forbids it;
# the suite runs its own nginx per run, in the foreground, and stops it.
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
# openssl: every run makes its suite CA with it (lib/suite-ca.ts), and the proxy its certificates.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# libfaketime: the clock hook of the gateways the suite starts itself (n8n, ContextForge; targets/process-clock.ts),
# which FLOW-18 moves past a state's lifetime instead of waiting it out. Without it FLOW-18 is not testable there.
compgen -G '/usr/lib/*/faketime/libfaketimeMT.so.1' >/dev/null || missing+=(libfaketime)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bootstrap: installing Debian ${missing[*]} (apt-get) ..." >&2
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  for binary in "${CHROMIUM_PATH:-/usr/bin/chromium}" "${CHROMIUM_PATH:-/usr/lib/chromium/chromium-headless-shell}" /usr/sbin/nginx /usr/bin/openssl; do
    [ -x "$binary" ] || { echo "bootstrap: $binary still missing after apt-get" >&2; exit 1; }
  done
  # Where no policy-rc.d stops it, the package starts the system's nginx on port 80: not ours to leave running.
  if [[ " ${missing[*]} " == *" nginx-light "* ]] && [ -s /run/nginx.pid ]; then
    $sudo_cmd /usr/sbin/nginx -s quit 2>/dev/null || true
  fi
fi

# node_modules/.package-lock.json is npm's record of the last install; reinstall when the lock file is newer.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: installing npm dependencies (npm ci) ..." >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
