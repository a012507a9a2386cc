#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are missing (needs root and apt);
# idempotent: a package whose program is already there is skipped.
#   nats-server  NATS with JetStream, for the demo and the tests
#   chromium     the browser of the end-to-end tests (or set CHROMIUM_PATH)
#   postgresql   a throwaway server for the database tests
set -euo pipefail

present() {
  case "$1" in
  chromium) [ -n "${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null 2>&1 ;;
  postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ;;
  nats-server) command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || [ -x /usr/bin/nats-server ] ;;
  *) dpkg -s "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
for package in "$@"; do
  present "$package" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "missing: ${missing[*]}. Install them (apt-get install ${missing[*]}); for chromium, CHROMIUM_PATH may name another Chromium or Chrome." >&2
  exit 1
fi
