"""Paced A/B of the REST path over its run: two sandbox services (two builds, or one build with two
settings) already running side by side, each on its own keep-alive connection. First WARMUP calls
on each, alternately and in the three request forms in turn (the JIT's warm-up: the REST path is
several times slower on a young JVM), then ROUNDS rounds in which each form is called BLOCK times on
one service and then on the other (the service that goes first alternates from round to round),
each call PACE seconds after the last (the previous run's refill and teardown over). For each call
the HTTP round trip minus the run's wall time: to the microsecond from the answer's Server-Timing
header (run;dur=…), else (a stream, or a build from before the header) usage.wallMs, whole
milliseconds cut, which adds about 0.45 ms to the figure; the table says which. Prints a
table (p50 and p90 per form and service, and the p50 of each block, so each pair can be read on its
own), a 400's round trip on each as the floor (authentication, permission check, validation),
and the load average at each round's start; asserts nothing.

    python3 rest_paced.py URL_A URL_B TOKEN [WARMUP [ROUNDS [BLOCK [PACE [LANGUAGE]]]]]

The forms: json (the plain call), key (a fresh Idempotency-Key), events (a fresh key and
Accept: text/event-stream, timed to the stream's end: what the registry sends).
"""
import http.client
import json
import sys
import time
import urllib.parse

import rest_calls
from rest_calls import FORMS, p

urls = sys.argv[1:3]
token = sys.argv[3]
warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 3000
rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
block = int(sys.argv[6]) if len(sys.argv) > 6 else 34
pace = float(sys.argv[7]) if len(sys.argv) > 7 else 0.3
language = sys.argv[8] if len(sys.argv) > 8 else "python"
code = {"python": "print(1)", "node": "console.log(1)", "bash": "echo 1"}[language]
body = json.dumps({"language": language, "code": code})
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}


def connect(url):
    parsed = urllib.parse.urlparse(url)
    return http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)


connections = [connect(url) for url in urls]


exact = {}
stages = {}


def post(connection, form, measured=False):
    """HTTP round trip minus the run's wall time, ms; a measured call's Server-Timing stages kept."""
    took, result, wall, timing = rest_calls.post(connection, headers, body, form)
    s = connections.index(connection)
    exact[(s, form)] = "run" in timing
    if measured:
        for name, dur in timing.items():
            stages.setdefault((s, form, name), []).append(dur)
        stages.setdefault((s, form, "HTTP − total"), []).append(took - timing.get("total", float("nan")))
    return took - wall


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


for i in range(warmup):
    for connection in connections:
        post(connection, FORMS[i % len(FORMS)])
samples = {(s, form): [] for s in range(2) for form in FORMS}
blocks = {(s, form): [] for s in range(2) for form in FORMS}
loads = []
for r in range(rounds):
    loads.append(load())
    for form in FORMS:
        for s in ((0, 1) if r % 2 == 0 else (1, 0)):
            taken = []
            for _ in range(block):
                time.sleep(pace)
                taken.append(post(connections[s], form, measured=True))
            samples[(s, form)] += taken
            blocks[(s, form)].append(p(taken, 50))
loads.append(load())


def refused(connection):
    """A 400 (authentication, the permission check, validation; no run, no row): the path's floor."""
    start = time.perf_counter()
    connection.request("POST", "/api/v1/executions", body=json.dumps({"language": "cobol", "code": "x"}),
                       headers=headers)
    response = connection.getresponse()
    response.read()
    if response.status != 400:
        raise SystemExit("the floor's request answered %d" % response.status)
    return (time.perf_counter() - start) * 1000


floors = [[], []]
for _ in range(block * 3):
    for s in range(2):
        time.sleep(pace / 3)
        floors[s].append(refused(connections[s]))

print("%d warm-up calls per service, then %d rounds of %d calls per form and service, %.0f ms apart; "
      "load average by round: %s" % (warmup, rounds, block, pace * 1000, " | ".join(loads)))
print()
print("| form | service | wall | HTTP − wall p50 | p90 | p50 by block |")
print("|---|---|---|---:|---:|---|")
for form in FORMS:
    for s, label in enumerate(("A", "B")):
        values = samples[(s, form)]
        print("| %s | %s | %s | %.2f ms | %.2f ms | %s |" % (
            form, label, "exact" if exact.get((s, form)) else "wallMs", p(values, 50), p(values, 90),
            ", ".join("%.2f" % v for v in blocks[(s, form)])))
for s, label in enumerate(("A", "B")):
    print("| 400 (floor) | %s | | %.2f ms | %.2f ms | |" % (label, p(floors[s], 50), p(floors[s], 90)))

# The services' own account of the measured calls (Server-Timing, JSON answers only), p50 of each stage.
# The path's order (a build from before a stage simply has none), total and the edge outside it last.
ORDER = ("request", "prepare", "claim", "queue", "run", "runner", "hop", "store", "answer", "total", "HTTP − total")
names = sorted({name for (_, _, name) in stages}, key=lambda n: (ORDER.index(n) if n in ORDER else 8.5, n))
if names:
    print()
    print("| form | service | " + " | ".join(names) + " |")
    print("|---|---|" + "---:|" * len(names))
    for form in FORMS:
        for s, label in enumerate(("A", "B")):
            if any((s, form, name) in stages for name in names):
                print("| %s | %s | %s |" % (form, label, " | ".join(
                    "%.3f" % p(stages[(s, form, n)], 50) if (s, form, n) in stages else "" for n in names)))
