#!/usr/bin/env bash
# Lints each service's OpenAPI document (written by its build to <service>/target/openapi/) with
# Redocly's CLI from the npm registry and its recommended rules (redocly.yaml): any error fails.
# Usage: bin/lib/openapi-lint.sh ROOT STATE
set -euo pipefail
ROOT=$1 STATE=$2
REDOCLY_VERSION=2.77.0
tools="$STATE/tools/redocly-$REDOCLY_VERSION"
if [ ! -x "$tools/node_modules/.bin/redocly" ]; then
  mkdir -p "$tools"
  (cd "$tools" && npm install --silent --no-audit --no-fund --prefix . "@redocly/cli@$REDOCLY_VERSION" >/dev/null)
fi
documents=()
for service in tool-registry-service sandbox-service memory-guild-service guardian-service; do
  document="$ROOT/$service/target/openapi/openapi.json"
  [ -f "$document" ] || { echo "missing $document: build the services first" >&2; exit 1; }
  documents+=("$document")
done
cd "$ROOT"
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  "$tools/node_modules/.bin/redocly" lint --config "$ROOT/redocly.yaml" --format=summary "${documents[@]}"
