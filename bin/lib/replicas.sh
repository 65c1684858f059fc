# Replicas for bin/prometheus (sourced): `up --replicas 2` runs a second instance of each service.
# An instance is named after its service ("sandbox-service"), the second one with "-2"
# ("sandbox-service-2"); the second replica listens 10 ports above the first (8091-8094).
#
# Services that call each other over REST (the registry calls the sandbox, the sandbox calls the
# registry for a run's secrets) get a stork:// URL and the list of every replica's address: the
# REST client's Stork load balancer spreads calls round robin, and the callers' existing retry of a
# refused connection lands on the next replica when one has died. Kafka consumers need nothing:
# replicas share their consumer groups. Callers from outside pick a replica themselves.

REPLICA_PORT_OFFSET=10

# How many replicas `up` started (recorded so that down, status and chaos agree with it).
replica_count() {
  if [ -f "$STATE/run/replicas" ]; then cat "$STATE/run/replicas"; else echo "${PROMETHEUS_REPLICAS:-1}"; fi
}

# Every instance of every service, first replicas first.
instances() { # [count]
  local count=${1:-$(replica_count)} svc
  for svc in "${SERVICES[@]}"; do echo "$svc"; done
  if [ "$count" -ge 2 ]; then
    for svc in "${SERVICES[@]}"; do echo "$svc-2"; done
  fi
}

instance_service() { echo "${1%-2}"; }

instance_port() {
  local svc; svc=$(instance_service "$1")
  if [ "$1" = "$svc" ]; then echo "${PORTS[$svc]}"; else echo $((PORTS[$svc] + REPLICA_PORT_OFFSET)); fi
}

# host:port of every replica of a service, comma separated (a Stork static address list).
replica_addresses() { # service
  local list="127.0.0.1:${PORTS[$1]}"
  [ "$(replica_count)" -ge 2 ] && list="$list,127.0.0.1:$((PORTS[$1] + REPLICA_PORT_OFFSET))"
  echo "$list"
}

# `up --replicas N`: N is 1 or 2 (two replicas on one machine is what the chaos phase needs).
parse_up_args() {
  local replicas=${PROMETHEUS_REPLICAS:-1}
  while [ $# -gt 0 ]; do
    case "$1" in
      --replicas) replicas=${2:-}; shift 2 || die "--replicas needs a number" ;;
      --replicas=*) replicas=${1#--replicas=}; shift ;;
      *) die "unknown option for up: $1" ;;
    esac
  done
  case "$replicas" in 1|2) ;; *) die "--replicas must be 1 or 2" ;; esac
  # A suite already running with another count keeps it: stop it first.
  if [ -f "$STATE/run/replicas" ] && [ "$(cat "$STATE/run/replicas")" != "$replicas" ] \
    && pid_alive "$STATE/run/tool-registry-service.pid"; then
    die "the suite runs with $(cat "$STATE/run/replicas") replica(s); bin/prometheus down first"
  fi
  echo "$replicas" >"$STATE/run/replicas"
}
