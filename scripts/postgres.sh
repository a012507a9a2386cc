#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (Debian's postgresql package, no Docker).
#   eval "$(bash scripts/postgres.sh start)"   starts one in a temporary directory and prints
#                                              the export of its connection string
#   bash scripts/postgres.sh stop <dir>         stops it and removes the directory
# The connection string goes to BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING,
# where Backstage's TestDatabases looks for it; PG_TEST_DIR names the directory.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
major=$(basename "$(dirname "$bin")")

as_owner() { # PostgreSQL refuses to run as root: run as the postgres user then
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
  dir=$(mktemp -d /tmp/service-ops-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})')
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "export BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING=postgresql://postgres@127.0.0.1:$port PG_TEST_DIR=$dir"
  ;;
stop)
  dir=${2:?usage: postgres.sh stop <dir>}
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: postgres.sh start | stop <dir>" >&2
  exit 2
  ;;
esac
