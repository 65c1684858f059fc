#!/usr/bin/env bash
# Sandbox runner benchmark: trivial python / node / bash runs bare on the host vs through the
# sandbox service's runner (warm pool and cold start) and through the isolation chain alone (the
# floor under a cold start), measured alternately, with their ratios; then sustained runs per
# second with the default pool. Prints a table; asserts nothing.
#
#   bench/sandbox/run.sh                         # 40 alternating iterations, 400 sustained runs
#   ITERATIONS=100 SUSTAINED=1000 bench/sandbox/run.sh
#   SANDBOX_POOL_SIZE=4 bench/sandbox/run.sh     # any sandbox setting, as for the service
#   THREADS=4 SUSTAINED_ONLY=true bench/sandbox/run.sh   # throughput alone, with more runners
#   WARMUP=300 SUSTAINED_ONLY=true bench/sandbox/run.sh   # sustained runs after 300 unmeasured ones (JIT done)
#   LANGUAGES=python bench/sandbox/run.sh        # some languages only
#   SUSTAINED_CODE='import json,sys; print(json.dumps(json.load(sys.stdin)))' SUSTAINED_STDIN='{"q": "1"}' \
#     LANGUAGES=python SUSTAINED_ONLY=true bench/sandbox/run.sh   # sustained runs of other code (one language)
#   bench/sandbox/start-cost.sh                 # where the CPU of one sandbox start goes, piece by piece
#
# Needs what the service needs: root (each sandbox drops to its own uid), bubblewrap, and the
# interpreters. Builds the module's classes first (BENCH_SKIP_BUILD=true: reuse the last build).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/bench/results/sandbox"
mkdir -p "$OUT/classes"

if [ "${BENCH_SKIP_BUILD:-false}" != true ] || [ ! -f "$OUT/classpath.txt" ]; then
  "$ROOT/mvnw" -B -q -f "$ROOT/pom.xml" -pl sandbox-service -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$OUT/classpath.txt" -Dmdep.includeScope=runtime >&2
fi
CP="$ROOT/sandbox-service/target/classes:$ROOT/shared-model/target/classes:$(cat "$OUT/classpath.txt")"
SOURCES=("$ROOT/bench/sandbox/RunnerBenchmark.java" "$ROOT/bench/sandbox/StartCost.java")
javac -q -nowarn -d "$OUT/classes" -cp "$CP" "${SOURCES[@]}" 2>/dev/null \
  || javac -d "$OUT/classes" -cp "$CP" "${SOURCES[@]}"

# Run with only the jars the runner uses (configuration, logging, bytecode for config mappings):
# the JDK's class loader keeps every jar it searched open, and the kernel copies a process's
# descriptor table on every spawn, so a flat 400-jar class path would make each process start
# (bare and sandboxed alike) about 1 ms slower than in the service, which holds about 80 descriptors.
RUN_CP="$OUT/classes:$ROOT/sandbox-service/target/classes:$ROOT/shared-model/target/classes:$(tr ':' '\n' <"$OUT/classpath.txt" \
  | grep -E '/io/smallrye/(config|common)/|/microprofile-config-api/|/org/jboss/logging/jboss-logging/|/org/jboss/logmanager/jboss-logmanager/|/io/quarkus/quarkus-core/|/jakarta/(enterprise|inject|annotation|interceptor)/|/org/ow2/asm/' \
  | paste -sd: -)"

exec java ${BENCH_JAVA_OPTS:-} -Xmx256m -XX:+UseSerialGC -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -Diterations="${ITERATIONS:-40}" -Dsustained="${SUSTAINED:-400}" -Dwarmup="${WARMUP:-0}" \
  -Dthreads="${THREADS:-$(nproc)}" -DsustainedOnly="${SUSTAINED_ONLY:-false}" -Dlanguages="${LANGUAGES:-python,node,bash}" \
  -Druns="${RUNS:-100}" -DsustainedCode="${SUSTAINED_CODE:-}" -DsustainedStdin="${SUSTAINED_STDIN:-}" -cp "$RUN_CP" "ai.prometheus.bench.sandbox.${BENCH_MAIN:-RunnerBenchmark}"
