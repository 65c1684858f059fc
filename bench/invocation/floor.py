"""The floor under an invocation's platform overhead on this machine: what one HTTP round trip to
each service and one PostgreSQL statement cost, back to back and paced (each call PACE_MS after the
last, as bench/invocation/run.sh's paced figure is taken). A paced call finds every thread on its
way idle, so it also pays each one's wake-up; the difference between the two columns is that
price. A synchronous invocation crosses two HTTP round trips (caller to registry, registry to
sandbox) and four statements on its path (admission, the sandbox's claim and completion, the
record), so those figures, added up, are a floor its overhead cannot go below with this design.
Prints a table; asserts nothing.

    python3 floor.py REGISTRY SANDBOX ADMIN_TOKEN CALLER_TOKEN PSQL_URL [CALLS] [PACE_MS] [PACED_OVERHEAD_MS]

With PACED_OVERHEAD_MS (bench/invocation/run.sh passes its paced figure) it also prints that
overhead as a multiple of the floor.
"""
import http.client
import json
import statistics
import subprocess
import sys
import time
import urllib.parse

registry, sandbox, admin, caller, database = sys.argv[1:6]
calls = int(sys.argv[6]) if len(sys.argv) > 6 else 200
pace = int(sys.argv[7]) if len(sys.argv) > 7 else 300
compared = float(sys.argv[8]) if len(sys.argv) > 8 and sys.argv[8] else None
paced_calls = max(20, calls // 4)


def connection(base):
    parsed = urllib.parse.urlparse(base)
    return http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)


def timed_get(conn, path, token=None):
    headers = {"Authorization": "Bearer " + token} if token else {}
    start = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    took = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise SystemExit("GET %s answered %d" % (path, response.status))
    return took


def http_figures(base, path, token=None):
    conn = connection(base)
    for _ in range(50):  # warm-up: connection, JIT, caches
        timed_get(conn, path, token)
    back_to_back = [timed_get(conn, path, token) for _ in range(calls)]
    paced = []
    for _ in range(paced_calls):
        time.sleep(pace / 1000.0)
        paced.append(timed_get(conn, path, token))
    return statistics.median(back_to_back), statistics.median(paced)


def statement_figures():
    """SELECT 1 on one psql session, timed by psql (\\timing): back to back, then each after a
    shell's sleep, so the backend waited idle in between."""
    script = ["\\timing on"] + ["select 1;"] * (50 + calls)
    script += ["\\! sleep %.3f\nselect 1;" % (pace / 1000.0)] * paced_calls
    out = subprocess.run(["psql", "-X", "-q", "-A", "-t", database], input="\n".join(script),
                         capture_output=True, text=True, check=True).stdout
    times = [float(line.split()[1]) for line in out.splitlines() if line.startswith("Time:")]
    return statistics.median(times[50:50 + calls]), statistics.median(times[50 + calls:])


parsed = urllib.parse.urlparse(registry)
admin_conn = connection(registry)
tool = "bench_floor_%d" % int(time.time() * 1000)
admin_conn.request("POST", "/api/v1/tools", body=json.dumps({
    "name": tool, "description": "a tool read by the floor benchmark",
    "functionSignature": {"type": "object", "properties": {}},
    "implementation": {"language": "python", "code": "print(1)"}}),
    headers={"Authorization": "Bearer " + admin, "Content-Type": "application/json"})
created = admin_conn.getresponse()
created.read()
if created.status != 201:
    raise SystemExit("registering the tool answered %d" % created.status)

load = open("/proc/loadavg").read().split()[:3]
rows = [
    ("registry: liveness (HTTP alone)", http_figures(registry, "/q/health/live")),
    ("registry: one tool read (HTTP, token check, cached read)", http_figures(registry, "/api/v1/tools/" + tool, caller)),
    ("sandbox: liveness (HTTP alone)", http_figures(sandbox, "/q/health/live")),
    ("PostgreSQL: SELECT 1 on an open session", statement_figures()),
]
load_after = open("/proc/loadavg").read().split()[:3]
print("The floor of one round trip, %d back to back and %d paced %d ms apart; load average %s at the start, %s at the end"
      % (calls, paced_calls, pace, " ".join(load), " ".join(load_after)))
print()
print("| round trip | p50 back to back | p50 paced | paced − back to back |")
print("|---|---:|---:|---:|")
for name, (b2b, paced) in rows:
    print("| %s | %.2f ms | %.2f ms | %.2f ms |" % (name, b2b, paced, paced - b2b))
http_paced = rows[1][1][1] + rows[2][1][1]
sql_paced = rows[3][1][1]
print()
print("an invocation's path, paced: 2 HTTP round trips (%.2f ms, the tool read and the sandbox's liveness)"
      " + 4 statements (%.2f ms) = %.2f ms before any of its own work" % (http_paced, 4 * sql_paced, http_paced + 4 * sql_paced))
if compared is not None:
    print("the paced platform overhead measured in the same run, %.1f ms, is %.2f× this floor (proposed target: ≤ 2×)"
          % (compared, compared / (http_paced + 4 * sql_paced)))
