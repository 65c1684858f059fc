"""POST /api/v1/executions against a running sandbox service, sequentially, one keep-alive
connection: for each run, the HTTP round trip and the run's wall time (to the microsecond from the
answer's Server-Timing header where it has one, else usage.wallMs; see rest_calls.py), and whether
it ran warm. FORM is how the call is made: "json" (default, the plain
call), "key" (the plain call with a fresh Idempotency-Key each time), or "events" (what the registry
sends for a synchronous invocation: a fresh Idempotency-Key and Accept: text/event-stream, timed
until the stream's end, the result taken from its result event). Before each warm sample it waits until the readiness
check shows the pool full again (as the runner benchmark waits for its pool), so a sample never
competes with the previous one's refill. Prints the figures as JSON; asserts nothing.

    python3 rest_latency.py URL TOKEN N [LANGUAGE [FORM]]
"""
import http.client
import json
import sys
import time
import urllib.parse

import rest_calls
from rest_calls import p

url, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
language = sys.argv[4] if len(sys.argv) > 4 else "python"
form = sys.argv[5] if len(sys.argv) > 5 else "json"
if form not in rest_calls.FORMS:
    raise SystemExit("FORM must be json, key or events")
code = {"python": "print(1)", "node": "console.log(1)", "bash": "echo 1"}[language]
parsed = urllib.parse.urlparse(url)
connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
body = json.dumps({"language": language, "code": code})


def warm_sandboxes():
    connection.request("GET", "/q/health/ready")
    answer = json.loads(connection.getresponse().read())
    for check in answer.get("checks", []):
        if check.get("name") == "Sandbox isolation":
            return int(check.get("data", {}).get("warm." + language, 0))
    return 0


def pool_size():
    """The pool's size: the most warm sandboxes seen within a second once one is there."""
    deadline = time.monotonic() + 10
    while warm_sandboxes() < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    most, until = 0, time.monotonic() + 1
    while time.monotonic() < until:
        most = max(most, warm_sandboxes())
        time.sleep(0.01)
    return max(1, most)


FULL = pool_size()


def await_warm():
    """Until the pool is full again: the previous sample's refill and teardown are over."""
    deadline = time.monotonic() + 10
    while warm_sandboxes() < FULL and time.monotonic() < deadline:
        time.sleep(0.002)


def post():
    took, result, wall, _ = rest_calls.post(connection, headers, body, form)
    # The answer does not say whether the run was warm; the stored execution does (not timed).
    connection.request("GET", "/api/v1/executions/" + result["id"], headers=headers)
    stored = json.loads(connection.getresponse().read())
    return took, wall, bool(stored.get("warm"))


for _ in range(5):  # warm-up: class loading, JIT, connection pools
    await_warm()
    post()
http_ms, wall_ms, warm = [], [], 0
for _ in range(n):
    await_warm()
    took, wall, was_warm = post()
    http_ms.append(took)
    wall_ms.append(wall)
    warm += 1 if was_warm else 0
# Back to back, without waiting for the pool: what sequential callers see.
seq_wall, seq_over, seq_warm = [], [], 0
for _ in range(n):
    took, wall, was_warm = post()
    seq_wall.append(wall)
    seq_over.append(took - wall)
    seq_warm += 1 if was_warm else 0
over = sorted(h - w for h, w in zip(http_ms, wall_ms))


def timed(method, path, payload=None, with_token=True):
    start = time.perf_counter()
    connection.request(method, path, body=payload, headers=headers if with_token else {})
    connection.getresponse().read()
    return (time.perf_counter() - start) * 1000


# Floors measured on the same connection: an HTTP answer with no work (liveness), and the REST
# path up to validation (authentication, the permission check, a 400 naming the field), no run, no row.
floor_http = [timed("GET", "/q/health/live", with_token=False) for _ in range(n)]
floor_rest = [timed("POST", "/api/v1/executions", json.dumps({"language": "cobol", "code": "x"})) for _ in range(n)]


print(json.dumps({"n": n, "form": form, "warm": warm, "httpP50": p(http_ms, 50), "wallP50": p(wall_ms, 50), "wallP90": p(wall_ms, 90),
                  "overP50": p(over, 50), "overP90": p(over, 90), "seqWallP50": p(seq_wall, 50),
                  "seqOverP50": p(seq_over, 50), "seqWarm": seq_warm, "liveP50": p(floor_http, 50), "invalidP50": p(floor_rest, 50)}))
