"""CPU per synchronous invocation of a trivial tool through a running suite: N invocations in
sequence on one keep-alive connection, with the CPU of the registry's JVM, the sandbox's JVM and
the sandbox's child processes (launchers, bubblewrap, interpreters) read from /proc before and
after, each JVM also by thread, and the TCP connections to the sandbox's port opened during the
batch (sockets from /proc/net/tcp before and after, closed ones still listed in TIME-WAIT; any
other client of that port counts too). Then the rest of what an invocation costs the machine: the
other processes named as LABEL=PID (the suite's other JVMs, the Kafka broker), every PostgreSQL
process (by name; on a shared server other databases' work counts too), and the whole machine's
busy CPU from /proc/stat (everything running, this client included), which bounds the invocations
per second the cores can sustain. Prints tables; asserts nothing.

    python3 cpu_per_invocation.py REGISTRY ADMIN_TOKEN CALLER_TOKEN N REGISTRY_PID SANDBOX_PID [SANDBOX_PORT] [LABEL=PID ...]
"""
import http.client
import json
import os
import statistics
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from proc_cpu import TICKS, cpu, threads  # noqa: E402

registry, admin, caller = sys.argv[1:4]
n, registry_pid, sandbox_pid = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
sandbox_port = int(sys.argv[7]) if len(sys.argv) > 7 else 8082
others = [(label, int(pid)) for label, pid in (arg.split("=", 1) for arg in sys.argv[8:])]
CODE = "import json,sys; print(json.dumps(json.load(sys.stdin)))"
parsed = urllib.parse.urlparse(registry)
connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)


def post(path, token, body):
    connection.request("POST", path, body=json.dumps(body),
                       headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"{}")


name = "bench_cpu_echo_%d" % int(time.time())
status, _ = post("/api/v1/tools", admin, {
    "name": name, "description": "echo for the CPU per invocation benchmark",
    "functionSignature": {"type": "object", "properties": {"q": {"type": "string"}}},
    "implementation": {"language": "python", "code": CODE}})
assert status == 201, "registering the tool answered %d" % status
path = "/api/v1/tools/%s/invocations" % name


def sockets(port):
    """{ephemeral port: state} of every TCP socket to or from port, seen from either end."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            local, remote = (int(a.rsplit(":", 1)[1], 16) for a in fields[1:3])
            if remote == port and local != port:
                found[local] = fields[3]
            elif local == port and remote != 0:
                found[remote] = fields[3]
    return found


def invoke(i):
    start = time.perf_counter()
    status, result = post(path, caller, {"arguments": {"q": str(i)}})
    took = (time.perf_counter() - start) * 1000
    if status != 200 or result.get("status") != "COMPLETED":
        raise SystemExit("invocation answered %d: %s" % (status, json.dumps(result)[:300]))
    return took, result["usage"]["wallMs"]


for i in range(150):  # warm-up: JIT, pools, warm interpreters
    invoke(i)


def postgres():
    """{pid: own CPU in ms} of every process named postgres."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/comm" % entry) as f:
                    if f.read().strip() == "postgres":
                        found[int(entry)] = cpu(int(entry))[0]
            except OSError:  # ended meanwhile
                pass
    return found


def machine():
    """(busy, all) CPU of the whole machine in ms, from /proc/stat (idle and iowait are not busy)."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) * 1000.0 / TICKS, sum(ticks) * 1000.0 / TICKS


time.sleep(2)
load = open("/proc/loadavg").read().split()[:3]
before = {pid: (cpu(pid), threads(pid)) for pid in (registry_pid, sandbox_pid)}
others_before = {pid: cpu(pid)[0] for _, pid in others}
postgres_before, machine_before = postgres(), machine()
sockets_before = sockets(sandbox_port)
started = time.perf_counter()
latency, wall = [], []
for i in range(n):
    took, ran = invoke(i)
    latency.append(took)
    wall.append(ran)
seconds = time.perf_counter() - started
after = {pid: (cpu(pid), threads(pid)) for pid in (registry_pid, sandbox_pid)}
others_after = {pid: cpu(pid)[0] for _, pid in others}
postgres_after, machine_after = postgres(), machine()
sockets_after = sockets(sandbox_port)
load_after = open("/proc/loadavg").read().split()[:3]


def per(pid, index):
    return (after[pid][0][index] - before[pid][0][index]) / n


def by_thread(pid):
    deltas = {k: (v - before[pid][1].get(k, 0)) / n for k, v in after[pid][1].items()}
    return ", ".join("%s %.2f" % kv for kv in sorted(deltas.items(), key=lambda kv: -kv[1]) if kv[1] >= 0.1)


registry_ms, sandbox_ms, processes_ms = per(registry_pid, 0), per(sandbox_pid, 0), per(sandbox_pid, 1)
print("CPU per synchronous invocation, %d in sequence; load average %s at the start, %s at the end"
      % (n, " ".join(load), " ".join(load_after)))
print()
print("| registry JVM | sandbox JVM | sandbox processes | total | p50 end to end | p50 run (wallMs) | invocations/s |")
print("|---:|---:|---:|---:|---:|---:|---:|")
print("| %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.0f ms | %.1f |" % (
    registry_ms, sandbox_ms, processes_ms, registry_ms + sandbox_ms + processes_ms,
    statistics.median(latency), statistics.median(wall), n / seconds))
print()
print("registry by thread (ms): " + by_thread(registry_pid))
print("sandbox by thread (ms): " + by_thread(sandbox_pid))
TIME_WAIT = "06"
print("connections to the sandbox (:%d) opened during the batch: %d; in TIME-WAIT at its end: %d (before it: %d)%s" % (
    sandbox_port, len(set(sockets_after) - set(sockets_before)),
    sum(1 for state in sockets_after.values() if state == TIME_WAIT),
    sum(1 for state in sockets_before.values() if state == TIME_WAIT),
    "" if seconds < 60 else "; the batch outlasted TIME-WAIT's 60 s, so closed connections may be missed"))

# Backends that lived through the whole batch; one that came or went meanwhile is left out.
postgres_ms = sum(postgres_after[pid] - postgres_before[pid] for pid in postgres_after if pid in postgres_before) / n
busy_ms = (machine_after[0] - machine_before[0]) / n
cores = (machine_after[1] - machine_before[1]) / (seconds * 1000.0)
print()
print("The rest of the machine per invocation, same batch:")
print()
print("| " + " | ".join([label for label, _ in others] + ["PostgreSQL", "machine, all processes", "cores' bound"]) + " |")
print("|" + "---:|" * (len(others) + 3))
print("| " + " | ".join(["%.1f ms" % ((others_after[pid] - others_before[pid]) / n) for _, pid in others]
                        + ["%.1f ms" % postgres_ms, "%.1f ms" % busy_ms,
                           "%.0f invocations/s" % (cores * 1000.0 / busy_ms if busy_ms > 0 else float("inf"))]) + " |")
