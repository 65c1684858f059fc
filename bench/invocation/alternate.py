"""Two (or more) registries compared in alternating batches: the same trivial python tool invoked
synchronously through each, batch after batch, the order swapped every round, so a change of load
on the machine falls on both. Each registry is a JVM of its own (e.g. the build before and after a
change, on databases of their own) and may share one sandbox. Prints, per registry, the CPU of its
JVM per invocation (from /proc, each batch), its event loop's share, and the end-to-end p50 and the
p50 of end to end minus the run time the sandbox reports, and the p50 of each stage a registry names
in its answers' Server-Timing header (builds that have one). Asserts nothing.

    python3 alternate.py ADMIN_TOKEN CALLER_TOKEN NAME=URL=PID [NAME=URL=PID ...]
        [--warm N] [--batch N] [--rounds N] [--pace-ms MS]

Warm-up matters: a JVM through a few hundred invocations spends half of its time in the JIT, so
each registry runs --warm invocations (default 2000) before the first batch.
"""
import argparse
import http.client
import json
import os
import statistics
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from proc_cpu import cpu, threads  # noqa: E402
from server_timing import server_timing  # noqa: E402

CODE = "import json,sys; print(json.dumps(json.load(sys.stdin)))"


class Registry:
    def __init__(self, spec, admin, caller):
        self.name, url, pid = spec.split("=")
        self.pid = int(pid)
        parsed = urllib.parse.urlparse(url)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        self.admin, self.caller = admin, caller
        self.cpu, self.loop, self.e2e, self.overhead, self.loads = [], [], [], [], []
        self.stages, self.timing = {}, {}
        tool = "bench_alt_echo_%d" % int(time.time() * 1000)
        status, body = self.post("/api/v1/tools", admin, {
            "name": tool, "description": "echo for the alternating invocation benchmark",
            "functionSignature": {"type": "object", "properties": {"q": {"type": "string"}}},
            "implementation": {"language": "python", "code": CODE}})
        assert status == 201, "registering the tool on %s answered %d: %s" % (self.name, status, body)
        self.path = "/api/v1/tools/%s/invocations" % tool

    def post(self, path, token, body):
        self.connection.request("POST", path, body=json.dumps(body),
                                headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        response = self.connection.getresponse()
        self.timing = server_timing(response.getheader("Server-Timing"))
        return response.status, json.loads(response.read() or b"{}")

    def invoke(self, i):
        start = time.perf_counter()
        status, result = self.post(self.path, self.caller, {"arguments": {"q": str(i)}})
        took = (time.perf_counter() - start) * 1000
        if status != 200 or result.get("status") != "COMPLETED":
            raise SystemExit("%s answered %d: %s" % (self.name, status, json.dumps(result)[:300]))
        return took, result["usage"]["wallMs"]

    def batch(self, n, pace):
        load = open("/proc/loadavg").read().split()[0]
        own, by_thread = cpu(self.pid)[0], threads(self.pid)
        took, overhead = [], []
        for i in range(n):
            ms, wall = self.invoke(i)
            took.append(ms)
            overhead.append(ms - wall)
            for stage, dur in self.timing.items():
                self.stages.setdefault(stage, []).append(dur)
            time.sleep(pace)
        after = threads(self.pid)
        self.cpu.append((cpu(self.pid)[0] - own) / n)
        loop = sum(v - by_thread.get(k, 0) for k, v in after.items() if k.startswith("vert.x-eventlo"))
        self.loop.append(loop / n)
        self.e2e.append(statistics.median(took))
        self.overhead.append(statistics.median(overhead))
        self.loads.append(load)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("admin")
    parser.add_argument("caller")
    parser.add_argument("registries", nargs="+")
    parser.add_argument("--warm", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--pace-ms", type=float, default=100)
    args = parser.parse_args()
    registries = [Registry(spec, args.admin, args.caller) for spec in args.registries]
    for registry in registries:
        for i in range(args.warm):
            registry.invoke(i)
    print("load average after warm-up: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    for r in range(args.rounds):
        for registry in (registries if r % 2 == 0 else list(reversed(registries))):
            registry.batch(args.batch, args.pace_ms / 1000)
    print("load average at the end: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    print()
    print("| registry | JVM CPU ms/invocation, per batch | median | event loop, median | p50 end to end | p50 end to end − run | loads at batch start |")
    print("|---|---|---:|---:|---:|---:|---|")
    for reg in registries:
        print("| %s | %s | %.2f | %.2f | %.2f ms | %.2f ms | %s |" % (
            reg.name, " ".join("%.1f" % c for c in reg.cpu), statistics.median(reg.cpu), statistics.median(reg.loop),
            statistics.median(reg.e2e), statistics.median(reg.overhead), " ".join(reg.loads)))
    print()
    for reg in registries:
        if reg.stages:
            print("%s: its Server-Timing stages over all batches, p50 ms: %s" % (reg.name, ", ".join(
                "%s %.3f" % (stage, statistics.median(durs)) for stage, durs in reg.stages.items())))


if __name__ == "__main__":
    main()
