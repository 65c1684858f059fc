"""Two (or more) registries compared in alternating batches: the same trivial python tool invoked
synchronously through each, batch after batch, the order swapped every round, so a change of load
on the machine falls on both. Each registry is a JVM of its own (e.g. the build before and after a
change, on databases of their own) and may share one sandbox, or each have a sandbox of its own
(a pair: then give the sandbox's JVM pid too, and its CPU is read as the registry's). Prints, per
registry, the CPU of its JVM per invocation (from /proc, each batch), its event loop's share, and
the end-to-end p50 and the p50 of end to end minus the run time the sandbox reports (each batch's
and their median), and the p50 of each stage a registry names in its answers' Server-Timing header
(builds that have one); with a pair's sandbox, the same CPU figures of the sandbox's JVM. Then, for
every JVM given, the CPU its JIT compiler threads used in the warm-up and in the batches, and its
resident memory at the end (huge pages among it). Asserts nothing.

    python3 alternate.py ADMIN_TOKEN CALLER_TOKEN NAME=URL=PID[=SANDBOX_PID] [...]
        [--warm N] [--warm-together] [--batch N] [--rounds N] [--pace-ms MS]

Warm-up matters: a JVM through a few hundred invocations spends half of its time in the JIT, and C2
is still compiling after a few thousand, so each registry runs --warm invocations (default 2000)
before the first batch, one registry after the other, or with --warm-together all at once (a
caller each), so that the warm-ups share the machine's load and end together.
"""
import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from proc_cpu import cpu, threads  # noqa: E402
from server_timing import server_timing  # noqa: E402

CODE = "import json,sys; print(json.dumps(json.load(sys.stdin)))"


LOOP = "vert.x-eventlo"  # the event loops' thread names, as /proc cuts them
COMPILERS = ("C1 CompilerThre", "C2 CompilerThre")


def load_average():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def memory(pid):
    """Resident memory of a process and, of it, the anonymous memory in transparent huge pages, in MB."""
    fields = {}
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if value.strip().endswith("kB"):
                fields[key] = int(value.split()[0]) / 1024.0
    return fields.get("Rss", 0), fields.get("AnonHugePages", 0)


class Jvm:
    """A JVM whose CPU is read per batch: its own (no child processes), its event loops', its JIT's."""

    def __init__(self, pid):
        self.pid = pid
        self.cpu, self.loop = [], []
        self.jit = {}  # phase -> ms of its compiler threads

    def mark(self):
        return cpu(self.pid)[0], threads(self.pid)

    def since(self, mark, n):
        own, before = mark
        after = threads(self.pid)
        self.cpu.append((cpu(self.pid)[0] - own) / n)
        self.loop.append(sum(v - before.get(k, 0) for k, v in after.items() if k.startswith(LOOP)) / n)

    def compiled(self):
        by_thread = threads(self.pid)
        return sum(by_thread.get(name, 0) for name in COMPILERS)

    def cells(self):
        """Its table cells: CPU per invocation of each batch, their median, the event loops' median."""
        return "%s | %.2f | %.2f" % (" ".join("%.1f" % c for c in self.cpu), statistics.median(self.cpu),
                                     statistics.median(self.loop))


