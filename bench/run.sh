#!/usr/bin/env bash
# Reproduces the figures in BENCHMARKS.md on this machine. Run from anywhere:
#   bench/run.sh            (needs PostgreSQL on 127.0.0.1:5432 for the PostgreSQL rows)
# wrk (apt-get install wrk) adds a lighter client for the read figures.
# It builds release binaries, starts `aims serve` on embedded defaults in a temp dir, and
# drives it with the load generator in tests/examples/load.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/aims-target}"
# One command for both, so cargo resolves features once and does not rebuild either.
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet --bin aims --example load -p aims-gateway -p aims-e2e
BIN="$CARGO_TARGET_DIR/release"
LOAD="$BIN/examples/load"
PORT="${BENCH_PORT:-18090}"
URL="http://127.0.0.1:$PORT"
READ_CLIENTS="${READ_CLIENTS:-16}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"

now_ms() { date +%s%3N; }

# start_aims DATA_DIR [ENV=VALUE ...]: starts aims serve, prints time to ready.
start_aims() {
  local data="$1"; shift
  local t0; t0=$(now_ms)
  env AIMS_DATA_DIR="$data" AIMS_BIND="127.0.0.1:$PORT" RUST_LOG=warn "$@" "$BIN/aims" serve &
  AIMS_PID=$!
  until curl -sf "$URL/readyz" >/dev/null; do sleep 0.005; done
  echo "time to ready: $(( $(now_ms) - t0 )) ms"
}

stop_aims() { kill "$AIMS_PID"; wait "$AIMS_PID" 2>/dev/null || true; }
rss_mb() { echo "$(( $(ps -o rss= -p "$AIMS_PID") / 1024 )) MB"; }

echo "== SQLite (embedded defaults)"
DATA=$(mktemp -d)
start_aims "$DATA"
sleep 2
echo "idle RSS: $(rss_mb)"
TOKEN=$(AIMS_DATA_DIR="$DATA" "$BIN/aims" token --org bench --subject bench --role ADMIN --ttl 2h)
seeded=0
for target in 1000 10000 100000; do
  "$LOAD" seed "$URL" "$TOKEN" $(( target - seeded )) 8
  seeded=$target
  echo "risks(first: 20) at $target risks, $READ_CLIENTS clients (load generator):"
  "$LOAD" read "$URL" "$TOKEN" "$READ_CLIENTS" "$SECONDS_PER_RUN"
  if command -v wrk >/dev/null; then
    echo "risks(first: 20) at $target risks, $READ_CLIENTS connections (wrk):"
    AIMS_TOKEN="$TOKEN" wrk -t2 -c"$READ_CLIENTS" -d"${SECONDS_PER_RUN}s" --latency -s bench/risks.lua "$URL/graphql" \
      | grep -E "Requests/sec| 50%| 99%"
  fi
done
echo "RSS after load: $(rss_mb)"
echo "createRisk, 4 clients, SQLite:"
"$LOAD" write "$URL" "$TOKEN" 4 "$SECONDS_PER_RUN"
stop_aims
rm -rf "$DATA"

echo "== PostgreSQL"
DB="aims_bench_$$"
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" postgres
DATA=$(mktemp -d)
start_aims "$DATA" AIMS_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
TOKEN=$(AIMS_DATA_DIR="$DATA" "$BIN/aims" token --org bench --subject bench --role ADMIN --ttl 2h)
echo "createRisk, 4 clients, PostgreSQL:"
"$LOAD" write "$URL" "$TOKEN" 4 "$SECONDS_PER_RUN"
stop_aims
rm -rf "$DATA"

echo "pgbench single-row insert, 4 clients:"
psql -q -h 127.0.0.1 -U postgres -d "$DB" -c "CREATE TABLE bench_insert (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), org text NOT NULL, title text NOT NULL, description text NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
cat > /tmp/aims-pgbench.sql <<'SQL'
INSERT INTO bench_insert (org, title, description, status) VALUES ('bench', 'Bench risk', 'Write benchmark', 'IDENTIFIED');
SQL
pgbench -n -h 127.0.0.1 -U postgres -c 4 -j 2 -T "$SECONDS_PER_RUN" -f /tmp/aims-pgbench.sql "$DB" | grep -E "tps|latency average"
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $DB WITH (FORCE)" postgres
