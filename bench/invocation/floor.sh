#!/usr/bin/env bash
# The floor under an invocation's platform overhead (issue 19): one HTTP round trip to the registry
# and to the sandbox, and one PostgreSQL statement, back to back and paced. Needs the suite running
# (bin/prometheus up) and psql on the PATH.
#   bench/invocation/floor.sh [CALLS] [PACE_MS]    # defaults 200 back to back, 300 ms between paced calls
# PACED_OVERHEAD (ms; bench/invocation/run.sh sets it) is also printed as a multiple of the floor.
set -euo pipefail
cd "$(dirname "$0")/../.."
REGISTRY=${REGISTRY_URL:-http://127.0.0.1:8081}
SANDBOX=${SANDBOX_URL:-http://127.0.0.1:8082}
DATABASE=${DATABASE_URL:-postgresql://${DB_USER:-prometheus}@${DB_HOST:-127.0.0.1}:${DB_PORT:-5432}/${DB_NAME:-prometheus}}
curl -sf "$REGISTRY/q/health/ready" >/dev/null || { echo "the registry is not ready: run bin/prometheus up"; exit 1; }
curl -sf "$SANDBOX/q/health/ready" >/dev/null || { echo "the sandbox is not ready: run bin/prometheus up"; exit 1; }
command -v psql >/dev/null || { echo "psql is not on the PATH"; exit 1; }
ADMIN=$(bin/prometheus token --sub bench-admin --groups admin --ttl 2h)
CALLER=$(bin/prometheus token --sub bench-floor-caller --scope "tools:read tools:invoke" --ttl 2h)
python3 bench/invocation/floor.py "$REGISTRY" "$SANDBOX" "$ADMIN" "$CALLER" "$DATABASE" "${1:-200}" "${2:-300}" "${PACED_OVERHEAD:-}"
