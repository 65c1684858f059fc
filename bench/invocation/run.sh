#!/usr/bin/env bash
# Invocation overhead benchmark (issue 19). Needs the suite running (bin/prometheus up).
#   bench/invocation/run.sh [RUNS] [SECONDS] [CALLERS]   (PACED_RUNS=60 PACE_MS=300: calls with a pause between)
# A trivial python tool (reads its arguments, prints them back) is invoked RUNS times in sequence
# through the registry (default 200), each call followed by the same code sent directly to the
# sandbox (POST /executions). Printed: end-to-end p50/p95/p99, the run time the sandbox reports,
# their difference (what the platform adds), the sandbox's own REST figure for the same code, the
# registry's own stages (p50 of its answers' Server-Timing: admission, sandbox, run, record, total),
# and the invocations per second the registry sustains with CALLERS concurrent callers (default 8) for
# SECONDS (default 20). The load average is printed before and after: on a shared machine the
# figures move with it, so compare runs taken at similar load. REGISTRY_URL and SANDBOX_URL point
# elsewhere than the default ports. Then the floor measured in the same run (floor.sh: the path's
# round trips, back to back and paced) and the paced overhead as a multiple of it (FLOOR=false skips).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-200}
SECONDS_SUSTAINED=${2:-20}
CALLERS=${3:-8}
REGISTRY=${REGISTRY_URL:-http://127.0.0.1:8081}
SANDBOX=${SANDBOX_URL:-http://127.0.0.1:8082}
curl -sf "$REGISTRY/q/health/ready" >/dev/null || { echo "the registry is not ready: run bin/prometheus up"; exit 1; }
curl -sf "$SANDBOX/q/health/ready" >/dev/null || { echo "the sandbox is not ready: run bin/prometheus up"; exit 1; }

ADMIN=$(bin/prometheus token --sub bench-admin --groups admin --ttl 2h)
RUNNER=$(bin/prometheus token --sub bench-runner --scope "sandbox:execute" --ttl 2h)
# One token per concurrent caller: a caller may hold only a few synchronous calls at once.
TOKENS=()
for i in $(seq 1 "$CALLERS"); do
  TOKENS+=("$(bin/prometheus token --sub "bench-caller-$i" --scope "tools:read tools:invoke" --ttl 2h)")
done

echo "machine: $(nproc) cores; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
OUTPUT=$(mktemp)
trap 'rm -f "$OUTPUT"' EXIT
python3 bench/invocation/invocation_bench.py "$REGISTRY" "$SANDBOX" "$ADMIN" "$RUNNER" "$RUNS" "$SECONDS_SUSTAINED" "${TOKENS[@]}" | tee "$OUTPUT"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
# The floor in the same run (bench/invocation/floor.sh): what the path's round trips cost paced,
# with the paced overhead above as a multiple of it. Needs psql; FLOOR=false skips it.
if [ "${FLOOR:-true}" = true ] && command -v psql >/dev/null; then
  echo
  PACED_OVERHEAD=$(sed -nE 's/^  platform overhead ([0-9.]+) ms.*/\1/p' "$OUTPUT" | tail -1) \
    bench/invocation/floor.sh 200 "${PACE_MS:-300}"
fi
