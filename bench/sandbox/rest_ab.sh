#!/usr/bin/env bash
# Paced A/B of the REST path over its run (HTTP − stored wall, the three request forms): two sandbox
# services side by side on ports of their own, A from A_APP (another build's quarkus-app directory;
# default this checkout's) with A_OPTS, B from this checkout's build with B_OPTS, warmed up alike
# and then called in alternating blocks (rest_paced.py). Each call waits PACE seconds after the
# last, so every sample starts on a full pool with the previous run's refill and teardown over.
# Prints the table of rest_paced.py; asserts nothing.
#
#   A_APP=/elsewhere/sandbox-service/target/quarkus-app bench/sandbox/rest_ab.sh   # two builds
#   A_OPTS=-Dsandbox.storage.synchronous-commit=true bench/sandbox/rest_ab.sh     # two settings
#   WARMUP=500 ROUNDS=2 BLOCK=20 bench/sandbox/rest_ab.sh                          # a quick look
#
# A_DB and B_DB: each service's database (default DB_NAME for both; two builds with different
# migrations need one each). WARMUP (3000 calls per service: on a young JVM the path is several times slower), ROUNDS (3),
# BLOCK (34 calls per form, service and round), PACE (0.3 s). Needs what bench/sandbox/rest.sh
# needs. The services listen on BENCH_PORT and BENCH_PORT + 1 (18686, 18687).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PORT=${BENCH_PORT:-18686}
UID_BASE=${BENCH_UID_BASE:-740000}
. "$ROOT/bench/sandbox/runner-setup.sh"
TOKEN=$("$ROOT/bin/prometheus" token --sub bench-sandbox-ab --scope "sandbox:execute sandbox:read" --ttl 4h)
start() { # label, the build's quarkus-app directory, port, uid base, database, then java options
  DB_NAME=$5 start_service "$1" "$2" "$3" "$4" "${@:6}"
}
# shellcheck disable=SC2086 # the options are words
start A "${A_APP:-$APP}" "$PORT" "$UID_BASE" "${A_DB:-${DB_NAME:-prometheus}}" ${A_OPTS:-}
# shellcheck disable=SC2086
start B "$APP" $((PORT + 1)) $((UID_BASE + 5000)) "${B_DB:-${DB_NAME:-prometheus}}" ${B_OPTS:-}
SERVICE=
echo "A: ${A_APP:-this build} ${A_OPTS:-}; B: this build ${B_OPTS:-}"
python3 "$ROOT/bench/sandbox/rest_paced.py" "http://127.0.0.1:$PORT" "http://127.0.0.1:$((PORT + 1))" "$TOKEN" \
  "${WARMUP:-3000}" "${ROUNDS:-3}" "${BLOCK:-34}" "${PACE:-0.3}" "${LANGUAGE:-python}"
