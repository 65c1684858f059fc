#!/usr/bin/env bash
# Replica failure test (bin/prometheus chaos --replicas [SECONDS_PER_KILL=20] [RATE=6]): against a
# suite of two replicas per service, kills one replica of each service in turn with SIGKILL under a
# steady sync + async invocation load, starts it again, then checks that nothing was lost or
# doubled (bench/chaos/Chaos.java, class ReplicaChaos). Starts `up --replicas 2` itself when no
# second registry answers; the suite is left running afterwards (bin/prometheus down stops it).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE=${PROMETHEUS_STATE:-$ROOT/.prometheus}
cd "$ROOT"
ready() { curl -sf --max-time 3 "http://127.0.0.1:$1/q/health/ready" >/dev/null; }
if ! ready 8091; then
  ready 8081 && { echo "the suite runs with one replica: bin/prometheus down, then run this again"; exit 1; }
  # Runs a killed sandbox replica left RUNNING are answered as interrupted after their wall limit
  # plus this grace (5 minutes by default, sized for real deployments): short here, so the check
  # sees them within the run.
  SANDBOX_RECOVERY_GRACE=${SANDBOX_RECOVERY_GRACE:-15s} SANDBOX_RECOVERY_INTERVAL=${SANDBOX_RECOVERY_INTERVAL:-5s} \
    "$ROOT/bin/prometheus" up --replicas 2 >/dev/null
fi
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$(cat "$STATE/engines/classpath.txt")" \
  bench/chaos/Chaos.java "$ROOT" --replicas "${1:-20}" "${2:-6}"