class Registry:
    def __init__(self, spec, admin, caller):
        self.name, url, pid, *sandbox = spec.split("=")
        self.pid = int(pid)
        self.jvm = Jvm(self.pid)
        self.sandbox = Jvm(int(sandbox[0])) if sandbox else None
        parsed = urllib.parse.urlparse(url)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        self.admin, self.caller = admin, caller
        self.e2e, self.overhead, self.loads = [], [], []
        self.failed = None
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

    def jvms(self):
        return [("registry", self.jvm)] + ([("sandbox", self.sandbox)] if self.sandbox else [])

    def compiled(self, phase):
        """Adds each JVM's JIT CPU since the last call to the phase's."""
        for _, jvm in self.jvms():
            total = jvm.compiled()
            jvm.jit[phase] = total - sum(jvm.jit.values())

    def warm(self, n):
        started = time.time()
        for i in range(n):
            try:
                self.invoke(i)
            except (SystemExit, OSError) as failure:  # in a warm-up thread, ending it would go unseen
                self.failed = "%s, warm-up invocation %d: %s" % (self.name, i + 1, failure)
                return
            if (i + 1) % 2000 == 0:
                print("%s: %d warm-up invocations in %.0f s, load average %s"
                      % (self.name, i + 1, time.time() - started, load_average()), flush=True)

    def batch(self, n, pace):
        load = open("/proc/loadavg").read().split()[0]
        marks = [jvm.mark() for _, jvm in self.jvms()]
        took, overhead = [], []
        for i in range(n):
            ms, wall = self.invoke(i)
            took.append(ms)
            overhead.append(ms - wall)
            for stage, dur in self.timing.items():
                self.stages.setdefault(stage, []).append(dur)
            time.sleep(pace)
        for (_, jvm), mark in zip(self.jvms(), marks):
            jvm.since(mark, n)
        self.e2e.append(statistics.median(took))
        self.overhead.append(statistics.median(overhead))
        self.loads.append(load)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("admin")
    parser.add_argument("caller")
    parser.add_argument("registries", nargs="+")
    parser.add_argument("--warm", type=int, default=2000)
    parser.add_argument("--warm-together", action="store_true")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--pace-ms", type=float, default=100)
    args = parser.parse_args()
    registries = [Registry(spec, args.admin, args.caller) for spec in args.registries]
    for registry in registries:
        registry.compiled("start")
    print("load average before the warm-up: %s" % load_average(), flush=True)
    started = time.time()
    if args.warm_together:
        callers = [threading.Thread(target=registry.warm, args=(args.warm,)) for registry in registries]
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join()
    else:
        for registry in registries:
            registry.warm(args.warm)
    for registry in registries:
        if registry.failed:
            raise SystemExit(registry.failed)
        registry.compiled("warm-up")
    print("load average after the warm-up (%.0f s): %s" % (time.time() - started, load_average()), flush=True)
    for r in range(args.rounds):
        for registry in (registries if r % 2 == 0 else list(reversed(registries))):
            registry.batch(args.batch, args.pace_ms / 1000)
    for registry in registries:
        registry.compiled("batches")
    print("load average at the end: %s" % load_average())
    print()
    print("| registry | JVM CPU ms/invocation, per batch | median | event loop, median | p50 end to end | p50 end to end − run, per batch | median | loads at batch start |")
    print("|---|---|---:|---:|---:|---|---:|---|")
    for reg in registries:
        print("| %s | %s | %.2f ms | %s | %.2f ms | %s |" % (
            reg.name, reg.jvm.cells(), statistics.median(reg.e2e), " ".join("%.2f" % o for o in reg.overhead),
            statistics.median(reg.overhead), " ".join(reg.loads)))
    paired = [reg for reg in registries if reg.sandbox]
    if paired:
        print()
        print("| its sandbox | JVM CPU ms/invocation, per batch | median | event loop, median |")
        print("|---|---|---:|---:|")
        for reg in paired:
            print("| %s | %s |" % (reg.name, reg.sandbox.cells()))
    print()
    print("| JVM | JIT threads' CPU: start / warm-up / batches | CPU in all | RSS | of it in huge pages |")
    print("|---|---:|---:|---:|---:|")
    for reg in registries:
        for role, jvm in reg.jvms():
            rss, huge = memory(jvm.pid)
            print("| %s %s | %.1f / %.1f / %.1f s | %.1f s | %.0f MB | %.0f MB |" % (
                reg.name, role, jvm.jit["start"] / 1000, jvm.jit["warm-up"] / 1000, jvm.jit["batches"] / 1000,
                cpu(jvm.pid)[0] / 1000, rss, huge))
    print()
    for reg in registries:
        if reg.stages:
            print("%s: its Server-Timing stages over all batches, p50 ms: %s" % (reg.name, ", ".join(
                "%s %.3f" % (stage, statistics.median(durs)) for stage, durs in reg.stages.items())))


if __name__ == "__main__":
    main()
