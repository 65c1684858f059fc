#!/usr/bin/env bash
# Egress benchmark: the same python probe (bench/egress/probe.py) bare on the host and inside a
# sandbox through the egress proxy (bridge in the sandbox, Unix socket, relay, proxy): a small GET
# on a fresh connection, connection set-up (a TCP connect directly; a CONNECT tunnel through the
# proxy) and a 10 MB download from a local HTTP server. Prints a table; asserts nothing.
#
#   bench/egress/run.sh                   # 50 requests and set-ups, one 10 MB download, 3 rounds
#   N=200 ROUNDS=5 bench/egress/run.sh
#
# Starts its own sandbox service from the built jar (sandbox-service/target/quarkus-app; build it
# first) on port 18082, with SANDBOX_EGRESS_PRIVATE_ALLOW naming the local server, against the
# PostgreSQL and Kafka of the environment (DB_NAME, KAFKA_BOOTSTRAP_SERVERS as for the tests), or
# uses SANDBOX_URL if given (that service must pin bench.test to 127.0.0.1 and allow
# bench.test:$BENCH_PORT privately: -Dsandbox.egress.hosts.'"bench.test"'=127.0.0.1
# SANDBOX_EGRESS_PRIVATE_ALLOW=bench.test:18555). The sandbox's NO_PROXY keeps 127.0.0.1 direct,
# so the sandboxed probe asks for the name. Needs what
# the service needs: root, bubblewrap, a C compiler at build time (the bridge is in sandbox-launch).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
N=${N:-50}
ROUNDS=${ROUNDS:-3}
SIZE=$((10 * 1024 * 1024))
PORT=${BENCH_PORT:-18555}
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

mkdir -p "$WORK/www"
echo '{"city": "Oslo", "temperature": 3.5}' > "$WORK/www/small.json"
head -c "$SIZE" /dev/urandom > "$WORK/www/big.bin"
# A threaded server with a deep accept queue: the set-up loop opens connections faster than the
# default queue of 5 takes them, and a full queue costs a 1 s SYN retransmission.
python3 -c 'import functools, http.server, sys
http.server.ThreadingHTTPServer.request_queue_size = 256
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[2])
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()' "$PORT" "$WORK/www" >/dev/null 2>&1 &
PIDS+=($!)

# Minting the token first also creates the local development key pair the service checks it with.
TOKEN=$("$ROOT/bin/prometheus" token --sub bench-egress --scope "sandbox:execute sandbox:network" --ttl 2h)
KEYS="${PROMETHEUS_STATE:-$ROOT/.prometheus}/keys"
SANDBOX=${SANDBOX_URL:-}
if [ -z "$SANDBOX" ]; then
  JAR="$ROOT/sandbox-service/target/quarkus-app/quarkus-run.jar"
  [ -f "$JAR" ] || { echo "build the sandbox first: ./mvnw -pl shared-model,sandbox-service -am package -DskipTests" >&2; exit 1; }
  SANDBOX=http://127.0.0.1:18082
  chmod 711 "$WORK" # sandboxes run as their own uids and mount files from the state directory inside it
  SANDBOX_EGRESS_PRIVATE_ALLOW="bench.test:$PORT" PORT=18082 SANDBOX_STATE_DIR="$WORK/state" \
    JWT_PUBLIC_KEY_LOCATION="$KEYS/public.pem" JWT_ISSUER="${JWT_ISSUER:-prometheus-dev}" \
    SERVICE_KEY_LOCATION="$KEYS/private.pem" \
    java '-Dsandbox.egress.hosts."bench.test"=127.0.0.1' -jar "$JAR" >"$WORK/sandbox.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 120); do
    curl -sf "$SANDBOX/q/health/ready" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -sf "$SANDBOX/q/health/ready" >/dev/null || { echo "the sandbox did not get ready:" >&2; tail -20 "$WORK/sandbox.log" >&2; exit 1; }
fi
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/small.json" >/dev/null && break; sleep 0.1; done

BODY=$(python3 - "$ROOT/bench/egress/probe.py" "$PORT" "$N" "$SIZE" <<'PY'
import json, sys
probe, port, n, size = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
code = open(probe).read()
# The probe reads its arguments from argv; in the sandbox they are set before it runs.
code = "import sys\nsys.argv = ['probe', 'bench.test', '%s', '%s', '%s']\n" % (port, n, size) + code
print(json.dumps({"language": "python", "code": code,
                  "network": {"allow": ["bench.test:%s" % port]},
                  "limits": {"wallMs": 120000, "cpuMs": 60000, "egressBytes": 100 * 1024 * 1024,
                             "egressConnections": 1024}}))
PY
)

row() { # label json
  python3 - "$1" "$2" <<'PY'
import json, sys
figures = json.loads(sys.argv[2])
print('| %-22s | %7.2f ms | %7.2f ms | %7.2f ms | %7.2f ms | %8.0f ms | %7.0f MB/s |' % (
    sys.argv[1], figures['getP50'], figures['getP90'], figures['setupP50'], figures['setupP90'],
    figures['downloadMs'], figures['mbPerSecond']))
PY
}

echo "| path                   | GET p50    | GET p90    | set-up p50 | set-up p90 | 10 MB       | throughput   |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
  DIRECT=$(env -u http_proxy -u HTTP_PROXY python3 "$ROOT/bench/egress/probe.py" 127.0.0.1 "$PORT" "$N" "$SIZE")
  row "direct (host) #$round" "$DIRECT"
  ANSWER=$(curl -sf -X POST "$SANDBOX/api/v1/executions" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d "$BODY")
  STATUS=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' <<<"$ANSWER")
  if [ "$STATUS" != OK ]; then
    echo "the sandboxed probe ended $STATUS:" >&2
    python3 -c 'import json,sys; a=json.load(sys.stdin); print(a.get("message"), a.get("stderr"))' <<<"$ANSWER" >&2
    exit 1
  fi
  PROXIED=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["stdout"].strip())' <<<"$ANSWER")
  row "through the proxy #$round" "$PROXIED"
done
echo
echo "set-up: direct = TCP connect; through the proxy = CONNECT answered 200 (bridge, relay, policy, DNS, upstream connect)."
