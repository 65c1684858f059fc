#!/usr/bin/env bash
# Fault test (loopback only, bounded in time): a steady invocation load through the registry while
# the Kafka broker, then PostgreSQL, restart. Prints the counts and exits non-zero on any loss,
# duplicate, undrained outbox or service that did not come back.
#   bench/chaos/run.sh [DURATION_SECONDS=60] [RATE_PER_SECOND=10]
# Needs the suite running: bin/prometheus up.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
curl -sf http://127.0.0.1:8081/q/health/ready >/dev/null || { echo "the suite is not up: run bin/prometheus up"; exit 1; }
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$(cat "${PROMETHEUS_STATE:-$ROOT/.prometheus}/engines/classpath.txt")" bench/chaos/Chaos.java "$ROOT" "${1:-60}" "${2:-10}"
