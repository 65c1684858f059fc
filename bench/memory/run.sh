#!/usr/bin/env bash
# Memory Guild benchmark: 100,000 memories in a context tree of several agents, written through
# the real service (HTTP, embeddings, Postgres) and searched; prints a table. Needs PostgreSQL
# (DB_HOST/DB_PORT/DB_USER/DB_PASSWORD, a role that may create databases) and, for the service's
# Kafka consumer, the broker on KAFKA_BOOTSTRAP_SERVERS (bin/prometheus engines starts both).
#
#   bench/memory/run.sh                       # 100k memories
#   MEMORY_BENCH_MEMORIES=20000 bench/memory/run.sh
#   MEMORY_BENCH_KEEP=true bench/memory/run.sh          # keep the loaded database afterwards
#   MEMORY_BENCH_SEARCH_ONLY=true bench/memory/run.sh   # search and recall again on the kept one
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# MEMORY_BENCH_APP runs a copy of the built application, so rebuilding meanwhile cannot disturb the run.
APP=${MEMORY_BENCH_APP:-"$ROOT/memory-guild-service/target/quarkus-app"}
if [ ! -f "$APP/quarkus-run.jar" ] || [ "${MEMORY_BENCH_BUILD:-0}" = 1 ]; then
  "$ROOT/mvnw" -B -q package -pl memory-guild-service -am -DskipTests
fi
OUT="$ROOT/bench/results/memory"
mkdir -p "$OUT"
exec java -Xmx1g -cp "$APP/lib/main/*" "$ROOT/bench/memory/MemoryBench.java" "$APP/quarkus-run.jar" "$OUT"
