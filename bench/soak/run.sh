#!/usr/bin/env bash
# Soak test: a steady rate through the registry (default 10 minutes at 20 requests/s) with each
# service's RSS sampled every 30 s. Needs the suite running: bin/prometheus up.
#   bench/soak/run.sh [SECONDS=600] [RATE=20]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
curl -sf http://127.0.0.1:8081/q/health/ready >/dev/null || { echo "the suite is not up: run bin/prometheus up"; exit 1; }
exec java -cp "$(cat .prometheus/engines/classpath.txt)" bench/soak/Soak.java "$ROOT" "${1:-600}" "${2:-20}"
