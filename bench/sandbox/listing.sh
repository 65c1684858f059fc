#!/usr/bin/env bash
# A caller's execution listing (GET /executions without sandbox:admin: "principal = me or
# on_behalf_of = me", newest first, one page) over many rows, with and without the on_behalf_of
# index (V7). The sandbox's own migrations build the table in a scratch schema of DB_NAME; ROWS runs
# are seeded, nine in ten made by the registry on behalf of one of 50 callers, one in ten direct,
# plus a rare caller with 40 runs a month old. Each query runs REPEAT times; the table prints the
# p50 and p95 of PostgreSQL's execution time and the plan's top scan. The "without" arm drops the
# index inside a transaction that is rolled back. Asserts nothing; drops the schema at the end.
#
#   bench/sandbox/listing.sh            # 400,000 rows
#   ROWS=1000000 REPEAT=50 bench/sandbox/listing.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DB=${DB_NAME:-prometheus}
ROWS=${ROWS:-400000}
REPEAT=${REPEAT:-20}
SCHEMA=bench_listing_$$
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "${DB_HOST:-127.0.0.1}" -U "${DB_USER:-postgres}" -d "$DB")
trap '"${PSQL[@]}" -c "drop schema if exists $SCHEMA cascade" >/dev/null 2>&1 || true' EXIT

"${PSQL[@]}" -c "create schema $SCHEMA"
for migration in $(ls "$ROOT"/sandbox-service/src/main/resources/db/migration/V*.sql | sort -V); do
  (echo "set search_path to $SCHEMA;"; cat "$migration") | "${PSQL[@]}" >/dev/null
done
"${PSQL[@]}" <<SQL
set search_path to $SCHEMA;
insert into executions (id, source, language, status, limit_cpu_ms, limit_wall_ms, limit_memory_mb,
    limit_max_processes, limit_output_bytes, limit_disk_mb, principal, on_behalf_of, code, code_sha256,
    code_bytes, stdin_bytes, created_at)
select gen_random_uuid(), 'api', 'python', 'OK', 5000, 10000, 256, 32, 65536, 16,
       case when g % 10 = 0 then 'caller-' || (g % 50) else 'tool-registry-service' end,
       case when g % 10 = 0 then null else 'caller-' || (g % 50) end,
       'print(1)', repeat('0', 64), 8, 0, now() - make_interval(secs => g)
from generate_series(1, $ROWS) g;
insert into executions (id, source, language, status, limit_cpu_ms, limit_wall_ms, limit_memory_mb,
    limit_max_processes, limit_output_bytes, limit_disk_mb, principal, on_behalf_of, code, code_sha256,
    code_bytes, stdin_bytes, created_at)
select gen_random_uuid(), 'api', 'python', 'OK', 5000, 10000, 256, 32, 65536, 16,
       'tool-registry-service', 'rare-caller', 'print(1)', repeat('0', 64), 8, 0,
       now() - interval '30 days' - make_interval(secs => g)
from generate_series(1, 40) g;
vacuum analyze executions;
SQL

measure() { # arm, caller, then a statement to run first inside the transaction (or nothing)
  local query="select * from $SCHEMA.executions where (principal = '$2' or on_behalf_of = '$2')
      order by created_at desc, id desc offset 0 limit 21"
  {
    echo "begin;"
    [ -n "${3:-}" ] && echo "$3;"
    for _ in $(seq "$REPEAT"); do echo "explain (analyze, format json) $query;"; done
    echo "rollback;"
  } | "${PSQL[@]}" -t -A | python3 -c '
import json, statistics, sys
times, scans = [], set()
text, decoder, at = sys.stdin.read(), json.JSONDecoder(), 0
while (at := text.find("[", at)) >= 0:
    plans, at = decoder.raw_decode(text, at)
    plan = plans[0]
    times.append(plan["Execution Time"])
    node = plan["Plan"]
    while node.get("Plans") and node["Node Type"] in ("Limit", "Sort", "Gather Merge", "Gather"):
        node = node["Plans"][0]
    scans.add(node["Node Type"] + (" on " + node["Index Name"] if "Index Name" in node else ""))
times.sort()
print("| %s | %s | %.3f | %.3f | %s |" % (sys.argv[1], sys.argv[2], statistics.median(times),
      times[int(0.95 * (len(times) - 1))], ", ".join(sorted(scans))))' "$1" "$2"
}
echo "| arm | caller | p50 ms | p95 ms | plan's scan |"
echo "|---|---|---:|---:|---|"
for caller in rare-caller caller-7; do
  measure "without the on_behalf_of index" "$caller" "drop index $SCHEMA.executions_on_behalf_of_created_idx"
  measure "with it (V7)" "$caller"
done
