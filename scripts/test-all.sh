#!/usr/bin/env bash
# Runs every suite (type check, lint, unit + integration, end-to-end), keeps going when
# one fails, and ends with one line totalling them all: "N passed, N failed".
# Called by `make test`, which has installed Node, the dependencies and chromium.
set -uo pipefail
cd "$(dirname "$0")/.."

results=node_modules/.cache/test-results
mkdir -p "$results"
passed=0
failed=0
summary=()

record() { # name passed failed
  passed=$((passed + $2))
  failed=$((failed + $3))
  summary+=("$(printf '%-28s %4d passed, %d failed' "$1" "$2" "$3")")
}

check() { # name command... : a check that counts as one test
  local name=$1
  shift
  echo "==> $name"
  if "$@"; then record "$name" 1 0; else record "$name" 0 1; fi
}

check "type check (tsc)" yarn tsc
check "lint (eslint)" yarn backstage-cli repo lint
check "format (prettier)" yarn prettier --check .

echo "==> unit and integration tests (jest)"
# Database tests run on SQLite and on a throwaway PostgreSQL; never on Docker.
export BACKSTAGE_TEST_DISABLE_DOCKER=1
if pg_env=$(bash scripts/postgres.sh start); then
  eval "$pg_env"
  trap 'bash scripts/postgres.sh stop "$PG_TEST_DIR"' EXIT
else
  echo "could not start PostgreSQL; the database tests will fail" >&2
  record "postgresql for the tests" 0 1
fi
rm -f "$results/jest.json"
yarn backstage-cli repo test --ci --json --outputFile="$PWD/$results/jest.json"
jest_status=$?
if [ -s "$results/jest.json" ]; then
  read -r p f < <(node -e 'const r=require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites)' "$PWD/$results/jest.json")
  [ "$jest_status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  record "unit + integration (jest)" "$p" "$f"
else
  record "unit + integration (jest)" 0 1
fi

echo "==> end-to-end tests (playwright, chromium)"
rm -f node_modules/.cache/e2e-results.json
yarn playwright test
e2e_status=$?
if [ -s node_modules/.cache/e2e-results.json ]; then
  read -r p f < <(node -e 'const s=require(process.argv[1]).stats; console.log(s.expected + s.flaky, s.unexpected)' "$PWD/node_modules/.cache/e2e-results.json")
  [ "$e2e_status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  record "end-to-end (playwright)" "$p" "$f"
else
  record "end-to-end (playwright)" 0 1
fi

echo
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
