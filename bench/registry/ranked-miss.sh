#!/usr/bin/env bash
# Ranked discovery searches that miss the listing cache, measured in PostgreSQL alone (issue 19):
# the statement ToolListingRepository builds for GET /tools?q=<two words>&page=<0..24> as a
# non-admin reader, with random words and pages, run by pgbench.
#   bench/registry/ranked-miss.sh [SECONDS] [CLIENTS]
# Needs psql and pgbench (Debian: postgresql-client) and a registry database holding tools
# (bench/registry/run.sh seeds them; its first argument is how many). DB_HOST, DB_PORT, DB_NAME,
# DB_USER, DB_PASSWORD as for the services; SCHEMA (default tool_registry). Prints the load
# average before and after: on a shared machine the figures move with it.
set -euo pipefail
SECONDS_PER_RUN=${1:-20}
CLIENTS=${2:-2}
SCHEMA=${SCHEMA:-tool_registry}
export PGPASSWORD=${DB_PASSWORD:-prometheus}
CONNECT=(-h "${DB_HOST:-127.0.0.1}" -p "${DB_PORT:-5432}" -U "${DB_USER:-prometheus}")
DB=${DB_NAME:-prometheus}
WORDS="array['weather','forecast','currency','convert','search','translate','summarize','calendar','email','invoice','geocode','stock','news','image','resize','sql','query','ticket','deploy','metrics']"
SCRIPT=$(mktemp)
trap 'rm -f "$SCRIPT"' EXIT
# Words and page drawn per query; literals, as the service's unnamed prepared statements are
# planned with their values.
cat > "$SCRIPT" <<SQL
\set a random(1, 20)
\set b random(1, 20)
\set p random(0, 24)
with ranked as materialized (select id, name, (ts_rank(search_vector, $SCHEMA.tool_search_query(($WORDS)[:a] || ' ' || ($WORDS)[:b]), 32)
    + case when lower(name) = ($WORDS)[:a] || ' ' || ($WORDS)[:b] then 10 when lower(name) like ($WORDS)[:a] || ' ' || ($WORDS)[:b] || '%' then 2 else 0 end)::float8 as score
  from $SCHEMA.tool_registry
  where status <> 'DELETED' and (owner = 'bench-reader' or acl_readers && '{*,bench-reader}')
    and (search_vector @@ $SCHEMA.tool_search_query(($WORDS)[:a] || ' ' || ($WORDS)[:b]) or lower(name) like ($WORDS)[:a] || ' ' || ($WORDS)[:b] || '%')
  order by score desc, name limit 21 offset :p * 20)
select tool.name, tool.description, tool.tags, tool.owner, tool.status, tool.status_reason, tool.current_version,
  tool.fingerprint, tool.function_signature::text, tool.mcp::text, tool.created_at, tool.updated_at, ranked.score
from ranked join $SCHEMA.tool_registry tool on tool.id = ranked.id order by ranked.score desc, ranked.name;
SQL
TOOLS=$(psql "${CONNECT[@]}" -d "$DB" -Atc "select count(*) from $SCHEMA.tool_registry where status <> 'DELETED'")
echo "ranked searches missing the cache, PostgreSQL alone: $TOOLS live tools, $CLIENTS clients, ${SECONDS_PER_RUN}s"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
pgbench "${CONNECT[@]}" -n -M simple -c "$CLIENTS" -j "$CLIENTS" -T "$SECONDS_PER_RUN" -f "$SCRIPT" "$DB" 2>&1 \
  | grep -E '^(latency average|tps)'
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
