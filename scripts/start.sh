#!/usr/bin/env bash
# Starts a local nats-server (JetStream) and the simulated four-region fleet, then the portal (backend :7007, app :3000)
# pointed at it; stopping the portal stops the fleet. Called by `make start` and by the
# end-to-end tests. Extra arguments go to `yarn start`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir="${SANDBOX_DIR:-$root/.sandbox}"
mkdir -p "$dir"
rm -f "$dir/ready"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})'; }

# NATS with JetStream (Debian's nats-server), its store kept in the sandbox directory so
# that streams and the saga projection's consumer survive a restart of the demo.
nats_bin=$(command -v nats-server || ls /usr/sbin/nats-server /usr/bin/nats-server 2>/dev/null | head -1 || true)
[ -n "$nats_bin" ] || { echo "nats-server is not installed (make start installs it: apt-get install nats-server)" >&2; exit 1; }
nats_port=${NATS_PORT:-$(free_port)}
nats_monitor_port=$(free_port)
mkdir -p "$dir/nats"
"$nats_bin" -js -sd "$dir/nats" -a 127.0.0.1 -p "$nats_port" -m "$nats_monitor_port" >"$dir/nats.log" 2>&1 &
nats=$!
children=("$nats")
trap 'kill "${children[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 40); do
  curl -fs "http://127.0.0.1:$nats_monitor_port/healthz" >/dev/null 2>&1 && break
  kill -0 "$nats" 2>/dev/null || { cat "$dir/nats.log" >&2; echo "nats-server exited" >&2; exit 1; }
  sleep 0.25
done
export SANDBOX_NATS_URL="nats://127.0.0.1:$nats_port"

SANDBOX_DIR="$dir" node --require "$root/node_modules/@backstage/cli/config/nodeTransform.cjs" \
  "$root/packages/sandbox-fleet/src/main.ts" &
fleet=$!
children+=("$fleet")

for _ in $(seq 1 120); do
  [ -f "$dir/ready" ] && break
  if ! kill -0 "$fleet" 2>/dev/null; then echo "the sandbox fleet exited before it was ready" >&2; exit 1; fi
  sleep 0.5
done
[ -f "$dir/ready" ] || { echo "the sandbox fleet did not start within 60 s" >&2; exit 1; }

yarn start --config "$root/app-config.yaml" --config "$dir/app-config.sandbox.yaml" "$@"
