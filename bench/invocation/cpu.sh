#!/usr/bin/env bash
# CPU per synchronous invocation (issue 19). Needs the suite running (bin/prometheus up), on this
# machine: the registry's and the sandbox's JVMs are read from /proc, their pids from the state
# directory of `up` (PROMETHEUS_STATE, default .prometheus).
#   bench/invocation/cpu.sh [N]    # N invocations in sequence after 150 of warm-up (default 300)
# SANDBOX_URL (default http://127.0.0.1:8082) names the port whose new connections are counted.
# Also printed: the other services' JVMs, the Kafka broker and PostgreSQL per invocation, and the
# whole machine's busy CPU per invocation (everything running counts: keep the machine quiet).
# CPU is less sensitive to other load on the machine than latency; still note the load average
# printed with the table.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-300}
STATE=${PROMETHEUS_STATE:-.prometheus}
REGISTRY=${REGISTRY_URL:-http://127.0.0.1:8081}
SANDBOX=${SANDBOX_URL:-http://127.0.0.1:8082}
SANDBOX_PORT=${SANDBOX##*:}
SANDBOX_PORT=${SANDBOX_PORT%%/*}
REGISTRY_PID=$(cat "$STATE/run/tool-registry-service.pid")
SANDBOX_PID=$(cat "$STATE/run/sandbox-service.pid")
curl -sf "$REGISTRY/q/health/ready" >/dev/null || { echo "the registry is not ready: run bin/prometheus up"; exit 1; }
ADMIN=$(bin/prometheus token --sub bench-admin --groups admin --ttl 2h)
CALLER=$(bin/prometheus token --sub bench-cpu-caller --scope "tools:read tools:invoke" --ttl 2h)
OTHERS=()
for name in memory-guild-service guardian-service kafka; do
  [ -f "$STATE/run/$name.pid" ] && kill -0 "$(cat "$STATE/run/$name.pid")" 2>/dev/null &&
    OTHERS+=("$name=$(cat "$STATE/run/$name.pid")")
done
python3 bench/invocation/cpu_per_invocation.py "$REGISTRY" "$ADMIN" "$CALLER" "$N" "$REGISTRY_PID" "$SANDBOX_PID" "$SANDBOX_PORT" "${OTHERS[@]}"
