"""CPU per run of a running sandbox service: N trivial runs back to back through
POST /api/v1/executions on one keep-alive connection, with the service JVM's CPU (utime + stime of
/proc/PID/stat) and that of the child processes it waited for (cutime + cstime: launchers,
bubblewrap, interpreters) read before and after. Prints the figures as JSON; asserts nothing.

    python3 cpu_per_run.py URL TOKEN N PID [LANGUAGE]
"""
import http.client
import json
import os
import statistics
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from proc_cpu import cpu, threads  # noqa: E402

url, token, n, pid = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
language = sys.argv[5] if len(sys.argv) > 5 else "python"
code = {"python": "print(1)", "node": "console.log(1)", "bash": "echo 1"}[language]
parsed = urllib.parse.urlparse(url)
connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
body = json.dumps({"language": language, "code": code})


def starts():
    """Sandboxes the service started so far, from its metrics: (pool, cold)."""
    connection.request("GET", "/q/metrics")
    found = {"pool": 0.0, "cold": 0.0}
    for line in connection.getresponse().read().decode().splitlines():
        if line.startswith("prometheus_sandbox_starts_total{"):
            kind = line.split('kind="', 1)[1].split('"', 1)[0]
            found[kind] = float(line.rsplit(" ", 1)[1])
    return found["pool"], found["cold"]


def post():
    start = time.perf_counter()
    connection.request("POST", "/api/v1/executions", body=body, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    took = (time.perf_counter() - start) * 1000
    if response.status != 201:
        raise SystemExit("POST answered %d: %s" % (response.status, payload[:300]))
    result = json.loads(payload)
    if result["status"] != "OK":
        raise SystemExit("the run ended %s: %s" % (result["status"], payload[:300]))
    return took, result["usage"]["wallMs"], result["id"]


for _ in range(100):  # warm-up: class loading, JIT (its compilations would count), connection pools
    post()
time.sleep(2)  # the pool refilled, the warm-up's teardowns reaped
pool_before, cold_before = starts()
own_before, children_before = cpu(pid)
threads_before = threads(pid)
start = time.perf_counter()
http_ms, wall_ms, ids = [], [], []
for _ in range(n):
    took, wall, run_id = post()
    http_ms.append(took)
    wall_ms.append(wall)
    ids.append(run_id)
seconds = time.perf_counter() - start
own_after, children_after = cpu(pid)
threads_after = threads(pid)
pool_after, cold_after = starts()
# Where the JVM's CPU went, by thread (threads that ended meanwhile are missing).
by_thread = {name: round((ms - threads_before.get(name, 0)) / n, 2) for name, ms in threads_after.items()}
by_thread = dict(sorted(((k, v) for k, v in by_thread.items() if v >= 0.05), key=lambda kv: -kv[1]))
# Whether each ran warm, read afterwards (not measured).
warm = 0
for run_id in ids:
    connection.request("GET", "/api/v1/executions/" + run_id, headers=headers)
    warm += 1 if json.loads(connection.getresponse().read()).get("warm") else 0
print(json.dumps({"n": n, "warm": warm, "runsPerSecond": n / seconds,
                  "jvmMsPerRun": (own_after - own_before) / n,
                  "childrenMsPerRun": (children_after - children_before) / n,
                  "poolStartsPerRun": (pool_after - pool_before) / n, "coldStartsPerRun": (cold_after - cold_before) / n,
                  "httpP50": statistics.median(http_ms), "wallP50": statistics.median(wall_ms),
                  "jvmMsPerRunByThread": by_thread}))
