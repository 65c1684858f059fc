#!/usr/bin/env bash
# Sustained trivial runs through POST /api/v1/executions with concurrent callers, A/B: two sandbox
# services started from the built jar side by side (their own ports, uid ranges and state), A with
# A_OPTS (default: none, the service's defaults) and B with B_OPTS (default: the refill started at
# once after each run, -Dsandbox.pool.answer-wait=0ms). The load alternates between them, ROUNDS
# samples of SECONDS each (A, B, A, B, ...), while the other waits idle; rest_sustained.py drives
# CALLERS callers. Prints one row per sample and the median of each; asserts nothing.
#
#   bench/sandbox/sustained.sh                          # python, 8 callers, 4 rounds of 20 s
#   CALLERS=4 ROUNDS=6 SECONDS_EACH=15 bench/sandbox/sustained.sh
#   A_OPTS=-Dsandbox.pool.size=3 B_OPTS= bench/sandbox/sustained.sh
#
# Needs what bench/sandbox/rest.sh needs. The services listen on BENCH_PORT and BENCH_PORT + 1 (18684).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LANGUAGE=${LANGUAGE:-python}
CALLERS=${CALLERS:-8}
ROUNDS=${ROUNDS:-4}
SECONDS_EACH=${SECONDS_EACH:-20}
PORT=${BENCH_PORT:-18684}
UID_BASE=${BENCH_UID_BASE:-720000}
. "$ROOT/bench/sandbox/runner-setup.sh"
TOKEN=$("$ROOT/bin/prometheus" token --sub bench-sandbox-sustained --scope "sandbox:execute sandbox:read" --ttl 2h)
start() { # label, port, uid base, then java options
  start_service "$1" "$APP" "$2" "$3" "${@:4}"
}
# shellcheck disable=SC2086 # the options are words
start A "$PORT" "$UID_BASE" ${A_OPTS:-}
# shellcheck disable=SC2086
start B $((PORT + 1)) $((UID_BASE + 5000)) ${B_OPTS--Dsandbox.pool.answer-wait=0ms}
SERVICE=

echo "POST /api/v1/executions, $LANGUAGE, $CALLERS callers, $ROUNDS rounds of $SECONDS_EACH s; A: ${A_OPTS:-defaults}; B: ${B_OPTS--Dsandbox.pool.answer-wait=0ms}"
echo
echo "| round | service | runs/s | p50 | p90 | warm | 429 | load average |"
echo "|---:|---|---:|---:|---:|---:|---:|---|"
for round in $(seq 1 "$ROUNDS"); do
  for label in A B; do
    port=$PORT; [ "$label" = B ] && port=$((PORT + 1))
    python3 "$ROOT/bench/sandbox/rest_sustained.py" "http://127.0.0.1:$port" "$TOKEN" "$CALLERS" "$SECONDS_EACH" \
      "$LANGUAGE" >"$WORK/$label-$round.json"
    python3 - "$round" "$label" "$WORK/$label-$round.json" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, sys
f = json.load(open(sys.argv[3]))
print("| %s | %s | %.1f | %.0f ms | %.0f ms | %d/%d | %d | %s |" % (sys.argv[1], sys.argv[2], f["runsPerSecond"], f["p50"],
      f["p90"], f["warm"], f["runs"], f["refused"], sys.argv[4]))
PY
  done
done
echo
python3 - "$WORK" "$ROUNDS" <<'PY'
import json, statistics, sys
for label in "AB":
    rates = [json.load(open("%s/%s-%d.json" % (sys.argv[1], label, r)))["runsPerSecond"] for r in range(1, int(sys.argv[2]) + 1)]
    print("%s: median %.1f runs/s (min %.1f, max %.1f)" % (label, statistics.median(rates), min(rates), max(rates)))
PY
