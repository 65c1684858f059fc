"""Invocation overhead through the registry: a trivial python tool, sequential then sustained.

Usage: invocation_bench.py REGISTRY SANDBOX ADMIN_TOKEN RUNNER_TOKEN RUNS SECONDS CALLER_TOKEN...

Sequential: RUNS calls through the registry, each followed by the same code sent straight to the
sandbox (POST /executions), so both see the same machine. Sustained: one thread per caller token
(each caller may hold only a few synchronous calls at once), each calling as fast as answers come,
for SECONDS. Connections are kept alive, as a real client's would be.
"""
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from server_timing import server_timing  # noqa: E402

registry, sandbox, admin, runner = sys.argv[1:5]
RUNS, SECONDS = int(sys.argv[5]), float(sys.argv[6])
callers = sys.argv[7:]
CODE = "import json,sys; print(json.dumps(json.load(sys.stdin)))"


class Client:
    """One kept-alive HTTP/1.1 connection."""

    def __init__(self, base):
        url = urllib.parse.urlparse(base)
        self.host, self.port = url.hostname, url.port
        self.connection = None
        self.timing = {}

    def post(self, path, token, body):
        data = json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            start = time.perf_counter()
            try:
                self.connection.request("POST", path, body=data, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
                continue
            self.timing = server_timing(response.getheader("Server-Timing"))
            return (time.perf_counter() - start) * 1000, response.status, json.loads(payload) if payload else {}


def database_counters():
    """Commits and rows written in the suite's database so far, when psql reaches it (else None)."""
    sql = ("select xact_commit, tup_inserted + tup_updated + tup_deleted from pg_stat_database"
           " where datname = current_database()")
    env = dict(os.environ, PGPASSWORD=os.environ.get("DB_PASSWORD", "prometheus"))
    try:
        out = subprocess.run(["psql", "-h", os.environ.get("DB_HOST", "127.0.0.1"), "-U", os.environ.get("DB_USER", "prometheus"),
                              "-d", os.environ.get("DB_NAME", "prometheus"), "-tAc", sql],
                             capture_output=True, text=True, env=env, timeout=10, check=True).stdout.strip()
        commits, rows = out.split("|")
        return int(commits), int(rows)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


# PostgreSQL publishes a backend's counters at the latest 10 s after it goes idle.
STATS_SETTLE = 11


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


name = f"bench_echo_{int(time.time())}"
status = Client(registry).post("/api/v1/tools", admin, {
    "name": name, "description": "echo for the invocation benchmark",
    "functionSignature": {"type": "object", "properties": {"q": {"type": "string"}}},
    "implementation": {"language": "python", "code": CODE}})[1]
assert status == 201, f"registering the tool answered {status}"
path = f"/api/v1/tools/{name}/invocations"

# Database work per invocation: the background rate (relay polls, schedules) is measured first, over
# the same kind of window, and taken off.
idle_before = database_counters()
idle_started = time.perf_counter()
if idle_before:
    time.sleep(STATS_SETTLE)
idle_after = database_counters()
idle_seconds = time.perf_counter() - idle_started
db_calls = Client(registry)
for i in range(10):
    db_calls.post(path, callers[0], {"arguments": {"q": "warm"}})
time.sleep(STATS_SETTLE if idle_before else 0)
db_before = database_counters()
db_started = time.perf_counter()
DB_CALLS = 100
for i in range(DB_CALLS):
    db_calls.post(path, callers[0], {"arguments": {"q": str(i)}})
if db_before:
    time.sleep(STATS_SETTLE)
db_after = database_counters()
db_seconds = time.perf_counter() - db_started

# Sequential.
to_registry, to_sandbox = Client(registry), Client(sandbox)


def direct_run(run):
    """A direct call's run time: to the microsecond from the sandbox's Server-Timing, else its cut usage.wallMs.
    (Through the registry only usage.wallMs comes back: the registry copies the sandbox's event stream.)"""
    return to_sandbox.timing.get("run", run["usage"]["wallMs"])


end_to_end, run_wall, direct, direct_wall, failures = [], [], [], [], []
# The registry's own account of its measured calls (its answer's Server-Timing), stage by stage.
stages, paced_stages = {}, {}


def keep_stages(into, timing):
    for stage, dur in timing.items():
        into.setdefault(stage, []).append(dur)


for i in range(RUNS + 20):
    ms, code, result = to_registry.post(path, callers[0], {"arguments": {"q": str(i)}})
    registry_timing = to_registry.timing
    if result.get("status") != "COMPLETED":
        failures.append(f"{code} {result.get('sandboxStatus') or result.get('title')}")
        continue
    d_ms, d_code, run = to_sandbox.post("/api/v1/executions", runner, {"language": "python", "code": CODE, "stdin": '{"q":"x"}'})
    if i < 20:
        continue  # warm-up: JIT, pools, the sandbox's warm interpreters
    end_to_end.append(ms)
    run_wall.append(result["usage"]["wallMs"])
    keep_stages(stages, registry_timing)
    direct.append(d_ms)
    if 200 <= d_code < 300 and run.get("usage"):
        direct_wall.append(direct_run(run))

# Paced: the same pair of calls with a pause after each, long enough for the warm pool's refill
# (a sandbox start, tens of ms of CPU) to finish before the next call. Back to back, that start shares
# the 2 cores with the next request; paced, the platform's own path is measured on idle cores.
PACED_RUNS, PACE = int(os.environ.get("PACED_RUNS", "60")), float(os.environ.get("PACE_MS", "300")) / 1000
paced_e2e, paced_wall, paced_direct, paced_direct_wall = [], [], [], []
for i in range(PACED_RUNS):
    time.sleep(PACE)
    ms, code, result = to_registry.post(path, callers[0], {"arguments": {"q": str(i)}})
    if result.get("status") == "COMPLETED":
        paced_e2e.append(ms)
        paced_wall.append(result["usage"]["wallMs"])
        keep_stages(paced_stages, to_registry.timing)
    time.sleep(PACE)
    d_ms, d_code, run = to_sandbox.post("/api/v1/executions", runner, {"language": "python", "code": CODE, "stdin": '{"q":"x"}'})
    if 200 <= d_code < 300 and run.get("usage"):
        paced_direct.append(d_ms)
        paced_direct_wall.append(direct_run(run))

# Sustained.
done, refused, errors = [0] * len(callers), [0] * len(callers), [0] * len(callers)
sustained_latency = []
stop_at = [0.0]


def load(index, token):
    client = Client(registry)
    n = 0
    while time.perf_counter() < stop_at[0]:
        try:
            ms, code, result = client.post(path, token, {"arguments": {"q": str(n)}})
        except Exception:
            errors[index] += 1
            continue
        n += 1
        if code == 200 and result.get("status") == "COMPLETED":
            done[index] += 1
            sustained_latency.append(ms)
        elif code == 429:
            refused[index] += 1
            time.sleep(0.05)
        else:
            errors[index] += 1


stop_at[0] = time.perf_counter() + SECONDS
threads = [threading.Thread(target=load, args=(i, t)) for i, t in enumerate(callers)]
started = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - started

p50_e2e, p50_wall, p50_direct = statistics.median(end_to_end), statistics.median(run_wall), statistics.median(direct)
print(f"Trivial python tool, {len(end_to_end)} sequential calls after 20 warm-up calls (ms)")
print()
print("| measured                                                | p50    | p95    | p99    |")
print("|---------------------------------------------------------|--------|--------|--------|")
rows = [("invocation end to end (client → registry → sandbox)", end_to_end),
        ("sandbox-reported run time of those invocations", run_wall),
        ("direct POST /executions to the sandbox, same code", direct),
        ("sandbox-reported run time of the direct runs", direct_wall)]
for label, values in rows:
    if values:
        print(f"| {label:<55} | {pct(values, 50):6.1f} | {pct(values, 95):6.1f} | {pct(values, 99):6.1f} |")
print()
print(f"platform overhead at p50 (end to end minus the sandbox-reported run): {p50_e2e - p50_wall:.1f} ms (target ≤ 5)")
print(f"  of which the registry (end to end minus a direct sandbox call):     {p50_e2e - p50_direct:.1f} ms")
if direct_wall:
    print(f"  the sandbox's REST path over its run (direct call minus its run):   "
          f"{p50_direct - statistics.median(direct_wall):.1f} ms")
if paced_e2e and paced_direct:
    e, w, d, dw = (statistics.median(v) for v in (paced_e2e, paced_wall, paced_direct, paced_direct_wall))
    print()
    print(f"paced, {len(paced_e2e)} calls each {PACE * 1000:.0f} ms after the last (the pool's refill done in between), p50: "
          f"end to end {e:.1f} ms, its run {w:.1f}; direct call {d:.1f}, its run {dw:.1f}")
    print(f"  platform overhead {e - w:.1f} ms (registry {e - d:.1f}, the sandbox's REST path over its run {d - dw:.1f})")
for label, kept in (("sequential", stages), ("paced", paced_stages)):
    if kept:
        print(f"  the registry's own stages, {label}, p50 (its Server-Timing; run is the sandbox's whole ms): "
              + ", ".join(f"{stage} {statistics.median(durs):.2f}" for stage, durs in kept.items()))
print()
if idle_before and idle_after and db_before and db_after:
    background = [(idle_after[k] - idle_before[k]) / idle_seconds for k in range(2)]
    per_call = [max(0.0, (db_after[k] - db_before[k] - background[k] * db_seconds) / DB_CALLS) for k in range(2)]
    print(f"database work per invocation ({DB_CALLS} sequential calls, whole suite: registry and sandbox, including "
          f"the outbox relays and event consumers; background of {background[0]:.1f} commits/s taken off): "
          f"{per_call[0]:.1f} commits, {per_call[1]:.1f} rows written")
else:
    print("database work per invocation: not measured (psql does not reach the database; set DB_HOST, DB_NAME, ...)")
total = sum(done)
print(f"sustained through the registry: {total / elapsed:.1f} invocations/s completed over {elapsed:.0f} s "
      f"with {len(callers)} concurrent callers (target ≥ 80); p50 {pct(sustained_latency, 50) if sustained_latency else 0:.0f} ms, "
      f"p95 {pct(sustained_latency, 95) if sustained_latency else 0:.0f} ms; {sum(refused)} refused with 429, {sum(errors)} errors")
if failures:
    print(f"{len(failures)} sequential invocations failed: {sorted(set(failures))}")
