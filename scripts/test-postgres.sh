#!/usr/bin/env bash
# Start (once) a throwaway PostgreSQL server for the tests, on 127.0.0.1, and print its URL.
# Needs the server binaries (Debian: apt-get install postgresql). Exits 3 when they are absent.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL server binaries not found (install them: apt-get install postgresql)" >&2
  exit 3
fi
DIR=${BALISE_PG_DIR:-/tmp/balise-test-pg}
PORT=${BALISE_PG_PORT:-54329}
RUN=()
if [ "$(id -u)" = 0 ]; then  # initdb refuses to run as root
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  RUN=(runuser -u postgres --)
fi
mkdir -p "$DIR"
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
start() {
  [ -f "$DIR/PG_VERSION" ] || "${RUN[@]}" "$PGBIN/initdb" -D "$DIR" -A trust -U postgres >/dev/null
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >/dev/null
}
if ! "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q; then
  # A server killed with its session leaves a stale folder behind: start afresh (test data only).
  if ! start 2>/dev/null; then
    rm -rf "$DIR"; mkdir -p "$DIR"; [ "$(id -u)" = 0 ] && chown postgres "$DIR"
    start
  fi
fi
echo "postgresql://postgres@127.0.0.1:$PORT/postgres"
