#!/usr/bin/env bash
# Memory Guild retrieval-quality benchmark: the conversations and questions in data/ (written by
# GenerateDataset.java) go through the real service (HTTP, embeddings, Postgres) once per
# embedding model; prints recall@5/@10, nDCG@10 and MRR per search mode and question type next to
# a BM25 baseline computed in the same run, search latency, and latency at 12,000 memories.
# Needs PostgreSQL (DB_HOST/DB_PORT/DB_USER/DB_PASSWORD, a role that may create databases) and,
# for the service's Kafka consumer, the broker on KAFKA_BOOTSTRAP_SERVERS (bin/prometheus engines).
#
#   bench/memory-quality/run.sh                                         # every model
#   MEMORY_QUALITY_MODELS=e5-small-v2 bench/memory-quality/run.sh       # one model
#   MEMORY_QUALITY_SCALE=0 bench/memory-quality/run.sh                  # skip the 12,000-memory latency
#   MEMORY_QUALITY_SETTINGS=MEMORY_SEARCH_LEXICAL_WEIGHT=0.5 bench/memory-quality/run.sh   # try a setting
#   java bench/memory-quality/GenerateDataset.java bench/memory-quality/data     # rewrite the data (deterministic)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
APP=${MEMORY_BENCH_APP:-"$ROOT/memory-guild-service/target/quarkus-app"}
if [ ! -f "$APP/quarkus-run.jar" ] || [ "${MEMORY_BENCH_BUILD:-0}" = 1 ]; then
  "$ROOT/mvnw" -B -q package -pl memory-guild-service -am -DskipTests
fi
OUT="$ROOT/bench/results/memory-quality"
mkdir -p "$OUT"
export MEMORY_QUALITY_MODELS=${MEMORY_QUALITY_MODELS:-minilm,bge-small-en-v1.5,e5-small-v2}
exec java -Xmx1g -cp "$APP/lib/main/*" "$ROOT/bench/memory-quality/MemoryQualityBench.java" \
  "$ROOT/bench/memory-quality/data" "$APP/quarkus-run.jar" "$OUT"
