#!/usr/bin/env bash
# Where the CPU of one sandbox start goes (StartCost), for python, node and bash: bare processes
# (the floor: /bin/true, the bare interpreter, the interpreter with the service's flags and
# bootstrap), the sandbox exactly as the service starts a pooled one (its launcher's command line
# and the cgroup placement), the same without cgroups, and the isolation chain running /bin/true
# with one feature left out at a time (network namespace, init, pid namespace, seccomp,
# --disable-userns, the run's own tmpfs, /proc, the /dev view, the /etc binds). Batches of each
# row interleaved over several rounds; per start: child-process CPU (user and system), the
# spawning JVM thread's CPU, kernel threads' CPU (namespace and cgroup teardown runs there) and
# irq/softirq time net of an idle baseline measured in the same run, page faults, wall p50.
# Prints a table with the load average; asserts nothing.
#
#   bench/sandbox/start-cost.sh                           # 5 rounds × 20 starts per row
#   ROUNDS=8 BATCH=25 LANGUAGES=python bench/sandbox/start-cost.sh
#   BENCH_SKIP_BUILD=true bench/sandbox/start-cost.sh     # reuse the module's last build
#   ROWS="sandbox python" ROUNDS=20 bench/sandbox/start-cost.sh   # only the rows whose name matches (a regex)
#
# Needs what bench/sandbox/run.sh needs (root, bubblewrap, the interpreters); sandboxes run as uids
# from BENCH_UID_BASE (default 720000) with their own state directory.
set -euo pipefail
STATE=$(mktemp -d)
chmod 711 "$STATE" # sandboxes run as their own uids and mount files from the state directory
trap 'rm -rf "$STATE"' EXIT
BENCH_MAIN=StartCost BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-} -Drounds=${ROUNDS:-5} -Dbatch=${BATCH:-20} \
  -DsettleMs=${SETTLE_MS:-300} -Dsandbox.state-dir=$STATE -Dsandbox.isolation.uid-base=${BENCH_UID_BASE:-720000}" \
  "$(dirname "${BASH_SOURCE[0]}")/run.sh"
