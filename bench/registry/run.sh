#!/usr/bin/env bash
# Tool registry benchmark. Needs the suite running (bin/prometheus up) and wrk (Debian: wrk).
#   bench/registry/run.sh [TOOLS] [SECONDS]
# Seeds TOOLS tools (default 10000) through the REST API, then measures with wrk:
#   - GET /api/v1/tools/{name}       (read one tool with its versions)
#   - GET /api/v1/tools?q=<word>     (ranked discovery)
# and end to end latency of a trivial python tool invocation (REST -> registry -> sandbox ->
# result), next to the sandbox's own run time for the same code. Prints a table.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOOLS=${1:-10000}
SECONDS_PER_RUN=${2:-20}
REGISTRY=${REGISTRY_URL:-http://127.0.0.1:8081}
SANDBOX=${SANDBOX_URL:-http://127.0.0.1:8082}
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)"; exit 1; }
curl -sf "$REGISTRY/q/health/ready" >/dev/null || { echo "the registry is not ready: run bin/prometheus up"; exit 1; }

ADMIN=$(bin/prometheus token --sub bench-admin --groups admin --ttl 2h)
READER=$(bin/prometheus token --sub bench-reader --scope "tools:read tools:invoke" --ttl 2h)
RUNNER=$(bin/prometheus token --sub bench-runner --scope "sandbox:execute" --ttl 2h)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 bench/registry/seed.py "$REGISTRY" "$ADMIN" "$TOOLS" > "$WORK/seed.txt"
SAMPLE=$(head -1 "$WORK/seed.txt")

cat > "$WORK/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $READER"
LUA

measure() { # label path
  wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/auth.lua" "$REGISTRY$2" > "$WORK/wrk.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
  non2xx=$(awk '/Non-2xx/ {print $4}' "$WORK/wrk.txt")
  printf '| %-40s | %10s | %9s | %9s | %6s |\n' "$1" "$rps" "$p50" "$p99" "${non2xx:-0}"
}

echo
echo "Registry with $(cat "$WORK/seed.txt" | wc -l) tools seeded by this run (wrk, 2 threads, 16 connections, ${SECONDS_PER_RUN}s each)"
echo
printf '| %-40s | %10s | %9s | %9s | %6s |\n' "request" "req/s" "p50" "p99" "non-2xx"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------------" "------------" "-----------" "-----------" "--------"
measure "GET /tools/{name}" "/api/v1/tools/$SAMPLE"
measure "GET /tools?q=forecast (ranked search)" "/api/v1/tools?q=forecast&size=20"
measure "GET /tools?tag=bench&sort=name" "/api/v1/tools?tag=bench&size=20"
echo
python3 bench/registry/invoke_latency.py "$REGISTRY" "$SANDBOX" "$ADMIN" "$READER" "$RUNNER"
