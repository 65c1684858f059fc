#!/usr/bin/env bash
# Where the child-process CPU of one sandbox goes (ChildCpuBreakdown): the pooled python sandbox's
# exact command line, the same with one part left out (network namespace, pid namespace and init,
# seccomp filter, --disable-userns), its parts alone (sandbox-launch, the chain running /bin/true,
# the interpreter with its bootstrap) and bare processes (the floor: /bin/true, python3 -c pass with
# and without site), round-robin in one run. Prints a table; asserts nothing.
#
#   bench/sandbox/breakdown.sh             # 100 runs per row
#   RUNS=300 bench/sandbox/breakdown.sh
#
# Needs what bench/sandbox/run.sh needs (root, bubblewrap, python3); builds the module's classes first.
set -euo pipefail
BENCH_MAIN=ChildCpuBreakdown exec "$(dirname "${BASH_SOURCE[0]}")/run.sh"
