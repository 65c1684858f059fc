#!/usr/bin/env bash
# Where a search query's embedding spends its time, in-process (no database, no HTTP): e5-small-v2
# on a few hundred short queries, p50 / p95 per step (tokenization, ONNX run, pooling) and per whole
# call, for the ONNX Runtime settings worth comparing and for the service's own Embedder (on the
# calling thread and behind a worker hand-off), interleaved in one run; then the other core kept
# busy (as Postgres is during a search), and ONNX Runtime's per-operator profile. Every row's
# vectors are compared with langchain4j's reference model by cosine.
#
#   bench/memory/embedding.sh
#   EMBEDDING_BENCH_QUERIES=1000 bench/memory/embedding.sh
#   MEMORY_BENCH_APP=/some/copy/quarkus-app bench/memory/embedding.sh   # another build's Embedder
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
APP=${MEMORY_BENCH_APP:-"$ROOT/memory-guild-service/target/quarkus-app"}
if [ ! -f "$APP/quarkus-run.jar" ] || [ "${MEMORY_BENCH_BUILD:-0}" = 1 ]; then
  "$ROOT/mvnw" -B -q package -pl memory-guild-service -am -DskipTests
fi
OUT="$ROOT/bench/results/memory"
mkdir -p "$OUT/native/djl"
exec java -Xmx1g -DDJL_CACHE_DIR="$OUT/native/djl" -Dai.djl.offline=true -Djava.io.tmpdir="$OUT/native" \
  -cp "$APP/app/*:$APP/lib/main/*:$APP/lib/boot/*" "$ROOT/bench/memory/EmbeddingBench.java" "$OUT"
