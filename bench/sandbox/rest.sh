#!/usr/bin/env bash
# Sandbox REST benchmark: a trivial program through POST /api/v1/executions against the runner
# alone, in one session. First the runner benchmark (RunnerBenchmark: the service's SandboxRuntime
# in process, warm and cold, bare interpreter and the chain alone as floors); then the service
# itself, started from the built jar, twice: with sandbox.pool.await-starting=false (as before it
# existed) and with the default. For each: the warm run's stored wall time and its ratio to the
# runner's warm figure, the HTTP round trip minus that wall time (the REST path's own cost), and
# back-to-back calls that do not wait for the pool (their stored wall time and HTTP − wall: what
# sequential callers see, with the previous run's replacement starting meanwhile), and two floors on
# the same connection: a liveness answer, and a 400 (the REST path up to validation). Prints tables;
# asserts nothing.
#
#   bench/sandbox/rest.sh                    # python, 40 samples per figure
#   N=100 LANGUAGE=bash bench/sandbox/rest.sh
#   BEFORE_OPTS=-Dsandbox.pool.answer-wait=0ms bench/sandbox/rest.sh
#   BEFORE_OPTS=-Dsandbox.pool.warm-priority=normal AFTER_OPTS=-Dsandbox.pool.warm-priority=low bench/sandbox/rest.sh
#   BEFORE_APP=/elsewhere/quarkus-app BEFORE_OPTS=-Dbench.build=before bench/sandbox/rest.sh  # two builds
#   FORM=events bench/sandbox/rest.sh        # as the registry calls: Idempotency-Key and event stream
#
# FORM: json (the plain call, default), key (with a fresh Idempotency-Key each), events (a fresh key
# and Accept: text/event-stream, timed to the stream's end), see rest_latency.py.
#
# Needs the built service (./mvnw -pl sandbox-service -am package -DskipTests), root, bubblewrap,
# and the PostgreSQL and Kafka of the environment (DB_NAME, KAFKA_BOOTSTRAP_SERVERS as for the
# tests; bin/prometheus engines starts them). The service listens on BENCH_PORT (18682).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
N=${N:-40}
LANGUAGE=${LANGUAGE:-python}
PORT=${BENCH_PORT:-18682}
# A uid range of its own: a sandbox service at start ends every process of the range it claims.
UID_BASE=${BENCH_UID_BASE:-700000}
. "$ROOT/bench/sandbox/runner-setup.sh"
RUNNER=$(java -Xmx256m -XX:+UseSerialGC -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -Diterations="$N" -Dsustained=0 -Dlanguages="$LANGUAGE" -Dsandbox.state-dir="$WORK/runner-state" -Dsandbox.isolation.uid-base="$UID_BASE" \
  -cp "$RUN_CP" ai.prometheus.bench.sandbox.RunnerBenchmark 2>"$WORK/runner.log")
echo "$RUNNER"
WARM=$(echo "$RUNNER" | awk -F'|' -v l="$LANGUAGE" '$2 ~ " "l" " { gsub(/ ms/, "", $5); print $5 + 0 }')

TOKEN=$("$ROOT/bin/prometheus" token --sub bench-sandbox-rest --scope "sandbox:execute sandbox:read" --ttl 2h)
FORM=${FORM:-json}
measure() { # label, the build's quarkus-app directory, then java options
  local label=$1 app=$2; shift 2
  start_service "$label" "$app" "$PORT" "$UID_BASE" "$@"
  python3 "$ROOT/bench/sandbox/rest_latency.py" "http://127.0.0.1:$PORT" "$TOKEN" "$N" "$LANGUAGE" "$FORM" >"$WORK/$label.json"
  kill "$SERVICE"; wait "$SERVICE" 2>/dev/null || true; SERVICE=
}
# BEFORE_OPTS: the "before" service's options (default: the pool as it was before await-starting);
# e.g. BEFORE_OPTS=-Dsandbox.pool.answer-wait=0ms for the refill started at once after each run.
# BEFORE_APP: the "before" service's build (default: this checkout's, as the "after" service).
# AFTER_OPTS: the "after" service's options (default: none, the defaults).
measure before "${BEFORE_APP:-$APP}" ${BEFORE_OPTS:--Dsandbox.pool.await-starting=false}
# shellcheck disable=SC2086 # the options are words
measure after "$APP" ${AFTER_OPTS:-}

echo
echo "POST /api/v1/executions ($FORM), $LANGUAGE, $N samples each; runner warm p50 $WARM ms (above, same session); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| service | warm wall p50 | warm wall p90 | warm wall / runner warm | HTTP − wall p50 | HTTP − wall p90 | back-to-back wall p50 | back-to-back HTTP − wall p50 | back-to-back warm | floor: liveness p50 | floor: 400 p50 |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for label in before after; do
  python3 - "$label" "$WORK/$label.json" "$WARM" <<'PY'
import json, sys
f = json.load(open(sys.argv[2])); warm = float(sys.argv[3]) or float('nan')
print("| %s | %d ms | %d ms | %.2f× | %.1f ms | %.1f ms | %d ms | %.1f ms | %d/%d | %.1f ms | %.1f ms |" % (sys.argv[1],
      f["wallP50"], f["wallP90"], f["wallP50"] / warm, f["overP50"], f["overP90"], f["seqWallP50"], f["seqOverP50"],
      f["seqWarm"], f["n"], f["liveP50"], f["invalidP50"]))
PY
done
