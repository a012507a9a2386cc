#!/usr/bin/env bash
# Starts the simulated four-region fleet, then the portal (backend :7007, app :3000)
# pointed at it; stopping the portal stops the fleet. Called by `make start` and by the
# end-to-end tests. Extra arguments go to `yarn start`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir="${SANDBOX_DIR:-$root/.sandbox}"
mkdir -p "$dir"
rm -f "$dir/ready"

SANDBOX_DIR="$dir" node --require "$root/node_modules/@backstage/cli/config/nodeTransform.cjs" \
  "$root/packages/sandbox-fleet/src/main.ts" &
fleet=$!
trap 'kill "$fleet" 2>/dev/null || true; wait "$fleet" 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 120); do
  [ -f "$dir/ready" ] && break
  if ! kill -0 "$fleet" 2>/dev/null; then echo "the sandbox fleet exited before it was ready" >&2; exit 1; fi
  sleep 0.5
done
[ -f "$dir/ready" ] || { echo "the sandbox fleet did not start within 60 s" >&2; exit 1; }

yarn start --config "$root/app-config.yaml" --config "$dir/app-config.sandbox.yaml" "$@"
