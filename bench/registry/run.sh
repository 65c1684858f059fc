#!/usr/bin/env bash
# Tool registry benchmark. Needs the suite running (bin/prometheus up) and wrk (Debian: wrk).
#   bench/registry/run.sh [TOOLS] [SECONDS]
# Seeds TOOLS tools (default 10000; 0 reuses an earlier run's) through the REST API, analyzes the
# table when psql reaches the database (DB_HOST, DB_NAME, ...), then measures with wrk (2 threads,
# 16 connections):
#   - the floor: GET /api/v1/bench/floor, one bare indexed query through the same HTTP stack,
#     token check and connection pool (the registry must run with REGISTRY_BENCH_FLOOR_ENDPOINT=true;
#     without it the floor and the ratios are left out);
#   - reading one tool, ranked discovery, a tag filter with a sort, an owner filter, the same
#     listings for a non-admin token with targeted grants, and ranked searches that change at
#     every request (words and pages drawn at random: mostly cache misses);
# each next to the figure measured before issue 19 and as a ratio to the floor measured at the
# start of this run (the machine is shared: the ratio is the figure to compare between runs; the
# floor is measured again at the end to show how much the machine drifted). Then end to end
# latency of a trivial python tool invocation next to the sandbox's own run time.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOOLS=${1:-10000}
SECONDS_PER_RUN=${2:-20}
REGISTRY=${REGISTRY_URL:-http://127.0.0.1:8081}
SANDBOX=${SANDBOX_URL:-http://127.0.0.1:8082}
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)"; exit 1; }
curl -sf "$REGISTRY/q/health/ready" >/dev/null || { echo "the registry is not ready: run bin/prometheus up"; exit 1; }

ADMIN=$(bin/prometheus token --sub bench-admin --groups admin --ttl 2h)
READER=$(bin/prometheus token --sub bench-reader --scope "tools:read tools:invoke" --ttl 2h)
# Targeted grants: only tools whose names start with bench_, plus a group for the ACL check.
TARGETED=$(bin/prometheus token --sub bench-agent --groups bench-team --scope "tools:read:bench_* tools:invoke:bench_*" --ttl 2h)
RUNNER=$(bin/prometheus token --sub bench-runner --scope "sandbox:execute" --ttl 2h)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# TOOLS=0 measures the tools an earlier run seeded.
python3 bench/registry/seed.py "$REGISTRY" "$ADMIN" "$TOOLS" > "$WORK/seed.txt"
SAMPLE=$(head -1 "$WORK/seed.txt")
if [ -z "$SAMPLE" ]; then
  SAMPLE=$(curl -sf -H "Authorization: Bearer $ADMIN" "$REGISTRY/api/v1/tools?tag=bench&size=1" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["name"])')
fi
pg() { PGPASSWORD=${DB_PASSWORD:-prometheus} psql -h "${DB_HOST:-127.0.0.1}" -U "${DB_USER:-prometheus}" -d "${DB_NAME:-prometheus}" "$@"; }
REGISTERED=$(pg -tAc "select count(*) from tool_registry.tool_registry where status <> 'DELETED'" 2>/dev/null || wc -l < "$WORK/seed.txt")
# Fresh statistics, as autovacuum would gather after a bulk load (it is off on some development
# machines, and without statistics the planner guesses every filter wrong).
if pg -qc "analyze tool_registry.tool_registry" 2>/dev/null; then
  ANALYZED="yes"
else
  ANALYZED="no (psql unavailable; figures depend on autovacuum having analyzed the table)"
fi

auth_script() { # file token [extra lua]
  printf 'wrk.headers["Authorization"] = "Bearer %s"\n%s\n' "$2" "${3:-}" > "$1"
}
auth_script "$WORK/reader.lua" "$READER"
auth_script "$WORK/targeted.lua" "$TARGETED"
# A ranked search whose words and page change at every request.
auth_script "$WORK/varied.lua" "$READER" '
local words = {"weather", "forecast", "currency", "convert", "search", "translate", "summarize", "calendar", "email",
  "invoice", "geocode", "stock", "news", "image", "resize", "sql", "query", "ticket", "deploy", "metrics"}
math.randomseed(os.time())
request = function()
  local q = words[math.random(#words)] .. "%20" .. words[math.random(#words)]
  return wrk.format("GET", "/api/v1/tools?q=" .. q .. "&size=20&page=" .. math.random(0, 24))
end'

# Figures measured before issue 19 (10,000 tools, same wrk settings), for comparison.
declare -A BEFORE=(
  ["GET /tools/{name}"]="478"
  ["GET /tools?q=forecast (ranked search)"]="87"
  ["GET /tools?tag=bench&sort=name"]="70"
)

FLOOR_RPS=""
measure() { # label path script
  wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" --latency -s "$3" "$REGISTRY$2" > "$WORK/wrk.txt"
  local rps p50 p99 non2xx ratio
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
  non2xx=$(awk '/Non-2xx/ {print $4}' "$WORK/wrk.txt")
  ratio="n/a"
  [ -n "$FLOOR_RPS" ] && ratio=$(awk -v a="$rps" -v b="$FLOOR_RPS" 'BEGIN {printf "%.2f", a / b}')
  printf '| %-44s | %9s | %8s | %9s | %9s | %8s | %6s |\n' "$1" "${BEFORE[$1]:--}" "$rps" "$ratio" "$p50" "$p99" "${non2xx:-0}"
  # The floor is measured first and last; ratios use the first (printed again at the end to show the drift).
  [ "$1" = "floor: one indexed query" ] && [ -z "$FLOOR_RPS" ] && FLOOR_RPS=$rps
  return 0
}

# Warm-up (JIT, connection pool), not reported.
wrk -t2 -c16 -d5s -s "$WORK/reader.lua" "$REGISTRY/api/v1/bench/floor?name=$SAMPLE" >/dev/null
wrk -t2 -c16 -d5s -s "$WORK/reader.lua" "$REGISTRY/api/v1/tools?q=forecast&size=20" >/dev/null
wrk -t2 -c16 -d5s -s "$WORK/targeted.lua" "$REGISTRY/api/v1/tools/$SAMPLE" >/dev/null

echo
echo "Registry with ${REGISTERED// /} live tools, $(wc -l < "$WORK/seed.txt") seeded by this run (wrk, 2 threads, 16 connections, ${SECONDS_PER_RUN}s each); table analyzed: $ANALYZED"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-44s | %9s | %8s | %9s | %9s | %8s | %6s |\n' "request" "before/s" "req/s" "÷ floor" "p50" "p99" "non-2xx"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "----------------------------------------------" "-----------" "----------" "-----------" "-----------" "----------" "--------"
if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $READER" "$REGISTRY/api/v1/bench/floor?name=$SAMPLE")" = 200 ]; then
  measure "floor: one indexed query" "/api/v1/bench/floor?name=$SAMPLE" "$WORK/reader.lua"
else
  echo "| (no floor: start the registry with REGISTRY_BENCH_FLOOR_ENDPOINT=true)   |"
fi
measure "GET /tools/{name}" "/api/v1/tools/$SAMPLE" "$WORK/reader.lua"
measure "GET /tools?q=forecast (ranked search)" "/api/v1/tools?q=forecast&size=20" "$WORK/reader.lua"
measure "GET /tools?tag=bench&sort=name" "/api/v1/tools?tag=bench&sort=name&size=20" "$WORK/reader.lua"
measure "GET /tools?owner=bench-admin&sort=-created" "/api/v1/tools?owner=bench-admin&sort=-created&size=20" "$WORK/reader.lua"
measure "targeted grants: q=forecast" "/api/v1/tools?q=forecast&size=20" "$WORK/targeted.lua"
measure "targeted grants: tag=bench&sort=name" "/api/v1/tools?tag=bench&sort=name&size=20" "$WORK/targeted.lua"
measure "ranked search, words and page vary (misses)" "/api/v1/tools" "$WORK/varied.lua"
[ -n "$FLOOR_RPS" ] && measure "floor: one indexed query" "/api/v1/bench/floor?name=$SAMPLE" "$WORK/reader.lua"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 bench/registry/invoke_latency.py "$REGISTRY" "$SANDBOX" "$ADMIN" "$READER" "$RUNNER"
