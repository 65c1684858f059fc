# Shared by rest.sh, cpu.sh, sustained.sh and rest_ab.sh (sourced, after ROOT is set): the built service, a work directory
# removed on exit with the service the script starts (SERVICE, or SERVICES), and the runner benchmark compiled
# against the service's jars with RUN_CP, the class path of only the jars the runner uses (see
# run.sh: every open jar is a descriptor each process start copies), and await_ready, the bounded
# wait for the started service's readiness, and start_service, which starts one and waits for it.
APP="$ROOT/sandbox-service/target/quarkus-app"
[ -f "$APP/quarkus-run.jar" ] || { echo "build the sandbox first: ./mvnw -pl sandbox-service -am package -DskipTests" >&2; exit 1; }
WORK=$(mktemp -d)
chmod 711 "$WORK" # sandboxes run as their own uids and mount files from the state directory inside it
SERVICE=
SERVICES=()
cleanup() {
  [ -n "$SERVICE" ] && kill "$SERVICE" 2>/dev/null
  for pid in "${SERVICES[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true; rm -rf "$WORK"
}
trap cleanup EXIT

LIBS=$(ls "$APP"/lib/main/*.jar "$APP"/lib/boot/*.jar | paste -sd:)
mkdir -p "$WORK/classes"
javac -nowarn -d "$WORK/classes" -cp "$APP/app/*:$LIBS" "$ROOT/bench/sandbox/RunnerBenchmark.java"
# Outside Quarkus, SmallRye Config generates the configuration mapping's class with ASM, which the
# built service does not ship (Quarkus generates it at build time): taken from the Maven repository.
ASM=$(ls "${MAVEN_REPO:-$HOME/.m2/repository}"/org/ow2/asm/asm/*/asm-*.jar | sort -V | tail -1)
RUN_CP="$WORK/classes:$(ls "$APP"/app/*.jar | paste -sd:):$ASM:$(ls "$APP"/lib/main/*.jar "$APP"/lib/boot/*.jar \
  | grep -E 'io\.smallrye\.(config|common)\.|microprofile-config-api|org\.jboss\.logging\.jboss-logging|org\.jboss\.logmanager\.jboss-logmanager|io\.quarkus\.quarkus-core-[0-9]|jakarta\.(enterprise|inject|annotation|interceptor)|com\.fasterxml\.jackson\.core\.|ai\.prometheus\.shared-model' \
  | paste -sd:)"

# start_service LABEL APP PORT UID_BASE [JAVA OPTIONS...]: a sandbox service from the build in APP
# (a quarkus-app directory) on PORT, with a uid range and a state directory of its own and its log
# in $WORK/service-LABEL.log (its database: DB_NAME), started in the background, added to SERVICES
# (stopped on exit) and awaited until ready. It reads asynchronous invocations from a topic of its
# own, in a group of its own: on the suite's topic it would take a running suite's invocations.
start_service() {
  local label=$1 app=$2 port=$3 uids=$4 keys="${PROMETHEUS_STATE:-$ROOT/.prometheus}/keys"
  local requests="-Dmp.messaging.incoming.tool-invocation-requests" topic="bench.sandbox.$label.$$.requests"
  shift 4
  PORT=$port SANDBOX_STATE_DIR="$WORK/state-$label" JWT_PUBLIC_KEY_LOCATION="$keys/public.pem" \
    JWT_ISSUER="${JWT_ISSUER:-prometheus-dev}" SERVICE_KEY_LOCATION="$keys/private.pem" \
    java -Dsandbox.isolation.uid-base="$uids" "$requests.topic=$topic" "$requests.group.id=sandbox-bench-$label-$$" \
    "$requests.dead-letter-queue.topic=$topic.dlq" "$@" -jar "$app/quarkus-run.jar" >"$WORK/service-$label.log" 2>&1 &
  SERVICE=$!
  SERVICES+=("$SERVICE")
  await_ready "http://127.0.0.1:$port" "$WORK/service-$label.log"
}

# await_ready URL LOG: until the started service (SERVICE) answers its readiness check, at most
# READY_TIMEOUT seconds (default 180; each check at most 2 s, so a service that accepts the
# connection but never answers cannot hold the loop). Exits with a message and the log's tail when
# the service ended or the time is up.
await_ready() {
  local url=$1 log=$2 limit=${READY_TIMEOUT:-180} start=$SECONDS
  until curl -sf --max-time 2 "$url/q/health/ready" >/dev/null 2>&1; do
    if [ -n "$SERVICE" ] && ! kill -0 "$SERVICE" 2>/dev/null; then
      echo "the sandbox service exited before it was ready:" >&2; tail -20 "$log" >&2; exit 1
    fi
    if [ $((SECONDS - start)) -ge "$limit" ]; then
      echo "the sandbox service was not ready within $limit s (READY_TIMEOUT); its readiness:" >&2
      curl -s --max-time 2 "$url/q/health/ready" >&2 || true
      echo >&2; tail -20 "$log" >&2; exit 1
    fi
    sleep 1
  done
}
