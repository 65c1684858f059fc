"""End-to-end latency of a trivial python tool invocation next to the sandbox's own run time."""
import json
import statistics
import sys
import time
import urllib.request

registry, sandbox, admin, caller, runner = sys.argv[1:6]
RUNS = 200
CODE = "import json,sys; print(json.dumps(json.load(sys.stdin)))"


def post(url, token, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        payload = json.loads(response.read())
    return (time.perf_counter() - start) * 1000, payload


name = f"bench_echo_{int(time.time())}"
post(f"{registry}/api/v1/tools", admin, {
    "name": name, "description": "echo for the latency benchmark",
    "functionSignature": {"type": "object", "properties": {"q": {"type": "string"}}},
    "implementation": {"language": "python", "code": CODE}})

end_to_end, sandbox_wall, direct, failures = [], [], [], []
for i in range(RUNS):
    ms, result = post(f"{registry}/api/v1/tools/{name}/invocations", caller, {"arguments": {"q": str(i)}})
    if result.get("status") != "COMPLETED":
        # Counted and shown, not fatal: one failed run should not void the other measurements.
        failures.append(f"{result.get('sandboxStatus')}: {result.get('error')}")
        continue
    end_to_end.append(ms)
    sandbox_wall.append(result["usage"]["wallMs"])
    ms, run = post(f"{sandbox}/api/v1/executions", runner, {"language": "python", "code": CODE, "stdin": '{"q":"x"}'})
    direct.append(ms)


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


print(f"Trivial python tool, {RUNS} sequential calls (ms)")
print()
print("| measured                                   |   p50 |   p90 |   p99 |")
print("|--------------------------------------------|-------|-------|-------|")
for label, values in [("invocation end to end (REST, registry, sandbox)", end_to_end),
                      ("direct POST /executions to the sandbox", direct),
                      ("sandbox-reported wall time of the run", sandbox_wall)]:
    print(f"| {label:<42} | {pct(values, 50):5.1f} | {pct(values, 90):5.1f} | {pct(values, 99):5.1f} |")
print()
print(f"registry overhead at p50: {statistics.median(end_to_end) - statistics.median(direct):.1f} ms over a direct sandbox call")
print(f"platform overhead at p50 (end to end minus the sandbox-reported run): "
      f"{statistics.median(end_to_end) - statistics.median(sandbox_wall):.1f} ms; "
      f"sandbox REST path over its run: {statistics.median(direct) - statistics.median(sandbox_wall):.1f} ms")
if failures:
    print(f"{len(failures)} of {RUNS} invocations failed: {sorted(set(failures))}")
