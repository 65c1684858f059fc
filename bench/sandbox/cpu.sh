#!/usr/bin/env bash
# CPU per trivial run: the sandbox service's REST path against its runner alone, in one session.
# First the runner (RunnerBenchmark's sustained runs on one thread: the service's SandboxRuntime in
# process, no HTTP, no database): its JVM's CPU per run and that of the processes it started (the
# floor: what the isolation chain and the interpreter cost). Then the service, started from the
# built jar: N runs back to back through POST /api/v1/executions, the service JVM's CPU per run and
# its child processes' (cpu_per_run.py). Prints a table; asserts nothing.
#
#   bench/sandbox/cpu.sh                     # python, 200 runs each
#   N=500 LANGUAGE=bash bench/sandbox/cpu.sh
#   READY_TIMEOUT=300 bench/sandbox/cpu.sh    # seconds the service gets to become ready (default 180)
#
# Needs what bench/sandbox/rest.sh needs: the built service, root, bubblewrap, PostgreSQL and Kafka
# (DB_NAME, KAFKA_BOOTSTRAP_SERVERS as for the tests). The service listens on BENCH_PORT (18683).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
N=${N:-200}
LANGUAGE=${LANGUAGE:-python}
PORT=${BENCH_PORT:-18683}
# A uid range of its own: a sandbox service at start ends every process of the range it claims.
UID_BASE=${BENCH_UID_BASE:-710000}
. "$ROOT/bench/sandbox/runner-setup.sh"
LOAD_RUNNER=$(cut -d' ' -f1 /proc/loadavg)
RUNNER=$(java -Xmx256m -XX:+UseSerialGC -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -Dsustained="$N" -DsustainedOnly=true -Dthreads=1 -Dlanguages="$LANGUAGE" \
  -Dsandbox.state-dir="$WORK/runner-state" -Dsandbox.isolation.uid-base="$UID_BASE" \
  -cp "$RUN_CP" ai.prometheus.bench.sandbox.RunnerBenchmark 2>"$WORK/runner.log" | grep '^Sustained' || true)
[ -n "$RUNNER" ] || { echo "the runner benchmark failed:" >&2; tail -20 "$WORK/runner.log" >&2; exit 1; }
echo "$RUNNER"
# "... %.0f runs/s (... the service's JVM used X ms of CPU per run, its finished child processes Y ms)"
read -r R_RATE R_JVM R_CHILDREN < <(echo "$RUNNER" | sed -E 's/.*= ([0-9.]+) runs\/s.*used ([0-9.]+) ms.*processes ([0-9.]+) ms.*/\1 \2 \3/')

TOKEN=$("$ROOT/bin/prometheus" token --sub bench-sandbox-cpu --scope "sandbox:execute sandbox:read" --ttl 2h)
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS: several options
start_service service "$APP" "$PORT" "$UID_BASE" ${BENCH_JAVA_OPTS:-}
LOAD_SERVICE=$(cut -d' ' -f1 /proc/loadavg)
python3 "$ROOT/bench/sandbox/cpu_per_run.py" "http://127.0.0.1:$PORT" "$TOKEN" "$N" "$SERVICE" "$LANGUAGE" >"$WORK/service.json"
kill "$SERVICE"; wait "$SERVICE" 2>/dev/null || true; SERVICE=

echo
echo "CPU per trivial $LANGUAGE run, $N runs back to back each; cores: $(nproc); load average at the start: runner $LOAD_RUNNER, service $LOAD_SERVICE, now $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| path | JVM ms/run | processes ms/run | total ms/run | runs/s | warm | sandboxes started per run (pool + cold) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
echo "| runner alone (floor) | $R_JVM | $R_CHILDREN | $(echo "$R_JVM + $R_CHILDREN" | bc) | $R_RATE | | |"
python3 - "$WORK/service.json" "$R_JVM" "$R_CHILDREN" <<'PY'
import json, sys
f = json.load(open(sys.argv[1])); floor = float(sys.argv[2]) + float(sys.argv[3])
total = f["jvmMsPerRun"] + f["childrenMsPerRun"]
print("| POST /api/v1/executions | %.1f | %.1f | %.1f (%.2f× the runner, +%.1f) | %.0f | %d/%d | %.2f + %.2f |" % (
    f["jvmMsPerRun"], f["childrenMsPerRun"], total, total / floor, total - floor, f["runsPerSecond"], f["warm"], f["n"],
    f["poolStartsPerRun"], f["coldStartsPerRun"]))
print()
print("The service JVM's CPU per run by thread (ms): " + ", ".join("%s %.2f" % kv for kv in f["jvmMsPerRunByThread"].items()))
PY
